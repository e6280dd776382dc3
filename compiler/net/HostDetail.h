// Internal to compiler/net: the byte checks and address parsers behind
// canonicaliseHost and parseHostPattern. They are our own (not inet_aton / inet_pton) so that what
// is accepted is the same on every libc and is spelled out in one place.
//
// All of them take ASCII input in either case, never read past the view, do
// not allocate on success, and on failure write a reason (no input echoed)
// to `error`.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace moat::net::detail {

using V4Bytes = std::array<uint8_t, 4>;
using V6Bytes = std::array<uint8_t, 16>;

// True when `label` is numeric in the WHATWG URL sense: all decimal digits,
// or "0x" followed by hex digits (possibly none). A host whose last label is
// numeric must be an IPv4 address or it is rejected.
bool isNumericLabel(std::string_view label);

// Every inet_aton spelling: 1 to 4 dot-separated parts, each decimal, 0x-hex
// or leading-0 octal; the last part fills the remaining bytes. Overflow is an
// error, never a wrap. No empty parts, no signs, no trailing garbage, and a
// bare "0x" is not a number.
bool parseIpv4Any(std::string_view s, V4Bytes &out, std::string &error);

// The one unambiguous spelling: exactly four decimal parts 0-255 without
// leading zeros ("0" itself is fine). Policies must write IPv4 this way.
bool parseDottedQuad(std::string_view s, V4Bytes &out);

// RFC 4291 text: eight 1-4 digit hex groups, at most one "::" standing for
// one or more zero groups, an optional trailing dotted quad (strict, as
// above) in place of the last two groups. No brackets, no zone id.
bool parseIpv6(std::string_view s, V6Bytes &out, std::string &error);

// ::ffff:0:0/96.
bool isV4Mapped(const V6Bytes &b);

// Writes the RFC 5952 text of `b` into `buf` (which must hold 40 bytes) and
// returns its length: lowercase, no leading zeros in a group, the longest run
// of two or more zero groups (the first on ties) written "::".
size_t formatIpv6(const V6Bytes &b, char *buf);

// Writes "a.b.c.d" into `buf` (which must hold 16 bytes); returns its length.
size_t formatIpv4(const uint8_t *b, char *buf);

// A byte as it should appear in a message: printable ASCII as itself, every
// other byte as \xNN.
std::string describeByte(unsigned char c);

// Checks that every byte of `s` may appear in a host: ASCII letters, digits,
// '-', '_', '.', and the IPv6 punctuation ':', '[' and ']', plus any byte in
// `extra` (patterns add '*' and '/'). Otherwise writes a reason that names
// the first bad byte and its offset.
bool checkHostBytes(std::string_view s, std::string_view extra, std::string &error);

} // namespace moat::net::detail
