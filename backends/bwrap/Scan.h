// The build-time scan: bubblewrap cannot mount a glob, so glob rules are
// realised by walking the disk and naming every path that matches now. The
// same walk of the writable trees finds what a mount plan must treat with
// care there: files with several hard links, directories moat cannot read,
// and unix socket files. Links are never followed; /proc, /sys and /dev are
// never entered.
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
  // The glob without its last component, when that component is literal:
  // an existing directory it matches is where the last component belongs
  // (`/**/.git` for `/**/.git/hooks`), so a missing one gets a placeholder.
  std::optional<fs::PathGlob> parent;
  std::string parentLastLiteral; // the parent's last component when literal
  // The components after the prefix are `**` and one literal name
  // (`/**/.bashrc`): the name belongs directly in the home and launch
  // directories rather than in some existing directory.
  bool nameAtAnyDepth = false;
};

// Compiles a bound glob pattern (root "", glob syntax). Fails only on an
// invalid glob, which sema has already rejected.
std::optional<GlobRule> compileGlobRule(const ir::FsRule &rule, const fs::PathPattern &bound,
                                        std::string &error);

struct WalkRequest {
  std::string root;              // physical absolute path
  std::vector<size_t> globs;     // indices of the GlobRules to match
  bool writable = false;         // collect hard-linked files and unreadable directories
  bool sockets = false;          // collect unix socket files
  int maxDepth = -1;             // levels below the root to enter; -1: no limit
  std::vector<std::string> skip; // subtrees another walk covers
};

struct WalkFindings {
  std::vector<std::pair<size_t, std::string>> matches; // (glob, matching path), nested matches too
  std::vector<std::pair<size_t, std::string>> anchors; // (glob, directory its parent glob matches)
  std::vector<std::string> sockets;
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
