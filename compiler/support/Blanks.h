// Spaces and tabs around a field (an HTTP header value, a knowledge-file
// entry): the one trim every reader of line-oriented text here needs.
#pragma once
#include <string_view>

namespace moat {

inline std::string_view trimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

} // namespace moat
