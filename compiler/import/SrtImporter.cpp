// sandbox-runtime settings (srt-settings.json) -> AST. The mapping keeps srt's
// meaning key by key (docs/importing.md says why for each); sema then adds
// moat's built-in protections on top, so the result is never looser than
// srt running the same file.
#include "compiler/import/Importers.h"

#include "compiler/import/DocTree.h"
#include "compiler/import/ImportPaths.h"
#include "compiler/import/SrtSections.h"

namespace moat::import {

namespace {

// `credentials` declares secrets srt keeps from the sandboxed process:
// files it hides (mode "deny") or replaces by a sentinel that its proxy swaps
// back on the way out (mode "mask"), and environment variables it unsets or
// masks. moat hides every declared file outright, in the `always` tier like
// any protection: that is what "deny" means, and stricter than "mask" (the
// process sees nothing rather than a sentinel). moat has no way to unset or
// mask environment variables, so declaring any is refused rather than leaked.
void readCredentials(const DocNode &creds, ImportBuilder &out, DiagnosticEngine &diags) {
  if (!expectObject(creds, "credentials", diags))
    return;
  ObjectReader r(creds, "credentials", diags);
  if (const DocNode *files = r.get("files")) {
    if (files->kind != DocNode::Kind::Array) {
      diags.report(DiagKind::WrongType, files->loc, "credentials.files", "an array",
                   files->kindName());
    } else {
      for (size_t i = 0; i < files->items.size(); ++i) {
        const DocNode &entry = files->items[i];
        std::string where = fmt::format("credentials.files[{}]", i);
        if (!expectObject(entry, where, diags))
          continue;
        ObjectReader f(entry, where, diags);
        const DocNode *path = f.get("path");
        const DocNode *mode = f.get("mode");
        // How a masked file is rewritten does not matter once it is hidden.
        for (const char *detail : {"extract", "onExtractNoMatch", "decode", "maskClaims",
                                   "maskDuplicates", "injectHosts"})
          f.get(detail);
        f.finish();
        if (!path)
          diags.report(DiagKind::MissingKey, entry.loc, "path", where);
        if (!mode)
          diags.report(DiagKind::MissingKey, entry.loc, "mode", where);
        if (mode) {
          if (const std::string *m = expectString(*mode, where + ".mode", diags))
            if (*m != "deny" && *m != "mask")
              diags.report(DiagKind::InvalidValue, mode->loc, where + ".mode",
                           "expected \"deny\" or \"mask\"");
        }
        if (!path)
          continue;
        const std::string *p = expectString(*path, where + ".path", diags);
        if (!p)
          continue;
        if (p->empty()) {
          diags.report(DiagKind::InvalidValue, path->loc, where + ".path", "a path cannot be empty");
          continue;
        }
        out.fsRule(/*always=*/true, ast::Effect::Deny, ast::Access::Read, path->loc,
                   literalDollars(*p), where);
      }
    }
  }
  if (const DocNode *vars = r.get("envVars")) {
    if (vars->kind != DocNode::Kind::Array)
      diags.report(DiagKind::WrongType, vars->loc, "credentials.envVars", "an array",
                   vars->kindName());
    else if (!vars->items.empty())
      diags.report(DiagKind::UnsupportedSetting, r.keyLoc("envVars"), "credentials.envVars",
                   "moat cannot unset or mask environment variables in the sandbox, and "
                   "running without that would expose them");
  }
  const char *injection = "it configures how masked credentials are put back on the way out; "
                          "moat does not inject credentials";
  ignoreSetting(r, "allowPlaintextInject", "credentials.allowPlaintextInject", injection, diags);
  ignoreSetting(r, "awsPairs", "credentials.awsPairs", injection, diags);
  ignoreSetting(r, "sigv4", "credentials.sigv4", injection, diags);
  r.finish();
}

} // namespace

std::optional<ast::File> importSrt(uint32_t buffer, DiagnosticEngine &diags) {
  unsigned errorsBefore = diags.inputErrorCount();
  auto doc = readJson(buffer, diags);
  if (!doc)
    return std::nullopt;
  const std::string where = "the srt settings";
  if (!expectObject(*doc, where, diags))
    return std::nullopt;

  ImportBuilder out;
  SectionContext ctx{SettingsDialect::Srt, "", out, diags};
  ObjectReader r(*doc, where, diags);

  if (const DocNode *network = r.get("network"))
    readNetworkSection(*network, ctx);
  else
    diags.report(DiagKind::MissingKey, doc->loc, "network", where);
  if (const DocNode *filesystem = r.get("filesystem"))
    readFilesystemSection(*filesystem, ctx);
  else
    diags.report(DiagKind::MissingKey, doc->loc, "filesystem", where);
  if (const DocNode *creds = r.get("credentials"))
    readCredentials(*creds, out, diags);

  readBoolSetting(r, "enableWeakerNestedSandbox", "enableWeakerNestedSandbox",
                  ir::OptionId::WeakerNestedSandbox, out, diags);
  readBoolSetting(r, "enableWeakerNetworkIsolation", "enableWeakerNetworkIsolation",
                  ir::OptionId::WeakerNetworkIsolation, out, diags);
  readBoolSetting(r, "allowAppleEvents", "allowAppleEvents", ir::OptionId::AllowAppleEvents, out,
                  diags);
  readBoolSetting(r, "allowPty", "allowPty", ir::OptionId::AllowPty, out, diags);
  readIntSetting(r, "mandatoryDenySearchDepth", "mandatoryDenySearchDepth",
                 ir::OptionId::MandatoryDenySearchDepth, 1, 10, out, diags);

  ignoreSetting(r, "ignoreViolations", "ignoreViolations",
                "it only silences violation reports; it does not change what is allowed", diags);
  const char *helper = "it only tells srt where to find a helper program; moat runs its own";
  ignoreSetting(r, "bwrapPath", "bwrapPath", helper, diags);
  ignoreSetting(r, "socatPath", "socatPath", helper, diags);
  ignoreSetting(r, "ripgrep", "ripgrep",
                "it configures the scanner srt uses to find protected files; moat protects them "
                "at every depth without it",
                diags);
  refuseSetting(r, "seccomp", "seccomp",
                "it swaps in a custom seccomp program that moat cannot inspect, so the "
                "syscall filter could be weaker than the policy says",
                diags);
  r.finish();

  return out.finishFile(buffer, ast::SourceKind::Srt, errorsBefore, diags);
}

} // namespace moat::import
