// Placeholders are shared by every `moat run` in a directory. Each run's
// bubblewrap makes empty files and directories on the host for protected
// paths that do not exist (.mcp.json, .claude, ...) and mounts over them.
// Two runs in one launch directory meet each other's placeholders:
//
//  * planning: a placeholder another run made looks like an existing file
//    to pin, and vanishes when that run ends, failing bubblewrap. Planned
//    through OthersPlaceholdersMissing they read as missing, as they are
//    for the user, and get this run's own placeholder mount (bubblewrap
//    makes the mount point only if it is gone).
//  * removal: unlinking a path that is a mount point in another mount
//    namespace detaches that mount (Linux >= 3.18), so a run that removed
//    its placeholders while another run still used them would take that
//    run's protection away mid-run. A placeholder some live session lists
//    is left for the last one to remove (RuntimeDir.h).
#pragma once
#include "backends/bwrap/Disk.h"

#include <set>
#include <string>

namespace moat::runtime::linux_platform {

// Every placeholder listed by a live session under `base`, except the
// session directory `self` ("" for none).
std::set<std::string> livePlaceholders(const std::string &base, const std::string &self);

// The real disk, on which `hidden` paths read as missing.
class OthersPlaceholdersMissing final : public backends::bwrap::Disk {
public:
  OthersPlaceholdersMissing(const Disk &real, std::set<std::string> hidden)
      : real_(real), hidden_(std::move(hidden)) {}
  Info lstat(const std::string &path) const override;
  std::optional<std::string> readlink(const std::string &path) const override;
  std::optional<std::vector<std::string>> list(const std::string &path) const override;
  std::optional<std::vector<Entry>> listEntries(const std::string &path) const override;
  bool userCanCreateIn(const std::string &dir) const override { return real_.userCanCreateIn(dir); }

private:
  bool hidden(const std::string &dir, const std::string &name) const;
  const Disk &real_;
  std::set<std::string> hidden_;
};

} // namespace moat::runtime::linux_platform
