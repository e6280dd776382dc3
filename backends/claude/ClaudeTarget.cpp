#include "backends/claude/ClaudeTarget.h"

#include "backends/srt/SettingsFile.h"

#include <fmt/format.h>
#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/JSON.h>

namespace moat::backends::claude {

namespace {

using sandbox::ExportContext;
using sandbox::putOption;
using sandbox::SettingsLists;

// A switch the policy may leave unset, written out with moat's meaning of
// "unset" because Claude Code's own default is the looser one.
void putSwitch(llvm::json::Object &o, const char *key, const ir::Options &options, ir::OptionId id,
               bool unsetValue) {
  o[key] = options.get(id) ? options.flag(id) : unsetValue;
}

// Options Claude Code settings have no key for.
void leaveOutForeignOptions(ExportContext &ctx, bool managed) {
  const ir::Options &o = ctx.policy.options;
  if (o.flag(ir::OptionId::AllowPty))
    ctx.optionLeftOut(
        ir::OptionId::AllowPty,
        "Claude Code settings have no key for 'allow-pty' (an srt setting): it is left out");
  if (o.flag(ir::OptionId::AllowGitConfig))
    ctx.optionLeftOut(ir::OptionId::AllowGitConfig,
                      "Claude Code settings cannot lift the write protection of .git/config (srt's "
                      "allowGitConfig has no Claude Code key): it stays protected");
  if (!managed)
    for (ir::OptionId id : {ir::OptionId::LockNetwork, ir::OptionId::LockFilesystemRead})
      if (o.flag(id))
        ctx.optionLeftOut(
            id, fmt::format("only a managed settings file can lock lists: '{}' is left out "
                            "(build managed settings to keep it)",
                            ir::optionInfo(id).name));
  // mandatory-deny-search-depth has no Claude Code key either; moat's
  // protections do not depend on it, and the protected-files warning says
  // what Claude Code's own search covers.
}

std::string render(const ir::Policy &policy, const SettingsLists &lists, bool managed,
                   bool withProtections) {
  const ir::Options &o = policy.options;
  llvm::json::Object network = sandbox::networkObject(lists, o);
  llvm::json::Object filesystem = sandbox::filesystemObject(lists, o, withProtections);

  if (managed) {
    putOption(network, "allowManagedDomainsOnly", o, ir::OptionId::LockNetwork);
    putOption(filesystem, "allowManagedReadPathsOnly", o, ir::OptionId::LockFilesystemRead);
  }

  // Claude Code asks about hosts outside the allow list unless
  // strictAllowlist is set (compiler/import/ClaudeImporter.cpp). The lists
  // are exported for a file that denies every unlisted host, whatever the
  // policy's connect default (exportNetwork makes 'default connect ask'
  // deny and warns): deny rules the lists cannot spell ("*:1-1024", an
  // address range) are left to that default. Without strictAllowlist those
  // hosts would be asked about, looser than the policy, so it is always
  // written, also for a policy that asks.
  network["strictAllowlist"] = true;

  llvm::json::Object sandbox{{"enabled", !o.flag(ir::OptionId::SandboxDisabled)},
                             {"network", std::move(network)},
                             {"filesystem", std::move(filesystem)}};
  // Claude Code runs a command without the sandbox when the sandbox cannot
  // start, and lets a command ask to leave it, unless told otherwise; a
  // policy that does not say so means neither.
  putSwitch(sandbox, "failIfUnavailable", o, ir::OptionId::FailIfUnavailable, true);
  putSwitch(sandbox, "allowUnsandboxedCommands", o, ir::OptionId::AllowUnsandboxedCommands, false);
  putOption(sandbox, "autoAllowBashIfSandboxed", o, ir::OptionId::AutoAllowBashIfSandboxed);
  if (!o.list(ir::OptionId::ExcludedCommands).empty())
    putOption(sandbox, "excludedCommands", o, ir::OptionId::ExcludedCommands);
  putOption(sandbox, "enableWeakerNestedSandbox", o, ir::OptionId::WeakerNestedSandbox);
  putOption(sandbox, "enableWeakerNetworkIsolation", o, ir::OptionId::WeakerNetworkIsolation);
  putOption(sandbox, "allowAppleEvents", o, ir::OptionId::AllowAppleEvents);

  llvm::json::Object top{{"sandbox", std::move(sandbox)}};
  return llvm::formatv("{0:2}", llvm::json::Value(std::move(top))).str() + "\n";
}

} // namespace

void build(const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags,
           BuildResult &result) {
  sandbox::SettingsTarget target{
      sandbox::Dialect::Claude, "claude",
      options.managed ? "<generated managed-settings.json>" : "<generated settings.json>",
      [&](ExportContext &ctx) { leaveOutForeignOptions(ctx, options.managed); },
      [&](const SettingsLists &lists, bool withProtections) {
        return render(policy, lists, options.managed, withProtections);
      }};
  sandbox::buildSettings(policy, options, diags, target, result);
}

} // namespace moat::backends::claude
