#include "backends/sbpl/SbplFilters.h"

#include "backends/sbpl/SbplRegex.h"
#include "backends/sbpl/SbplText.h"
#include "compiler/fs/Glob.h"

namespace moat::backends::sbpl {

namespace {

// macOS: /etc, /tmp and /var are symlinks into /private.
const char *const kAliases[] = {"etc", "tmp", "var"};

bool isAliasName(std::string_view name) {
  for (const char *a : kAliases)
    if (name == a)
      return true;
  return false;
}

bool isLiteralGlob(const std::string &c) { return c != "**" && !fs::hasGlobChars(c); }

// The components of an absolute pattern and its /private spellings (in the
// syntax of the pattern's form).
std::vector<std::vector<std::string>> aliasVariants(const std::vector<std::string> &comps,
                                                    bool glob) {
  std::vector<std::vector<std::string>> out{comps};
  if (comps.empty())
    return out;
  const std::string &first = comps[0];
  bool literal = !glob || isLiteralGlob(first);
  if (literal) {
    if (isAliasName(glob ? fs::unescapeGlobLiteral(first) : first)) {
      out.push_back(comps);
      out.back().insert(out.back().begin(), "private");
    }
    return out;
  }
  if (first == "**")
    return out; // `**` spans /private already
  for (const char *a : kAliases) {
    if (!fs::matchComponent(first, a))
      continue;
    std::vector<std::string> v{"private", a};
    v.insert(v.end(), comps.begin() + 1, comps.end());
    out.push_back(std::move(v));
  }
  return out;
}

std::optional<std::string> wrap(const char *head, std::optional<std::string> arg) {
  if (!arg)
    return std::nullopt;
  return "(" + std::string(head) + " " + *arg + ")";
}

std::vector<std::string> unescaped(const std::vector<std::string> &comps, size_t begin,
                                   size_t end, bool glob) {
  std::vector<std::string> out;
  for (size_t i = begin; i < end; ++i)
    out.push_back(glob ? fs::unescapeGlobLiteral(comps[i]) : comps[i]);
  return out;
}

std::optional<std::string> regexFilter(const std::optional<std::string> &regex, std::string &why) {
  if (!regex)
    return std::nullopt;
  return wrap("regex", quoteRegex(*regex, why));
}

// (require-all (subpath PREFIX) (regex #"FLOATING")): a widening of a glob
// below a parameter.
std::optional<std::string> widened(const PlacedPattern &p, const std::vector<std::string> &rest,
                                   bool descendants, std::string &why) {
  auto prefix = wrap("subpath", pathExpr(p.param, p.prefix, why));
  if (!prefix)
    return std::nullopt;
  auto regex = regexFilter(floatingRegex(rest, descendants, why), why);
  if (!regex)
    return std::nullopt;
  return "(require-all " + *prefix + " " + *regex + ")";
}

std::vector<std::string> slice(const std::vector<std::string> &v, size_t begin, size_t end) {
  return std::vector<std::string>(v.begin() + static_cast<std::ptrdiff_t>(begin),
                                  v.begin() + static_cast<std::ptrdiff_t>(end));
}

} // namespace

std::optional<std::string> pathExpr(const std::string &param, const std::vector<std::string> &names,
                                    std::string &why) {
  std::string tail;
  for (const std::string &n : names)
    tail += "/" + n;
  if (param.empty())
    return quoteString(tail.empty() ? "/" : tail, why);
  auto name = quoteString(param, why);
  if (!name)
    return std::nullopt;
  std::string p = "(param " + *name + ")";
  if (tail.empty())
    return p;
  auto rest = quoteString(tail, why);
  if (!rest)
    return std::nullopt;
  return "(string-append " + p + " " + *rest + ")";
}

namespace {

// What pathFilters and selfFilters differ in; the way a pattern becomes
// filters (a parameter root, a glob, alias spellings) is shared.
struct FilterShape {
  bool glob = false;                   // a glob that is not just `dir/**`
  const char *head = "subpath";        // the filter for a literal pattern
  std::vector<std::string> components; // a glob's components (its stem for the self set)
  std::vector<std::string> literal;    // a literal pattern's components
  bool beneath = true;                 // cover what lies beneath each match
};

std::optional<RuleFilters> shapedFilters(const PlacedPattern &p, ir::Effect effect, const FilterShape &s,
                                         std::string &why) {
  RuleFilters out;
  if (!p.param.empty()) {
    if (!s.glob) {
      auto f = wrap(s.head, pathExpr(p.param, p.prefix, why));
      if (!f)
        return std::nullopt;
      out.filters.push_back(*f);
      return out;
    }
    if (effect == ir::Effect::Allow) {
      out.fit = Fit::Omitted;
      return out;
    }
    auto f = widened(p, slice(s.components, p.prefix.size(), s.components.size()), s.beneath, why);
    if (!f)
      return std::nullopt;
    out.filters.push_back(*f);
    out.fit = Fit::Widened;
    return out;
  }

  for (const auto &variant : aliasVariants(s.glob ? s.components : s.literal, s.glob)) {
    std::optional<std::string> f;
    if (s.glob)
      f = regexFilter(anchoredRegex(variant, s.beneath, why), why);
    else
      f = wrap(s.head, pathExpr("", variant, why));
    if (!f)
      return std::nullopt;
    out.filters.push_back(*f);
  }
  return out;
}

} // namespace

std::optional<RuleFilters> pathFilters(const PlacedPattern &p, ir::Effect effect, std::string &why) {
  FilterShape s;
  const auto &comps = p.relative.components;
  bool subtreeGlob = p.isSubtreeGlob();
  s.glob = p.relative.form == fs::PatternForm::Glob && !subtreeGlob;
  s.head = p.relative.form == fs::PatternForm::Exact ? "literal" : "subpath";
  s.components = comps;
  s.literal = subtreeGlob ? p.prefix : comps;
  s.beneath = true;
  return shapedFilters(p, effect, s, why);
}

std::optional<RuleFilters> selfFilters(const PlacedPattern &p, ir::Effect effect, std::string &why) {
  FilterShape s;
  s.glob = p.relative.form == fs::PatternForm::Glob && !p.isSubtreeGlob();
  s.head = "literal";
  // The stem: the glob without its trailing `**` components.
  s.components = p.relative.components;
  while (s.glob && !s.components.empty() && s.components.back() == "**")
    s.components.pop_back();
  s.literal = p.prefix;
  s.beneath = false;
  return shapedFilters(p, effect, s, why);
}

std::optional<std::vector<std::string>> ancestorFilters(const PlacedPattern &p, std::string &why) {
  std::vector<std::string> out;
  const bool glob = p.relative.form == fs::PatternForm::Glob;
  const size_t la = p.prefix.size();

  if (!p.param.empty()) {
    const auto &c = p.relative.components;
    for (size_t k = 0; k <= la && k < c.size(); ++k) {
      auto f = wrap("literal", pathExpr(p.param, slice(p.prefix, 0, k), why));
      if (!f)
        return std::nullopt;
      out.push_back(*f);
    }
    for (size_t k = la + 1; glob && k < c.size(); ++k) {
      std::optional<std::string> f;
      if (c[k - 1] != "**")
        f = widened(p, slice(c, la, k), false, why);
      else if (k - 1 > la)
        f = [&] {
          auto region = slice(c, la, k - 1);
          region.push_back("*");
          return widened(p, region, true, why);
        }();
      else
        continue;
      if (!f)
        return std::nullopt;
      out.push_back(*f);
    }
    return out;
  }

  for (const auto &c : aliasVariants(p.relative.components, glob)) {
    // The variant's own literal prefix: the /private spelling adds names.
    size_t lv = la + (c.size() - p.relative.components.size());
    if (glob)
      lv = 0;
    while (glob && lv < c.size() && isLiteralGlob(c[lv]))
      ++lv;
    for (size_t k = 1; k <= lv && k < c.size(); ++k) {
      auto f = wrap("literal", pathExpr("", unescaped(c, 0, k, glob), why));
      if (!f)
        return std::nullopt;
      out.push_back(*f);
    }
    for (size_t k = lv + 1; glob && k < c.size(); ++k) {
      std::optional<std::string> f;
      if (c[k - 1] != "**") {
        f = regexFilter(anchoredRegex(slice(c, 0, k), false, why), why);
      } else if (k - 1 > lv) {
        auto region = slice(c, 0, k - 1);
        region.push_back("*");
        f = regexFilter(anchoredRegex(region, true, why), why);
      } else {
        continue;
      }
      if (!f)
        return std::nullopt;
      out.push_back(*f);
    }
  }
  return out;
}

std::optional<RuleFilters> socketFilters(const PlacedPattern &p, ir::Effect effect, std::string &why) {
  RuleFilters out;
  const auto &comps = p.relative.components;
  const bool glob = p.relative.form == fs::PatternForm::Glob;
  const bool exact = p.relative.form == fs::PatternForm::Exact;

  if (!p.param.empty()) {
    if (effect == ir::Effect::Deny && !exact) {
      // Everything that has a run of components like the pattern's.
      std::vector<std::string> relative = comps;
      if (!glob)
        for (std::string &c : relative)
          c = fs::escapeGlobLiteral(c);
      auto f = wrap("path-regex", [&]() -> std::optional<std::string> {
        auto regex = floatingRegex(relative, true, why);
        if (!regex)
          return std::nullopt;
        return quoteRegex(*regex, why);
      }());
      if (!f)
        return std::nullopt;
      out.filters.push_back(*f);
      out.fit = Fit::Widened;
      return out;
    }
    if (glob && !p.isSubtreeGlob()) {
      out.fit = Fit::Omitted;
      return out;
    }
    auto f = wrap("path-literal", pathExpr(p.param, p.prefix, why));
    if (!f)
      return std::nullopt;
    out.filters.push_back(*f);
    if (!exact)
      out.fit = Fit::Narrowed; // what lies beneath needs a regex
    return out;
  }

  const bool regexForm = glob && !p.isSubtreeGlob();
  for (const auto &variant : aliasVariants(regexForm ? comps : p.prefix, regexForm)) {
    if (regexForm) {
      auto f = wrap("path-regex", [&]() -> std::optional<std::string> {
        auto regex = anchoredRegex(variant, true, why);
        if (!regex)
          return std::nullopt;
        return quoteRegex(*regex, why);
      }());
      if (!f)
        return std::nullopt;
      out.filters.push_back(*f);
      continue;
    }
    auto literal = wrap("path-literal", pathExpr("", variant, why));
    if (!literal)
      return std::nullopt;
    out.filters.push_back(*literal);
    if (exact)
      continue;
    // Beneath the path: "^/a/b/" (everything when the path is "/").
    std::string regex = "^";
    for (const std::string &n : variant)
      regex += "/" + regexLiteral(n);
    regex += "/";
    auto beneath = wrap("path-regex", quoteRegex(regex, why));
    if (!beneath)
      return std::nullopt;
    out.filters.push_back(*beneath);
  }
  return out;
}

} // namespace moat::backends::sbpl
