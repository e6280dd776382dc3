#include "lint/RuleDocs.h"

#include <algorithm>
#include <utility>

namespace moat::lint {

namespace {
const std::pair<const char *, const char *> kPages[] = {
#include "generated/lint/rule-docs.inc"
};

// The ids a family page lists on its first line, `<!-- ids: a b c -->`.
std::vector<std::string_view> familyIds(std::string_view text) {
  constexpr std::string_view open = "<!-- ids:", close = "-->";
  std::vector<std::string_view> ids;
  if (text.substr(0, open.size()) != open)
    return ids;
  std::string_view rest = text.substr(open.size());
  rest = rest.substr(0, std::min(rest.find(close), rest.find('\n')));
  while (!rest.empty()) {
    size_t start = rest.find_first_not_of(" \t");
    if (start == std::string_view::npos)
      break;
    rest.remove_prefix(start);
    size_t end = std::min(rest.find_first_of(" \t"), rest.size());
    ids.push_back(rest.substr(0, end));
    rest.remove_prefix(end);
  }
  return ids;
}
} // namespace

std::optional<std::string_view> ruleDocs(std::string_view ruleId) {
  for (const auto &[id, text] : kPages)
    if (ruleId == id)
      return std::string_view(text);
  for (const auto &[id, text] : kPages)
    for (std::string_view member : familyIds(text))
      if (member == ruleId) {
        // The ids line is for lookups, not for readers.
        std::string_view page(text);
        return page.substr(std::min(page.find('\n') + 1, page.size()));
      }
  return std::nullopt;
}

std::vector<std::string_view> documentedRules() {
  std::vector<std::string_view> ids;
  for (const auto &[id, text] : kPages) {
    std::vector<std::string_view> members = familyIds(text);
    if (members.empty())
      ids.emplace_back(id);
    else
      ids.insert(ids.end(), members.begin(), members.end());
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

} // namespace moat::lint
