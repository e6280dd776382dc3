// Making user bytes safe to print. Diagnostics echo paths, hosts and whole
// source lines from hostile files; control characters, escape sequences,
// bidirectional overrides and invalid UTF-8 must never reach a terminal raw.
#pragma once
#include <string>
#include <string_view>

namespace moat {

// Printable UTF-8 is kept; control bytes and invalid UTF-8 become \xNN and
// invisible or direction-changing code points become \u{XXXX}.
std::string printableText(std::string_view text);

// The number of terminal columns printableText(text) occupies.
unsigned displayWidth(std::string_view printable);

} // namespace moat
