#include "compiler/import/SettingsBuildLimits.h"

#include "compiler/import/SettingsFindings.h"

namespace moat::import {

namespace {

struct Limit {
  ir::OptionId id;
  const char *key;
  const char *why;
};

// Each with the reason read from srt 0.0.83 (dist/sandbox/*.js).
const Limit kLimits[] = {
    // Claude Code (compiler/import/ClaudeImporter.cpp).
    {ir::OptionId::BlockReadsOutsideWorkingDirectories,
     "permissions.blockReadsOutsideWorkingDirectories",
     "Claude Code's sandbox then denies reads outside the working directories, which depend "
     "on the session (--add-dir, additionalDirectories); moat's output would let them through "
     "(moat check reads the file)"},
    {ir::OptionId::CustomSeccomp, "seccomp",
     "another program installs srt's syscall filter there; moat cannot know what it "
     "filters, so its own filter could be weaker or stronger (moat check reads the file)"},
    {ir::OptionId::MitmProxy, "network.mitmProxy",
     "srt hands these domains' connections to an outside proxy that may inspect or refuse "
     "them; moat's output would connect directly and bypass it"},
    {ir::OptionId::RefuseOpaqueTunnels, "network.refuseOpaqueTunnels",
     "srt then refuses every tunnel its proxy cannot see into and all SOCKS connections; "
     "moat's proxy does not, so the output would be looser"},
    {ir::OptionId::RequireHostMatch, "network.requireHostMatch",
     "srt then refuses requests whose Host header or TLS name differs from the host "
     "connected to; moat's proxy does not check that, so the output would be looser"},
};

bool isOn(const ir::OptionSetting &s) {
  if (const bool *b = std::get_if<bool>(&s.value))
    return *b;
  if (const std::string *t = std::get_if<std::string>(&s.value))
    return !t->empty();
  return true;
}

} // namespace

bool refuseUnbuildableSettings(const ir::Policy &policy, DiagnosticEngine &diags) {
  bool ok = true;
  // srt rejects a file with an invalid entry and runs its built-in deny-all
  // defaults instead; the rest of the file, built, would allow more.
  if (policy.fileRuntime == ir::Runtime::Srt) {
    for (const Diagnostic &d : std::vector<Diagnostic>(diags.diagnostics()))
      if (d.kind == DiagKind::Finding && d.id == kInvalidEntry) {
        diags.report(DiagKind::UnsupportedSetting, d.loc, "this srt file",
                     "srt rejects a file with an invalid entry and runs with its built-in "
                     "deny-all defaults, so building the rest of it would allow more than srt "
                     "does; fix the invalid entries first");
        ok = false;
        break;
      }
  }
  for (const Limit &l : kLimits) {
    const auto &s = policy.options.get(l.id);
    if (!s || !isOn(*s))
      continue;
    diags.report(DiagKind::UnsupportedSetting, s->loc, l.key, l.why);
    ok = false;
  }
  return ok;
}

} // namespace moat::import
