// Prints a `git { }` block's IR back in .moat syntax, one statement per
// line, for `moat layers`, `moat diff` and findings (RuleText.h does the
// same for rules).
#pragma once
#include "compiler/ir/Policy.h"

#include <string>

namespace moat::ir {

// `remote "https://github.com/org/repo" fetch` (the canonical URL)
std::string gitRemoteText(const GitRemote &remote);
// `push "refs/heads/agent/*"`
std::string gitPushText(const GitRefPattern &pattern);
// `token env "GITHUB_TOKEN"` / `token file "~/.config/t"`, then
// `; user "NAME"` when the user is not the default
std::string gitTokenText(const GitToken &token);

} // namespace moat::ir
