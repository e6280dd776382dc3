#include "compiler/parse/LineTable.h"

#include <algorithm>

namespace moat::parse {

LineTable::LineTable(uint32_t buffer, std::string_view text) : buffer_(buffer), size_(text.size()) {
  starts_.push_back(0);
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n')
      starts_.push_back(static_cast<uint32_t>(i + 1));
}

SourceLoc LineTable::loc(size_t offset) const {
  if (offset > size_)
    offset = size_;
  auto it = std::upper_bound(starts_.begin(), starts_.end(), static_cast<uint32_t>(offset));
  size_t line = static_cast<size_t>(it - starts_.begin()); // 1-based
  return SourceLoc{buffer_, static_cast<uint32_t>(line),
                   static_cast<uint32_t>(offset - starts_[line - 1] + 1)};
}

} // namespace moat::parse
