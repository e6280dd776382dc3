#include "compiler/Frontend.h"

#include "compiler/import/DocTree.h"
#include "compiler/import/Importers.h"
#include "compiler/parse/Parser.h"
#include "compiler/sema/Sema.h"
#include "compiler/support/PolicySyntax.h"

#include <llvm/ADT/SmallString.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

namespace moat {

namespace {

// The syntax a file is written in (compiler/support/PolicySyntax.h); JSON is
// split into srt / Claude by its top-level keys once read.
using Syntax = PolicySyntax;

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
  auto syntax = detectPolicySyntax(text, name, why);
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
