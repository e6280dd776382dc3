#include "backends/srt/SettingsPaths.h"

#include "compiler/fs/Glob.h"

#include <algorithm>

namespace moat::backends::sandbox {

namespace {

bool isDefined(const BuildOptions &options, const std::string &name) {
  return std::find(options.definedNames.begin(), options.definedNames.end(), name) !=
         options.definedNames.end();
}

// Puts `prefix` (plain names) in front of `pattern`'s components, in the
// syntax of the pattern's form.
void prepend(fs::PathPattern &pattern, const std::vector<std::string> &prefix) {
  std::vector<std::string> components;
  components.reserve(prefix.size() + pattern.components.size());
  for (const std::string &c : prefix)
    components.push_back(pattern.isGlob() ? fs::escapeGlobLiteral(c) : c);
  components.insert(components.end(), pattern.components.begin(), pattern.components.end());
  pattern.components = std::move(components);
}

std::string rootSpelling(const std::string &root) {
  return root == "HOME" ? "$HOME" : "$" + root;
}

} // namespace

std::optional<fs::PathPattern> settingsPattern(const ir::Policy &policy, const BuildOptions &options,
                                               const fs::PathPattern &pattern, std::string &error) {
  fs::PathPattern out = pattern;
  // A `let` chain is at most as long as the number of variables (sema
  // refuses cycles); the bound keeps a malformed IR from looping.
  for (size_t depth = 0; depth <= policy.variables.size() + 1; ++depth) {
    if (out.root.empty())
      return out;
    if (isDefined(options, out.root)) {
      std::optional<std::string> value = options.bindings.lookup(out.root);
      if (!value) {
        error = "'" + rootSpelling(out.root) + "' was given with --define but has no value";
        return std::nullopt;
      }
      std::vector<std::string> parts;
      for (std::string_view c : fs::splitPath(*value))
        parts.emplace_back(c);
      out.root.clear();
      prepend(out, parts);
      return out;
    }
    if (out.root == "HOME" || out.root == "CWD")
      return out;
    auto var = policy.variables.find(out.root);
    if (var == policy.variables.end()) {
      error = "'" + rootSpelling(out.root) +
              "' has no spelling in these settings (they know only '~', absolute paths and "
              "paths relative to the launch directory): pass --define " + out.root + "=PATH";
      return std::nullopt;
    }
    const fs::PathPattern &value = var->second.value;
    out.root = value.root;
    prepend(out, value.components);
  }
  error = "variable '" + pattern.root + "' is defined in terms of itself";
  return std::nullopt;
}

std::string settingsText(const fs::PathPattern &pattern) {
  std::string out;
  if (pattern.root == "HOME")
    out = "~";
  else if (pattern.root == "CWD")
    out = ".";
  for (const std::string &c : pattern.components) {
    out += '/';
    if (!pattern.isGlob()) {
      for (char ch : c) {
        if (ch == '*' || ch == '?' || ch == '[' || ch == '\\')
          out += '\\';
        out += ch;
      }
      continue;
    }
    // Glob syntax, except that `\$` becomes a plain `$`: the settings have
    // no variables to escape from.
    for (size_t i = 0; i < c.size(); ++i) {
      if (c[i] == '\\' && i + 1 < c.size()) {
        if (c[i + 1] != '$')
          out += '\\';
        out += c[++i];
        continue;
      }
      out += c[i];
    }
  }
  if (out.empty())
    out = "/";
  return out;
}

} // namespace moat::backends::sandbox
