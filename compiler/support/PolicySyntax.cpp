#include "compiler/support/PolicySyntax.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Path.h>

namespace moat {

namespace {

llvm::StringRef firstSignificantLine(llvm::StringRef text) {
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    llvm::StringRef trimmed = line.trim();
    if (!trimmed.empty() && !trimmed.startswith("#") && trimmed != "---")
      return trimmed;
    text = rest;
  }
  return {};
}

bool looksLikeYamlKey(llvm::StringRef line) {
  size_t i = 0;
  while (i < line.size() && (llvm::isAlnum(line[i]) || line[i] == '_' || line[i] == '-'))
    ++i;
  return i > 0 && i < line.size() && line[i] == ':';
}

} // namespace

std::optional<PolicySyntax> detectPolicySyntax(std::string_view textView, std::string_view pathView,
                                               std::string &why) {
  llvm::StringRef text(textView.data(), textView.size());
  llvm::StringRef path(pathView.data(), pathView.size());
  if (text.startswith("\xEF\xBB\xBF"))
    text = text.drop_front(3);
  llvm::StringRef trimmed = text.ltrim();
  if (trimmed.startswith("{") || trimmed.startswith("["))
    return PolicySyntax::Json;
  llvm::StringRef ext = llvm::sys::path::extension(path);
  if (ext == ".yaml" || ext == ".yml")
    return PolicySyntax::Yaml;
  if (ext == ".moat")
    return PolicySyntax::Moat;
  if (ext == ".json") {
    why = "a .json file must contain a JSON object";
    return std::nullopt;
  }
  llvm::StringRef first = firstSignificantLine(text);
  if (first.empty()) {
    why = "the file has no statements";
    return std::nullopt;
  }
  return looksLikeYamlKey(first) ? PolicySyntax::Yaml : PolicySyntax::Moat;
}

} // namespace moat
