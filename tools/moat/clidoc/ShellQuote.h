// Quoting for the completion scripts: every word the registry gives (an
// option's help, a value) is data, never shell code.
#pragma once
#include <string>

namespace moat::clidoc {

// 'text' for sh, bash, zsh: a single quote becomes '\''.
std::string shellQuote(const std::string &text);
// 'text' for fish, where \ and ' are escaped inside single quotes.
std::string fishQuote(const std::string &text);

} // namespace moat::clidoc
