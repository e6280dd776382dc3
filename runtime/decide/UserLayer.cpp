// Writing "allow always" into the user layer (see UserLayer.h).
#include "runtime/decide/UserLayer.h"

#include "compiler/fs/PathPattern.h"
#include "compiler/parse/Parser.h"
#include "compiler/support/AtomicFile.h"
#include "runtime/decide/Asker.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <sys/stat.h>

namespace moat::runtime::decide {

namespace {

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// mkdir -p for the file's directory (0700: it is the user's configuration).
bool makeParents(const std::string &path) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    std::string dir = path.substr(0, slash);
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
      return false;
  }
  return true;
}

std::optional<std::string> formatted(const std::string &path, const std::string &text, std::string &out) {
  SourceFiles files;
  DiagnosticEngine diags(files);
  uint32_t buffer = files.addBuffer(path, text);
  std::optional<std::string> f = parse::formatMoat(buffer, diags);
  if (!f)
    return std::string("it does not parse (moat check ") + path + " says why)";
  out = std::move(*f);
  return std::nullopt;
}

// The line (1-based) of the policy block's closing brace in formatted text:
// the formatter puts it alone in column 1, and everything inside the block
// is indented.
std::optional<size_t> closingLine(const std::string &path, const std::string &text) {
  SourceFiles files;
  DiagnosticEngine diags(files);
  uint32_t buffer = files.addBuffer(path, text);
  std::optional<ast::File> file = parse::parseMoat(buffer, diags);
  if (!file)
    return std::nullopt;
  for (const ast::Stmt &stmt : file->stmts) {
    const auto *block = std::get_if<ast::PolicyBlock>(&stmt.node);
    if (!block)
      continue;
    std::istringstream lines(text);
    std::string line;
    for (size_t n = 1; std::getline(lines, line); ++n)
      if (n > block->loc.line && line == "}")
        return n;
    return std::nullopt;
  }
  return std::nullopt;
}

std::string quoted(const std::string &value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

} // namespace

std::optional<ir::FsRule> userLayerProtection(const std::string &path, std::string &error) {
  std::string why;
  auto pattern = fs::parsePathPattern(path, false, "", why);
  if (!pattern) {
    error = "the user layer's path " + path + " cannot be protected from the sandbox: " + why;
    return std::nullopt;
  }
  ir::FsRule rule;
  rule.effect = ir::Effect::Deny;
  rule.access = ir::Access::Write;
  rule.tier = ir::Tier::Always;
  rule.pattern = std::move(*pattern);
  rule.prov.layer = ir::Layer::Builtin;
  rule.prov.origin = "user layer";
  return rule;
}

std::string defaultUserLayerPath() {
  const char *xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg && xdg[0] == '/')
    return std::string(xdg) + "/moat/user.moat";
  const char *home = std::getenv("HOME");
  if (home && home[0] == '/')
    return std::string(home) + "/.config/moat/user.moat";
  return "";
}

std::optional<std::string> appendAllowConnect(const std::string &path, const std::string &host, uint16_t port) {
  static std::mutex writing; // one rewrite at a time within this run
  std::lock_guard<std::mutex> lock(writing);
  if (!endsWith(path, ".moat"))
    return "the user layer " + path + " is not a .moat file, and moat writes only .moat";
  std::string original;
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::ostringstream all;
    all << in.rdbuf();
    original = all.str();
  } else if (errno != ENOENT) {
    return "cannot read " + path + ": " + std::strerror(errno);
  } else {
    original = "policy \"user\" {\n}\n";
  }
  std::string text;
  if (auto error = formatted(path, original, text))
    return "the user layer " + path + ": " + *error;
  std::optional<size_t> close = closingLine(path, text);
  if (!close)
    return "the user layer " + path + " has no policy block to add the rule to";
  size_t at = 0;
  for (size_t n = 1; n < *close; ++n)
    at = text.find('\n', at) + 1;
  text.insert(at, "  allow connect " + quoted(hostPort(host, port)) + ";\n");
  std::string result;
  if (auto error = formatted(path, text, result))
    return "the user layer " + path + " would not parse with the rule added";
  if (!makeParents(path))
    return "cannot create the directory of " + path + ": " + std::strerror(errno);
  if (auto error = writeFileAtomically(path, result, 0600))
    return "cannot write " + path + ": " + *error;
  return std::nullopt;
}

} // namespace moat::runtime::decide
