#include "compiler/diagnostics/Printable.h"

#include <llvm/Support/ConvertUTF.h>
#include <llvm/Support/Format.h>
#include <llvm/Support/Locale.h>
#include <llvm/Support/Unicode.h>
#include <llvm/Support/raw_ostream.h>

namespace moat {

std::string printableText(std::string_view text) {
  std::string out;
  llvm::raw_string_ostream os(out);
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f)
        os << llvm::format("\\x%02x", c);
      else
        os << static_cast<char>(c);
      ++i;
      continue;
    }
    unsigned len = llvm::getNumBytesForUTF8(c);
    const llvm::UTF8 *start = reinterpret_cast<const llvm::UTF8 *>(text.data() + i);
    if (i + len > text.size() || !llvm::isLegalUTF8Sequence(start, start + len)) {
      os << llvm::format("\\x%02x", c);
      ++i;
      continue;
    }
    llvm::UTF32 cp = 0;
    llvm::UTF32 *target = &cp;
    const llvm::UTF8 *src = start;
    if (llvm::ConvertUTF8toUTF32(&src, start + len, &target, target + 1, llvm::strictConversion) !=
            llvm::conversionOK ||
        !llvm::sys::unicode::isPrintable(static_cast<int>(cp)) ||
        (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
        cp == 0xfeff) {
      os << llvm::format("\\u{%x}", static_cast<unsigned>(cp));
    } else {
      os << text.substr(i, len);
    }
    i += len;
  }
  os.flush();
  return out;
}

unsigned displayWidth(std::string_view printable) {
  int w = llvm::sys::locale::columnWidth(llvm::StringRef(printable.data(), printable.size()));
  return w < 0 ? static_cast<unsigned>(printable.size()) : static_cast<unsigned>(w);
}

} // namespace moat
