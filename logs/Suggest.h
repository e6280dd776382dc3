// `moat log --suggest`: the policy lines that would have allowed what a log
// shows blocked, each announced with what `moat check` reports on it.
//
// The output is one complete .moat policy, formatted as `moat fmt` writes
// it: the given policy (--policy, a .moat file) or an empty one, with a
// line per distinct blocked target added at the end of its policy block:
//
//   connect      allow connect "HOST:PORT";
//   unix-socket  allow unix-socket "PATH";
//   quarantine   always allow write file "PATH" because "...";
//                (the only way to lift a built-in protection)
//
// Paths under the working directory are written `$CWD/...`, under $HOME
// `~/...`, so the rule (and lint's model of the machine) read them as the
// project's and the user's. Refusals no policy line can lift (moat's own
// guards: malformed names, a TLS name that does not match, limits, relative
// socket paths, unknown kinds such as a later version's) get no line, only
// a comment saying why.
//
// The findings are lint's, run on the very text printed, as `moat check`
// runs it on a file alone (no managed layer, no .moat.yaml; the policy's
// own suppression comments count): each added
// line is preceded by `# would trip ID (SEVERITY): MESSAGE` comments, or
// `# trips no finding`; findings elsewhere (the policy as it stands, a
// folded repeat's first location) are listed at the top. The text is
// linted again after the comments are in, and must report exactly what
// was announced, or nothing is printed.
#pragma once
#include "logs/LogEvent.h"

#include <optional>
#include <string>
#include <vector>

namespace moat::logs {

struct SuggestOptions {
  std::string logName;    // for the header comment
  std::string policyPath; // "" : an empty policy
  std::string cwd, home;  // where $CWD and ~ are ("" : not used)
};

// The policy text, or nullopt with `error` (a policy that does not load or
// format; already reported as diagnostics in `error`).
std::optional<std::string> suggestPolicy(const std::vector<LogEvent> &events, const SuggestOptions &options,
                                         std::string &error);

} // namespace moat::logs
