// How a fuzz target reports a broken invariant: what broke, the input and a
// detail, with every byte outside printable ASCII (and the backslash) shown
// as \xNN so the report survives a terminal or a CI log, then abort(), so
// libFuzzer keeps the input as a crash.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace moat::fuzz {

inline std::string printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

// `target` names the fuzz target in the first line.
[[noreturn]] inline void failInput(const char *target, const char *what, std::string_view input,
                                   std::string_view detail) {
  std::fprintf(stderr, "%s: %s\ninput: %s\ndetail: %s\n", target, what, printable(input).c_str(),
               printable(detail).c_str());
  std::abort();
}

} // namespace moat::fuzz
