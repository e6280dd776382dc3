#include "compiler/eval/Bindings.h"

#include "compiler/fs/Glob.h"

#include <cstdlib>
#include <pwd.h>
#include <unistd.h>
#include <vector>

namespace moat::eval {

namespace {

bool validName(const std::string &s) {
  auto start = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (s.empty() || !start(s[0]))
    return false;
  for (char c : s)
    if (!start(c) && !(c >= '0' && c <= '9'))
      return false;
  return true;
}

std::string spelling(const std::string &root) { return root == "HOME" ? "$HOME" : "$" + root; }

// The home directory from the password database, for when $HOME is unusable.
std::optional<std::string> passwdHome() {
  long size = sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buf(size > 0 ? static_cast<size_t>(size) : 16384);
  struct passwd pw, *result = nullptr;
  if (getpwuid_r(getuid(), &pw, buf.data(), buf.size(), &result) != 0 || !result || !pw.pw_dir)
    return std::nullopt;
  return fs::normaliseAbsolute(pw.pw_dir);
}

std::optional<std::string> resolveImpl(const ir::Policy &policy, const Bindings &bindings,
                                       const std::string &root, std::vector<std::string> &chain,
                                       std::string &error) {
  if (root.empty())
    return std::string();
  if (auto v = bindings.lookup(root))
    return v;
  auto it = policy.variables.find(root);
  if (it == policy.variables.end()) {
    error = "'" + spelling(root) + "' has no value: pass --define " + root + "=PATH";
    return std::nullopt;
  }
  for (const std::string &seen : chain) {
    if (seen != root)
      continue;
    std::string path;
    for (const std::string &c : chain)
      path += spelling(c) + " -> ";
    error = "variable '" + root + "' is defined in terms of itself (" + path + spelling(root) + ")";
    return std::nullopt;
  }
  const fs::PathPattern &value = it->second.value;
  if (value.isGlob()) {
    error = "variable '" + root + "' is a glob; a variable must name a directory";
    return std::nullopt;
  }
  chain.push_back(root);
  auto base = resolveImpl(policy, bindings, value.root, chain, error);
  chain.pop_back();
  if (!base)
    return std::nullopt;
  std::string out = *base == "/" ? "" : *base;
  for (const std::string &c : value.components)
    out += "/" + c;
  return out.empty() ? "/" : out;
}

} // namespace

Bindings Bindings::fromEnvironment() {
  Bindings b;
  std::optional<std::string> home;
  if (const char *h = std::getenv("HOME"); h && *h)
    home = fs::normaliseAbsolute(h);
  if (!home)
    home = passwdHome();
  if (home)
    b.values_["HOME"] = *home;
  if (char *cwd = getcwd(nullptr, 0)) {
    if (auto norm = fs::normaliseAbsolute(cwd))
      b.values_["CWD"] = *norm;
    std::free(cwd);
  }
  std::optional<std::string> tmp;
  if (const char *t = std::getenv("TMPDIR"); t && *t)
    tmp = fs::normaliseAbsolute(t);
  b.values_["TMPDIR"] = tmp ? *tmp : "/tmp";
  return b;
}

bool Bindings::define(const std::string &name, const std::string &value, std::string &error) {
  if (!validName(name)) {
    error = "'" + name + "' is not a variable name ([A-Za-z_][A-Za-z0-9_]*)";
    return false;
  }
  if (value.empty() || value[0] != '/') {
    error = "the value of " + name + " must be an absolute path, not '" + value + "'";
    return false;
  }
  auto norm = fs::normaliseAbsolute(value);
  if (!norm) {
    error = "the value of " + name + " contains a NUL or control character";
    return false;
  }
  values_[name] = *norm;
  return true;
}

std::optional<std::string> Bindings::lookup(const std::string &name) const {
  auto it = values_.find(name);
  if (it == values_.end())
    return std::nullopt;
  return it->second;
}

std::optional<std::string> resolveRoot(const ir::Policy &policy, const Bindings &bindings,
                                       const std::string &root, std::string &error) {
  std::vector<std::string> chain;
  return resolveImpl(policy, bindings, root, chain, error);
}

std::optional<fs::PathPattern> bindPatternParts(const ir::Policy &policy, const Bindings &bindings,
                                                const fs::PathPattern &pattern, std::string &error) {
  auto base = resolveRoot(policy, bindings, pattern.root, error);
  if (!base)
    return std::nullopt;
  fs::PathPattern bound;
  bound.form = pattern.form;
  for (std::string_view c : fs::splitPath(*base))
    bound.components.push_back(pattern.isGlob() ? fs::escapeGlobLiteral(c) : std::string(c));
  bound.components.insert(bound.components.end(), pattern.components.begin(),
                          pattern.components.end());
  return bound;
}

std::optional<std::string> bindPattern(const ir::Policy &policy, const Bindings &bindings,
                                       const fs::PathPattern &pattern, std::string &error) {
  auto bound = bindPatternParts(policy, bindings, pattern, error);
  if (!bound)
    return std::nullopt;
  if (bound->isGlob())
    return bound->text();
  std::string out;
  for (const std::string &c : bound->components)
    out += "/" + c;
  return out.empty() ? "/" : out;
}

std::optional<std::string> resolveQueryPath(const ir::Policy &policy, const Bindings &bindings,
                                            std::string_view path, std::string &error) {
  if (path.empty()) {
    error = "empty path";
    return std::nullopt;
  }
  for (char ch : path)
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) {
      error = "control character in path";
      return std::nullopt;
    }
  std::string root;
  std::string_view rest = path;
  if (path[0] == '~') {
    if (path.size() > 1 && path[1] != '/') {
      error = "'~user' paths are not supported; write '~/...' or an absolute path";
      return std::nullopt;
    }
    root = "HOME";
    rest = path.substr(1);
  } else if (path[0] == '$') {
    size_t end;
    std::string name;
    if (path.size() > 1 && path[1] == '{') {
      end = path.find('}');
      if (end == std::string_view::npos) {
        error = "unterminated '${' in path";
        return std::nullopt;
      }
      name = std::string(path.substr(2, end - 2));
      ++end;
    } else {
      end = 1;
      while (end < path.size() && path[end] != '/')
        ++end;
      name = std::string(path.substr(1, end - 1));
    }
    if (!validName(name) || (end < path.size() && path[end] != '/')) {
      error = "'$' must start a variable name ([A-Za-z_][A-Za-z0-9_]*) followed by '/'";
      return std::nullopt;
    }
    root = name;
    rest = path.substr(end);
  } else if (path[0] != '/') {
    root = "CWD";
  }
  auto base = resolveRoot(policy, bindings, root, error);
  if (!base)
    return std::nullopt;
  std::string joined = *base + "/" + std::string(rest);
  auto norm = fs::normaliseAbsolute(joined);
  if (!norm) {
    error = "invalid path";
    return std::nullopt;
  }
  return norm;
}

} // namespace moat::eval
