// weakening-setting: a key on Claude Code's own list of settings that weaken
// the sandbox (sdk.d.ts marks them "Reduces security" / "Removes
// code-execution isolation"; srt reads the same keys), reported at the key
// with what it weakens. Keys another rule already reports are left to it:
//   enableWeakerNestedSandbox     weaker-nested-sandbox
//   network.allowAllUnixSockets   unix-socket-broad
//   network.allowLocalBinding     local-binding
//   filesystem.disabled           one-sided-isolation and the write-* rules,
//                                 which point at the key
//   network.allowUnixSockets      the unix-socket-* rules, for the sockets
//                                 they know; the entries they do not report
//                                 are reported here
// `credentials` is reported only where its masks can be injected
// (tlsTerminate or allowPlaintextInject): deny entries only hide.
// Two settings void the write denies outright (an error): a process that may
// create a user namespace can unmount the read-only binds that carry them.
// allowNestedUserNamespaces allows it; allowAllUnixSockets together with
// enableWeakerNestedSandbox leaves nothing to refuse it (srt's
// linux-sandbox-utils: the first drops the seccomp helper that refuses new
// namespaces, the second stops bubblewrap's --disable-userns standing in).
// A disabled sandbox (Claude sandbox.enabled false) has nothing to weaken;
// the other rules report it. Docs: docs/rules/weakening-setting.md.
#include "lint/rules/WeakeningSetting.h"

#include <fmt/format.h>

#include <set>

namespace moat::lint {

namespace {

std::string quotedList(const std::vector<std::string> &items) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i)
    s += (i ? ", '" : "'") + items[i] + "'";
  return s;
}

// Allow rules for unix sockets that a unix-socket-* rule already reports:
// the rule that opens a known socket, or a made-up one in a socket directory.
std::set<const ir::UnixSocketRule *> socketRulesReportedElsewhere(const LintContext &ctx) {
  std::set<const ir::UnixSocketRule *> reported;
  auto note = [&](const std::string &abs, ir::Platform platform) {
    if (auto o = ctx.socketOpen(abs, platform); o && o->rule)
      reported.insert(o->rule);
  };
  for (const PathEntry &e : containerSockets())
    note(ctx.bind(e.path), e.platform);
  for (const PathEntry &e : sessionSockets())
    note(ctx.bind(e.path), e.platform);
  for (const PathEntry &e : socketDirectories())
    note(ctx.bind(e.path) + "/moat-probe.sock", e.platform);
  return reported;
}

} // namespace

void checkWeakeningSetting(const LintContext &ctx, const RuleInfo &self) {
  const ir::Options &options = ctx.policy().options;
  if (options.flag(ir::OptionId::SandboxDisabled))
    return;
  auto isSet = [&](ir::OptionId id) { return options.get(id).has_value(); };

  // What voids the write denies.
  if (options.flag(ir::OptionId::AllowNestedUserNamespaces))
    ctx.report(self, Severity::Error, ctx.optionLoc(ir::OptionId::AllowNestedUserNamespaces),
               "allowNestedUserNamespaces lets the process create user namespaces of its own (Linux): inside "
               "one it can unmount the read-only binds, so every write deny, read deny and built-in protection "
               "(.bashrc, .git/hooks, .claude/settings.json) is void, and code it plants there runs outside the "
               "sandbox later; leave it off, or run the tools that need it (Chromium, nested bubblewrap) "
               "outside the agent's sandbox");
  if (options.flag(ir::OptionId::AllowAllUnixSockets) && options.flag(ir::OptionId::WeakerNestedSandbox) &&
      !options.flag(ir::OptionId::AllowNestedUserNamespaces)) {
    Diagnostic &d = ctx.report(
        self, Severity::Error, ctx.optionLoc(ir::OptionId::AllowAllUnixSockets),
        "allowAllUnixSockets together with enableWeakerNestedSandbox leaves nothing to refuse new user "
        "namespaces (Linux): allowAllUnixSockets drops the seccomp filter that refuses them and "
        "enableWeakerNestedSandbox stops bubblewrap from refusing them instead, so a command that creates one "
        "can unmount the read-only binds and every write deny is void; drop one of the two");
    d.notes.push_back(LintContext::note(self, ctx.optionLoc(ir::OptionId::WeakerNestedSandbox),
                                        "enableWeakerNestedSandbox is set here"));
  }

  if (options.flag(ir::OptionId::AllowAppleEvents))
    ctx.report(self, Severity::Error, ctx.optionLoc(ir::OptionId::AllowAppleEvents),
               "allowAppleEvents lets the process send Apple Events (macOS): it can launch other applications "
               "unsandboxed without a prompt and script running ones such as Terminal, which run whatever it "
               "asks outside the sandbox; leave it off, and open URLs from outside the sandbox");
  if (options.flag(ir::OptionId::WeakerNetworkIsolation))
    ctx.report(self, ctx.optionLoc(ir::OptionId::WeakerNetworkIsolation),
               "enableWeakerNetworkIsolation opens com.apple.trustd.agent to the process (macOS): a service "
               "outside the sandbox that reaches the network without the proxy, a channel data can leave "
               "through whatever the allowlist says; needed only for Go tools behind a TLS-intercepting proxy");
  if (auto services = options.list(ir::OptionId::AllowMachLookup); !services.empty())
    ctx.report(self, ctx.optionLoc(ir::OptionId::AllowMachLookup),
               fmt::format("allowMachLookup lets the process reach {} outside the sandbox (macOS): {}; the sandbox "
                           "does not confine what a service does on its behalf",
                           services.size() == 1 ? "a mach service" : fmt::format("{} mach services", services.size()),
                           quotedList(services)));
  for (auto [id, key, kind] : {std::tuple{ir::OptionId::HttpProxyPort, "httpProxyPort", "HTTP"},
                               std::tuple{ir::OptionId::SocksProxyPort, "socksProxyPort", "SOCKS"}}) {
    if (!isSet(id))
      continue;
    ctx.report(self, ctx.optionLoc(id),
               fmt::format("{} {} sends the process's {} traffic to a proxy of your own on that port instead of "
                           "the sandbox's: that proxy, not this file's allowed and denied domains, decides where "
                           "data can go",
                           key, options.number(id), kind));
  }
  if (options.flag(ir::OptionId::MitmProxy))
    ctx.report(self, ctx.optionLoc(ir::OptionId::MitmProxy),
               "mitmProxy hands the connections to its domains to an external proxy on a unix socket: that "
               "proxy sees them decrypted and decides what they carry, outside this file's rules");
  // srt runs another program to install its syscall filter: moat cannot
  // read what that program allows, so the filter that refuses new user
  // namespaces, AF_UNIX sockets and ptrace may be gone (moat build refuses).
  if (isSet(ir::OptionId::CustomSeccomp))
    ctx.report(self, ctx.optionLoc(ir::OptionId::CustomSeccomp),
               fmt::format("seccomp has srt install its syscall filter with another program ('{}'): nothing in "
                           "this file says what that filter refuses, so the refusals that keep the write denies "
                           "(new user namespaces, mount) and the socket rules in force may be gone; moat build "
                           "refuses this file",
                           std::get<std::string>(options.get(ir::OptionId::CustomSeccomp)->value)));
  if (options.flag(ir::OptionId::TlsTerminate))
    ctx.report(self, ctx.optionLoc(ir::OptionId::TlsTerminate),
               "tlsTerminate has the proxy decrypt HTTPS with a CA the sandboxed tools are made to trust "
               "(experimental): every connection is re-signed by that CA, so its key can impersonate any host to "
               "them; keep the key where the sandbox cannot read it (read-secrets reports it when it can)");
  // srt puts a masked credential back only through a proxy that terminates
  // TLS (or, with allowPlaintextInject, into plain HTTP); without either it
  // refuses masks, and every entry only hides: nothing weakens.
  bool injects = options.flag(ir::OptionId::TlsTerminate) || options.flag(ir::OptionId::CredentialPlaintextInject);
  if (auto vars = options.list(ir::OptionId::CredentialEnvVars); !vars.empty() && injects)
    ctx.report(self, ctx.optionLoc(ir::OptionId::CredentialEnvVars),
               fmt::format("credentials keeps {} from the process ({}); those it masks rather than unsets, the "
                           "proxy puts back into requests to their hosts, so the process can still use them there, "
                           "and a mask whose 'extract' matches nothing leaves the value in place (onExtractNoMatch "
                           "defaults to warn)",
                           vars.size() == 1 ? "a variable" : fmt::format("{} variables", vars.size()),
                           quotedList(vars)));
  if (options.flag(ir::OptionId::CredentialPlaintextInject))
    ctx.report(self, ctx.optionLoc(ir::OptionId::CredentialPlaintextInject),
               "credentials.allowPlaintextInject lets the proxy put real credentials into unencrypted HTTP "
               "requests: anyone on the path reads them; inject only over HTTPS");

  // allowUnixSockets entries no unix-socket-* rule reports.
  std::set<const ir::UnixSocketRule *> elsewhere = socketRulesReportedElsewhere(ctx);
  for (const ir::UnixSocketRule &r : ctx.policy().unixSockets) {
    if (r.effect != ir::Effect::Allow || elsewhere.count(&r))
      continue;
    // A literal socket the policy's runtime never opens (srt and Claude
    // honour allowUnixSockets on macOS only; a file judged for Linux) weakens
    // nothing; runtime-mechanics says why it stays blocked.
    std::string text = r.path.text();
    bool literal = text.find_first_of("*?[") == std::string::npos &&
                   (text.rfind("/", 0) == 0 || text.rfind("~/", 0) == 0 || text.rfind("$CWD/", 0) == 0);
    if (literal && !ctx.socketOpen(ctx.bind(text)))
      continue;
    const char *where = r.platform == ir::Platform::MacOS   ? " (on macOS)"
                        : r.platform == ir::Platform::Linux ? " (on Linux)"
                                                            : "";
    ctx.report(self, r.prov.loc.valid() ? r.prov.loc : ctx.fileStart(),
               fmt::format("'{}' lets the process connect to a unix socket{}: the service behind it acts outside "
                           "the sandbox on the process's behalf; make sure it cannot run commands or reach files "
                           "the policy denies",
                           r.path.text(), where));
  }
}

} // namespace moat::lint
