// "Allow always": the answer becomes an `allow connect "HOST:PORT";` rule
// in the user layer (docs/managed.md), so the next run allows the host
// without asking. The file is rewritten whole, atomically
// (compiler/support/AtomicFile.h), formatted exactly as `moat fmt` would
// (the rule is added to the policy block and the formatter prints the
// result), and created as `policy "user" { ... }` when it does not exist.
#pragma once
#include "compiler/ir/Policy.h"

#include <cstdint>
#include <optional>
#include <string>

namespace moat::runtime::decide {

// The user layer `moat run` loads when --user is absent:
// $XDG_CONFIG_HOME/moat/user.moat, else $HOME/.config/moat/user.moat ("" when
// neither variable is set to an absolute path).
std::string defaultUserLayerPath();

// Adds the rule that allows exactly HOST:PORT to the .moat file at `path`
// (creating it and its directory). Returns why it could not (the file is
// not .moat, does not parse, has no policy block, cannot be written), in
// which case the file is unchanged.
std::optional<std::string> appendAllowConnect(const std::string &path, const std::string &host, uint16_t port);

// The rule that keeps the user layer (`path`: its file, or the directory of
// the default one) read-only in the sandbox, as the built-in protections
// are (tier always: no allow lifts it). nullopt when the path is not one a
// rule can name (`error` says why).
std::optional<ir::FsRule> userLayerProtection(const std::string &path, std::string &error);

} // namespace moat::runtime::decide
