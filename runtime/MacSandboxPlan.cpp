#include "runtime/MacSandboxPlan.h"

#include "backends/sbpl/Sbpl.h"
#include "compiler/fs/PathPattern.h"
#include "runtime/ProxyEnvironment.h"

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <set>

namespace moat::runtime {

namespace {

// The roots `moat run` always binds; a policy may use any of them.
const char *const kLaunchRoots[] = {"HOME", "CWD", "TMPDIR"};

void refuse(DiagnosticEngine &diags, const std::string &message) {
  diags.report(DiagKind::LaunchFailed, SourceLoc{}, message);
}

// RFC 3986 unreserved characters: safe in a URL's userinfo unescaped.
bool isUrlSafe(const std::string &text) {
  for (unsigned char c : text)
    if (!(std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'))
      return false;
  return !text.empty();
}

std::vector<std::string> childEnvironment(const MacSandboxRequest &request) {
  std::string url = fmt::format("{}:{}@127.0.0.1:{}", proxy::kProxyUser, request.proxyToken, request.proxyPort);
  auto proxy = proxyEnvironment("http://" + url, "socks5h://" + url);
  std::set<std::string> replaced;
  for (const auto &entry : proxy)
    replaced.insert(entry.first);
  std::vector<std::string> out;
  for (const std::string &entry : request.environment)
    if (!replaced.count(entry.substr(0, entry.find('='))))
      out.push_back(entry);
  for (const auto &[name, value] : proxy)
    out.push_back(name + "=" + value);
  return out;
}

} // namespace

std::optional<MacSandboxPlan> planMacSandbox(const MacSandboxRequest &request, DiagnosticEngine &diags) {
  unsigned errorsBefore = diags.errorCount();
  if (request.command.empty() || request.command[0].empty()) {
    refuse(diags, "no command to run");
    return std::nullopt;
  }
  // srt's form, `sandbox-exec -p PROFILE COMMAND...`, has no `--`: a
  // command spelled like an option would be read as one.
  if (request.command[0][0] == '-') {
    refuse(diags, fmt::format("the command '{}' starts with '-', which sandbox-exec would read as one of "
                              "its options; name it by a path (./{})",
                              request.command[0], request.command[0]));
    return std::nullopt;
  }
  if (request.proxyPort == 0 || !isUrlSafe(request.proxyToken)) {
    refuse(diags, "the proxy's port or session token is missing: nothing was run");
    return std::nullopt;
  }
  for (const char *root : kLaunchRoots) {
    if (!request.bindings.lookup(root)) {
      refuse(diags, fmt::format("'${}' has no value, and the Seatbelt profile needs every root bound "
                                "(pass --define {}=PATH)",
                                root, root));
      return std::nullopt;
    }
  }
  if (request.policy->options.flag(ir::OptionId::SandboxDisabled)) {
    diags.report(DiagKind::LaunchFailed, request.policy->options.get(ir::OptionId::SandboxDisabled)->loc,
                 "this policy switches the sandbox off, and moat run does not run commands unconfined; "
                 "enable the sandbox (Claude Code: \"sandbox\": {\"enabled\": true}) or run the command "
                 "without moat");
    return std::nullopt;
  }

  backends::BuildOptions options;
  options.bindings = request.bindings;
  for (const auto &binding : request.bindings.all())
    options.definedNames.push_back(binding.first);
  backends::sbpl::ProfileOptions profileOptions;
  profileOptions.proxyPort = request.proxyPort;
  backends::BuildResult built;
  backends::sbpl::build(*request.policy, options, profileOptions, diags, built);
  if (diags.errorCount() != errorsBefore || built.output.empty()) {
    refuse(diags, "the policy cannot be enforced by a Seatbelt profile as written (above): nothing was run");
    return std::nullopt;
  }

  MacSandboxPlan plan;
  plan.profile = std::move(built.output);
  plan.argv = {kSandboxExec, "-p", plan.profile};
  plan.argv.insert(plan.argv.end(), request.command.begin(), request.command.end());
  plan.environment = childEnvironment(request);
  return plan;
}

std::optional<eval::Bindings> physicalBindings(const eval::Bindings &bindings, std::string &error) {
  eval::Bindings out;
  for (const auto &[name, value] : bindings.all()) {
    // Walk up to the longest part that exists; "/" always does.
    std::string existing = value, rest;
    char resolved[PATH_MAX];
    while (::realpath(existing.c_str(), resolved) == nullptr) {
      if (errno != ENOENT || existing == "/") {
        error = fmt::format("cannot resolve ${} ({}): {}", name, value, std::strerror(errno));
        return std::nullopt;
      }
      size_t slash = existing.rfind('/');
      rest = existing.substr(slash) + rest;
      existing = slash == 0 ? "/" : existing.substr(0, slash);
    }
    std::string physical = resolved;
    if (physical == "/" && !rest.empty())
      physical.clear();
    if (!out.define(name, physical + rest, error))
      return std::nullopt;
  }
  return out;
}

} // namespace moat::runtime
