#include "report/HtmlText.h"

#include <llvm/Support/JSON.h>

namespace moat::report {

std::string escapeHtml(std::string_view text) {
  llvm::StringRef in(text.data(), text.size());
  std::string fixed = llvm::json::isUTF8(in) ? std::string(text) : llvm::json::fixUTF8(in);
  std::string out;
  out.reserve(fixed.size() + fixed.size() / 8);
  for (char c : fixed) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    case '\t':
    case '\n':
    case '\r':
      out += c;
      break;
    default:
      // Other control characters are not allowed in HTML text.
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        out += "\xEF\xBF\xBD";
      else
        out += c;
    }
  }
  return out;
}

std::string codeSpansToHtml(std::string_view text) {
  size_t open = text.find('`'), close = text.rfind('`');
  if (open == std::string_view::npos || close == open)
    return escapeHtml(text);
  return escapeHtml(text.substr(0, open)) + "<code>" + escapeHtml(text.substr(open + 1, close - open - 1)) +
         "</code>" + escapeHtml(text.substr(close + 1));
}

std::string anchorId(std::string_view text) {
  std::string id;
  for (char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      id += c;
    else if (c >= 'A' && c <= 'Z')
      id += static_cast<char>(c - 'A' + 'a');
    else
      id += '-';
  }
  return id;
}

} // namespace moat::report
