#include <llvm/ADT/StringExtras.h>
#include "compiler/parse/Strings.h"

#include "compiler/parse/Utf8.h"

#include <fmt/format.h>

namespace moat::parse {

namespace {

// A hex digit's value, or -1 (wraps llvm::hexDigitValue's ~0U sentinel).
int hexValue(char c) { return static_cast<int>(llvm::hexDigitValue(c)); }

// Escape name for a message: the backslash and the character after it.
std::string escapeText(std::string_view lit, size_t backslash) {
  size_t i = backslash + 1;
  if (i >= lit.size())
    return "\\";
  size_t len = utf8SeqLength(static_cast<unsigned char>(lit[i]));
  uint32_t cp = static_cast<unsigned char>(lit[i]);
  if (len > 1 || cp < 0x20 || cp == 0x7F) {
    size_t j = i;
    return "\\ followed by " + codePointName(decodeUtf8(lit, j));
  }
  return std::string("\\") + lit[i];
}

// Parses `\u{HEX}` at `backslash`; on success appends the character and
// returns the index after '}'. On failure records a problem and returns the
// index to continue from.
size_t decodeUnicodeEscape(std::string_view lit, size_t backslash, std::string &out,
                           std::vector<StringProblem> &problems) {
  size_t i = backslash + 2;          // after "\u"
  const size_t end = lit.size() - 1; // the closing quote
  if (i >= end || lit[i] != '{') {
    problems.push_back(
        {backslash, "\\u must be followed by a code point in braces, e.g. \\u{1F512}"});
    return i;
  }
  ++i;
  size_t digitsStart = i;
  uint32_t cp = 0;
  while (i < end && hexValue(lit[i]) >= 0 && i - digitsStart < 7) {
    cp = cp * 16 + static_cast<uint32_t>(hexValue(lit[i]));
    ++i;
  }
  size_t digits = i - digitsStart;
  if (i >= end || lit[i] != '}' || digits == 0 || digits > 6) {
    problems.push_back({backslash, "\\u{...} takes 1 to 6 hex digits and a closing '}'"});
    // Resume after the closing brace if there is one on this literal.
    size_t close = lit.find('}', digitsStart);
    return close == std::string_view::npos || close >= end ? i : close + 1;
  }
  ++i; // '}'
  if (cp == 0) {
    problems.push_back({backslash, "\\u{0} (NUL) is not allowed in a string"});
    return i;
  }
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    problems.push_back({backslash, fmt::format("\\u{{{}}} is not a Unicode scalar value",
                                               lit.substr(digitsStart, digits))});
    return i;
  }
  appendUtf8(out, cp);
  return i;
}

} // namespace

std::string decodeStringLiteral(std::string_view lit, std::vector<StringProblem> &problems) {
  std::string out;
  if (lit.size() < 2 || lit.front() != '"' || lit.back() != '"') {
    problems.push_back({0, "missing closing '\"' (a string must end on the line it starts)"});
    return out;
  }
  out.reserve(lit.size() - 2);
  size_t i = 1;
  const size_t end = lit.size() - 1;
  while (i < end) {
    char c = lit[i];
    if (c == '\\') {
      char e = i + 1 < end ? lit[i + 1] : '\0';
      switch (e) {
      case '"':
        out += '"';
        i += 2;
        continue;
      case '\\':
        out += '\\';
        i += 2;
        continue;
      case 'n':
        out += '\n';
        i += 2;
        continue;
      case 't':
        out += '\t';
        i += 2;
        continue;
      case 'r':
        out += '\r';
        i += 2;
        continue;
      case 'u':
        i = decodeUnicodeEscape(lit, i, out, problems);
        continue;
      default:
        break;
      }
      problems.push_back({i, "unknown escape '" + escapeText(lit, i) +
                                 "'; the escapes are \\\" \\\\ \\n \\t \\r and \\u{HEX}"});
      i += 1 + (i + 1 < end ? utf8SeqLength(static_cast<unsigned char>(lit[i + 1])) : 0);
      continue;
    }
    size_t at = i;
    uint32_t cp = decodeUtf8(lit, i);
    if (classifyHidden(cp) != Hidden::None) {
      std::string spelled = cp == '\t' ? "\\t" : fmt::format("\\u{{{:X}}}", cp);
      problems.push_back({at, describeHidden(cp) + " cannot appear raw in a string; write " +
                                  spelled + " if it is meant"});
      continue;
    }
    out.append(lit.substr(at, i - at));
  }
  return out;
}

std::string encodeStringLiteral(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out += '"';
  size_t i = 0;
  while (i < value.size()) {
    size_t at = i;
    uint32_t cp = decodeUtf8(value, i);
    switch (cp) {
    case '"':
      out += "\\\"";
      continue;
    case '\\':
      out += "\\\\";
      continue;
    case '\n':
      out += "\\n";
      continue;
    case '\t':
      out += "\\t";
      continue;
    case '\r':
      out += "\\r";
      continue;
    default:
      break;
    }
    // Bytes that are not UTF-8 cannot come from the parser; spell them as
    // U+FFFD rather than emit a literal that would not lex.
    bool malformed = cp == 0xFFFD && value.compare(at, i - at, "\xEF\xBF\xBD") != 0;
    if (cp == 0 || malformed || classifyHidden(cp) != Hidden::None)
      out += fmt::format("\\u{{{:X}}}", malformed ? 0xFFFDu : cp);
    else
      out.append(value.substr(at, i - at));
  }
  out += '"';
  return out;
}

} // namespace moat::parse
