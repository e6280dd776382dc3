// sandbox-runtime settings (srt-settings.json) -> AST. The mapping keeps srt's
// meaning key by key (docs/importing.md says why for each); sema then adds
// moat's built-in protections on top, so the result is never looser than
// srt running the same file.
#include "compiler/import/Importers.h"

#include "compiler/import/DocTree.h"
#include "compiler/import/ImportPaths.h"
#include "compiler/import/SrtSections.h"

namespace moat::import {

std::optional<ast::File> importSrt(uint32_t buffer, DiagnosticEngine &diags) {
  unsigned errorsBefore = diags.inputErrorCount();
  // JSON.parse keeps the last of two equal keys: a duplicate-setting finding.
  auto doc = readJson(buffer, diags, JsonDuplicates::LastWins);
  if (!doc)
    return std::nullopt;
  const std::string where = "the srt settings";
  if (!expectObject(*doc, where, diags))
    return std::nullopt; // not a settings file at all

  ImportBuilder out;
  SectionContext ctx{SettingsDialect::Srt, "", out, diags};
  ObjectReader r = ctx.reader(*doc, "");

  // srt requires both sections; without one it rejects the file.
  const DocNode *network = r.get("network");
  const DocNode *filesystem = r.get("filesystem");
  if (network)
    readNetworkSection(*network, ctx);
  else
    ctx.invalid(doc->loc, "network", "srt requires the 'network' section");
  if (filesystem)
    readFilesystemSection(*filesystem, ctx);
  else
    ctx.invalid(doc->loc, "filesystem", "srt requires the 'filesystem' section");

  if (const DocNode *creds = r.get("credentials"))
    readCredentialsSection(*creds, ctx, network, filesystem);
  readSandboxSwitches(r, ctx);
  r.finish();

  return out.finishFile(buffer, ast::SourceKind::Srt, errorsBefore, diags);
}

} // namespace moat::import
