// The three output forms of the bwrap target, all from one argument list:
// NUL-terminated arguments for `bwrap --args FD` (the default), a POSIX
// shell script, and JSON (the arguments plus what the plan could not
// express, for tools and tests).
#pragma once
#include "backends/bwrap/MountPlan.h"

#include <string>
#include <vector>

namespace moat::backends::bwrap {

// One option and its operands, e.g. {"--ro-bind", "/", "/"}.
using ArgGroup = std::vector<std::string>;

// What a launcher may change in the arguments (the defaults are the bwrap
// target's own output).
struct RenderOptions {
  // Bound over a missing protected file. /dev/null needs no file of its
  // own, but a nodev mount makes it unreadable (EACCES), and tools that read
  // an optional file (~/.gitconfig) then fail; `moat run` gives an empty
  // read-only file of its session instead.
  std::string placeholderFile = "/dev/null";
  // --new-session stops TIOCSTI for a bare profile; `moat run` keeps the
  // terminal (job control, /dev/tty) and refuses TIOCSTI with seccomp.
  bool newSession = true;
};

// The isolation options every sandbox gets, then the mounts in plan order.
std::vector<ArgGroup> argumentGroups(const Plan &plan, const RenderOptions &options = {});

std::string renderNul(const std::vector<ArgGroup> &groups);
// Quotes a word for POSIX sh: unchanged when it is made of safe characters,
// else in single quotes with each ' written as '\''.
std::string shellQuote(const std::string &word);
std::string renderShell(const std::vector<ArgGroup> &groups);

// Extra facts for the JSON form.
struct JsonReport {
  struct Tightened {
    std::string path, access, scope, reason, rule;
  };
  struct Uncovered {
    std::string pattern, access, effect, rule;
  };
  std::vector<Tightened> tightened;
  std::vector<Uncovered> uncovered;
};
std::string renderJson(const std::vector<ArgGroup> &groups, const Plan &plan, const JsonReport &report);

} // namespace moat::backends::bwrap
