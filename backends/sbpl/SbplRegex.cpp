#include "backends/sbpl/SbplRegex.h"

#include "compiler/fs/Glob.h"

#include <bitset>
#include <cctype>
#include <cstdio>

namespace moat::backends::sbpl {

namespace {

bool isEreMeta(char c) {
  switch (c) {
  case '.': case '[': case '\\': case '(': case ')': case '*':
  case '+': case '?': case '{': case '|': case '^': case '$':
    return true;
  default:
    return false;
  }
}

std::string hexByte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", c);
  return buf;
}

// Bytes that may be listed inside brackets: printable ASCII except `"`
// (never allowed in a regex literal) and `\` (its meaning inside brackets
// differs between regex engines).
bool listable(unsigned c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; }

bool sameKind(unsigned a, unsigned b) {
  auto kind = [](unsigned c) {
    return std::isdigit(static_cast<int>(c)) ? 1 : std::isupper(static_cast<int>(c)) ? 2
                                                 : std::islower(static_cast<int>(c)) ? 3 : 0;
  };
  return kind(a) != 0 && kind(a) == kind(b);
}

// The members of a bracket expression, ordered so that no member is read as
// syntax. Ranges are used only for runs of digits or same-case letters, the
// only ranges every locale agrees on.
std::string bracketMembers(const std::bitset<256> &set) {
  std::string out;
  bool close = set.test(']'), dash = set.test('-');
  if (close)
    out += ']';
  else if (dash)
    out += '-';
  for (unsigned c = 0; c < 256; ++c) {
    if (!set.test(c) || c == ']' || c == '-' || c == '[' || c == '^')
      continue;
    unsigned end = c;
    while (end + 1 < 256 && set.test(end + 1) && sameKind(c, end + 1))
      ++end;
    if (end - c >= 2) {
      out += static_cast<char>(c);
      out += '-';
      out += static_cast<char>(end);
      c = end;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (set.test('['))
    out += '[';
  if (set.test('^'))
    out += '^';
  if (close && dash)
    out += '-';
  return out;
}

std::optional<std::string> classRegex(const fs::GlobToken &tok, std::string &why) {
  std::bitset<256> members;
  for (auto [lo, hi] : tok.ranges)
    for (unsigned c = lo; c <= hi; ++c)
      members.set(c);
  members.reset('/'); // a name never contains '/'
  for (unsigned c = 0; c < 256; ++c) {
    if (!members.test(c) || listable(c) || c == '\\')
      continue;
    why = c == '"' ? "'\"' cannot be written inside an SBPL regex literal"
                   : "glob class with byte " + hexByte(static_cast<unsigned char>(c)) +
                         " cannot be written as an SBPL regex (only printable ASCII)";
    return std::nullopt;
  }
  if (tok.negated) {
    if (members.test('\\')) {
      why = "a negated glob class that excludes '\\' cannot be written as an SBPL regex";
      return std::nullopt;
    }
    members.set('/');
    return "[^" + bracketMembers(members) + "]";
  }
  bool backslash = members.test('\\');
  members.reset('\\');
  size_t count = members.count();
  std::string inner;
  if (count == 1) {
    for (unsigned c = 0; c < 256; ++c)
      if (members.test(c))
        inner = regexLiteral(std::string(1, static_cast<char>(c)));
  } else if (count > 1) {
    inner = "[" + bracketMembers(members) + "]";
  }
  if (!backslash) {
    if (inner.empty()) {
      why = "glob class matches no byte";
      return std::nullopt;
    }
    return inner;
  }
  return inner.empty() ? std::string("\\\\") : "(" + inner + "|\\\\)";
}

std::optional<std::string> componentsRegex(const std::vector<std::string> &components,
                                           size_t begin, std::string &why) {
  std::string out;
  for (size_t i = begin; i < components.size(); ++i) {
    if (components[i] == "**") {
      out += "(/[^/]+)*";
      continue;
    }
    auto part = regexComponent(components[i], why);
    if (!part)
      return std::nullopt;
    out += '/';
    out += *part;
  }
  return out;
}

} // namespace

std::string regexLiteral(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (isEreMeta(c))
      out += '\\';
    out += c;
  }
  return out;
}

std::optional<std::string> regexComponent(std::string_view component, std::string &why) {
  if (component.empty() || component == "**") {
    why = "invalid glob component '" + std::string(component) + "'";
    return std::nullopt;
  }
  auto tokens = fs::parseGlobComponent(component, why);
  if (!tokens)
    return std::nullopt;
  if (tokens->size() == 1 && tokens->front().kind == fs::GlobToken::Kind::AnyRun)
    return std::string("[^/]+"); // a whole name of any bytes, never empty
  std::string out;
  for (const fs::GlobToken &t : *tokens) {
    switch (t.kind) {
    case fs::GlobToken::Kind::Literal:
      out += regexLiteral(std::string(1, static_cast<char>(t.byte)));
      break;
    case fs::GlobToken::Kind::AnyRun:
      out += "[^/]*";
      break;
    case fs::GlobToken::Kind::AnyByte:
      out += "[^/]";
      break;
    case fs::GlobToken::Kind::Class: {
      auto cls = classRegex(t, why);
      if (!cls)
        return std::nullopt;
      out += *cls;
      break;
    }
    }
  }
  return out;
}

std::optional<std::string> anchoredRegex(const std::vector<std::string> &components,
                                         bool descendants, std::string &why) {
  auto body = componentsRegex(components, 0, why);
  if (!body)
    return std::nullopt;
  // "^$" would match only the empty string: the root itself is "/".
  std::string out = "^" + (body->empty() ? std::string("/") : *body);
  if (descendants && !body->empty())
    out += "(/.*)?";
  else if (descendants)
    out += ".*";
  return out + "$";
}

std::optional<std::string> floatingRegex(const std::vector<std::string> &components,
                                         bool descendants, std::string &why) {
  size_t begin = 0;
  while (begin < components.size() && components[begin] == "**")
    ++begin;
  auto body = componentsRegex(components, begin, why);
  if (!body)
    return std::nullopt;
  if (body->empty())
    return std::string("^/"); // nothing left to constrain: every path
  return *body + (descendants ? "(/.*)?$" : "$");
}

} // namespace moat::backends::sbpl
