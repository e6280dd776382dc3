// Depfiles: the one line of Makefile syntax (`OUT: IN1 IN2 ...`) that tells a
// build system (Ninja, Make, CMake's DEPFILE) which files an output was made
// from, so that editing a file a policy includes rebuilds the profile.
//
// Ninja, GNU Make and CMake each parse this syntax with their own lexer, and
// they agree only on a small alphabet: letters, digits, `+?"'&,/_:.~(){}%=@[]!-`
// and bytes >= 0x80 stand for themselves, a space is written `\ `, `#` is
// `\#` and `$` is `$$`. Anything else (a backslash, a tab, a newline, `*`,
// `;`, `|`, `<`, `>`, `^`, a backquote, a control byte, a trailing `:`)
// either ends the path or means something else to one of them. Such a path
// is refused rather than written in a form some reader would split or
// truncate: a depfile that silently names the wrong file is a stale build.
#pragma once
#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/StringRef.h>

#include <optional>
#include <string>

namespace moat {

// The depfile saying `target` depends on `inputs` (in that order; a path
// listed twice, such as a file included from two places, is written once),
// newline terminated. nullopt when a path cannot be written; `error` then names it
// and the character in the way.
std::optional<std::string> depfileText(llvm::StringRef target, llvm::ArrayRef<std::string> inputs,
                                       std::string &error);

} // namespace moat
