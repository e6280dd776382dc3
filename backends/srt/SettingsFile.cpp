#include "backends/srt/SettingsFile.h"

#include "backends/srt/RoundTrip.h"

#include <variant>

namespace moat::backends::sandbox {

llvm::json::Array jsonList(const std::vector<std::string> &items) {
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
    o[key] = jsonList(*l);
  else if (auto *s = std::get_if<std::string>(&setting->value))
    o[key] = *s;
}

llvm::json::Object networkObject(const SettingsLists &lists, const ir::Options &options) {
  llvm::json::Object network{{"allowedDomains", jsonList(lists.allowedDomains)},
                             {"deniedDomains", jsonList(lists.deniedDomains)}};
  if (!lists.allowUnixSockets.empty())
    network["allowUnixSockets"] = jsonList(lists.allowUnixSockets);
  if (lists.allowAllUnixSockets)
    network["allowAllUnixSockets"] = true;
  putOption(network, "allowLocalBinding", options, ir::OptionId::AllowLocalBinding);
  putOption(network, "strictAllowlist", options, ir::OptionId::StrictAllowlist);
  putOption(network, "httpProxyPort", options, ir::OptionId::HttpProxyPort);
  putOption(network, "socksProxyPort", options, ir::OptionId::SocksProxyPort);
  putOption(network, "allowMachLookup", options, ir::OptionId::AllowMachLookup);
  return network;
}

llvm::json::Object filesystemObject(const SettingsLists &lists, const ir::Options &options,
                                    bool withProtections) {
  llvm::json::Object filesystem{{"denyRead", jsonList(lists.denyRead)},
                                {"allowWrite", jsonList(lists.allowWrite)},
                                {"denyWrite", jsonList(denyWriteList(lists, withProtections))}};
  if (!lists.allowRead.empty())
    filesystem["allowRead"] = jsonList(lists.allowRead);
  putOption(filesystem, "disabled", options, ir::OptionId::FilesystemDisabled);
  return filesystem;
}

bool buildSettings(const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags,
                   const SettingsTarget &target, BuildResult &result) {
  auto scope = parseScope(options.format);
  if (!scope) {
    diags.report(DiagKind::UnknownFormat, SourceLoc{}, target.name, options.format,
                 "linux, macos, or none for a file that holds on both");
    return false;
  }
  unsigned errorsBefore = diags.errorCount();
  ExportContext ctx(policy, options, diags, target.dialect, *scope);
  SettingsLists lists;
  if (!exportFilesystem(ctx, lists) || !exportNetwork(ctx, lists))
    return false;
  exportUnixSockets(ctx, lists);
  if (diags.errorCount() != errorsBefore)
    return false;
  target.leaveOutForeignOptions(ctx);
  // The check reads the file without the spelled-out protections (they
  // cannot change what it decides: SettingsLists), which keeps it fast.
  if (!checkRoundTrip(ctx, target.render(lists, false), target.generatedName))
    return false;
  result.output = target.render(lists, true);
  return true;
}

} // namespace moat::backends::sandbox
