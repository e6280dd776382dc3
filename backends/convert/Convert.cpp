// convertFile: read once, analyse (an input that sema rejects is not
// converted), then spell the AST (.moat, YAML) or build the IR with the
// target's backend (srt, Claude Code) exactly as `moat build` does.
#include "backends/convert/Convert.h"

#include "backends/convert/MoatText.h"
#include "backends/convert/YamlText.h"
#include "compiler/Frontend.h"
#include "compiler/fs/PathPattern.h"
#include "compiler/import/SettingsBuildLimits.h"
#include "compiler/parse/Parser.h"

#include <fmt/format.h>

namespace moat::convert {

std::optional<Format> parseFormat(std::string_view name) {
  if (name == "moat")
    return Format::Moat;
  if (name == "yaml")
    return Format::Yaml;
  if (name == "srt")
    return Format::Srt;
  if (name == "claude")
    return Format::Claude;
  return std::nullopt;
}

const char *formatNames() { return "moat, yaml, srt, claude"; }

namespace {

// srt and Claude Code read a relative path against the launch directory;
// .moat and YAML refuse one. Such a pattern is respelled as sema reads it
// (`./.env` becomes `$CWD/.env`); every other spelling is kept as written.
void anchorRelativePath(ast::Str &pattern, bool exactFile) {
  std::string error;
  if (fs::parsePathPattern(pattern.value, exactFile, "", error))
    return;
  if (auto anchored = fs::parsePathPattern(pattern.value, exactFile, "CWD", error))
    pattern.value = anchored->text();
}

void anchorRelativePaths(std::vector<ast::Stmt> &stmts) {
  for (ast::Stmt &s : stmts) {
    if (auto *r = std::get_if<ast::FsRule>(&s.node))
      anchorRelativePath(r->pattern, r->exactFile);
    else if (auto *u = std::get_if<ast::UnixSocketRule>(&s.node))
      anchorRelativePath(u->path, false);
    else if (auto *b = std::get_if<ast::PlatformBlock>(&s.node))
      anchorRelativePaths(b->body);
    else if (auto *p = std::get_if<ast::PolicyBlock>(&s.node))
      anchorRelativePaths(p->body);
  }
}

const char *kindLabel(ast::SourceKind kind) {
  switch (kind) {
  case ast::SourceKind::Srt:
    return "sandbox-runtime settings";
  case ast::SourceKind::Claude:
    return "Claude Code settings";
  default:
    return "the YAML form";
  }
}

// A .moat file keeps its own text and comments: converting it to .moat is
// formatting it. Anything else is spelled from its AST with a header saying
// where it came from, then formatted.
std::optional<std::string> toMoat(const ast::File &file, DiagnosticEngine &diags) {
  uint32_t buffer = file.buffer;
  if (file.kind != ast::SourceKind::Moat) {
    std::string text = fmt::format("# Converted by `moat convert` from {} ({}).\n", file.path,
                                   kindLabel(file.kind));
    if (file.kind == ast::SourceKind::Srt || file.kind == ast::SourceKind::Claude)
      text += fmt::format("# `moat check` judges this file by moat's semantics; `moat check --runtime={}` by the\n"
                          "# runtime the original was written for.\n\n",
                          ast::sourceKindName(file.kind));
    buffer = diags.files().addBuffer(file.path + " (converted)", text + moatStatements(file, diags.files()));
  }
  return parse::formatMoat(buffer, diags);
}

std::optional<std::string> toSettings(const ir::Policy &policy, const char *target,
                                      const backends::BuildOptions &options, DiagnosticEngine &diags) {
  if (!import::refuseUnbuildableSettings(policy, diags))
    return std::nullopt;
  backends::BuildResult result;
  backends::buildTarget(*backends::findTarget(target), policy, options, diags, result);
  if (diags.hasInputErrors())
    return std::nullopt;
  return result.output;
}

} // namespace

std::optional<std::string> convertFile(const std::string &path, Format to, const backends::BuildOptions &options,
                                       DiagnosticEngine &diags) {
  std::optional<ast::File> file = readPolicyFile(path, SourceLoc{}, diags);
  if (!file)
    return std::nullopt;
  std::optional<ir::Policy> policy = analyseFile(*file, ir::Layer::SharedProject, diags);
  if (!policy || diags.hasInputErrors())
    return std::nullopt;
  if (file->kind == ast::SourceKind::Srt || file->kind == ast::SourceKind::Claude)
    anchorRelativePaths(file->stmts);
  switch (to) {
  case Format::Moat:
    return toMoat(*file, diags);
  case Format::Yaml:
    return yamlDocument(*file);
  case Format::Srt:
    return toSettings(*policy, "srt", options, diags);
  case Format::Claude:
    return toSettings(*policy, "claude", options, diags);
  }
  return std::nullopt;
}

} // namespace moat::convert
