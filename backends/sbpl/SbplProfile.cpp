#include "backends/sbpl/SbplProfile.h"

#include "backends/sbpl/Sbpl.h"
#include "backends/sbpl/SbplFilters.h"
#include "backends/sbpl/SbplText.h"
#include "compiler/ir/RuleText.h"

namespace moat::backends::sbpl {

namespace {

// Mach services the baseline lets every process look up (docs/backends.md):
// user and group lookups (getpwuid: shells, git, ssh), the two logging
// services libSystem talks to, and notify(3), which libc uses for time zone
// and locale changes. Nothing that starts or controls other programs.
const char *const kBaselineServices[] = {
    "com.apple.system.opendirectoryd.libinfo",
    "com.apple.system.logger",
    "com.apple.logd",
    "com.apple.system.notification_center",
};

const char *effectWord(ir::Effect e) { return e == ir::Effect::Allow ? "allow" : "deny"; }

std::string socketText(const ir::UnixSocketRule &rule) {
  return std::string(effectWord(rule.effect)) + " unix-socket " + ir::quoted(rule.path.text());
}

} // namespace

void Profile::section(const std::string &title) {
  body_ += "\n;; " + commentText(title) + "\n";
}

void Profile::rule(ir::Effect effect, const char *operation, const std::vector<std::string> &filters,
                   const std::string &comment) {
  std::string line = "(" + std::string(effectWord(effect)) + " " + operation;
  if (filters.size() == 1) {
    line += " " + filters[0];
  } else {
    for (const std::string &f : filters)
      line += "\n  " + f;
  }
  line += ")";
  if (!comment.empty())
    line += "  ; " + commentText(comment);
  body_ += line + "\n";
}

std::string Profile::locationText(SourceLoc loc) const {
  if (!loc.valid())
    return "";
  return std::string(diags.files().name(loc.buffer)) + ":" + std::to_string(loc.line) + ":" +
         std::to_string(loc.col);
}

std::string Profile::provenance(const ir::Provenance &prov) const {
  if (prov.layer == ir::Layer::Builtin || !prov.loc.valid())
    return prov.layer == ir::Layer::Builtin ? "built-in protection" : prov.origin;
  std::string out = locationText(prov.loc);
  if (!prov.origin.empty())
    out += " " + prov.origin;
  return out;
}

std::string Profile::provenance(const ir::FsRule &rule) const { return provenance(rule.prov); }

void Profile::baseline() {
  section("Baseline: what every process needs to start (docs/backends.md, \"sbpl\").");
  rule(ir::Effect::Allow, "process-fork", {}, "");
  rule(ir::Effect::Allow, "signal", {"(target same-sandbox)"}, "only processes of this sandbox");
  rule(ir::Effect::Allow, "sysctl-read", {}, "");
  rule(ir::Effect::Allow, "file-map-executable", {},
       "mapping needs a descriptor the read rules allowed");
  std::vector<std::string> services;
  std::string why;
  for (const char *s : kBaselineServices)
    services.push_back("(global-name " + *quoteString(s, why) + ")");
  rule(ir::Effect::Allow, "mach-lookup", services, "");

  const ir::Options &opts = policy.options;
  if (opts.flag(ir::OptionId::WeakerNetworkIsolation))
    rule(ir::Effect::Allow, "mach-lookup", {"(global-name \"com.apple.trustd.agent\")"},
         "weaker-network-isolation: certificate checks through trustd");

  if (const auto &set = opts.get(ir::OptionId::AllowMachLookup)) {
    std::vector<std::string> filters;
    for (const std::string &name : opts.list(ir::OptionId::AllowMachLookup)) {
      bool prefix = !name.empty() && name.back() == '*';
      std::string stem = prefix ? name.substr(0, name.size() - 1) : name;
      if (stem.empty()) {
        diags.report(DiagKind::UnenforceableRule, set->loc,
                     fmt::format("allow-mach-lookup entry '{}' would allow every mach service; "
                                 "the Seatbelt profile leaves it out (stricter)",
                                 name));
        continue;
      }
      auto quoted = quoteString(stem, why);
      if (!quoted) {
        diags.report(DiagKind::BackendRefused, set->loc,
                     fmt::format("cannot write mach service '{}' in a Seatbelt profile: {}",
                                 commentText(name), why));
        continue;
      }
      filters.push_back(std::string(prefix ? "(global-name-prefix " : "(global-name ") + *quoted + ")");
    }
    if (!filters.empty())
      rule(ir::Effect::Allow, "mach-lookup", filters, "allow-mach-lookup");
  }

  if (opts.flag(ir::OptionId::AllowPty)) {
    rule(ir::Effect::Allow, "pseudo-tty", {}, "allow-pty");
    rule(ir::Effect::Allow, "file-ioctl", {"(literal \"/dev/ptmx\")"}, "allow-pty");
    diags.report(DiagKind::UnenforceableRule, opts.get(ir::OptionId::AllowPty)->loc,
                 "allow-pty: the Seatbelt profile allows creating pseudo-terminals but no ioctl "
                 "on /dev/ttys* (stricter): the user's own terminal is one of them, and TIOCSTI "
                 "on it types commands into the user's shell; the terminal devices' read and "
                 "write follow the policy's rules");
  }
  if (opts.flag(ir::OptionId::AllowAppleEvents))
    diags.report(DiagKind::UnenforceableRule, opts.get(ir::OptionId::AllowAppleEvents)->loc,
                 "allow-apple-events: the Seatbelt profile never allows appleevent-send "
                 "(stricter): Apple Events drive other applications outside the sandbox");
}

bool Profile::network() {
  const ir::Options &opts = policy.options;
  bool ok = true;
  bool connects = policy.defaults.connect != ir::NetDefault::Deny;
  for (const ir::NetRule &r : policy.netRules)
    connects |= r.effect == ir::Effect::Allow && r.platform != ir::Platform::Linux;

  if (!connects)
    section("Network: no outbound connections (the policy allows no host).");
  else
    section("Network: outbound only to the proxy on the loopback interface; the proxy "
            "enforces the host rules.");
  if (connects && profileOptions.proxyPort != 0) {
    rule(ir::Effect::Allow, "network-outbound",
         {"(remote ip \"localhost:" + std::to_string(profileOptions.proxyPort) + "\")"},
         "moat run's proxy");
  } else if (connects) {
    std::vector<int64_t> ports;
    for (ir::OptionId id : {ir::OptionId::HttpProxyPort, ir::OptionId::SocksProxyPort}) {
      const auto &set = opts.get(id);
      if (!set)
        continue;
      int64_t port = opts.number(id);
      if (port < 1 || port > 65535) {
        diags.report(DiagKind::BackendRefused, set->loc,
                     fmt::format("{} {} is not a TCP port", ir::optionInfo(id).name, port));
        ok = false;
        continue;
      }
      ports.push_back(port);
    }
    if (ports.empty())
      ports.push_back(kDefaultProxyPort);
    for (int64_t port : ports)
      rule(ir::Effect::Allow, "network-outbound",
           {"(remote ip \"localhost:" + std::to_string(port) + "\")"}, "");
  }
  if (opts.flag(ir::OptionId::AllowLocalBinding)) {
    rule(ir::Effect::Allow, "network-bind", {"(local ip \"localhost:*\")"}, "allow-local-binding");
    rule(ir::Effect::Allow, "network-inbound", {"(local ip \"localhost:*\")"},
         "allow-local-binding");
  }

  bool sockets = opts.flag(ir::OptionId::AllowAllUnixSockets);
  for (const ir::UnixSocketRule &r : policy.unixSockets)
    sockets |= r.platform != ir::Platform::Linux;
  if (sockets)
    section("Unix sockets: allowed paths, then denied ones (a deny always wins).");
  if (opts.flag(ir::OptionId::AllowAllUnixSockets))
    rule(ir::Effect::Allow, "network-outbound", {"(remote unix-socket (path-regex #\"^/\"))"},
         "allow-all-unix-sockets");
  for (ir::Effect effect : {ir::Effect::Allow, ir::Effect::Deny}) {
    for (const ir::UnixSocketRule &r : policy.unixSockets) {
      if (r.effect != effect || r.platform == ir::Platform::Linux)
        continue;
      std::string why;
      auto placed = placePattern(policy, options, r.path, why);
      std::optional<RuleFilters> filters;
      if (placed)
        filters = socketFilters(*placed, r.effect, why);
      if (!filters) {
        diags.report(DiagKind::BackendRefused, r.prov.loc,
                     fmt::format("cannot write '{}' in a Seatbelt profile: {}", socketText(r), why));
        ok = false;
        continue;
      }
      const std::string &param = placed->param;
      switch (filters->fit) {
      case Fit::Exact:
        break;
      case Fit::Narrowed:
        diags.report(DiagKind::UnenforceableRule, r.prov.loc,
                     fmt::format("'{}' allows only the socket at exactly that path in the Seatbelt "
                                 "profile (stricter): a Seatbelt regex cannot contain the "
                                 "parameter {}; pass --define {}=PATH to compile it exactly",
                                 socketText(r), param, param));
        break;
      case Fit::Omitted:
        diags.report(DiagKind::UnenforceableRule, r.prov.loc,
                     fmt::format("'{}' is left out of the Seatbelt profile (stricter): a Seatbelt "
                                 "regex cannot contain the parameter {}; pass --define {}=PATH to "
                                 "compile it exactly",
                                 socketText(r), param, param));
        continue;
      case Fit::Widened:
        diags.report(DiagKind::UnenforceableRule, r.prov.loc,
                     fmt::format("'{}' denies every socket path with components like it in the "
                                 "Seatbelt profile (stricter): a Seatbelt regex cannot contain the "
                                 "parameter {}; pass --define {}=PATH to compile it exactly",
                                 socketText(r), param, param));
        break;
      }
      if (!param.empty() && filters->fit != Fit::Widened)
        params.insert(param);
      std::vector<std::string> wrapped;
      for (const std::string &f : filters->filters)
        wrapped.push_back("(remote unix-socket " + f + ")");
      rule(r.effect, "network-outbound", wrapped, provenance(r.prov));
    }
  }
  return ok;
}

std::string Profile::text() const {
  std::string source;
  if (!policy.sourceFiles.empty())
    source = policy.sourceFiles.front();
  else if (policy.nameLoc.valid())
    source = std::string(diags.files().name(policy.nameLoc.buffer));
  std::string out;
  out += ";; Seatbelt profile for policy \"" + commentText(policy.name) + "\"";
  if (!source.empty())
    out += " (" + commentText(source) + ")";
  out += ".\n";
  out += ";; Generated by `moat build --target=sbpl`: change the policy, not this file.\n";
  out += ";; Seatbelt lets the LAST matching rule decide, so rules run from least to most\n";
  out += ";; decisive.\n";
  if (params.empty()) {
    out += ";; Parameters: none.\n";
  } else {
    std::string names;
    for (const std::string &p : params)
      names += (names.empty() ? "" : " ") + p;
    out += ";; Parameters: " + names + " (sandbox-exec -D NAME=VALUE: absolute paths with\n";
    out += ";; symlinks resolved, not \"/\", no trailing slash).\n";
  }
  out += "(version 1)\n(deny default)\n";
  return out + body_;
}

std::string Profile::launchAdvice() const {
  std::string line = "sbpl: run the profile with: sandbox-exec -f PROFILE";
  for (const std::string &p : params) {
    if (p == "HOME")
      line += " -D HOME=\"$(cd ~ && pwd -P)\"";
    else if (p == "CWD")
      line += " -D CWD=\"$(pwd -P)\"";
    else if (p == "TMPDIR")
      line += " -D TMPDIR=\"$(cd \"${TMPDIR:-/tmp}\" && pwd -P)\"";
    else
      line += " -D " + p + "=PATH";
  }
  return line + " COMMAND [ARG...]";
}

} // namespace moat::backends::sbpl
