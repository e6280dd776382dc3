#include "backends/sbpl/SbplPlace.h"

#include "compiler/fs/Glob.h"

#include <algorithm>

namespace moat::backends::sbpl {

namespace {

std::optional<Anchor> resolveImpl(const ir::Policy &policy, const BuildOptions &options,
                                  const std::string &root, std::vector<std::string> &chain,
                                  std::string &why) {
  Anchor a;
  if (root.empty())
    return a;
  const auto &defined = options.definedNames;
  if (std::find(defined.begin(), defined.end(), root) != defined.end()) {
    auto value = options.bindings.lookup(root);
    if (!value) {
      why = "--define " + root + " has no value";
      return std::nullopt;
    }
    for (std::string_view c : fs::splitPath(*value))
      a.names.emplace_back(c);
    return a;
  }
  auto it = policy.variables.find(root);
  if (it == policy.variables.end()) {
    a.param = root; // a built-in root: the launcher passes it
    return a;
  }
  if (std::find(chain.begin(), chain.end(), root) != chain.end()) {
    why = "variable '" + root + "' is defined in terms of itself";
    return std::nullopt;
  }
  const fs::PathPattern &value = it->second.value;
  if (value.isGlob()) {
    why = "variable '" + root + "' is a glob; a variable must name a directory";
    return std::nullopt;
  }
  chain.push_back(root);
  auto base = resolveImpl(policy, options, value.root, chain, why);
  chain.pop_back();
  if (!base)
    return std::nullopt;
  base->names.insert(base->names.end(), value.components.begin(), value.components.end());
  return base;
}

} // namespace

std::optional<Anchor> resolveAnchor(const ir::Policy &policy, const BuildOptions &options,
                                    const std::string &root, std::string &why) {
  std::vector<std::string> chain;
  return resolveImpl(policy, options, root, chain, why);
}

bool PlacedPattern::isSubtreeGlob() const {
  if (relative.form != fs::PatternForm::Glob)
    return false;
  for (size_t i = prefix.size(); i < relative.components.size(); ++i)
    if (relative.components[i] != "**")
      return false;
  return true;
}

std::optional<PlacedPattern> placePattern(const ir::Policy &policy, const BuildOptions &options,
                                          const fs::PathPattern &pattern, std::string &why) {
  auto anchor = resolveAnchor(policy, options, pattern.root, why);
  if (!anchor)
    return std::nullopt;
  PlacedPattern p;
  p.param = anchor->param;
  p.relative.form = pattern.form;
  for (const std::string &n : anchor->names)
    p.relative.components.push_back(pattern.isGlob() ? fs::escapeGlobLiteral(n) : n);
  p.relative.components.insert(p.relative.components.end(), pattern.components.begin(),
                               pattern.components.end());
  auto matcher = fs::PatternMatcher::compile(p.relative, why);
  if (!matcher)
    return std::nullopt;
  p.prefix = matcher->literalPrefix();
  p.spec = fs::specificityOf(p.relative);
  for (const std::string &n : p.prefix)
    p.prefixBytes += static_cast<unsigned>(n.size());
  return p;
}

} // namespace moat::backends::sbpl
