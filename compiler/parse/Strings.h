// String literals of the .moat language: "..." with the escapes \" \\ \n \t
// \r and \u{HEX}. Decoding reports every problem at its byte offset;
// encoding produces the canonical spelling the formatter prints.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace moat::parse {

struct StringProblem {
  size_t offset; // byte offset inside the literal (0 = the opening quote)
  std::string message;
};

// `literal` is the whole token including both quotes (valid UTF-8). Returns
// the decoded value; `problems` is empty when the literal is valid.
std::string decodeStringLiteral(std::string_view literal, std::vector<StringProblem> &problems);

// The canonical literal for `value` (quotes included): the short escapes
// where they exist, \u{HEX} for controls and for characters that would be
// invisible or reorder text, everything else as raw UTF-8.
std::string encodeStringLiteral(std::string_view value);

} // namespace moat::parse
