#include "backends/srt/SrtTarget.h"

#include "backends/srt/SettingsFile.h"

#include <fmt/format.h>
#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/JSON.h>

namespace moat::backends::srt {

namespace {

using sandbox::ExportContext;
using sandbox::putOption;
using sandbox::SettingsLists;

// Options srt has no key for. Those that would open something are left
// out, which is stricter, and said so.
void leaveOutForeignOptions(ExportContext &ctx) {
  const ir::Options &o = ctx.policy.options;
  if (o.flag(ir::OptionId::SandboxDisabled))
    ctx.optionLeftOut(
        ir::OptionId::SandboxDisabled,
        "srt settings cannot turn the sandbox off: the file confines the process as its rules say");
  for (ir::OptionId id :
       {ir::OptionId::AutoAllowBashIfSandboxed, ir::OptionId::AllowUnsandboxedCommands}) {
    if (o.flag(id))
      ctx.optionLeftOut(
          id, fmt::format("srt runs every command inside the sandbox: '{}' is a Claude Code "
                          "setting and is left out",
                          ir::optionInfo(id).name));
  }
  if (!o.list(ir::OptionId::ExcludedCommands).empty())
    ctx.optionLeftOut(
        ir::OptionId::ExcludedCommands,
        "srt runs every command inside the sandbox: 'excluded-commands' is a Claude Code setting "
        "and is left out");
  for (ir::OptionId id : {ir::OptionId::LockNetwork, ir::OptionId::LockFilesystemRead}) {
    if (o.flag(id))
      ctx.optionLeftOut(
          id, fmt::format("srt settings are one file with no layers below it to lock: '{}' is "
                          "left out",
                          ir::optionInfo(id).name));
  }
  // fail-if-unavailable needs no key: srt refuses to run a command when it
  // cannot start its sandbox (docs/backends.md).
}

std::string render(const ir::Policy &policy, const SettingsLists &lists, bool withProtections) {
  const ir::Options &o = policy.options;
  llvm::json::Object network = sandbox::networkObject(lists, o);
  if (!lists.deniedResolvedAddresses.empty())
    network["deniedResolvedAddresses"] = sandbox::jsonList(lists.deniedResolvedAddresses);

  llvm::json::Object filesystem = sandbox::filesystemObject(lists, o, withProtections);
  putOption(filesystem, "allowGitConfig", o, ir::OptionId::AllowGitConfig);

  llvm::json::Object top{{"network", std::move(network)},
                         {"filesystem", std::move(filesystem)},
                         // srt's deepest search for protected files under the
                         // launch directory, whatever the policy asked for.
                         {"mandatoryDenySearchDepth", sandbox::kSrtSearchDepth}};
  putOption(top, "enableWeakerNestedSandbox", o, ir::OptionId::WeakerNestedSandbox);
  putOption(top, "enableWeakerNetworkIsolation", o, ir::OptionId::WeakerNetworkIsolation);
  putOption(top, "allowAppleEvents", o, ir::OptionId::AllowAppleEvents);
  putOption(top, "allowPty", o, ir::OptionId::AllowPty);
  // llvm::json prints object keys sorted: the bytes depend only on content.
  return llvm::formatv("{0:2}", llvm::json::Value(std::move(top))).str() + "\n";
}

} // namespace

void build(const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags,
           BuildResult &result) {
  // options.managed is ignored: srt settings have no managed form; a
  // managed layer is merged into the policy before it gets here.
  sandbox::SettingsTarget target{
      sandbox::Dialect::Srt, "srt", "<generated srt-settings.json>", leaveOutForeignOptions,
      [&](const SettingsLists &lists, bool withProtections) {
        return render(policy, lists, withProtections);
      }};
  if (sandbox::buildSettings(policy, options, diags, target, result))
    result.advice.push_back("srt: run a command with `srt --settings FILE -c 'CMD'`");
}

} // namespace moat::backends::srt
