// IPv6 text forms (RFC 4291 section 2.2 in, RFC 5952 out). Written out rather
// than calling inet_pton so the proxy accepts the same set on every platform;
// the unit tests check it against the platform's inet_pton.
#include <llvm/ADT/StringExtras.h>
#include "compiler/net/HostDetail.h"

namespace moat::net::detail {

namespace {

// A hex digit's value, or -1 (wraps llvm::hexDigitValue's ~0U sentinel).
int hexValue(char c) { return static_cast<int>(llvm::hexDigitValue(c)); }

const char kHex[] = "0123456789abcdef";

} // namespace

bool parseIpv6(std::string_view s, V6Bytes &out, std::string &error) {
  uint16_t groups[8] = {};
  int count = 0; // groups written so far
  int gap = -1;  // index in `groups` where "::" stands, if any
  size_t i = 0;
  const size_t n = s.size();

  if (n == 0) {
    error = "empty IPv6 address";
    return false;
  }
  if (s[0] == ':') {
    if (n < 2 || s[1] != ':') {
      error = "an IPv6 address cannot start with a single ':'";
      return false;
    }
    gap = 0;
    i = 2;
  }

  while (i < n) {
    size_t end = i;
    bool dotted = false;
    while (end < n && s[end] != ':') {
      if (s[end] == '.')
        dotted = true;
      ++end;
    }
    std::string_view token = s.substr(i, end - i);
    if (token.empty()) {
      error = "an IPv6 address has at most one '::'";
      return false;
    }
    if (dotted) {
      // A dotted quad may only replace the last two groups.
      V4Bytes v4;
      if (end != n || !parseDottedQuad(token, v4)) {
        error = "an IPv4 part inside an IPv6 address must come last and be a plain dotted quad";
        return false;
      }
      if (count > 6) {
        error = "too many groups in IPv6 address";
        return false;
      }
      groups[count++] = static_cast<uint16_t>(v4[0] << 8 | v4[1]);
      groups[count++] = static_cast<uint16_t>(v4[2] << 8 | v4[3]);
      i = end;
      break;
    }
    if (token.size() > 4) {
      error = "an IPv6 group has at most four hex digits";
      return false;
    }
    unsigned v = 0;
    for (char c : token) {
      int d = hexValue(c);
      if (d < 0) {
        error = "an IPv6 group may only hold hex digits";
        return false;
      }
      v = v << 4 | static_cast<unsigned>(d);
    }
    if (count == 8) {
      error = "too many groups in IPv6 address";
      return false;
    }
    groups[count++] = static_cast<uint16_t>(v);
    i = end;
    if (i == n)
      break;
    ++i; // the ':' after the group
    if (i < n && s[i] == ':') {
      if (gap >= 0) {
        error = "an IPv6 address has at most one '::'";
        return false;
      }
      gap = count;
      ++i;
    } else if (i == n) {
      error = "an IPv6 address cannot end with a single ':'";
      return false;
    }
  }

  if (gap < 0 && count != 8) {
    error = "an IPv6 address needs eight groups or a '::'";
    return false;
  }
  if (gap >= 0 && count > 7) {
    error = "'::' must stand for at least one group";
    return false;
  }
  // Move the groups after the gap to the end.
  uint16_t full[8] = {};
  if (gap < 0) {
    for (int g = 0; g < 8; ++g)
      full[g] = groups[g];
  } else {
    for (int g = 0; g < gap; ++g)
      full[g] = groups[g];
    int tail = count - gap;
    for (int g = 0; g < tail; ++g)
      full[8 - tail + g] = groups[gap + g];
  }
  for (int g = 0; g < 8; ++g) {
    out[2 * g] = static_cast<uint8_t>(full[g] >> 8);
    out[2 * g + 1] = static_cast<uint8_t>(full[g] & 0xff);
  }
  return true;
}

bool isV4Mapped(const V6Bytes &b) {
  for (int i = 0; i < 10; ++i)
    if (b[i] != 0)
      return false;
  return b[10] == 0xff && b[11] == 0xff;
}

size_t formatIpv6(const V6Bytes &b, char *buf) {
  unsigned g[8];
  for (int i = 0; i < 8; ++i)
    g[i] = static_cast<unsigned>(b[2 * i] << 8 | b[2 * i + 1]);

  // Longest run of zero groups, at least two long, the first on ties.
  int bestStart = -1, bestLen = 1;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[j] == 0)
      ++j;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }

  size_t n = 0;
  for (int i = 0; i < 8; ++i) {
    if (i == bestStart) {
      buf[n++] = ':';
      buf[n++] = ':';
      i += bestLen - 1;
      continue;
    }
    if (i > 0 && i != bestStart + bestLen)
      buf[n++] = ':';
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      unsigned d = (g[i] >> shift) & 0xf;
      if (d != 0 || started || shift == 0) {
        buf[n++] = kHex[d];
        started = true;
      }
    }
  }
  return n;
}

} // namespace moat::net::detail
