#include "compiler/parse/Utf8.h"

#include <fmt/format.h>

namespace moat::parse {

size_t utf8SeqLength(unsigned char lead) {
  if (lead < 0x80)
    return 1;
  if (lead >= 0xC2 && lead <= 0xDF)
    return 2;
  if (lead >= 0xE0 && lead <= 0xEF)
    return 3;
  if (lead >= 0xF0 && lead <= 0xF4)
    return 4;
  return 1;
}

std::optional<EncodingError> findEncodingError(std::string_view text) {
  const auto *s = reinterpret_cast<const unsigned char *>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char b = s[i];
    if (b == 0)
      return EncodingError{i, "the file contains a NUL byte; a policy must be UTF-8 text"};
    if (b < 0x80) {
      ++i;
      continue;
    }
    // Reported at the first byte of the sequence that is not UTF-8.
    auto bad = [&]() {
      return EncodingError{
          i, fmt::format("invalid UTF-8 (byte 0x{:02X}); a policy must be UTF-8 text", b)};
    };
    size_t len = utf8SeqLength(b);
    if (len == 1)
      return bad(); // continuation byte or invalid lead (C0, C1, F5..FF)
    // The second byte's range depends on the lead: this rejects overlong
    // forms, UTF-16 surrogates (ED A0..BF) and code points above U+10FFFF.
    unsigned char lo = 0x80, hi = 0xBF;
    if (b == 0xE0)
      lo = 0xA0;
    else if (b == 0xED)
      hi = 0x9F;
    else if (b == 0xF0)
      lo = 0x90;
    else if (b == 0xF4)
      hi = 0x8F;
    if (i + 1 >= n || s[i + 1] < lo || s[i + 1] > hi)
      return bad();
    for (size_t k = 2; k < len; ++k)
      if (i + k >= n || (s[i + k] & 0xC0) != 0x80)
        return bad();
    i += len;
  }
  return std::nullopt;
}

uint32_t decodeUtf8(std::string_view text, size_t &i) {
  const auto *s = reinterpret_cast<const unsigned char *>(text.data());
  unsigned char b = s[i];
  size_t len = utf8SeqLength(b);
  if (len == 1) {
    ++i;
    return b < 0x80 ? b : 0xFFFD;
  }
  if (i + len > text.size()) {
    ++i;
    return 0xFFFD;
  }
  uint32_t cp = b & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    if ((s[i + k] & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (s[i + k] & 0x3F);
  }
  i += len;
  return cp;
}

void appendUtf8(std::string &out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

Hidden classifyHidden(uint32_t cp) {
  if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
    return Hidden::Control;
  if (cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
      (cp >= 0x2066 && cp <= 0x2069))
    return Hidden::Bidi;
  if ((cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF || cp == 0x2028 ||
      cp == 0x2029 || cp == 0x00AD)
    return Hidden::Invisible;
  return Hidden::None;
}

std::string codePointName(uint32_t cp) { return fmt::format("U+{:04X}", cp); }

std::string describeHidden(uint32_t cp) {
  switch (classifyHidden(cp)) {
  case Hidden::Control:
    return "the control character " + codePointName(cp);
  case Hidden::Bidi:
    return "the bidirectional control " + codePointName(cp) +
           " (it can make text display in a different order than it is read)";
  case Hidden::Invisible:
    return "the invisible character " + codePointName(cp);
  case Hidden::None:
    break;
  }
  return "the character " + codePointName(cp);
}

} // namespace moat::parse
