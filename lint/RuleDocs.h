// The docs page of each id moat can print (docs/rules/<id>.md), compiled in
// for `moat explain`. A family page covers several ids that share one
// explanation (input errors, syntax errors, ...): its first line is
//   <!-- ids: file-unreadable unknown-input-kind invalid-encoding -->
// and `moat explain` finds it by any of them (and prints it without that
// line). docs/rules/README.md says
// which ids get a page of their own.
#pragma once
#include <optional>
#include <string_view>
#include <vector>

namespace moat::lint {

std::optional<std::string_view> ruleDocs(std::string_view ruleId);
// Every id with a page (own or family), sorted.
std::vector<std::string_view> documentedRules();

} // namespace moat::lint
