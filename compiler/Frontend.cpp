#include "compiler/Frontend.h"

#include "compiler/import/DocTree.h"
#include "compiler/import/Importers.h"
#include "compiler/parse/Parser.h"
#include "compiler/sema/Sema.h"

#include <llvm/ADT/SmallString.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/FileSystem.h>
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

// The syntax a file is written in; JSON is split into srt / Claude by its
// top-level keys once read.
enum class Syntax { Moat, Yaml, Json };

// Detection from content: JSON starts with '{' or '['; otherwise the file
// extension decides, and without one a first line `key:` means YAML.
std::optional<Syntax> detectSyntax(std::string_view textView, std::string_view pathView, std::string &why) {
  llvm::StringRef text(textView.data(), textView.size());
  llvm::StringRef path(pathView.data(), pathView.size());
  if (text.startswith("\xEF\xBB\xBF"))
    text = text.drop_front(3);
  llvm::StringRef trimmed = text.ltrim();
  if (trimmed.startswith("{") || trimmed.startswith("[")) {
    return Syntax::Json;
  }
  llvm::StringRef ext = llvm::sys::path::extension(path);
  if (ext == ".yaml" || ext == ".yml")
    return Syntax::Yaml;
  if (ext == ".moat")
    return Syntax::Moat;
  if (ext == ".json") {
    why = "a .json file must contain a JSON object";
    return std::nullopt;
  }
  llvm::StringRef first = firstSignificantLine(text);
  if (first.empty()) {
    why = "the file has no statements";
    return std::nullopt;
  }
  return looksLikeYamlKey(first) ? Syntax::Yaml : Syntax::Moat;
}

// Picks srt or Claude from a JSON document's top-level keys.
std::optional<ast::SourceKind> jsonKind(const import::DocNode &doc, std::string &why) {
  if (doc.kind != import::DocNode::Kind::Object) {
    why = "the JSON document is not an object";
    return std::nullopt;
  }
  bool srt = false, claude = false;
  for (const auto &[key, value] : doc.members) {
    if (key == "network" || key == "filesystem")
      srt = true;
    if (key == "sandbox" || key == "permissions")
      claude = true;
  }
  if (srt && claude) {
    why = "it has both srt keys (network/filesystem) and Claude Code keys (sandbox/permissions)";
    return std::nullopt;
  }
  if (!srt && !claude) {
    why = "a JSON policy needs top-level 'network'/'filesystem' (sandbox-runtime) or "
          "'sandbox'/'permissions' (Claude Code settings)";
    return std::nullopt;
  }
  return srt ? ast::SourceKind::Srt : ast::SourceKind::Claude;
}

std::string directoryOf(llvm::StringRef path) {
  llvm::SmallString<256> dir(path);
  llvm::sys::fs::make_absolute(dir);
  llvm::sys::path::remove_dots(dir, /*remove_dot_dot=*/true);
  llvm::sys::path::remove_filename(dir);
  return std::string(dir);
}

} // namespace

std::optional<ast::File> readPolicyBuffer(uint32_t buffer, DiagnosticEngine &diags) {
  SourceFiles &files = diags.files();
  std::string_view text = files.text(buffer);
  std::string_view name = files.name(buffer);
  SourceLoc start{buffer, 1, 1};
  std::string why;
  auto syntax = detectSyntax(text, name, why);
  if (!syntax) {
    diags.report(DiagKind::UnknownInputKind, start, why);
    return std::nullopt;
  }
  std::optional<ast::File> file;
  switch (*syntax) {
  case Syntax::Moat:
    file = parse::parseMoat(buffer, diags);
    break;
  case Syntax::Yaml:
    file = import::importYaml(buffer, diags);
    break;
  case Syntax::Json: {
    auto doc = import::readJson(buffer, diags);
    if (!doc)
      return std::nullopt;
    auto jk = jsonKind(*doc, why);
    if (!jk) {
      diags.report(DiagKind::UnknownInputKind, doc->loc, why);
      return std::nullopt;
    }
    file = *jk == ast::SourceKind::Srt ? import::importSrt(buffer, diags)
                                       : import::importClaude(buffer, directoryOf(llvm::StringRef(name.data(), name.size())), diags);
    break;
  }
  }
  if (!file)
    return std::nullopt;
  file->path = std::string(name);
  file->buffer = buffer;
  file->baseDir = directoryOf(llvm::StringRef(name.data(), name.size()));
  return file;
}

std::optional<ast::File> readPolicyFile(const std::string &path, SourceLoc includedFrom,
                                        DiagnosticEngine &diags) {
  std::string error;
  auto buffer = diags.files().load(path, error);
  if (!buffer) {
    diags.report(DiagKind::FileUnreadable, includedFrom, path, error);
    return std::nullopt;
  }
  return readPolicyBuffer(*buffer, diags);
}

std::optional<ir::Policy> loadPolicy(const std::string &path, ir::Layer layer, DiagnosticEngine &diags) {
  auto file = readPolicyFile(path, SourceLoc{}, diags);
  if (!file)
    return std::nullopt;
  sema::SemaOptions options;
  options.layer = layer;
  sema::IncludeReader reader = [&diags](const std::string &p, SourceLoc from) {
    return readPolicyFile(p, from, diags);
  };
  return sema::analyse(*file, reader, options, diags);
}

} // namespace moat
