// Parsing, validation and lexical normalisation of path patterns. Every
// rejection says why, so sema can point at the exact problem.
#include "compiler/fs/PathPattern.h"

#include "compiler/fs/Glob.h"

#include <cstdio>

namespace moat::fs {

namespace {

bool isNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool isNameChar(char c) { return isNameStart(c) || (c >= '0' && c <= '9'); }

bool validName(std::string_view s) {
  if (s.empty() || !isNameStart(s[0]))
    return false;
  for (char c : s)
    if (!isNameChar(c))
      return false;
  return true;
}

// NUL, newlines, every other C0 control and DEL: never part of a path a
// policy means, and a classic way to make two tools disagree on a name.
bool findControl(std::string_view s, std::string &error, const char *what) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == 0) {
      error = std::string("NUL byte in ") + what;
      return true;
    }
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "0x%02x", c);
      error = std::string("control character ") + buf + " in " + what;
      return true;
    }
  }
  return false;
}

// One component after parsing: a literal name, a glob (canonical syntax), or
// `**`.
struct Part {
  enum class Kind { Literal, Glob, DoubleStar } kind = Kind::Literal;
  std::string text; // literal name, or canonical glob syntax
};

// Splits on unescaped '/' and keeps escapes in the pieces.
std::vector<std::string_view> splitRaw(std::string_view s) {
  std::vector<std::string_view> out;
  size_t begin = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i + 1 < s.size() && s[i] == '\\') {
      ++i; // the escaped byte never splits; a trailing '\' stays in the piece
      continue;
    }
    if (i == s.size() || s[i] == '/') {
      if (i > begin)
        out.push_back(s.substr(begin, i - begin));
      begin = i + 1;
    }
  }
  return out;
}

// A `$NAME` after the start would silently be a literal name: refuse it.
bool misplacedVariable(std::string_view raw) {
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\') {
      ++i;
      continue;
    }
    if (raw[i] == '$' && i + 1 < raw.size() && (isNameStart(raw[i + 1]) || raw[i + 1] == '{'))
      return true;
  }
  return false;
}

// Adds one raw component to `parts`, resolving `.` and `..` lexically.
bool addComponent(std::string_view raw, std::vector<Part> &parts, const std::string &rootName,
                  std::string &error) {
  if (misplacedVariable(raw)) {
    error = "a variable such as '$NAME' may only start a path (write '\\$' for a literal '$')";
    return false;
  }
  if (raw == "**") {
    // `**/**` matches exactly what `**` matches; keep the canonical one.
    if (parts.empty() || parts.back().kind != Part::Kind::DoubleStar)
      parts.push_back({Part::Kind::DoubleStar, "**"});
    return true;
  }
  for (size_t i = 0; i + 1 < raw.size(); ++i) {
    if (raw[i] != '\\')
      continue;
    if (raw[i + 1] == '/') {
      error = "'\\/' is not allowed: a name cannot contain '/'";
      return false;
    }
    ++i;
  }
  auto tokens = parseGlobComponent(raw, error);
  if (!tokens)
    return false;
  bool literal = true;
  std::string name;
  for (const GlobToken &t : *tokens) {
    if (t.kind != GlobToken::Kind::Literal) {
      literal = false;
      break;
    }
    name += static_cast<char>(t.byte);
  }
  if (!literal) {
    parts.push_back({Part::Kind::Glob, formatGlobComponent(*tokens)});
    return true;
  }
  // Escaped or not, "." and ".." mean what the kernel says they mean.
  if (name == ".")
    return true;
  if (name == "..") {
    if (parts.empty()) {
      error = rootName.empty() ? "'..' climbs above '/'" : "'..' climbs above " + rootName;
      return false;
    }
    if (parts.back().kind != Part::Kind::Literal) {
      error = "'..' cannot follow a glob component";
      return false;
    }
    parts.pop_back();
    return true;
  }
  parts.push_back({Part::Kind::Literal, std::move(name)});
  return true;
}

std::string rootSpelling(const std::string &root) {
  if (root.empty())
    return "";
  if (root == "HOME")
    return "~";
  return "$" + root;
}

} // namespace

std::string PathPattern::text() const {
  std::string out = rootSpelling(root);
  for (const std::string &c : components) {
    out += '/';
    // Glob components are stored in glob syntax; literal names need their
    // metacharacters escaped to read back as themselves.
    out += form == PatternForm::Glob ? c : escapeGlobLiteral(c);
  }
  if (out.empty())
    out = "/";
  return out;
}

std::optional<PathPattern> parsePathPattern(std::string_view text, bool exactFile,
                                            std::string_view relativeBase, std::string &error) {
  if (text.empty()) {
    error = "empty path";
    return std::nullopt;
  }
  if (findControl(text, error, "path"))
    return std::nullopt;

  PathPattern p;
  std::vector<Part> parts;
  std::string_view rest;
  if (text[0] == '~') {
    if (text.size() > 1 && text[1] != '/') {
      error = "'~user' paths are not supported; write '~/...' or an absolute path";
      return std::nullopt;
    }
    p.root = "HOME";
    rest = text.substr(1);
  } else if (text[0] == '$') {
    std::string_view name;
    if (text.size() > 1 && text[1] == '{') {
      size_t close = text.find('}');
      if (close == std::string_view::npos) {
        error = "unterminated '${' in path";
        return std::nullopt;
      }
      name = text.substr(2, close - 2);
      rest = text.substr(close + 1);
    } else {
      size_t end = 1;
      while (end < text.size() && isNameChar(text[end]))
        ++end;
      name = text.substr(1, end - 1);
      rest = text.substr(end);
    }
    if (!validName(name)) {
      error = "'$' must be followed by a variable name ([A-Za-z_][A-Za-z0-9_]*)";
      return std::nullopt;
    }
    if (!rest.empty() && rest[0] != '/') {
      error = "a variable must be a whole path component: write '$" + std::string(name) + "/...'";
      return std::nullopt;
    }
    p.root = std::string(name);
  } else if (text[0] == '/') {
    rest = text;
  } else {
    if (relativeBase.empty()) {
      error = "relative path; start it with '/', '~', '$CWD' or another variable";
      return std::nullopt;
    }
    if (relativeBase[0] == '/') {
      // An absolute base directory: its components become literal parts.
      auto base = normaliseAbsolute(relativeBase);
      if (!base) {
        error = "invalid base directory for a relative path";
        return std::nullopt;
      }
      for (std::string_view c : splitPath(*base))
        parts.push_back({Part::Kind::Literal, std::string(c)});
    } else {
      if (!validName(relativeBase)) {
        error = "invalid root for a relative path";
        return std::nullopt;
      }
      p.root = std::string(relativeBase);
    }
    rest = text;
  }

  const std::string rootName = p.root.empty() ? "" : "'" + rootSpelling(p.root) + "'";
  for (std::string_view raw : splitRaw(rest))
    if (!addComponent(raw, parts, rootName, error))
      return std::nullopt;

  bool glob = false;
  for (const Part &part : parts)
    glob |= part.kind != Part::Kind::Literal;
  if (glob && exactFile) {
    error = "'file' takes a literal path, not a glob";
    return std::nullopt;
  }
  p.form = exactFile ? PatternForm::Exact : glob ? PatternForm::Glob : PatternForm::Subtree;
  for (Part &part : parts)
    p.components.push_back(glob && part.kind == Part::Kind::Literal ? escapeGlobLiteral(part.text)
                                                                    : std::move(part.text));
  return p;
}

bool hasGlobChars(std::string_view component) {
  for (size_t i = 0; i < component.size(); ++i) {
    char c = component[i];
    if (c == '\\') {
      ++i;
      continue;
    }
    if (c == '*' || c == '?' || c == '[')
      return true;
  }
  return false;
}

std::optional<std::string> normaliseAbsolute(std::string_view path) {
  if (path.empty() || path[0] != '/')
    return std::nullopt;
  std::string error;
  if (findControl(path, error, "path"))
    return std::nullopt;
  std::vector<std::string_view> stack;
  for (std::string_view c : splitPath(path)) {
    if (c == ".")
      continue;
    if (c == "..") {
      // POSIX: "/.." is "/"; the kernel clamps at the root, so do we.
      if (!stack.empty())
        stack.pop_back();
      continue;
    }
    stack.push_back(c);
  }
  std::string out;
  for (std::string_view c : stack) {
    out += '/';
    out += c;
  }
  if (out.empty())
    out = "/";
  return out;
}

std::vector<std::string_view> splitPath(std::string_view absPath) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < absPath.size()) {
    size_t j = absPath.find('/', i);
    if (j == std::string_view::npos)
      j = absPath.size();
    if (j > i)
      out.push_back(absPath.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

} // namespace moat::fs
