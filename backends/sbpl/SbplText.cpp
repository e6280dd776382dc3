#include "backends/sbpl/SbplText.h"

#include <cstdio>

namespace moat::backends::sbpl {

namespace {

// Length of the well-formed UTF-8 sequence (2-4 bytes) starting at s[i], or 0.
// Overlong forms, surrogates and code points above U+10FFFF are malformed
// (RFC 3629): a reader that decodes them differently could see other bytes.
size_t utf8Sequence(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = at(i);
  size_t n;
  unsigned char lo = 0x80, hi = 0xbf; // allowed range of the second byte
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0)
      lo = 0xa0; // overlong
    if (c == 0xed)
      hi = 0x9f; // surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0)
      lo = 0x90; // overlong
    if (c == 0xf4)
      hi = 0x8f; // above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size())
    return 0;
  if (at(i + 1) < lo || at(i + 1) > hi)
    return 0;
  for (size_t k = 2; k < n; ++k)
    if (at(i + k) < 0x80 || at(i + k) > 0xbf)
      return 0;
  return n;
}

std::string hexByte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", c);
  return buf;
}

// Calls `ok(piece)` for each acceptable run and returns the first problem.
template <typename Fn> std::optional<std::string> scan(std::string_view s, Fn ok) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == 0)
      return std::string("NUL byte");
    if (c < 0x20 || c == 0x7f)
      return "control character " + hexByte(c);
    if (c < 0x80) {
      ok(s.substr(i, 1));
      ++i;
      continue;
    }
    size_t n = utf8Sequence(s, i);
    if (n == 0)
      return "byte " + hexByte(c) + " that is not part of well-formed UTF-8";
    ok(s.substr(i, n));
    i += n;
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string> unwritableBytes(std::string_view bytes) {
  return scan(bytes, [](std::string_view) {});
}

std::optional<std::string> quoteString(std::string_view bytes, std::string &why) {
  std::string out = "\"";
  auto problem = scan(bytes, [&](std::string_view piece) {
    if (piece == "\"" || piece == "\\")
      out += '\\';
    out += piece;
  });
  if (problem) {
    why = *problem;
    return std::nullopt;
  }
  out += '"';
  return out;
}

std::optional<std::string> quoteRegex(std::string_view regex, std::string &why) {
  if (regex.find('"') != std::string_view::npos) {
    // #"..." has no escapes: a quote would end the literal early.
    why = "'\"' cannot be written inside an SBPL regex literal";
    return std::nullopt;
  }
  if (auto problem = unwritableBytes(regex)) {
    why = *problem;
    return std::nullopt;
  }
  return "#\"" + std::string(regex) + "\"";
}

std::string commentText(std::string_view bytes) {
  std::string out;
  for (size_t i = 0; i < bytes.size();) {
    auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    size_t n = c >= 0x80 ? utf8Sequence(bytes, i) : 0;
    if (n) {
      out.append(bytes.substr(i, n));
      i += n;
      continue;
    }
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02x", c);
    out += buf;
    ++i;
  }
  return out;
}

} // namespace moat::backends::sbpl
