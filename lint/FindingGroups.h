// Folds a rule's findings that one policy rule causes into one diagnostic:
// "'~/.bashrc' is writable ...; so are 3 more: '~/.zshrc', ..." instead of a
// finding per path. Shared by the path, socket and host probes.
#pragma once
#include "compiler/diagnostics/SourceLoc.h"

#include <functional>
#include <string>
#include <vector>

namespace moat::lint {

class FindingGroups {
public:
  struct Group {
    SourceLoc loc;
    std::string where; // platform suffix; groups differ by it too
    std::string first; // the full message of the first finding
    std::vector<std::string> more;
    // The message with the folded names appended.
    std::string message() const;
  };

  // Adds `name` to the group at (loc, where), or starts one whose message
  // `firstMessage()` builds (called only for a new group).
  void add(SourceLoc loc, const std::string &where, const std::string &name,
           const std::function<std::string()> &firstMessage);
  const std::vector<Group> &groups() const { return groups_; }

private:
  std::vector<Group> groups_;
};

} // namespace moat::lint
