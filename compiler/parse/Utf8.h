// UTF-8 checks for .moat sources. A policy is text: NUL bytes and malformed
// UTF-8 are refused before lexing, and characters that can make a policy read
// differently from how it parses (controls, bidi overrides, invisible
// characters) are refused where they would be hidden from a reviewer.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moat::parse {

struct EncodingError {
  size_t offset; // byte offset of the first byte of the bad sequence
  std::string message;
};

// First NUL byte or malformed/overlong/surrogate/out-of-range sequence.
std::optional<EncodingError> findEncodingError(std::string_view text);

// Length of the sequence starting with `lead` (1 for bytes that are not a
// valid lead byte, so callers always make progress).
size_t utf8SeqLength(unsigned char lead);

// Decodes the code point at `i` of valid UTF-8 and advances `i`. Invalid
// input yields U+FFFD and advances one byte.
uint32_t decodeUtf8(std::string_view text, size_t &i);
void appendUtf8(std::string &out, uint32_t cp);

enum class Hidden {
  None,
  Control,   // C0 (except where the caller allows tab), DEL, C1
  Bidi,      // bidirectional formatting characters (Trojan Source)
  Invisible, // zero-width and line/paragraph separators
};
// How a code point could hide from a reader of the source.
Hidden classifyHidden(uint32_t cp);

// "U+202E", uppercase hex, at least 4 digits.
std::string codePointName(uint32_t cp);
// Why a hidden code point is refused, e.g. "the bidirectional control U+202E".
std::string describeHidden(uint32_t cp);

} // namespace moat::parse
