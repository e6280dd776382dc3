#include "backends/squid/SquidRender.h"

#include <fmt/format.h>

#include <algorithm>

namespace moat::backends::squid {

namespace {

using Kind = net::HostPattern::Kind;

const char *effectWord(ir::Effect e) { return e == ir::Effect::Deny ? "deny" : "allow"; }

std::string aclName(size_t index, const char *what) {
  return fmt::format("moat_r{}_{}", index + 1, what);
}

// Squid's `port` ACL value for a range: "443" or "8000-8100".
std::string portValue(const net::PortRange &p) {
  return p.lo == p.hi ? fmt::format("{}", p.lo) : fmt::format("{}-{}", p.lo, p.hi);
}

// The ports some allow rule allows, merged and sorted; empty when an allow
// rule (or the default) allows every port, or when nothing is allowed.
std::vector<net::PortRange> connectPorts(const SquidPlan &plan) {
  std::vector<net::PortRange> ranges;
  for (const SquidRule &r : plan.rules) {
    if (r.effect != ir::Effect::Allow)
      continue;
    if (r.ports.any())
      return {};
    ranges.push_back(r.ports);
  }
  std::sort(ranges.begin(), ranges.end(), [](const net::PortRange &a, const net::PortRange &b) {
    return a.lo != b.lo ? a.lo < b.lo : a.hi < b.hi;
  });
  std::vector<net::PortRange> merged;
  for (const net::PortRange &r : ranges) {
    if (!merged.empty() && unsigned(r.lo) <= unsigned(merged.back().hi) + 1)
      merged.back().hi = std::max(merged.back().hi, r.hi);
    else
      merged.push_back(r);
  }
  return merged;
}

// The ACLs one rule needs, each on its own line.
void writeAcls(std::string &out, size_t i, const SquidRule &r) {
  out += fmt::format("# {}. {} connect \"{}\"{}\n", i + 1, effectWord(r.effect), r.pattern,
                     r.source.empty() ? "" : fmt::format(" ({})", r.source));
  switch (r.kind) {
  case Kind::Any:
    break;
  case Kind::Exact:
    out += fmt::format("acl {} dstdomain -n {}\n", aclName(i, "dom"), r.domain);
    out += fmt::format("acl {} ssl::server_name --client-requested {}\n", aclName(i, "sni"),
                       r.domain);
    break;
  case Kind::Subdomains:
    // Squid's ".example.com" also matches example.com itself; moat's
    // "*.example.com" does not. The bare name is excluded with a second ACL.
    out += fmt::format("acl {} dstdomain -n .{}\n", aclName(i, "dom"), r.domain);
    out += fmt::format("acl {} dstdomain -n {}\n", aclName(i, "dom_bare"), r.domain);
    out += fmt::format("acl {} ssl::server_name --client-requested .{}\n", aclName(i, "sni"),
                       r.domain);
    out += fmt::format("acl {} ssl::server_name --client-requested {}\n", aclName(i, "sni_bare"),
                       r.domain);
    break;
  case Kind::Cidr: {
    std::string values;
    for (const std::string &a : r.addresses)
      values += " " + a;
    out += fmt::format("acl {} dst -n{}\n", aclName(i, "dst"), values);
    break;
  }
  }
  if (!r.ports.any())
    out += fmt::format("acl {} port {}\n", aclName(i, "port"), portValue(r.ports));
}

// The ACL list after the action: what must all hold for rule `i` to match
// the request (http_access) or the TLS client hello (ssl_bump).
std::string conditions(size_t i, const SquidRule &r, bool tls) {
  std::vector<std::string> parts;
  switch (r.kind) {
  case Kind::Any:
    break;
  case Kind::Exact:
    parts.push_back(aclName(i, tls ? "sni" : "dom"));
    break;
  case Kind::Subdomains:
    parts.push_back(aclName(i, tls ? "sni" : "dom"));
    parts.push_back("!" + aclName(i, tls ? "sni_bare" : "dom_bare"));
    break;
  case Kind::Cidr:
    parts.push_back(aclName(i, "dst"));
    // A tunnel to an allowed address is spliced only when the client named
    // no host in its SNI (Squid then uses the CONNECT address): a name
    // there must pass the name rules above.
    if (tls && r.effect == ir::Effect::Allow)
      parts.push_back("moat_sni_address");
    break;
  }
  if (!r.ports.any())
    parts.push_back(aclName(i, "port"));
  if (parts.empty())
    return "all";
  std::string s;
  for (const std::string &p : parts)
    s += (s.empty() ? "" : " ") + p;
  return s;
}

} // namespace

std::string renderSquid(const SquidPlan &plan) {
  std::string out;
  out += "# squid.conf fragment written by `moat build --target=squid`";
  out += plan.policy.empty() ? ".\n" : fmt::format(" from policy \"{}\".\n", plan.policy);
  out += "# Include it before every other http_access and ssl_bump line: Squid stops at\n"
         "# the first match and the fragment ends with its own final rule. It needs\n"
         "# squid-openssl and an http_port with ssl-bump (docs/backends.md, \"squid\").\n"
         "# moat's order is kept: any matching deny, else any matching allow, else the\n"
         "# default; so every deny line comes before every allow line.\n";

  if (plan.unconfined) {
    out += "\n# The policy turns the sandbox off (sandbox-disabled): nothing is confined.\n"
           "http_access allow all\n"
           "ssl_bump splice all\n";
    return out;
  }

  for (size_t i = 0; i < plan.rules.size(); ++i) {
    out += "\n";
    writeAcls(out, i, plan.rules[i]);
  }

  bool addressAllow = std::any_of(plan.rules.begin(), plan.rules.end(), [](const SquidRule &r) {
    return r.kind == Kind::Cidr && r.effect == ir::Effect::Allow;
  });
  std::vector<net::PortRange> ports = plan.defaultAllow ? std::vector<net::PortRange>{}
                                                        : connectPorts(plan);
  out += "\n";
  if (!ports.empty()) {
    out += "acl moat_connect method CONNECT\n";
    std::string values;
    for (const net::PortRange &p : ports)
      values += " " + portValue(p);
    out += fmt::format("acl moat_connect_ports port{}\n", values);
  }
  out += "acl moat_tls_step1 at_step SslBump1\n";
  if (addressAllow)
    out += "# The TLS server name is an address (or, without SNI, the CONNECT address).\n"
           "acl moat_sni_address ssl::server_name_regex --client-requested ^[0-9.]+$ :\n";

  // Requests: the host in the URL or the CONNECT target. Names never match
  // addresses (-n: no DNS lookups), so an IP literal passes only an address
  // rule, in whatever spelling the client chose (Squid parses it first).
  out += "\n";
  if (!ports.empty())
    out += "http_access deny moat_connect !moat_connect_ports\n";
  for (size_t i = 0; i < plan.rules.size(); ++i)
    out += fmt::format("http_access {} {}\n", effectWord(plan.rules[i].effect),
                       conditions(i, plan.rules[i], false));
  out += plan.defaultAllow ? "http_access allow all\n" : "http_access deny all\n";

  // Tunnels: Squid peeks at the TLS client hello and splices (passes the
  // bytes through, never decrypting) only when the server name the client
  // asked for passes the same rules; everything else is terminated.
  out += "\n";
  out += "ssl_bump peek moat_tls_step1\n";
  for (size_t i = 0; i < plan.rules.size(); ++i)
    out += fmt::format("ssl_bump {} {}\n",
                       plan.rules[i].effect == ir::Effect::Deny ? "terminate" : "splice",
                       conditions(i, plan.rules[i], true));
  out += plan.defaultAllow ? "ssl_bump splice all\n" : "ssl_bump terminate all\n";
  return out;
}

} // namespace moat::backends::squid
