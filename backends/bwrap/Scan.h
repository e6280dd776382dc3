// The build-time scan: bubblewrap cannot mount a glob, so glob rules are
// realised by walking the disk and naming every path that matches now. The
// same walk of the writable trees finds what a mount plan must treat with
// care there: files with several hard links and directories moat cannot
// read. Links are never followed; /proc, /sys and /dev are never entered.
// Nothing else is collected: a plan must not grow with what the host holds
// outside the policy's own trees (bubblewrap refuses more than 9,000
// arguments), which is why unix socket files are the seccomp layer's
// business and not found here.
#pragma once
#include "backends/bwrap/Disk.h"
#include "compiler/fs/Glob.h"
#include "compiler/ir/Policy.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace moat::backends::bwrap {

// One glob rule bound to absolute components.
struct GlobRule {
  const ir::FsRule *rule = nullptr;
  std::string prefix;       // the leading literal components as a path ("/" when none)
  fs::PathGlob full;        // every bound component
  std::string lastLiteral;  // the last component, unescaped, when it is literal ("" if not)
  // The glob without its last component, when that component and the one
  // before it are literal: an existing directory it matches is where the
  // last component belongs (`/**/.git` for `/**/.git/hooks`), so a missing
  // one gets a placeholder.
  std::optional<fs::PathGlob> parent;
  std::string parentLastLiteral; // the parent's last component
  // When the components after the prefix are `**` and then literal names
  // only (`/**/.bashrc`, `/**/.claude/settings.json`): those names as a
  // relative path (".bashrc", ".claude/settings.json"), else "". Such a path
  // belongs directly in the home and launch directories, where it is read,
  // and gets a placeholder there when it does not exist.
  std::string fixedTail;
};

// Compiles a bound glob pattern (root "", glob syntax). Fails only on an
// invalid glob, which sema has already rejected.
std::optional<GlobRule> compileGlobRule(const ir::FsRule &rule, const fs::PathPattern &bound,
                                        std::string &error);

struct WalkRequest {
  std::string root;          // physical absolute path; walked to any depth
  std::vector<size_t> globs; // indices of the GlobRules to match
  bool writable = false;     // collect hard-linked files and unreadable directories
};

struct WalkFindings {
  std::vector<std::pair<size_t, std::string>> matches; // (glob, matching path), nested matches too
  std::vector<std::pair<size_t, std::string>> anchors; // (glob, directory its parent glob matches)
  struct HardLink {
    std::string path;
    Disk::Info info;
  };
  std::vector<HardLink> hardLinks;     // regular files with more than one link
  std::vector<std::string> unreadable; // directories that cannot be listed
  size_t entries = 0;                  // paths examined
};

void walk(const Disk &disk, const std::vector<GlobRule> &globs, const WalkRequest &request,
          WalkFindings &findings);

} // namespace moat::backends::bwrap
