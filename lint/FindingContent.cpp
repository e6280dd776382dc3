#include "lint/FindingContent.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/SHA256.h>

namespace moat::lint {

std::string findingCode(CommentIndex &comments, const Diagnostic &d) {
  if (!d.loc.valid())
    return "";
  std::string_view code = comments.scan(d.loc.buffer).code(d.loc.line);
  if (d.loc.line == 1 && code.substr(0, 3) == "\xEF\xBB\xBF")
    code.remove_prefix(3);
  std::string out;
  bool gap = false;
  for (char c : code) {
    if (c == ' ' || c == '\t') {
      gap = !out.empty();
      continue;
    }
    if (gap)
      out += ' ';
    gap = false;
    out += c;
  }
  return out;
}

std::string findingFingerprint(CommentIndex &comments, const Diagnostic &d) {
  llvm::SHA256 hash;
  hash.update(d.id);
  hash.update(llvm::StringRef("\0", 1));
  hash.update(d.message);
  hash.update(llvm::StringRef("\0", 1));
  hash.update(findingCode(comments, d));
  return llvm::toHex(hash.final(), /*LowerCase=*/true).substr(0, 32);
}

} // namespace moat::lint
