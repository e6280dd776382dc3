// The squid target's plan: the network rules of a policy turned into the
// pieces a squid.conf fragment is made of (one Squid ACL set per rule), with
// every value checked before it is written into Squid's syntax. Rendering the
// text is SquidRender's job; this file decides what may be said at all.
//
// Deny wins in moat and the first match wins in Squid, so the plan lists the
// deny rules first and the allow rules after them, each group in policy order.
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/ir/Policy.h"
#include "compiler/net/Host.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moat::backends::squid {

// Which clients the proxy serves. An egress proxy usually serves every
// platform; then rules inside `on linux { }` / `on macos { }` cannot be told
// apart and are read strictly (see planSquid).
enum class Clients { All, Linux, MacOS };

struct SquidRule {
  ir::Effect effect = ir::Effect::Deny;
  net::HostPattern::Kind kind = net::HostPattern::Kind::Exact;
  std::string domain;                 // Exact / Subdomains: checked Squid-safe name
  std::vector<std::string> addresses; // Cidr: `dst` values ("10.0.0.0/8", "fd00::/8")
  net::PortRange ports;               // any() = every port: no port ACL
  std::string pattern;                // the policy's spelling, for the comment
  std::string source;                 // "file:line:col" or "" (comment only)
};

struct SquidPlan {
  std::string policy;         // the policy's name (comment only)
  bool unconfined = false;    // sandbox-disabled: every connection is allowed
  bool defaultAllow = false;  // `default connect allow`
  std::vector<SquidRule> rules; // denies (policy order), then allows (policy order)
};

// The plan for `policy` as served to `clients`. Reports unenforceable-rule
// for what Squid is made stricter about (an `ask` default, a rule for one
// platform on a proxy serving all) and
// backend-refused for a host that is not safe to write into squid.conf;
// returns nullopt after any error.
std::optional<SquidPlan> planSquid(const ir::Policy &policy, Clients clients,
                                   DiagnosticEngine &diags);

// True when `name` is a host name Squid reads literally as one ACL value:
// labels of [a-z0-9_-], none empty, none starting with '-' (Squid would read
// a leading '-' as an option), no leading or trailing dot.
bool isSquidSafeName(std::string_view name);

} // namespace moat::backends::squid
