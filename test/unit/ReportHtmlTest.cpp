// The report page's text handling (report/HtmlText.h, report/DocsMarkdown.h):
// escaping, and the Markdown subset the rule docs use, including what the
// renderer must never produce (raw markup from the text, links out of the
// page, an unterminated element on malformed input).
#include "lint/RuleDocs.h"
#include "report/DocsMarkdown.h"
#include "report/HtmlText.h"

#include <gtest/gtest.h>

using namespace moat::report;

TEST(ReportHtml, EscapesMarkupQuotesAndAmpersands) {
  EXPECT_EQ(escapeHtml("<script>a('x') & \"y\"</script>"),
            "&lt;script&gt;a(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
  EXPECT_EQ(escapeHtml("plain ~/.ssh"), "plain ~/.ssh");
}

TEST(ReportHtml, ReplacesInvalidUtf8AndControlCharacters) {
  EXPECT_EQ(escapeHtml(std::string("a\xff" "b")), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(escapeHtml(std::string("a\x01" "b\tc\n", 6)), "a\xEF\xBF\xBD" "b\tc\n");
}

TEST(ReportHtml, CodeSpansKeepTheirContentEscaped) {
  EXPECT_EQ(codeSpansToHtml("allow by a.moat:3:3 `allow write \"<x>\"`"),
            "allow by a.moat:3:3 <code>allow write &quot;&lt;x&gt;&quot;</code>");
  // The last backtick closes: one inside the rule stays in the span.
  EXPECT_EQ(codeSpansToHtml("by `deny read \"a`b\"`"), "by <code>deny read &quot;a`b&quot;</code>");
  EXPECT_EQ(codeSpansToHtml("no span ` here"), "no span ` here");
}

TEST(ReportHtml, AnchorIdsUseOnlySafeCharacters) {
  EXPECT_EQ(anchorId("write-path-dir"), "write-path-dir");
  EXPECT_EQ(anchorId("A\"><x"), "a---x");
}

TEST(ReportMarkdown, BlocksAndInlines) {
  std::string html = markdownToHtml("# title\n\n**Severity:** error\n\nsome `co<de>` and\na [link](x.md).\n\n"
                                    "* one\n  continued\n* two\n\n1. first\n2. second\n\n```sh\na < b\n```\n"
                                    "| a | b |\n|---|---|\n",
                                    {});
  EXPECT_EQ(html, "<h3>title</h3>\n"
                  "<p><strong>Severity:</strong> error</p>\n"
                  "<p>some <code>co&lt;de&gt;</code> and a link.</p>\n"
                  "<ul>\n<li>one continued</li>\n<li>two</li>\n</ul>\n"
                  "<ol>\n<li>first</li>\n<li>second</li>\n</ol>\n"
                  "<pre><code>a &lt; b\n</code></pre>\n"
                  "<pre class=\"md-table\">| a | b |\n|---|---|\n</pre>\n");
}

TEST(ReportMarkdown, LinksStayInsideThePage) {
  // A rule page the report carries becomes an anchor; anything else keeps
  // its text only.
  std::string html = markdownToHtml("see [a](write-path-dir.md), [b](../semantics.md#x) and "
                                    "[c](https://example.com/\"><script>)",
                                    {"write-path-dir"});
  EXPECT_EQ(html, "<p>see <a href=\"#rule-write-path-dir\">a</a>, b and c</p>\n");
}

TEST(ReportMarkdown, MalformedInputStillClosesEveryElement) {
  EXPECT_EQ(markdownToHtml("**bold never closed", {}), "<p>**bold never closed</p>\n");
  EXPECT_EQ(markdownToHtml("```\ncode never closed", {}), "<pre><code>code never closed\n</code></pre>\n");
  EXPECT_EQ(markdownToHtml("[text](no close", {}), "<p>[text](no close</p>\n");
  EXPECT_EQ(markdownToHtml("<!-- ids: a b -->\n<b>raw</b>", {}), "<p>&lt;b&gt;raw&lt;/b&gt;</p>\n");
}

TEST(ReportMarkdown, EveryRulePageRendersWithoutRawMarkup) {
  for (std::string_view id : moat::lint::documentedRules()) {
    auto page = moat::lint::ruleDocs(id);
    ASSERT_TRUE(page) << id;
    std::string html = markdownToHtml(*page, {});
    EXPECT_EQ(html.find("<script"), std::string::npos) << id;
    EXPECT_EQ(html.find("href=\"http"), std::string::npos) << id;
    EXPECT_NE(html.find("<h3>"), std::string::npos) << id;
  }
}
