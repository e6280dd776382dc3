#include "backends/srt/SrtTarget.h"

#include "backends/srt/RoundTrip.h"
#include "backends/srt/SandboxExport.h"

#include <fmt/format.h>
#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/JSON.h>

namespace moat::backends::srt {

namespace {

using sandbox::ExportContext;
using sandbox::SettingsLists;

llvm::json::Array array(const std::vector<std::string> &items) {
  llvm::json::Array out;
  for (const std::string &i : items)
    out.push_back(i);
  return out;
}

// Puts an option the policy set into `o` under `key`, as srt spells it.
void putOption(llvm::json::Object &o, const char *key, const ir::Options &options, ir::OptionId id) {
  const auto &setting = options.get(id);
  if (!setting)
    return;
  if (auto *b = std::get_if<bool>(&setting->value))
    o[key] = *b;
  else if (auto *n = std::get_if<int64_t>(&setting->value))
    o[key] = *n;
  else if (auto *l = std::get_if<std::vector<std::string>>(&setting->value))
    o[key] = array(*l);
  else if (auto *s = std::get_if<std::string>(&setting->value))
    o[key] = *s;
}

// Options srt has no key for. Those that would open something are left
// out, which is stricter, and said so.
void leaveOutForeignOptions(ExportContext &ctx) {
  const ir::Options &o = ctx.policy.options;
  auto warn = [&](ir::OptionId id, const std::string &message) {
    const auto &setting = o.get(id);
    ctx.tightened(&setting, setting->loc, message);
  };
  if (o.flag(ir::OptionId::SandboxDisabled))
    warn(ir::OptionId::SandboxDisabled,
         "srt settings cannot turn the sandbox off: the file confines the process as its rules say");
  for (ir::OptionId id : {ir::OptionId::AutoAllowBashIfSandboxed,
                          ir::OptionId::AllowUnsandboxedCommands}) {
    if (o.flag(id))
      warn(id, fmt::format("srt runs every command inside the sandbox: '{}' is a Claude Code "
                           "setting and is left out",
                           ir::optionInfo(id).name));
  }
  if (!o.list(ir::OptionId::ExcludedCommands).empty())
    warn(ir::OptionId::ExcludedCommands,
         "srt runs every command inside the sandbox: 'excluded-commands' is a Claude Code setting "
         "and is left out");
  for (ir::OptionId id : {ir::OptionId::LockNetwork, ir::OptionId::LockFilesystemRead}) {
    if (o.flag(id))
      warn(id, fmt::format("srt settings are one file with no layers below it to lock: '{}' is "
                           "left out",
                           ir::optionInfo(id).name));
  }
  // fail-if-unavailable needs no key: srt refuses to run a command when it
  // cannot start its sandbox (docs/backends.md).
}

std::string render(const ir::Policy &policy, const SettingsLists &lists, bool withProtections) {
  const ir::Options &o = policy.options;
  llvm::json::Object network{{"allowedDomains", array(lists.allowedDomains)},
                             {"deniedDomains", array(lists.deniedDomains)}};
  if (!lists.deniedResolvedAddresses.empty())
    network["deniedResolvedAddresses"] = array(lists.deniedResolvedAddresses);
  if (!lists.allowUnixSockets.empty())
    network["allowUnixSockets"] = array(lists.allowUnixSockets);
  if (lists.allowAllUnixSockets)
    network["allowAllUnixSockets"] = true;
  putOption(network, "allowLocalBinding", o, ir::OptionId::AllowLocalBinding);
  putOption(network, "strictAllowlist", o, ir::OptionId::StrictAllowlist);
  putOption(network, "httpProxyPort", o, ir::OptionId::HttpProxyPort);
  putOption(network, "socksProxyPort", o, ir::OptionId::SocksProxyPort);
  putOption(network, "allowMachLookup", o, ir::OptionId::AllowMachLookup);

  llvm::json::Object filesystem{{"denyRead", array(lists.denyRead)},
                                {"allowWrite", array(lists.allowWrite)},
                                {"denyWrite", array(sandbox::denyWriteList(lists, withProtections))}};
  if (!lists.allowRead.empty())
    filesystem["allowRead"] = array(lists.allowRead);
  putOption(filesystem, "allowGitConfig", o, ir::OptionId::AllowGitConfig);
  putOption(filesystem, "disabled", o, ir::OptionId::FilesystemDisabled);

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
  auto scope = sandbox::parseScope(options.format);
  if (!scope) {
    diags.report(DiagKind::UnknownFormat, SourceLoc{}, "srt", options.format,
                 "linux, macos, or none for a file that holds on both");
    return;
  }
  // options.managed is ignored: srt settings have no managed form; a
  // managed layer is merged into the policy before it gets here.
  unsigned errorsBefore = diags.errorCount();
  ExportContext ctx(policy, options, diags, sandbox::Dialect::Srt, *scope);
  SettingsLists lists;
  if (!sandbox::exportFilesystem(ctx, lists) || !sandbox::exportNetwork(ctx, lists))
    return;
  sandbox::exportUnixSockets(ctx, lists);
  if (diags.errorCount() != errorsBefore)
    return;
  leaveOutForeignOptions(ctx);
  // The check reads the file without the spelled-out protections (they
  // cannot change what it decides: SettingsLists), which keeps it fast.
  if (!sandbox::checkRoundTrip(ctx, render(policy, lists, false), "<generated srt-settings.json>"))
    return;
  std::string text = render(policy, lists, true);
  result.output = std::move(text);
  result.advice.push_back("srt: run a command with `srt --settings FILE -c 'CMD'`");
}

} // namespace moat::backends::srt
