#include "backends/squid/SquidPlan.h"

#include "compiler/net/NameAddresses.h"

#include <fmt/format.h>

namespace moat::backends::squid {

namespace {

// "file:line:col" for a comment line; escaped, since a file name may hold any
// byte and a newline would end the comment.
std::string sourceText(const SourceFiles &files, SourceLoc loc) {
  if (!loc.valid())
    return "";
  return net::displayHost(fmt::format("{}:{}:{}", files.name(loc.buffer), loc.line, loc.col));
}

bool isSquidSafeAddress(std::string_view text) {
  if (text.empty())
    return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.' || c == '/'))
      return false;
  return true;
}

const char *platformWord(ir::Platform p) { return p == ir::Platform::MacOS ? "macOS" : "Linux"; }

// Fills `out` from `rule`; false (after an error) when a value is not safe to
// write into squid.conf. Names and addresses come validated from the IR; this
// check is a second, independent line of defence against a bug upstream
// turning into a config injection.
bool translate(const ir::NetRule &rule, const SourceFiles &files, DiagnosticEngine &diags,
               SquidRule &out) {
  const net::HostPattern &host = rule.host;
  out.effect = rule.effect;
  out.kind = host.kind;
  out.ports = host.ports;
  out.pattern = net::displayHost(host.text());
  out.source = sourceText(files, rule.prov.loc);
  switch (host.kind) {
  case net::HostPattern::Kind::Any:
    return true;
  case net::HostPattern::Kind::Exact:
  case net::HostPattern::Kind::Subdomains:
    if (!isSquidSafeName(host.domain)) {
      diags.report(DiagKind::BackendRefused, rule.prov.loc,
                   fmt::format("squid: the host '{}' cannot be written as a Squid dstdomain "
                               "value (only [a-z0-9_-] labels are)",
                               net::displayHost(host.domain)));
      return false;
    }
    out.domain = host.domain;
    return true;
  case net::HostPattern::Kind::Cidr: {
    // Squid refuses a zero-length mask ("needs to be replaced by the term
    // 'all'", and `all` would cover the other family too): the whole family
    // is written as its two halves. Squid holds IPv4 addresses as
    // ::ffff:a.b.c.d, so an IPv6 range covers the IPv4 hosts it maps, as in
    // moat.
    std::vector<std::string> values;
    if (host.prefixLen == 0 && !host.network.v6)
      values = {"0.0.0.0/1", "128.0.0.0/1"};
    else if (host.prefixLen == 0)
      values = {"::/1", "8000::/1"};
    else
      values = {fmt::format("{}/{}", host.network.text(), host.prefixLen)};
    for (const std::string &value : values) {
      if (!isSquidSafeAddress(value)) {
        diags.report(DiagKind::BackendRefused, rule.prov.loc,
                     fmt::format("squid: the address '{}' cannot be written as a Squid dst value",
                                 net::displayHost(value)));
        return false;
      }
    }
    out.addresses = std::move(values);
    return true;
  }
  }
  return false;
}

} // namespace

bool isSquidSafeName(std::string_view name) {
  if (name.empty())
    return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('.', start);
    if (end == std::string_view::npos)
      end = name.size();
    std::string_view label = name.substr(start, end - start);
    if (label.empty() || label.front() == '-')
      return false;
    for (char c : label)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
        return false;
    start = end + 1;
  }
  return true;
}

std::optional<SquidPlan> planSquid(const ir::Policy &policy, Clients clients,
                                   DiagnosticEngine &diags) {
  SquidPlan plan;
  plan.policy = net::displayHost(policy.name);
  if (policy.options.flag(ir::OptionId::SandboxDisabled)) {
    // The evaluator allows every connection of a disabled sandbox; so does
    // the proxy (lint reports the option itself).
    plan.unconfined = true;
    return plan;
  }
  switch (policy.defaults.connect) {
  case ir::NetDefault::Deny:
    break;
  case ir::NetDefault::Allow:
    plan.defaultAllow = true;
    break;
  case ir::NetDefault::Ask:
    diags.report(DiagKind::UnenforceableRule, policy.defaults.connectLoc,
                 "squid: 'default connect ask' becomes deny: an egress proxy has no one to ask");
    break;
  }

  unsigned errorsBefore = diags.errorCount();
  std::vector<SquidRule> denies, allows;
  for (const ir::NetRule &rule : policy.netRules) {
    if (rule.platform != ir::Platform::Any) {
      bool mine = (clients == Clients::Linux && rule.platform == ir::Platform::Linux) ||
                  (clients == Clients::MacOS && rule.platform == ir::Platform::MacOS);
      if (clients != Clients::All && !mine)
        continue; // another platform's rule: not part of this build
      if (clients == Clients::All) {
        // Squid cannot tell a client's platform. A deny then holds for
        // everyone (stricter); an allow holds for no one (stricter).
        if (rule.effect == ir::Effect::Allow) {
          diags.report(DiagKind::UnenforceableRule, rule.prov.loc,
                       fmt::format("squid: this {}-only allow is left out: Squid cannot tell a "
                                   "client's platform (build with --format={} for {} clients)",
                                   platformWord(rule.platform),
                                   rule.platform == ir::Platform::MacOS ? "macos" : "linux",
                                   platformWord(rule.platform)));
          continue;
        }
        diags.report(DiagKind::UnenforceableRule, rule.prov.loc,
                     fmt::format("squid: this {}-only deny applies to every client: Squid cannot "
                                 "tell a client's platform",
                                 platformWord(rule.platform)));
      }
    }
    SquidRule out;
    if (!translate(rule, diags.files(), diags, out))
      continue;
    // Squid matches a dstdomain by name: a deny on a loopback address must
    // name `localhost` and `.localhost` too, which are that address
    // (net/NameAddresses.h), with the same ports.
    (rule.effect == ir::Effect::Deny ? denies : allows).push_back(std::move(out));
    if (rule.effect == ir::Effect::Deny) {
      const SquidRule base = denies.back();
      for (const net::HostPattern &n : net::namesDeniedWith(rule.host)) {
        SquidRule name = base;
        name.kind = n.kind;
        name.domain = n.domain;
        name.addresses.clear();
        name.pattern = base.pattern + " (so " + n.text() + ", which is loopback)";
        denies.push_back(std::move(name));
      }
    }
  }
  if (diags.errorCount() != errorsBefore)
    return std::nullopt;
  plan.rules = std::move(denies);
  for (SquidRule &r : allows)
    plan.rules.push_back(std::move(r));
  return plan;
}

} // namespace moat::backends::squid
