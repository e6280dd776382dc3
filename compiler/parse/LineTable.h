// Byte offset -> 1-based line and byte column, in O(log lines). SourceMgr's
// own lookup scans back to the start of the line on every call, which is
// quadratic for a hostile 16 MiB single-line file; this table is not.
// Lines are counted at '\n' exactly as SourceMgr counts them.
#pragma once
#include "compiler/diagnostics/SourceLoc.h"

#include <cstdint>
#include <string_view>
#include <vector>

namespace moat::parse {

class LineTable {
public:
  LineTable(uint32_t buffer, std::string_view text);
  SourceLoc loc(size_t offset) const;
  uint32_t line(size_t offset) const { return loc(offset).line; }

private:
  uint32_t buffer_;
  size_t size_;
  std::vector<uint32_t> starts_; // byte offset of each line's first byte
};

} // namespace moat::parse
