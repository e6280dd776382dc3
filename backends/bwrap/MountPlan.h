// The mount plan: which bubblewrap mounts realise a policy's filesystem rules
// on this disk. It is computed from the reference evaluator's decisions at a
// set of interesting paths (rule paths, glob matches, placeholders, ...) and
// at a generic child of each, so that every path the plan does not name is
// decided like the generic child of its nearest named ancestor.
//
// The sandbox's view of a subtree is one of: hidden (an empty read-only tmpfs
// for a directory, /dev/null bound on a file: the nodev mount makes opening it
// fail), read-only, or read-write. A bubblewrap mount covers a path and
// everything beneath it; later (deeper) mounts override it. The plan never
// gives an access the evaluator denies; where bubblewrap cannot express a
// decision it takes the stricter view and records a Tightening.
#pragma once
#include "backends/bwrap/Disk.h"
#include "compiler/diagnostics/SourceLoc.h"
#include "compiler/eval/Evaluator.h"

#include <string>
#include <vector>

namespace moat::backends::bwrap {

enum class View { Hidden, ReadOnly, ReadWrite };

struct MountOp {
  enum class Kind {
    Bind,      // --bind P P
    RoBind,    // --ro-bind P P
    Tmpfs,     // --tmpfs P (made read-only by a RemountRo after everything beneath is mounted)
    DevNull,   // --ro-bind /dev/null P
    Dev,       // --dev /dev
    Proc,      // --proc /proc
    Symlink,   // --symlink TARGET P
    RemountRo, // --remount-ro P
  };
  Kind kind = Kind::RoBind;
  std::string path;
  std::string target; // Symlink only
  friend bool operator==(const MountOp &a, const MountOp &b) {
    return a.kind == b.kind && a.path == b.path && a.target == b.target;
  }
};

// Why a tightening happened; each has one explanation in the diagnostics.
enum class TightenReason {
  WriteWithoutRead,  // bwrap cannot grant write without read
  DirectoryAndContents, // one mount covers a directory and its contents alike
  SymlinkTarget,     // a link and its target are decided differently
  SymlinkInWritableDir, // a link on the way to a protected path could be replaced
  HardLink,          // a file with several links in a writable tree
  Unreadable,        // a directory moat cannot read in a writable tree
  CannotCreate,      // a missing path whose parent the sandbox cannot write
  PlaceholderDirectory, // a missing directory made a read-only placeholder
  NamesDecidedByGlob, // a glob decides names in a directory apart: new names get the stricter view
};

struct Tightening {
  std::string path; // physical absolute path
  ir::Access access = ir::Access::Write;
  bool subtree = false; // everything beneath, or the path alone
  TightenReason reason = TightenReason::WriteWithoutRead;
  // The rule whose allowance is tightened (nullptr: the default allowed it).
  const ir::FsRule *rule = nullptr;
};

// A path the plan must consider, and why.
struct PlanRequest {
  enum : unsigned {
    Rule = 1,              // a rule's path
    GlobMatch = 2,         // an existing path a glob rule matches
    Placeholder = 4,       // a protected path that may not exist yet
    DirectoryPlaceholder = 8, // ... and is a directory when it exists
    HardLink = 16,         // a regular file with more than one link in a writable tree
    Unreadable = 32,       // a directory in a writable tree that cannot be listed
    ProcEntry = 64,        // an entry of /proc to hide
  };
  std::string path; // normalised absolute path (lexical)
  unsigned why = 0;
};

struct Plan {
  std::vector<MountOp> ops; // in bwrap order
  std::vector<Tightening> tightenings;
  // Every path bwrap creates on the host at launch (an empty file or
  // directory it mounts a placeholder on): the launcher removes them when
  // the sandbox ends.
  std::vector<std::string> placeholders;
  std::vector<std::string> errors;        // the plan cannot be built (nothing may be emitted)
};

// Probe names for "a child the plan does not name": every one must get the
// same decision for the generic view to be that decision.
const std::vector<std::string> &genericChildNames();

Plan planMounts(const eval::Evaluator &evaluator, const Disk &disk, const std::vector<PlanRequest> &requests);

} // namespace moat::backends::bwrap
