// A position in a source buffer registered with the SourceFiles registry.
// Buffer 0 means "no file" (built-in rules, command-line definitions).
#pragma once
#include <cstdint>

namespace moat {

struct SourceLoc {
  uint32_t buffer = 0; // index into SourceFiles; 0 = no location
  uint32_t line = 0;   // 1-based
  uint32_t col = 0;    // 1-based, in bytes

  bool valid() const { return buffer != 0; }
  friend bool operator==(const SourceLoc &a, const SourceLoc &b) {
    return a.buffer == b.buffer && a.line == b.line && a.col == b.col;
  }
  friend bool operator!=(const SourceLoc &a, const SourceLoc &b) { return !(a == b); }
};

} // namespace moat
