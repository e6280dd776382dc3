// Text into HTML: every string that comes from a policy (paths, hosts,
// comments, file names, messages) goes through escapeHtml before it reaches
// the page, so a policy cannot add markup, attributes or scripts to it.
#pragma once
#include <string>
#include <string_view>

namespace moat::report {

// `&`, `<`, `>`, `"` and `'` escaped (safe in text and in quoted attribute
// values); bytes that are not valid UTF-8 and control characters other
// than tab and newline replaced (U+FFFD) so the page stays well-formed.
std::string escapeHtml(std::string_view text);

// escapeHtml, with each `...` pair set as <code>: the diff's descriptions
// quote rules that way ("allow by a.moat:3:3 `allow write "~"`"). The
// last backtick of a line is the closing one, so a backtick inside the
// quoted rule stays in its code span.
std::string codeSpansToHtml(std::string_view text);

// A fragment id made of [a-z0-9-] only: "rule-" + anchorId("write-path-dir").
std::string anchorId(std::string_view text);

} // namespace moat::report
