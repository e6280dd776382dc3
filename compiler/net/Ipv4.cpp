// IPv4 text forms. inet_aton's acceptance differs between libcs (glibc takes
// "1.2.3.4 junk", some wrap on overflow), so the rules are written out here:
// what a client might send is parsed the way a resolver would read it, and
// anything we cannot read unambiguously is an error, never a guess.
#include <llvm/ADT/StringExtras.h>
#include "compiler/net/HostDetail.h"

#include <fmt/format.h>

namespace moat::net::detail {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// A hex digit's value, or -1 (wraps llvm::hexDigitValue's ~0U sentinel).
int hexValue(char c) { return static_cast<int>(llvm::hexDigitValue(c)); }

bool hasHexPrefix(std::string_view part) {
  return part.size() >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X');
}

// One inet_aton part. Values above 2^32-1 stop the parse (no wrap).
bool parsePart(std::string_view part, uint64_t &value, std::string &error) {
  if (part.empty()) {
    error = "empty part in an IPv4 address (two dots in a row, or a leading dot)";
    return false;
  }
  unsigned base = 10;
  std::string_view digits = part;
  if (hasHexPrefix(part)) {
    base = 16;
    digits = part.substr(2);
    if (digits.empty()) {
      error = fmt::format("'{}' has no hex digits after '0x'", part);
      return false;
    }
  } else if (part.size() > 1 && part[0] == '0') {
    base = 8;
    digits = part.substr(1);
  }
  uint64_t v = 0;
  for (char c : digits) {
    int d = base == 16 ? hexValue(c) : (isDigit(c) ? c - '0' : -1);
    if (d < 0 || static_cast<unsigned>(d) >= base) {
      if (base == 8 && isDigit(c))
        error = fmt::format("'{}' is not a valid octal number (a leading 0 means octal)", part);
      else
        error = fmt::format("'{}' is not a number", part);
      return false;
    }
    v = v * base + static_cast<unsigned>(d);
    if (v > 0xFFFFFFFFull) {
      error = fmt::format("'{}' is out of range for an IPv4 address", part);
      return false;
    }
  }
  value = v;
  return true;
}

} // namespace

bool isNumericLabel(std::string_view label) {
  if (label.empty())
    return false;
  if (hasHexPrefix(label)) {
    for (char c : label.substr(2))
      if (hexValue(c) < 0)
        return false;
    return true;
  }
  for (char c : label)
    if (!isDigit(c))
      return false;
  return true;
}

bool parseIpv4Any(std::string_view s, V4Bytes &out, std::string &error) {
  std::string_view parts[4];
  size_t count = 0;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    if (count == 4) {
      error = "an IPv4 address has at most four parts";
      return false;
    }
    parts[count++] = s.substr(start, dot == std::string_view::npos ? std::string_view::npos
                                                                   : dot - start);
    if (dot == std::string_view::npos)
      break;
    start = dot + 1;
  }

  uint64_t values[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < count; ++i)
    if (!parsePart(parts[i], values[i], error))
      return false;

  // Every part but the last is one byte; the last fills what remains, so
  // "127.1" is 127.0.0.1 and "2130706433" is 127.0.0.1.
  for (size_t i = 0; i + 1 < count; ++i) {
    if (values[i] > 255) {
      error = fmt::format("'{}' is more than 255", parts[i]);
      return false;
    }
  }
  unsigned lastBits = 8 * static_cast<unsigned>(5 - count);
  uint64_t lastMax = (uint64_t{1} << lastBits) - 1;
  if (values[count - 1] > lastMax) {
    error = fmt::format("'{}' is more than {}, the most the last of {} part{} can hold",
                        parts[count - 1], lastMax, count, count == 1 ? "" : "s");
    return false;
  }
  uint64_t addr = values[count - 1];
  for (size_t i = 0; i + 1 < count; ++i)
    addr |= values[i] << (8 * (3 - i));
  for (size_t i = 0; i < 4; ++i)
    out[i] = static_cast<uint8_t>(addr >> (8 * (3 - i)));
  return true;
}

bool parseDottedQuad(std::string_view s, V4Bytes &out) {
  size_t i = 0;
  for (size_t part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= s.size() || s[i] != '.')
        return false;
      ++i;
    }
    size_t begin = i;
    unsigned v = 0;
    while (i < s.size() && isDigit(s[i]) && i - begin < 3) {
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
      ++i;
    }
    size_t len = i - begin;
    if (len == 0 || v > 255 || (len > 1 && s[begin] == '0'))
      return false;
    out[part] = static_cast<uint8_t>(v);
  }
  return i == s.size();
}

size_t formatIpv4(const uint8_t *b, char *buf) {
  size_t n = 0;
  for (int i = 0; i < 4; ++i) {
    if (i > 0)
      buf[n++] = '.';
    unsigned v = b[i];
    if (v >= 100)
      buf[n++] = static_cast<char>('0' + v / 100);
    if (v >= 10)
      buf[n++] = static_cast<char>('0' + v / 10 % 10);
    buf[n++] = static_cast<char>('0' + v % 10);
  }
  return n;
}

std::string describeByte(unsigned char c) {
  if (c > 0x20 && c < 0x7f)
    return std::string(1, static_cast<char>(c));
  return fmt::format("\\x{:02x}", c);
}

} // namespace moat::net::detail
