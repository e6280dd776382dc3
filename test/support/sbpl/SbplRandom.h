// Test support: seeded random policies and the paths around their
// patterns, for the sbpl backend's differential and ordering tests.
#pragma once
#include "compiler/fs/Glob.h"
#include "compiler/ir/Policy.h"
#include "compiler/ir/RuleText.h"

#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace moat::sbpltest {

inline const char *const kNames[] = {"a", "b", "ab", ".git", "hooks", "x.pem", "d e", "p)q", "b\\s",
                              "$v", "[k]", "\xc3\xa9", "etc", "tmp", "var", "c*"};
inline const char *const kGlobs[] = {"*", "?", "*.pem", "a*", "[ab]", "[!a]", "x?[a-c]", "[]a]", "[a-]",
                              "[!]-]", "[\\^x]", "[\\[.]", "*b*", "[.-]*", "\\**"};
inline const char *const kRoots[] = {"", "HOME", "CWD", "TMPDIR", "V"};

struct Gen {
  std::mt19937_64 rng;
  explicit Gen(uint64_t seed) : rng(seed) {}

  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng); }
  template <typename T, size_t N> const T &any(const T (&a)[N]) { return a[pick(N)]; }

  // Roots patterns may use: all of them, or (to keep policies expressible
  // with parameters more often) the absolute root and one other.
  std::vector<std::string> roots{std::begin(kRoots), std::end(kRoots)};

  // Literal names of the absolute patterns generated so far: a pattern below
  // a parameter sometimes reuses a run of them, so that rules below
  // different anchors overlap in the ways SbplOrder.h distinguishes.
  std::vector<std::vector<std::string>> absoluteNames;

  fs::PathPattern pattern() {
    fs::PathPattern p = freshPattern();
    if (!p.root.empty() && p.form != fs::PatternForm::Glob && !absoluteNames.empty() &&
        chance(0.35)) {
      const auto &names = absoluteNames[pick(absoluteNames.size())];
      size_t begin = pick(names.size() + 1);
      size_t end = begin + pick(names.size() - begin + 1);
      p.components.assign(names.begin() + static_cast<std::ptrdiff_t>(begin),
                          names.begin() + static_cast<std::ptrdiff_t>(end));
    }
    if (p.root.empty() && p.form != fs::PatternForm::Glob && !p.components.empty())
      absoluteNames.push_back(p.components);
    return p;
  }

  fs::PathPattern freshPattern() {
    fs::PathPattern p;
    p.root = roots[pick(roots.size())];
    size_t n = pick(4);
    if (p.root.empty() && n == 0 && !chance(0.1))
      n = 1;
    if (!p.root.empty() && chance(0.25))
      n = 0; // the root itself: overlaps everything below its value
    int form = static_cast<int>(pick(3));
    p.form = form == 0 ? fs::PatternForm::Subtree : form == 1 ? fs::PatternForm::Exact
                                                                : fs::PatternForm::Glob;
    if (p.form == fs::PatternForm::Glob && n == 0)
      n = 1;
    // A glob below a parameter is tightened (only "never looser" can be
    // checked then): keep most globs absolute so most profiles are exact.
    if (p.form == fs::PatternForm::Glob && !p.root.empty() && chance(0.7))
      p.root.clear();
    bool hasGlob = false;
    for (size_t i = 0; i < n; ++i) {
      if (p.form == fs::PatternForm::Glob && chance(0.45)) {
        std::string g = chance(0.25) ? "**" : any(kGlobs);
        if (g == "**" && !p.components.empty() && p.components.back() == "**")
          g = "*";
        p.components.push_back(g);
        hasGlob = true;
      } else {
        std::string name = any(kNames);
        p.components.push_back(p.form == fs::PatternForm::Glob ? fs::escapeGlobLiteral(name) : name);
      }
    }
    if (p.form == fs::PatternForm::Glob && !hasGlob)
      p.components.back() = chance(0.5) ? "**" : any(kGlobs);
    if (p.components.size() >= 2 && p.components.back() == "**" &&
        p.components[p.components.size() - 2] == "**")
      p.components.pop_back();
    return p;
  }

  std::string name() { return any(kNames); }

  // A value for a root: 1-3 names, never below an alias directory.
  std::string rootValue(const std::string &base = "") {
    std::string out = base;
    size_t n = 1 + pick(3);
    for (size_t i = 0; i < n; ++i) {
      std::string c = name();
      if (out.empty() && (c == "etc" || c == "tmp" || c == "var"))
        c = "u";
      out += "/" + c;
    }
    return out;
  }
};

inline ir::Policy randomPolicy(Gen &g) {
  ir::Policy p;
  g.roots.assign(std::begin(kRoots), std::end(kRoots));
  g.absoluteNames.clear();
  if (g.chance(0.5))
    g.roots = {"", kRoots[1 + g.pick(4)]};
  p.name = "random";
  p.defaults.read = g.chance(0.6) ? ir::Effect::Allow : ir::Effect::Deny;
  p.defaults.write = g.chance(0.7) ? ir::Effect::Deny : ir::Effect::Allow;
  ir::Variable v;
  v.name = "V";
  v.value.root = g.chance(0.5) ? "HOME" : "";
  v.value.components = {g.chance(0.5) ? "w" : "ab"};
  if (v.value.root.empty())
    v.value.components.insert(v.value.components.begin(), "srv");
  p.variables["V"] = v;
  size_t rules = 1 + g.pick(9);
  for (size_t i = 0; i < rules; ++i) {
    ir::FsRule r;
    r.effect = g.chance(0.5) ? ir::Effect::Allow : ir::Effect::Deny;
    r.access = g.chance(0.5) ? ir::Access::Read : ir::Access::Write;
    r.tier = g.chance(0.15) ? ir::Tier::Always : ir::Tier::Ordinary;
    r.platform = g.chance(0.8) ? ir::Platform::Any : g.chance(0.5) ? ir::Platform::Linux
                                                                    : ir::Platform::MacOS;
    r.pattern = g.pattern();
    p.fsRules.push_back(r);
  }
  size_t sockets = g.pick(4);
  for (size_t i = 0; i < sockets; ++i) {
    ir::UnixSocketRule s;
    s.effect = g.chance(0.7) ? ir::Effect::Allow : ir::Effect::Deny;
    s.path = g.pattern();
    p.unixSockets.push_back(s);
  }
  if (g.chance(0.1))
    p.options.set(ir::OptionId::AllowAllUnixSockets, ir::OptionSetting{true, {}});
  return p;
}

// A name the component glob matches (or, sometimes, one it need not).
inline std::optional<std::string> instantiate(Gen &g, const std::string &component) {
  if (!fs::hasGlobChars(component))
    return fs::unescapeGlobLiteral(component);
  std::string error;
  auto tokens = fs::parseGlobComponent(component, error);
  if (!tokens)
    return std::nullopt;
  std::string out;
  for (const fs::GlobToken &t : *tokens) {
    switch (t.kind) {
    case fs::GlobToken::Kind::Literal:
      out += static_cast<char>(t.byte);
      break;
    case fs::GlobToken::Kind::AnyRun:
      out += std::string(g.any(kNames)).substr(0, g.pick(4));
      break;
    case fs::GlobToken::Kind::AnyByte:
      out += "a.-]"[g.pick(4)];
      break;
    case fs::GlobToken::Kind::Class: {
      for (int tries = 0; tries < 8; ++tries) {
        auto c = static_cast<unsigned char>(g.chance(0.5) ? "ab.-]^[x"[g.pick(8)]
                                                           : 0x21 + g.pick(0x5e));
        if (c != '/' && t.matchesByte(c)) {
          out += static_cast<char>(c);
          break;
        }
      }
      break;
    }
    }
  }
  if (g.chance(0.1))
    out += "z"; // near misses
  return out;
}

// Concrete paths around a bound pattern: matches, near misses, ancestors,
// descendants.
inline void pathsFor(Gen &g, const fs::PathPattern &bound, std::set<std::string> &out) {
  for (int round = 0; round < 3; ++round) {
    std::string path;
    bool ok = true;
    for (const std::string &c : bound.components) {
      if (bound.form == fs::PatternForm::Glob && c == "**") {
        size_t n = g.pick(3);
        for (size_t i = 0; i < n; ++i)
          path += "/" + g.name();
        continue;
      }
      auto name = bound.form == fs::PatternForm::Glob ? instantiate(g, c) : std::optional(c);
      if (!name || name->empty() || *name == "." || *name == ".." ||
          name->find('/') != std::string::npos) {
        ok = false;
        break;
      }
      path += "/" + *name;
    }
    if (!ok)
      continue;
    if (path.empty())
      path = "/";
    out.insert(path);
    out.insert((path == "/" ? "" : path) + "/" + g.name());
    auto slash = path.rfind('/');
    out.insert(slash == 0 ? "/" : path.substr(0, slash));
  }
}

inline std::string describePolicy(const ir::Policy &p) {
  std::string out = "default read " + std::string(ir::effectName(p.defaults.read)) +
                    ", default write " + ir::effectName(p.defaults.write) + "\n";
  out += "let V = " + p.variables.at("V").value.text() + "\n";
  for (const ir::FsRule &r : p.fsRules)
    out += ir::ruleText(r) + (r.platform == ir::Platform::Any ? "" : std::string(" on ") +
                                                                       ir::platformName(r.platform)) + "\n";
  for (const ir::UnixSocketRule &s : p.unixSockets)
    out += std::string(ir::effectName(s.effect)) + " unix-socket " +
           (s.path.form == fs::PatternForm::Exact ? "file " : "") + ir::quoted(s.path.text()) + "\n";
  return out;
}

} // namespace moat::sbpltest
