#include "compiler/import/MisplacedKeys.h"

#include <llvm/ADT/StringRef.h>

#include <algorithm>
#include <set>

namespace moat::import {

const std::vector<std::string_view> &srtKeyPaths() {
  // srt 0.0.83, dist/sandbox/sandbox-config.js. Array members are listed
  // under the array's path.
  static const std::vector<std::string_view> keys = {
      "network", "network.allowedDomains", "network.deniedDomains", "network.deniedDomainReasons",
      "network.strictAllowlist", "network.deniedResolvedAddresses", "network.allowUnixSockets",
      "network.allowAllUnixSockets", "network.allowLocalBinding", "network.allowMachLookup",
      "network.httpProxyPort", "network.socksProxyPort", "network.mitmProxy",
      "network.mitmProxy.socketPath", "network.mitmProxy.domains",
      "network.allowPlaintextHeaderSet", "network.stripResponseHeaders",
      "network.refuseOpaqueTunnels", "network.requireHostMatch", "network.ambiguousRequestTarget",
      "network.tlsTerminate", "network.tlsTerminate.caCertPath", "network.tlsTerminate.caKeyPath",
      "network.tlsTerminate.excludeDomains", "network.tlsTerminate.extraCaCertPaths",
      "network.tlsTerminate.maxTunnels", "network.tlsTerminate.handshakeTimeoutMs",
      "network.parentProxy", "network.parentProxy.http", "network.parentProxy.https",
      "network.parentProxy.noProxy",
      "filesystem", "filesystem.disabled", "filesystem.denyRead", "filesystem.allowRead",
      "filesystem.allowWrite", "filesystem.denyWrite", "filesystem.allowGitConfig",
      "credentials", "credentials.files", "credentials.files.path", "credentials.files.mode",
      "credentials.files.extract", "credentials.files.onExtractNoMatch", "credentials.files.decode",
      "credentials.files.maskClaims", "credentials.files.maskDuplicates",
      "credentials.files.injectHosts", "credentials.envVars", "credentials.envVars.name",
      "credentials.envVars.mode", "credentials.envVars.extract",
      "credentials.envVars.onExtractNoMatch", "credentials.envVars.decode",
      "credentials.envVars.maskClaims", "credentials.envVars.injectHosts",
      "credentials.allowPlaintextInject", "credentials.awsPairs",
      "credentials.awsPairs.accessKeyIdVar", "credentials.awsPairs.secretAccessKeyVar",
      "credentials.awsPairs.sessionTokenVar", "credentials.sigv4", "credentials.sigv4.streaming",
      "credentials.sigv4.presigned", "credentials.sigv4.sigv4a",
      "ignoreViolations", "enableWeakerNestedSandbox", "allowNestedUserNamespaces",
      "enableWeakerNetworkIsolation", "allowAppleEvents", "ripgrep", "ripgrep.command",
      "ripgrep.args", "ripgrep.argv0", "mandatoryDenySearchDepth", "allowPty", "seccomp",
      "seccomp.applyPath", "seccomp.argv0", "bwrapPath", "socatPath", "javaAgentJarPath",
      "windows", "windows.backend", "windows.sandboxUser", "windows.sublayerGuid",
      "windows.proxyPortRange", "windows.srtWin", "git", "git.safeDirectories",
  };
  return keys;
}

namespace {

// The objects a misplaced key is looked for in: the sections people write
// by hand. Deeper objects (credential entries, proxy details) have generic
// member names (`path`, `mode`, `http`) that say nothing about intent.
bool isSection(SettingsRuntime rt, std::string_view parent) {
  static const std::set<std::string_view> claude = {
      "", "sandbox", "sandbox.network", "sandbox.filesystem", "sandbox.credentials", "permissions"};
  static const std::set<std::string_view> srt = {"", "network", "filesystem", "credentials"};
  return (rt == SettingsRuntime::Claude ? claude : srt).count(parent) != 0;
}

std::string_view parentOf(std::string_view path) {
  size_t dot = path.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : path.substr(0, dot);
}

std::string_view lastOf(std::string_view path) {
  size_t dot = path.rfind('.');
  return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

// Every known path of a runtime, each once.
const std::vector<std::string_view> &allPaths(SettingsRuntime rt) {
  static const std::vector<std::string_view> claude = [] {
    std::vector<std::string_view> all = claudeTopLevelKeys();
    const auto &nested = claudeNestedKeys();
    all.insert(all.end(), nested.begin(), nested.end());
    return all;
  }();
  return rt == SettingsRuntime::Claude ? claude : srtKeyPaths();
}

} // namespace

std::string settingsPath(std::string_view parent, std::string_view key) {
  std::string out;
  for (size_t i = 0; i < parent.size(); ++i) {
    if (parent[i] == '[') {
      size_t close = parent.find(']', i);
      if (close == std::string_view::npos)
        break;
      i = close;
      continue;
    }
    out += parent[i];
  }
  if (!out.empty())
    out += '.';
  out += key;
  return out;
}

bool isKnownSettingsPath(SettingsRuntime rt, std::string_view dottedPath) {
  const auto &all = allPaths(rt);
  return std::find(all.begin(), all.end(), dottedPath) != all.end();
}

SettingsKeyVerdict classifySettingsKey(SettingsRuntime rt, std::string_view parentText,
                                       std::string_view key) {
  SettingsKeyVerdict v;
  if (!key.empty() && key.front() == '_') {
    v.kind = SettingsKeyVerdict::Kind::Comment;
    return v;
  }
  std::string parent = settingsPath(parentText, "");
  if (!parent.empty())
    parent.pop_back(); // the '.' settingsPath adds
  std::string path = settingsPath(parent, key);
  if (isKnownSettingsPath(rt, path)) {
    v.kind = SettingsKeyVerdict::Kind::Known;
    return v;
  }
  // A known key of a hand-written section, in another section. Inside the
  // sandbox, `allow`/`deny`/`ask` are generic words (`network.allow` is a
  // typo of allowedDomains, not a permission list someone moved).
  bool generic = (key == "allow" || key == "deny" || key == "ask") &&
                 llvm::StringRef(parent).startswith("sandbox");
  if (isSection(rt, parent) && !generic) {
    std::vector<std::string_view> homes;
    for (std::string_view known : allPaths(rt))
      if (lastOf(known) == key && isSection(rt, parentOf(known)))
        homes.push_back(known);
    if (homes.size() == 1) {
      v.kind = SettingsKeyVerdict::Kind::Misplaced;
      v.suggestion = std::string(homes.front());
      return v;
    }
  }
  // A near miss of a key that belongs here: one edit for short keys, two
  // from six characters on; a difference of letter case only counts as one.
  llvm::StringRef k(key.data(), key.size());
  unsigned limit = key.size() >= 6 ? 2 : 1;
  unsigned best = limit + 1;
  for (std::string_view known : allPaths(rt)) {
    if (parentOf(known) != parent)
      continue;
    llvm::StringRef name(lastOf(known).data(), lastOf(known).size());
    unsigned d = k.equals_insensitive(name) ? 1 : k.edit_distance(name, true, limit);
    if (d < best) {
      best = d;
      v.kind = SettingsKeyVerdict::Kind::Typo;
      v.suggestion = name.str();
    }
  }
  return v;
}

} // namespace moat::import
