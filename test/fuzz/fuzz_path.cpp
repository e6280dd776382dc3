// libFuzzer target: path patterns and globs (compiler/fs).
// Input: one flags byte, the pattern text, optionally a NUL and a path to
// match against. Flags bit 0: `file` (exact) form; bits 1-2 choose the base
// of relative patterns ("", "CWD", "/base/dir", "HOME").
// Besides "no crash", it aborts when
//   - a pattern's text() does not parse back to an equal pattern,
//   - a stored component is "", "." or "..", or a literal one holds '/',
//   - a glob component's tokens do not survive formatGlobComponent,
//   - one component's glob decides differently from fnmatch(3) (C locale,
//     no flags), the behaviour Glob.h documents,
//   - a subtree or exact pattern does not match the path it names, or an
//     exact one matches beneath it,
//   - normaliseAbsolute is not idempotent.
#include "FuzzFail.h"

#include "compiler/fs/Glob.h"
#include "compiler/fs/PathPattern.h"

#include <fnmatch.h>

#include <cstdint>
#include <string>
#include <string_view>

using namespace moat::fs;

namespace {

[[noreturn]] void fail(const char *what, std::string_view input, std::string_view detail) {
  moat::fuzz::failInput("fuzz_path", what, input, detail);
}

// Only what can be a path component on both sides: no empty names, no
// '/', no NUL (fnmatch cannot see past it), and not `**`. Globs that Glob.h
// refuses (fnmatch's [:class:], [=e=], [.c.], unterminated '[') fail to
// compile and are skipped by the caller.
bool comparableWithFnmatch(std::string_view glob, std::string_view name) {
  if (glob.empty() || name.empty() || glob == "**" || name.find('\0') != std::string_view::npos ||
      glob.find('\0') != std::string_view::npos || name.find('/') != std::string_view::npos)
    return false;
  return true;
}

void compareWithFnmatch(std::string_view glob, std::string_view name, std::string_view input) {
  if (!comparableWithFnmatch(glob, name))
    return;
  std::string error;
  auto compiled = ComponentGlob::compile(glob, error);
  if (!compiled)
    return;
  bool ours = compiled->matches(name);
  std::string g(glob), n(name);
  bool theirs = ::fnmatch(g.c_str(), n.c_str(), 0) == 0;
  if (ours != theirs)
    fail(ours ? "glob matches where fnmatch does not" : "glob does not match where fnmatch does",
         input, g + " vs " + n);
}

void checkGlobComponent(const std::string &c, std::string_view input) {
  std::string error;
  auto tokens = parseGlobComponent(c, error);
  if (!tokens)
    fail("a stored glob component does not parse", input, c + ": " + error);
  std::string formatted = formatGlobComponent(*tokens);
  auto again = parseGlobComponent(formatted, error);
  if (!again || formatGlobComponent(*again) != formatted)
    fail("formatGlobComponent does not round-trip", input, c + " -> " + formatted);
  if (!ComponentGlob::compile(c, error))
    fail("a stored glob component does not compile", input, c + ": " + error);
}

void checkPattern(const PathPattern &p, std::string_view input, std::string_view path) {
  for (const std::string &c : p.components) {
    if (c.empty() || c == "." || c == "..")
      fail("a stored component is empty, '.' or '..'", input, p.text());
    if (p.form != PatternForm::Glob && c.find('/') != std::string::npos)
      fail("a literal component holds '/'", input, p.text());
    if (p.form == PatternForm::Glob && c != "**")
      checkGlobComponent(c, input);
  }

  std::string text = p.text();
  std::string error;
  auto again = parsePathPattern(text, p.form == PatternForm::Exact, "", error);
  if (!again)
    fail("pattern text does not parse back", input, text + ": " + error);
  if (!(*again == p))
    fail("pattern does not round-trip", input, text + " -> " + again->text());

  if (!p.root.empty())
    return; // the rest needs a bound (absolute) pattern
  if (p.form != PatternForm::Glob) {
    std::string self;
    for (const std::string &c : p.components)
      self += "/" + c;
    if (self.empty())
      self = "/";
    if (!patternMatchesPath(p, self))
      fail("a literal pattern does not match the path it names", input, self);
    std::string child = (self == "/" ? "" : self) + "/child";
    bool beneath = patternMatchesPath(p, child);
    if (p.form == PatternForm::Exact && beneath)
      fail("an exact pattern matches beneath its path", input, child);
    if (p.form == PatternForm::Subtree && !beneath)
      fail("a subtree pattern does not match beneath its path", input, child);
  }
  if (auto abs = normaliseAbsolute(path)) {
    (void)patternMatchesPath(p, *abs);
    if (p.form == PatternForm::Glob) {
      std::vector<std::string_view> names = splitPath(*abs);
      size_t n = 0;
      for (const std::string &c : p.components)
        for (std::string_view name : names)
          if (++n <= 64) // bound the work per input
            compareWithFnmatch(c, name, input);
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  static const char *const kBases[] = {"", "CWD", "/base/dir", "HOME"};
  uint8_t flags = data[0];
  std::string_view rest(reinterpret_cast<const char *>(data + 1), size - 1);
  std::string_view text = rest, path;
  if (size_t nul = rest.find('\0'); nul != std::string_view::npos) {
    text = rest.substr(0, nul);
    path = rest.substr(nul + 1);
  }
  std::string error;
  if (auto p = parsePathPattern(text, flags & 1, kBases[(flags >> 1) & 3], error))
    checkPattern(*p, rest, path);

  if (auto n = normaliseAbsolute(path.empty() ? text : path)) {
    auto again = normaliseAbsolute(*n);
    if (!again || *again != *n)
      fail("normaliseAbsolute is not idempotent", rest, *n);
  }
  (void)hasGlobChars(text);
  // A single component compared with fnmatch directly, whatever the pattern.
  if (path.find('/') == std::string_view::npos && text.find('/') == std::string_view::npos)
    compareWithFnmatch(text, path, rest);
  return 0;
}
