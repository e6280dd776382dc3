#include "compiler/support/Depfile.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/ADT/StringSet.h>

namespace moat {

namespace {

bool standsForItself(unsigned char c) {
  return llvm::isAlnum(static_cast<char>(c)) || c >= 0x80 ||
         llvm::StringRef("+?\"'&,/_:.~(){}%=@[]!-").contains(static_cast<char>(c));
}

std::string describe(unsigned char c) {
  if (c == '\n')
    return "a newline";
  if (c == '\t')
    return "a tab";
  if (c < 0x20 || c == 0x7f)
    return "the control byte 0x" + llvm::utohexstr(c, /*LowerCase=*/true);
  return "'" + std::string(1, static_cast<char>(c)) + "'";
}

// `path` fit for a message: control bytes as '?', so the message stays one
// line.
std::string printable(llvm::StringRef path) {
  std::string out;
  for (char ch : path)
    out += static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f ? '?' : ch;
  return out;
}

// Appends `path` escaped, or returns false with `error` set.
bool appendPath(llvm::StringRef path, std::string &out, std::string &error) {
  if (path.empty()) {
    error = "an empty path cannot be written in a depfile";
    return false;
  }
  if (path.endswith(":")) {
    error = "'" + printable(path) + "' ends in ':', which a depfile reads as a target";
    return false;
  }
  for (char ch : path) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (standsForItself(c))
      out += ch;
    else if (c == ' ' || c == '#')
      out += {'\\', ch};
    else if (c == '$')
      out += "$$";
    else {
      error = "'" + printable(path) + "' holds " + describe(c) + ", which a depfile cannot express";
      return false;
    }
  }
  return true;
}

} // namespace

std::optional<std::string> depfileText(llvm::StringRef target, llvm::ArrayRef<std::string> inputs,
                                       std::string &error) {
  std::string out;
  if (!appendPath(target, out, error))
    return std::nullopt;
  out += ':';
  llvm::StringSet<> written;
  for (const std::string &input : inputs) {
    if (!written.insert(input).second)
      continue;
    out += ' ';
    if (!appendPath(input, out, error))
      return std::nullopt;
  }
  out += '\n';
  return out;
}

} // namespace moat
