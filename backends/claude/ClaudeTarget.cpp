#include "backends/claude/ClaudeTarget.h"

#include "backends/srt/RoundTrip.h"
#include "backends/srt/SandboxExport.h"

#include <fmt/format.h>
#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/JSON.h>

namespace moat::backends::claude {

namespace {

using sandbox::ExportContext;
using sandbox::SettingsLists;

llvm::json::Array array(const std::vector<std::string> &items) {
  llvm::json::Array out;
  for (const std::string &i : items)
    out.push_back(i);
  return out;
}

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

// A switch the policy may leave unset, written out with moat's meaning of
// "unset" because Claude Code's own default is the looser one.
void putSwitch(llvm::json::Object &o, const char *key, const ir::Options &options, ir::OptionId id,
               bool unsetValue) {
  o[key] = options.get(id) ? options.flag(id) : unsetValue;
}

// Options Claude Code settings have no key for.
void leaveOutForeignOptions(ExportContext &ctx, bool managed) {
  const ir::Options &o = ctx.policy.options;
  auto warn = [&](ir::OptionId id, const std::string &message) {
    const auto &setting = o.get(id);
    ctx.tightened(&setting, setting->loc, message);
  };
  if (o.flag(ir::OptionId::AllowPty))
    warn(ir::OptionId::AllowPty,
         "Claude Code settings have no key for 'allow-pty' (an srt setting): it is left out");
  if (o.flag(ir::OptionId::AllowGitConfig))
    warn(ir::OptionId::AllowGitConfig,
         "Claude Code settings cannot lift the write protection of .git/config (srt's "
         "allowGitConfig has no Claude Code key): it stays protected");
  if (!managed)
    for (ir::OptionId id : {ir::OptionId::LockNetwork, ir::OptionId::LockFilesystemRead})
      if (o.flag(id))
        warn(id, fmt::format("only a managed settings file can lock lists: '{}' is left out "
                             "(build managed settings to keep it)",
                             ir::optionInfo(id).name));
  // mandatory-deny-search-depth has no Claude Code key either; moat's
  // protections do not depend on it, and the protected-files warning says
  // what Claude Code's own search covers.
}

std::string render(const ir::Policy &policy, const SettingsLists &lists, bool managed,
                   bool withProtections) {
  const ir::Options &o = policy.options;
  llvm::json::Object network{{"allowedDomains", array(lists.allowedDomains)},
                             {"deniedDomains", array(lists.deniedDomains)}};
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
  putOption(filesystem, "disabled", o, ir::OptionId::FilesystemDisabled);

  if (managed) {
    putOption(network, "allowManagedDomainsOnly", o, ir::OptionId::LockNetwork);
    putOption(filesystem, "allowManagedReadPathsOnly", o, ir::OptionId::LockFilesystemRead);
  }

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
  auto scope = sandbox::parseScope(options.format);
  if (!scope) {
    diags.report(DiagKind::UnknownFormat, SourceLoc{}, "claude", options.format,
                 "linux, macos, or none for a file that holds on both");
    return;
  }
  unsigned errorsBefore = diags.errorCount();
  ExportContext ctx(policy, options, diags, sandbox::Dialect::Claude, *scope);
  SettingsLists lists;
  if (!sandbox::exportFilesystem(ctx, lists) || !sandbox::exportNetwork(ctx, lists))
    return;
  sandbox::exportUnixSockets(ctx, lists);
  if (diags.errorCount() != errorsBefore)
    return;
  leaveOutForeignOptions(ctx, options.managed);
  // The check reads the file without the spelled-out protections (they
  // cannot change what it decides: SettingsLists), which keeps it fast.
  if (!sandbox::checkRoundTrip(ctx, render(policy, lists, options.managed, false),
                               options.managed ? "<generated managed-settings.json>"
                                               : "<generated settings.json>"))
    return;
  std::string text = render(policy, lists, options.managed, true);
  result.output = std::move(text);
}

} // namespace moat::backends::claude
