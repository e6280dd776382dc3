// The lexical layer of the SBPL emitter: which bytes may appear in a
// Seatbelt profile and how they are written. Escaping is security-critical:
// a path must never change the structure of the profile, so everything that
// cannot be written with certainty is refused (the caller reports
// backend-refused) instead of being approximated.
//
//   "..."   ordinary strings: `"` and `\` are escaped with a backslash; every
//           other byte must be printable ASCII or part of a well-formed UTF-8
//           sequence. Control bytes (NUL, newline, ...), DEL and malformed
//           UTF-8 are refused.
//   #"..."  regex literals: read raw by Seatbelt (no escapes), so the regex
//           itself may not contain `"` at all; the same byte rules apply.
//   ; ...   comments run to the end of the line: comment text is sanitised
//           (non-printable bytes become \xNN), never refused.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace moat::backends::sbpl {

// Why `bytes` cannot appear in a profile string ("control character 0x0a"),
// or nullopt when every byte is acceptable.
std::optional<std::string> unwritableBytes(std::string_view bytes);

// A quoted SBPL string literal, or nullopt (with `why`) when the bytes cannot
// be written with certainty.
std::optional<std::string> quoteString(std::string_view bytes, std::string &why);

// A raw regex literal `#"..."`, or nullopt (with `why`).
std::optional<std::string> quoteRegex(std::string_view regex, std::string &why);

// Comment-safe text: printable ASCII and well-formed UTF-8 stay, every other
// byte is written as \xNN, so a comment can never end early.
std::string commentText(std::string_view bytes);

} // namespace moat::backends::sbpl
