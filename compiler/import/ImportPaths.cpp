#include "compiler/import/ImportPaths.h"

#include "compiler/fs/Glob.h"
#include "compiler/fs/PathPattern.h"

namespace moat::import {

std::string literalDollars(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '\\' && i + 1 < path.size()) { // already escaped: keep the pair
      out += c;
      out += path[++i];
      continue;
    }
    if (c == '$')
      out += '\\';
    out += c;
  }
  return out;
}

namespace {

// gitignore: a pattern is anchored when it has a '/' anywhere but at its end.
bool matchesAtAnyDepth(std::string_view p) {
  while (!p.empty() && p.back() == '/')
    p.remove_suffix(1);
  return !p.empty() && p.find('/') == std::string_view::npos;
}

} // namespace

std::optional<std::string> claudeRulePath(std::string_view spec, std::string_view settingsDir,
                                          bool anyDepth, std::string &error) {
  if (spec.substr(0, 2) == "//")
    return literalDollars(spec.substr(1));
  if (spec.empty() || spec[0] == '~')
    return literalDollars(spec);
  if (spec[0] == '/') {
    if (settingsDir.empty() || settingsDir[0] != '/') {
      error = "a rule path starting with a single '/' is relative to the settings file's "
              "directory, which is not known here; write '//' for an absolute path";
      return std::nullopt;
    }
    // The directory is a literal name: its glob characters must stay literal.
    std::string dir = fs::escapeGlobLiteral(settingsDir);
    while (!dir.empty() && dir.back() == '/')
      dir.pop_back();
    return dir + literalDollars(spec);
  }
  if (anyDepth && matchesAtAnyDepth(spec))
    return "**/" + literalDollars(spec);
  return literalDollars(spec);
}

std::string samePathKey(const std::string &patternText) {
  std::string error;
  auto p = fs::parsePathPattern(patternText, false, "CWD", error);
  if (!p) {
    std::string t = patternText;
    while (t.size() > 1 && t.back() == '/')
      t.pop_back();
    return "raw:" + t;
  }
  return std::to_string(static_cast<int>(p->form)) + ":" + p->text();
}

} // namespace moat::import
