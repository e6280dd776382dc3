// Which files, found new in a write root after a run, will run code outside
// the sandbox the next time a tool on the host reads them. A mount plan
// protects the protected paths that exist when the sandbox starts; it cannot
// protect a `.git/hooks/` or `.vscode/tasks.json` the command creates in a
// new directory (`git init sub`). Those are caught after the run instead
// (ExitSweep.h), and this file says which of them matter:
//
//  * every file the policy protects from writing (shell startup files,
//    .envrc, MCP and agent settings, editor settings and tasks, .npmrc, ...),
//    except two that a plain `git init`/`git clone` must be able to write:
//  * a repository's `config` only when it sets a key that makes git run a
//    command (core.fsmonitor, core.hooksPath, core.sshCommand, filter.*,
//    ... see kCommandKeys), or when it cannot be read as git config at all;
//  * a file in a repository's `hooks/` only when it is a hook git would run
//    (not one of the `*.sample` files `git init` writes).
// An empty regular file is never quarantined: it runs nothing, and it is
// what bubblewrap's placeholders are (mount points a concurrent run may be
// using while this run sweeps or watches).
#pragma once
#include <cstddef>
#include <string>

namespace moat::runtime {

enum class Verdict { Keep, Quarantine };

struct Classification {
  Verdict verdict = Verdict::Keep;
  std::string why; // for Quarantine: what it would run, in words
};

// `path` is a file the policy protects from writing that changed during the
// run. Repository config files and .gitmodules are read when they are
// regular files (never through a link, never a FIFO that would block, at
// most kMaxConfigBytes); anything else in their place is quarantined.
Classification classifyProtectedFile(const std::string &path);
inline constexpr size_t kMaxConfigBytes = 1 << 20;

// The git config text sets a key that runs a command (or does not parse):
// the key, else "".
std::string commandRunningGitKey(const std::string &configText);

} // namespace moat::runtime
