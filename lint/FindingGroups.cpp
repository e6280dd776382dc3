#include "lint/FindingGroups.h"

#include <fmt/format.h>

namespace moat::lint {

namespace {
constexpr size_t kNamed = 5; // folded names spelled out before "and N others"
}

std::string FindingGroups::Group::message() const {
  std::string m = first;
  if (more.empty())
    return m;
  m += more.size() == 1 ? "; so is " : fmt::format("; so are {} more: ", more.size());
  for (size_t i = 0; i < more.size() && i < kNamed; ++i)
    m += (i ? ", '" : "'") + more[i] + "'";
  if (more.size() > kNamed)
    m += more.size() - kNamed == 1 ? std::string(" and 1 other")
                                   : fmt::format(" and {} others", more.size() - kNamed);
  return m;
}

void FindingGroups::add(SourceLoc loc, const std::string &where, const std::string &name,
                        const std::function<std::string()> &firstMessage) {
  for (Group &g : groups_) {
    if (g.loc == loc && g.where == where) {
      g.more.push_back(name);
      return;
    }
  }
  groups_.push_back(Group{loc, where, firstMessage(), {}});
}

} // namespace moat::lint
