// The rule docs (docs/rules/<id>.md, compiled into the binary) as HTML for
// the report page. Only the Markdown those pages use: headings, paragraphs,
// bullet and numbered lists, fenced code, tables (kept as preformatted
// text), `code`, **bold** and links. A link to another rule's page becomes
// an in-page anchor when the page is in the report; every other link keeps
// its text only, so the report never points outside itself.
#pragma once
#include <set>
#include <string>
#include <string_view>

namespace moat::report {

// `inPage` holds the rule ids whose docs the page carries (anchor
// "rule-<id>"). Headings start at <h3>.
std::string markdownToHtml(std::string_view markdown, const std::set<std::string> &inPage);

} // namespace moat::report
