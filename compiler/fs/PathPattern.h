// Filesystem path patterns: a symbolic root plus normalised components.
//
//   "/usr/lib"        root "",       subtree  (the path and everything beneath)
//   file "~/.netrc"   root "HOME",   exact    (only that path)
//   "$CWD/**/*.pem"   root "CWD",    glob     (gitignore-style; a glob that
//                                              matches a directory covers
//                                              everything beneath it too)
//
// Roots: "" (absolute), HOME (`~` or `$HOME`), CWD, TMPDIR, or a user `let`
// variable. They stay symbolic until bound (evaluator, backends).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moat::fs {

enum class PatternForm { Subtree, Exact, Glob };

struct PathPattern {
  std::string root;                    // "" = absolute path
  // After the root; no "", ".", "..". For Glob patterns every component is
  // in glob syntax (a literal `*` is written `\*`, see fs/Glob.h); for
  // Subtree and Exact patterns they are plain names.
  std::vector<std::string> components;
  PatternForm form = PatternForm::Subtree;

  // Canonical spelling: "/usr/lib", "~/.ssh", "$CWD/**/*.pem". Exact-file
  // patterns print the same as subtrees; callers add `file`.
  std::string text() const;
  bool isGlob() const { return form == PatternForm::Glob; }
  friend bool operator==(const PathPattern &a, const PathPattern &b) {
    return a.root == b.root && a.components == b.components && a.form == b.form;
  }
};

// Parses and validates a path pattern as written in a policy.
//  - `~`, `~/x`, `$HOME`, `$NAME/x` give a symbolic root; `$NAME` may only
//    start a pattern, and NAME must be [A-Za-z_][A-Za-z0-9_]*.
//  - `relativeBase` is the root for relative patterns ("." / "x/y"): srt and
//    Claude resolve them against the launch directory ("CWD"). Empty means
//    relative patterns are an error (.moat files require explicit roots). An
//    absolute directory ("/srv/proj") is also accepted as a base.
//  - `.` and `..` are resolved lexically (escaped or not); `..` may not climb
//    above the root nor follow a glob component; consecutive `**` merge.
//  - Rejects NUL, newlines and other control characters, empty patterns,
//    `~user`, a `$NAME` after the start (`\$` is a literal dollar), invalid
//    globs (unbalanced `[`, `**` not a whole component, a trailing
//    backslash, empty ranges, `[:class:]`) with a reason in `error`; reasons
//    about globs contain the word "glob", others do not.
//  - `exactFile` gives PatternForm::Exact and rejects globs ("'file' takes a
//    literal path, not a glob").
std::optional<PathPattern> parsePathPattern(std::string_view text, bool exactFile,
                                            std::string_view relativeBase, std::string &error);

// True when a component (in glob syntax) has an unescaped glob
// metacharacter (`*`, `?`, `[`).
bool hasGlobChars(std::string_view component);

// Lexically normalises an absolute path: collapses `//`, `.` and `..` (`/..`
// is `/`, as for the kernel). Returns nullopt for relative paths or paths
// with NUL / control characters. Paths are not patterns: `*` is a byte.
std::optional<std::string> normaliseAbsolute(std::string_view path);

// Splits a normalised absolute path into components ("/" -> {}).
std::vector<std::string_view> splitPath(std::string_view absPath);

} // namespace moat::fs
