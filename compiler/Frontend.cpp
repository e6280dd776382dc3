#include "compiler/Frontend.h"

#include "compiler/import/DocTree.h"
#include "compiler/import/Importers.h"
#include "compiler/import/MisplacedKeys.h"
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

// Picks srt or Claude from a JSON document's top-level keys. srt requires
// both `network` and `filesystem`; a Claude Code settings file may hold any
// of its ~190 top-level keys and nothing else (a file with only `model`,
// `env` or `hooks` is one). So: the srt pair means srt; otherwise any key of
// Claude Code's schema (or an empty object, which Claude Code accepts) means
// Claude, and a lone `network` or `filesystem` then is a misplaced key that
// the Claude importer reports. A `_`-prefixed key is a comment in both.
std::optional<ast::SourceKind> jsonKind(const import::DocNode &doc, std::string &why) {
  if (doc.kind != import::DocNode::Kind::Object) {
    why = "the JSON document is not an object";
    return std::nullopt;
  }
  bool network = false, filesystem = false, claude = false, other = false;
  for (const auto &[key, value] : doc.members) {
    network |= key == "network";
    filesystem |= key == "filesystem";
    if (import::isKnownSettingsPath(import::SettingsRuntime::Claude, key))
      claude = true;
    else if (key != "network" && key != "filesystem" && (key.empty() || key.front() != '_'))
      other = true;
  }
  if (network && filesystem)
    return ast::SourceKind::Srt;
  if (claude || (!network && !filesystem && !other && doc.members.empty()))
    return ast::SourceKind::Claude;
  if ((network || filesystem) && !other)
    return ast::SourceKind::Srt; // srt reports the half that is missing
  why = "a JSON policy needs top-level 'network' and 'filesystem' (sandbox-runtime) or keys "
        "of Claude Code's settings such as 'sandbox', 'permissions', 'env' or 'hooks'";
  return std::nullopt;
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
    // Read once to tell the kinds apart; the importer reads it again and
    // reports what it finds (findings such as duplicate keys only once).
    DiagnosticEngine scratch(files);
    auto doc = import::readJson(buffer, scratch, import::JsonDuplicates::LastWins);
    if (!doc) {
      for (const Diagnostic &d : scratch.diagnostics())
        diags.add(d);
      return std::nullopt;
    }
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

std::optional<ir::Policy> analyseFile(const ast::File &file, ir::Layer layer, DiagnosticEngine &diags) {
  sema::SemaOptions options;
  options.layer = layer;
  sema::IncludeReader reader = [&diags](const std::string &p, SourceLoc from) {
    return readPolicyFile(p, from, diags);
  };
  return sema::analyse(file, reader, options, diags);
}

namespace {
std::optional<ir::Policy> analyseRead(std::optional<ast::File> file, ir::Layer layer, DiagnosticEngine &diags) {
  if (!file)
    return std::nullopt;
  return analyseFile(*file, layer, diags);
}
} // namespace

std::optional<ir::Policy> loadPolicy(const std::string &path, ir::Layer layer, DiagnosticEngine &diags) {
  return analyseRead(readPolicyFile(path, SourceLoc{}, diags), layer, diags);
}

std::optional<ir::Policy> loadPolicyBuffer(uint32_t buffer, ir::Layer layer, DiagnosticEngine &diags) {
  return analyseRead(readPolicyBuffer(buffer, diags), layer, diags);
}

} // namespace moat
