// The knowledge lint rules use: which paths run code, which hold secrets,
// which hosts carry data out. It lives in documented data files
// (lint/data/*.txt, one entry per line, '#' comments) that are compiled into
// the binary, so extending it is a one-line, reviewable change.
//
// Path lists: `PATH [TAG...] | WHY`
//   PATH  starts with `~/`, `$CWD/`, `$TMPDIR/` or `/`; a trailing `/` marks a
//         directory (a finding means a new file can be created inside it).
//         A path with spaces is written in double quotes:
//         `"~/Library/Application Support/Code/User/settings.json" macos | ...`.
//   TAGS  `linux` / `macos`: only on that platform;
//         `project`: inside the launch directory; reported only when the
//         launch directory itself is not writable (when it is, the user
//         already runs what the agent wrote there: tests, build scripts);
//         `probe=GLOB`: the names inside a directory entry that run code
//         (one component, glob syntax; default `*`, any name), e.g.
//         `probe=*.desktop`. Lint tries a name each glob matches and the
//         names the policy's own rules reach that a glob matches.
//         `data=GLOB`: names inside a directory entry that hold the tool's
//         own data, not programs (pnpm keeps `store` next to the binaries in
//         PNPM_HOME): a policy rule that opens such a name opens no command,
//         so it is not probed.
//   WHY   completes "'PATH' is writable: ..." for the finding's message.
#pragma once
#include "compiler/ir/Policy.h"
#include "compiler/net/Host.h"

#include <string>
#include <string_view>
#include <vector>

namespace moat::lint {

struct PathEntry {
  std::string path; // as written, without the trailing '/'
  bool directory = false;
  bool project = false;
  ir::Platform platform = ir::Platform::Any;
  std::vector<std::string> probes; // for directories: globs of names that run code
  std::vector<std::string> data;   // for directories: globs of names that hold data, not programs
  std::string why;
};

// Parses one list; returns false and sets `error` (naming the line) on a
// malformed entry. Used on the embedded lists (a malformed one aborts: it is
// a build defect) and by tests.
bool parsePathEntries(const std::vector<std::string_view> &lines, std::vector<PathEntry> &out,
                      std::string &error);

const std::vector<PathEntry> &shellStartupFiles(); // data/shell-startup.txt
const std::vector<PathEntry> &pathDirectories();   // data/path-dirs.txt
const std::vector<PathEntry> &gitExecPoints();     // data/git-exec.txt
const std::vector<PathEntry> &agentConfigFiles();  // data/agent-config.txt
const std::vector<PathEntry> &policyFiles();       // data/policy-files.txt
const std::vector<PathEntry> &autostartPaths();    // data/autostart.txt
const std::vector<PathEntry> &secretPaths();       // data/secrets.txt
const std::vector<PathEntry> &containerSockets();  // data/container-sockets.txt
const std::vector<PathEntry> &sessionSockets();    // data/session-sockets.txt
const std::vector<PathEntry> &socketDirectories(); // data/socket-dirs.txt
// Host lists: `HOST[:PORT] | WHY`, a concrete endpoint lint asks the
// evaluator about (port 443 when omitted).
struct HostEntry {
  std::string text; // as written, without the port
  net::CanonicalHost host;
  uint16_t port = 443;
  std::string why;
};
bool parseHostEntries(const std::vector<std::string_view> &lines, std::vector<HostEntry> &out,
                      std::string &error);

const std::vector<HostEntry> &exfilHosts();        // data/exfil-domains.txt
const std::vector<HostEntry> &metadataEndpoints(); // data/metadata-endpoints.txt
const std::vector<HostEntry> &frontingDomains();   // data/fronting-domains.txt
const std::vector<HostEntry> &localServices();     // data/local-services.txt

// Name lists: `NAME | WHY`.
struct NamedEntry {
  std::string name;
  std::string why;
};
bool parseNamedEntries(const std::vector<std::string_view> &lines, std::vector<NamedEntry> &out,
                       std::string &error);
const std::vector<NamedEntry> &riskyCommands(); // data/risky-commands.txt

// Command names probed inside $PATH directories (data/path-commands.txt).
const std::vector<std::string> &pathCommands();

} // namespace moat::lint
