// Paths as sandbox-runtime and Claude Code settings write them. Both tools
// expand a leading `~`, resolve relative paths against the launch directory
// and take everything else literally (a `$` is an ordinary character there),
// so a moat pattern can keep the roots HOME (`~/...`) and CWD (`./...`)
// symbolic; every other root (TMPDIR, a `let` variable whose value does not
// reach HOME, CWD or `/`) needs a value from --define.
#pragma once
#include "backends/Backend.h"
#include "compiler/fs/PathPattern.h"

#include <optional>
#include <string>

namespace moat::backends::sandbox {

// `pattern` with its root rewritten to one the settings can name: "" (an
// absolute path), HOME or CWD. A root given with --define becomes its
// absolute value; a `let` variable without one is replaced by its value,
// recursively. Exact patterns stay Exact (callers decide what to do with
// them: the settings have no exact-file form). Fails with `error` for a root
// that needs --define.
std::optional<fs::PathPattern> settingsPattern(const ir::Policy &policy, const BuildOptions &options,
                                               const fs::PathPattern &pattern, std::string &error);

// The settings spelling of a pattern whose root is "", HOME or CWD:
// "/etc/x", "~", "~/.ssh", ".", "./build", "./**/*.pem". Literal names
// escape glob metacharacters with a backslash; `$` is written as itself
// (the settings read it literally, and moat's importer escapes it back).
std::string settingsText(const fs::PathPattern &pattern);

} // namespace moat::backends::sandbox
