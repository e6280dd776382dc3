// The docs page of each rule (docs/rules/<rule-id>.md), compiled in.
#pragma once
#include <optional>
#include <string_view>
#include <vector>

namespace moat::lint {

std::optional<std::string_view> ruleDocs(std::string_view ruleId);
std::vector<std::string_view> documentedRules();

} // namespace moat::lint
