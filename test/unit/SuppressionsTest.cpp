// Inline suppressions: where comments are (.moat and YAML), how a directive
// parses, which line it targets, matching and unused reporting.
#include "lint/FindingContent.h"
#include "lint/SourceComments.h"
#include "lint/Suppressions.h"

#include <gtest/gtest.h>

using namespace moat;
using namespace moat::lint;

namespace {

std::vector<std::pair<uint32_t, std::string>> commentsOf(std::string_view text, CommentSyntax syntax) {
  CommentScan scan(text, syntax);
  std::vector<std::pair<uint32_t, std::string>> out;
  for (const SourceComment &c : scan.comments())
    out.emplace_back(c.line, std::string(c.text));
  return out;
}

using Lines = std::vector<std::pair<uint32_t, std::string>>;

TEST(SourceComments, MoatCommentsOutsideStrings) {
  std::string text = "policy \"p#q\" { # one\n"
                     "  allow read \"a\\\"#b\"; #two\n"
                     "# three\n"
                     "  deny read \"x\";\n";
  EXPECT_EQ(commentsOf(text, CommentSyntax::Moat), (Lines{{1, " one"}, {2, "two"}, {3, " three"}}));
  CommentScan scan(text, CommentSyntax::Moat);
  EXPECT_EQ(scan.code(1), "policy \"p#q\" { ");
  EXPECT_EQ(scan.code(4), "  deny read \"x\";");
  EXPECT_TRUE(scan.hasCode(1));
  EXPECT_FALSE(scan.hasCode(3));
  EXPECT_EQ(scan.nextCodeLine(2), 4u);
  EXPECT_EQ(scan.nextCodeLine(4), 0u); // the empty line after the last newline holds nothing
  EXPECT_TRUE(scan.comments()[0].ownLine == false);
  EXPECT_TRUE(scan.comments()[2].ownLine);
  EXPECT_EQ(scan.comments()[1].col, 23u);
}

TEST(SourceComments, MoatCrlfAndBom) {
  std::string text = "\xEF\xBB\xBF# head\r\npolicy \"p\" {}\r\n";
  CommentScan scan(text, CommentSyntax::Moat);
  ASSERT_EQ(scan.comments().size(), 1u);
  EXPECT_TRUE(scan.comments()[0].ownLine); // the BOM is not code
  EXPECT_EQ(scan.comments()[0].text, " head");
  EXPECT_EQ(scan.code(2), "policy \"p\" {}");
  EXPECT_FALSE(scan.hasCode(1));
}

TEST(SourceComments, YamlCommentRules) {
  std::string text = "a: b#c   # real\n"                // '#' inside a plain scalar is text
                     "b: \"x # y\"  # after quote\n"      // '#' inside double quotes
                     "c: 'it''s # no' # yes\n"           // '' escape in single quotes
                     "d: don't # plain apostrophe\n"      // a quote inside a plain scalar
                     "e: \"multi\n"                       // a double-quoted scalar spans lines
                     "  # still text\"  # comment\n"
                     "f: [x, 'y # z'] # flow\n";
  EXPECT_EQ(commentsOf(text, CommentSyntax::Yaml),
            (Lines{{1, " real"}, {2, " after quote"}, {3, " yes"}, {4, " plain apostrophe"}, {6, " comment"},
                   {7, " flow"}}));
  CommentScan scan(text, CommentSyntax::Yaml);
  EXPECT_TRUE(scan.hasCode(6)); // the continuation of the quoted scalar
}

TEST(SourceComments, YamlBlockScalarsAreText) {
  std::string text = "key: |\n"
                     "  # text, not a comment\n"
                     "\n"
                     "  more\n"
                     "# a comment again\n"
                     "list:\n"
                     "  - >-\n"
                     "    # text\n"
                     "  # comment\n"
                     "  - k: |2\n"
                     "      # text\n"
                     "    # comment\n";
  EXPECT_EQ(commentsOf(text, CommentSyntax::Yaml),
            (Lines{{5, " a comment again"}, {9, " comment"}, {12, " comment"}}));
}

TEST(SourceComments, JsonHasNone) {
  EXPECT_TRUE(commentsOf("{\"a\": \"# x\"} # y\n", CommentSyntax::None).empty());
  EXPECT_EQ(commentSyntaxOf("p.json", "{}"), CommentSyntax::None);
  EXPECT_EQ(commentSyntaxOf("p.moat", "policy \"p\" {}"), CommentSyntax::Moat);
  EXPECT_EQ(commentSyntaxOf("p.yml", "policy: p"), CommentSyntax::Yaml);
  EXPECT_EQ(commentSyntaxOf("noext", "# c\npolicy: p\n"), CommentSyntax::Yaml);
  EXPECT_EQ(commentSyntaxOf("noext", "policy \"p\" {}\n"), CommentSyntax::Moat);
}

// Hostile text: every comment found lies inside its line, and code() never
// runs past it, whatever the bytes.
TEST(SourceComments, ArbitraryBytes) {
  const char alphabet[] = {'#', '"', '\'', '\\', '\n', '\r', ' ', '\t', '|', '>', '-', ':', '[', ']',
                           '{', '}', ',', '?', 'a', '1', '+', '\xEF', '\xBB', '\xBF'};
  uint32_t seed = 12345;
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    size_t len = (seed >> 8) % 64;
    for (size_t i = 0; i < len; ++i) {
      seed = seed * 1103515245u + 12345u;
      text += alphabet[(seed >> 16) % sizeof alphabet];
    }
    for (CommentSyntax syntax : {CommentSyntax::Moat, CommentSyntax::Yaml}) {
      CommentScan scan(text, syntax);
      for (const SourceComment &c : scan.comments()) {
        ASSERT_GE(c.line, 1u);
        ASSERT_LE(c.line, scan.lineCount());
        // The view points into the text, right after a '#' that ends the code.
        ASSERT_GT(c.text.data(), text.data());
        ASSERT_LE(c.text.data() + c.text.size(), text.data() + text.size());
        ASSERT_EQ(c.text.data()[-1], '#');
        ASSERT_EQ(scan.code(c.line).size(), c.col - 1u);
        ASSERT_EQ(scan.code(c.line).data() + scan.code(c.line).size() + 1, c.text.data());
        ASSERT_EQ(c.text.find('\n'), std::string_view::npos);
      }
      for (uint32_t l = 0; l <= scan.lineCount() + 1; ++l)
        (void)scan.hasCode(l);
    }
    seed = seed * 1103515245u + 12345u;
  }
}

TEST(SuppressionDirective, Parses) {
  DirectiveParse p = parseSuppressionComment(" moat: ignore[write-path-dir, read-secrets]  the reason ");
  ASSERT_TRUE(p.isDirective);
  EXPECT_EQ(p.error, "");
  EXPECT_FALSE(p.missingReason);
  ASSERT_EQ(p.ids.size(), 2u);
  EXPECT_EQ(p.ids[0].first, "write-path-dir");
  EXPECT_EQ(p.ids[0].second, 14u);
  EXPECT_EQ(p.ids[1].first, "read-secrets");
  EXPECT_EQ(p.reason, "the reason");
  EXPECT_TRUE(parseSuppressionComment("moat:ignore [a] r").isDirective);
  EXPECT_EQ(parseSuppressionComment("moat:ignore [a] r").error, "");
}

TEST(SuppressionDirective, ProseIsNotADirective) {
  EXPECT_FALSE(parseSuppressionComment(" a comment").isDirective);
  EXPECT_FALSE(parseSuppressionComment(" moat: this policy is for CI").isDirective);
  EXPECT_FALSE(parseSuppressionComment(" see moat: ignore[x] later").isDirective);
  EXPECT_FALSE(parseSuppressionComment(" Moat: ignore[x] r").isDirective);
}

TEST(SuppressionDirective, Errors) {
  EXPECT_NE(parseSuppressionComment(" moat: ignore write-path-dir r").error.find("expected '['"), std::string::npos);
  EXPECT_NE(parseSuppressionComment(" moat: ignore[a r").error.find("no closing"), std::string::npos);
  EXPECT_NE(parseSuppressionComment(" moat: ignore[a,,b] r").error.find("empty rule id"), std::string::npos);
  EXPECT_NE(parseSuppressionComment(" moat: ignore[] r").error.find("empty rule id"), std::string::npos);
  EXPECT_NE(parseSuppressionComment(" moat: ignore[a, a] r").error.find("listed twice"), std::string::npos);
  EXPECT_NE(parseSuppressionComment(" moat: disable[a] r").error.find("unknown directive 'disable'"),
            std::string::npos);
  EXPECT_TRUE(parseSuppressionComment(" moat: ignore[a]").missingReason);
  EXPECT_TRUE(parseSuppressionComment(" moat: ignore[a]  -- ").missingReason);
  EXPECT_FALSE(parseSuppressionComment(" moat: ignore[a] -- ok").missingReason);
}

TEST(SuppressionRules, Known) {
  EXPECT_TRUE(isSuppressibleRule("write-path-dir"));
  EXPECT_TRUE(isSuppressibleRule("assert-failed"));
  EXPECT_FALSE(isSuppressibleRule("syntax-error"));
  EXPECT_FALSE(isSuppressibleRule("lint-model"));
  EXPECT_EQ(suggestRule("write-path-dirs"), "; did you mean 'write-path-dir'?");
  EXPECT_NE(suggestRule("completely-different").find("moat explain"), std::string::npos);
}

struct Fixture {
  SourceFiles files;
  DiagnosticEngine diags{files};
  CommentIndex comments{files};
  InlineSuppressions sup;
  uint32_t buffer = 0;

  explicit Fixture(std::string text, std::string name = "p.moat") {
    buffer = files.addBuffer(std::move(name), std::move(text));
    ok = sup.read(comments, buffer, diags);
  }
  Diagnostic finding(const char *id, uint32_t line) {
    Diagnostic d;
    d.id = id;
    d.loc = SourceLoc{buffer, line, 3};
    d.message = "m";
    return d;
  }
  bool ok = false;
};

TEST(InlineSuppressions, TargetsAndMatching) {
  Fixture f("policy \"p\" {\n"
            "  # moat: ignore[write-path-dir] tools\n"
            "\n"
            "  # moat: ignore[read-secrets] keys\n"
            "  allow write \"~/.local\";\n"
            "  allow write \"~/bin\"; # moat: ignore[write-autostart, write-path-dir] same line\n"
            "}\n");
  ASSERT_TRUE(f.ok);
  ASSERT_EQ(f.sup.all().size(), 3u);
  EXPECT_EQ(f.sup.all()[0].targetLine, 5u); // blank and comment lines skipped
  EXPECT_EQ(f.sup.all()[1].targetLine, 5u);
  EXPECT_EQ(f.sup.all()[2].targetLine, 6u);
  const InlineSuppression *s = f.sup.match(f.finding("write-path-dir", 5));
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->reason, "tools");
  EXPECT_EQ(f.sup.match(f.finding("write-path-dir", 4)), nullptr);
  EXPECT_EQ(f.sup.match(f.finding("write-git-exec", 5)), nullptr);
  EXPECT_NE(f.sup.match(f.finding("write-path-dir", 6)), nullptr);
  Diagnostic elsewhere = f.finding("write-path-dir", 6);
  elsewhere.loc.buffer = f.buffer + 1;
  EXPECT_EQ(f.sup.match(elsewhere), nullptr);

  f.sup.reportUnused(f.diags, {});
  std::vector<std::string> unused;
  for (const Diagnostic &d : f.diags.diagnostics()) {
    EXPECT_EQ(d.id, "unused-suppression");
    unused.push_back(d.message);
  }
  ASSERT_EQ(unused.size(), 2u);
  EXPECT_NE(unused[0].find("'read-secrets'"), std::string::npos);
  EXPECT_NE(unused[1].find("'write-autostart'"), std::string::npos);
  EXPECT_EQ(f.diags.diagnostics()[1].loc.col, 39u); // at the id in the list
}

TEST(InlineSuppressions, QuietAndDangling) {
  Fixture f("policy \"p\" {}\n# moat: ignore[read-secrets] nothing follows\n");
  ASSERT_TRUE(f.ok);
  EXPECT_EQ(f.sup.all()[0].targetLine, 0u);
  f.sup.reportUnused(f.diags, {"read-secrets"});
  EXPECT_TRUE(f.diags.diagnostics().empty());
  f.sup.reportUnused(f.diags, {});
  ASSERT_EQ(f.diags.diagnostics().size(), 1u);
  EXPECT_NE(f.diags.diagnostics()[0].message.find("no code follows"), std::string::npos);
}

TEST(InlineSuppressions, ErrorsHideNothing) {
  Fixture f("policy \"p\" { # moat: ignore[write-path-dir, no-such-rule] r\n"
            "} # moat: ignore[write-path-dir]\n");
  EXPECT_FALSE(f.ok);
  EXPECT_TRUE(f.sup.all().empty());
  std::vector<std::string> ids;
  for (const Diagnostic &d : f.diags.diagnostics())
    ids.push_back(d.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"unknown-rule-id", "missing-reason"}));
  EXPECT_EQ(f.diags.diagnostics()[0].loc.line, 1u);
  EXPECT_EQ(f.diags.diagnostics()[0].loc.col, 45u);
}

TEST(InlineSuppressions, YamlPolicy) {
  Fixture f("policy: p  # moat: ignore[read-secrets] fine\n"
            "filesystem:\n"
            "  allow:\n"
            "    write:\n"
            "      - \"~/x # moat: ignore[write-path-dir] inside a string\"\n",
            "p.yaml");
  ASSERT_TRUE(f.ok);
  ASSERT_EQ(f.sup.all().size(), 1u);
  EXPECT_EQ(f.sup.all()[0].targetLine, 1u);
}

TEST(FindingContent, CodeWithoutCommentAndSpacing) {
  SourceFiles files;
  uint32_t a = files.addBuffer("a.moat", "policy \"p\" {\n  allow   write\t\"~/x\";   # note\n}\n");
  uint32_t b = files.addBuffer("b.moat", "\n\n\npolicy \"p\" {\nallow write \"~/x\"; # other note\n}\n");
  CommentIndex comments(files);
  Diagnostic da, db;
  da.id = db.id = "write-path-dir";
  da.message = db.message = "msg";
  da.loc = SourceLoc{a, 2, 3};
  db.loc = SourceLoc{b, 5, 1};
  EXPECT_EQ(findingCode(comments, da), "allow write \"~/x\";");
  EXPECT_EQ(findingCode(comments, da), findingCode(comments, db));
  EXPECT_EQ(findingFingerprint(comments, da), findingFingerprint(comments, db));
  EXPECT_EQ(findingFingerprint(comments, da).size(), 32u);
  db.message = "other";
  EXPECT_NE(findingFingerprint(comments, da), findingFingerprint(comments, db));
  Diagnostic none;
  none.id = "x";
  EXPECT_EQ(findingCode(comments, none), "");
}

} // namespace
