// Path spellings of srt and Claude Code settings, turned into moat pattern
// text that means the same path. Sema then parses the text with relative
// paths resolved against $CWD (as srt and Claude resolve them against the
// launch directory).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace moat::import {

// srt and Claude expand only a leading `~`; a `$` anywhere else in their
// paths is an ordinary character, while moat reads `$NAME` as a variable.
// Escapes every unescaped `$` so the path names what it names there.
std::string literalDollars(std::string_view path);

// A Claude permission-rule path (`Read(P)`, `Edit(P)`) as moat pattern text:
//   //p      -> /p        (absolute)
//   ~/p, ~   -> unchanged (home)
//   /p       -> SETTINGS_DIR/p (relative to the settings file's directory)
//   ./p, p   -> unchanged (relative to the launch directory)
// When `anyDepth` is set, a pattern with no '/' except a trailing one (such
// as `.env` or `*.pem`), which gitignore matches in every directory, becomes
// `**/P` so it does too. Returns nullopt with `error` when `/p` needs a
// settings directory that is unknown.
std::optional<std::string> claudeRulePath(std::string_view spec, std::string_view settingsDir,
                                          bool anyDepth, std::string &error);

// A key that is equal for two pattern texts naming the same path once
// resolved the way sema resolves imported paths (`src/`, `./src` and
// `$CWD/src` agree). Falls back to the text without a trailing '/' when the
// text does not parse (sema reports that).
std::string samePathKey(const std::string &patternText);

} // namespace moat::import
