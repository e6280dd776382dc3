#include "lint/RuleDocs.h"

#include <utility>

namespace moat::lint {

namespace {
const std::pair<const char *, const char *> kPages[] = {
#include "generated/lint/rule-docs.inc"
};
} // namespace

std::optional<std::string_view> ruleDocs(std::string_view ruleId) {
  for (const auto &[id, text] : kPages)
    if (ruleId == id)
      return std::string_view(text);
  return std::nullopt;
}

std::vector<std::string_view> documentedRules() {
  std::vector<std::string_view> ids;
  for (const auto &page : kPages)
    ids.emplace_back(page.first);
  return ids;
}

} // namespace moat::lint
