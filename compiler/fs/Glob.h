// Glob syntax and matching for path patterns (gitignore-like, over path
// components). One component's glob is a sequence of tokens:
//
//   *      any run of bytes inside one component, including none, and
//          including a leading '.': `*` matches dot-files (unlike a shell)
//   ?      exactly one byte
//   [...]  one byte from a class: `[abc]`, ranges `[a-z]`, negation `[!a]`
//          or `[^a]`; a `]` right after `[` (or `[!`) is literal; `\` escapes
//   \c     the byte c, literally
//   **     (only as a whole component) zero or more whole components
//
// Names are byte strings: `?` and classes match single bytes, as fnmatch(3)
// does in the C locale. POSIX classes such as `[[:digit:]]` are rejected with
// an error rather than silently misread.
#pragma once
#include "compiler/fs/PathPattern.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moat::fs {

struct GlobToken {
  enum class Kind { Literal, AnyRun, AnyByte, Class };
  Kind kind = Kind::Literal;
  unsigned char byte = 0;                               // Literal
  bool negated = false;                                 // Class
  std::vector<std::pair<unsigned char, unsigned char>> ranges; // Class, inclusive

  bool matchesByte(unsigned char c) const;
};

// Tokenises one component written in glob syntax (never "**", which callers
// handle as a whole component). Errors name the problem and contain "glob".
std::optional<std::vector<GlobToken>> parseGlobComponent(std::string_view component,
                                                         std::string &error);

// Canonical glob spelling of tokens (re-parses to the same tokens): literal
// metacharacters escaped, negation written `!`.
std::string formatGlobComponent(const std::vector<GlobToken> &tokens);

// Escapes a literal name so that it reads back as itself in glob syntax:
// `*`, `?`, `[`, `\` and `$` get a backslash.
std::string escapeGlobLiteral(std::string_view name);

// Removes escapes from a component that has no unescaped metacharacter.
std::string unescapeGlobLiteral(std::string_view component);

// One compiled component: either a literal name or tokens.
class ComponentGlob {
public:
  static std::optional<ComponentGlob> compile(std::string_view component, std::string &error);
  bool matches(std::string_view name) const;
  bool isDoubleStar() const { return doubleStar_; }
  bool isLiteral() const { return literal_; }
  const std::string &literal() const { return name_; } // when isLiteral()

private:
  bool doubleStar_ = false;
  bool literal_ = false;
  std::string name_;
  std::vector<GlobToken> tokens_;
};

// A whole pattern's components (glob syntax) compiled for matching against
// the components of a normalised absolute path. `**` is matched by a
// position-set simulation (no backtracking), so the cost is at most
// O(pattern components x path components) whatever the pattern.
class PathGlob {
public:
  static std::optional<PathGlob> compile(const std::vector<std::string> &components,
                                         std::string &error);
  // Does the pattern match path[start..)? With `coverDescendants`, it also
  // matches when it matches any ancestor path[start..k) (a pattern that
  // names a directory covers everything beneath it).
  bool matches(const std::vector<std::string_view> &path, size_t start,
               bool coverDescendants) const;
  size_t size() const { return components_.size(); }
  const std::vector<ComponentGlob> &components() const { return components_; }

private:
  std::vector<ComponentGlob> components_;
};

// A bound pattern (root "", components in the syntax of its form) compiled
// for matching the components of normalised absolute paths. Its leading
// literal components form a prefix that callers may index by (the
// evaluator's trie); the rest is a PathGlob.
class PatternMatcher {
public:
  // Fails for an unbound pattern (root not "") or an invalid glob.
  static std::optional<PatternMatcher> compile(const PathPattern &bound, std::string &error);
  // Unescaped leading literal components (all of them unless Glob).
  const std::vector<std::string> &literalPrefix() const { return prefix_; }
  PatternForm form() const { return form_; }
  // Full test: Subtree and Glob cover everything beneath what they match,
  // Exact matches only the path itself.
  bool matches(const std::vector<std::string_view> &path) const;
  // The same test when the caller already knows path starts with
  // literalPrefix() (the trie walk guarantees it).
  bool matchesAfterPrefix(const std::vector<std::string_view> &path) const;
  // Does the pattern match the path ITSELF, not only an ancestor directory
  // of it (docs/semantics.md, "Specificity": the match class)? Subtree and
  // Exact: the path is the pattern's path. Glob: the glob's stem (trailing
  // `**` components removed: `/a/**` covers what the subtree `/a` covers)
  // matches the whole path. Only meaningful when matches(path) is true.
  bool matchesSelf(const std::vector<std::string_view> &path) const;
  // A literal component after the prefix (the longest one; unescaped) that
  // any matching path must contain at or after literalPrefix().size():
  // indexes such as `/**/.bashrc` by ".bashrc". Empty when there is none.
  const std::string &requiredLiteral() const { return required_; }

private:
  PatternForm form_ = PatternForm::Subtree;
  std::vector<std::string> prefix_;
  std::string required_;
  std::optional<PathGlob> rest_; // Glob only: components after the prefix
  std::optional<PathGlob> stem_; // Glob only: rest_ without trailing `**`
};

// Matches one component's glob (glob syntax) against a name; false when the
// glob is invalid. Convenience for tests and one-off checks.
bool matchComponent(std::string_view glob, std::string_view name);

// Does a bound pattern (root "", see eval::bindPatternParts) match a
// normalised absolute path? Subtree and Glob patterns cover everything
// beneath what they match; Exact patterns match only the path itself.
// False for an unbound pattern or an invalid path.
bool patternMatchesPath(const PathPattern &bound, std::string_view absPath);

} // namespace moat::fs
