// The proxy allowlist: the file moat's filtering proxy reads to decide which
// connections leave the sandbox (docs/proxy-allowlist.md is the format's
// specification). It is the network half of a policy for one platform, and
// nothing else: filesystem and unix-socket rules are not the proxy's.
//
// Both directions live here: building the allowlist from the IR, writing it
// as JSON, and loading it back strictly (unknown keys, unknown versions, bad
// hosts are errors). Deciding a connection uses eval::NetDecider, the
// same function the reference evaluator uses, so the proxy and `moat query`
// cannot disagree about a host.
#pragma once
#include "compiler/diagnostics/SourceFiles.h"
#include "compiler/ir/Policy.h"
#include "compiler/net/Host.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/eval/NetDecide.h"

namespace moat::backends::proxy {

inline constexpr const char *kFormatName = "moat-proxy-allowlist";
inline constexpr int kFormatVersion = 1;

struct AllowlistRule {
  ir::Effect effect = ir::Effect::Deny;
  net::HostPattern host;
  std::string source; // "file:line:col" of the policy rule, or "" (for logs only)
};

struct AllowlistDecision {
  enum class Outcome { Allow, Deny, Ask } outcome = Outcome::Deny;
  const AllowlistRule *rule = nullptr; // nullptr: the default decided
};

struct ProxyAllowlist {
  ir::Platform platform = ir::Platform::Linux; // Linux or MacOS, never Any
  std::string policy;                          // the policy's name ("" if it has none)
  ir::NetDefault defaultDecision = ir::NetDefault::Deny;
  std::vector<AllowlistRule> rules; // in policy order

  // The rules indexed for deciding (eval::NetDecider, the evaluator's own
  // code). A proxy builds it once, when it loads the allowlist, and decides
  // every connection with it (indexing is O(n log n): never per connection);
  // it refers to `rules`, which must not change while it is in use.
  eval::NetDecider decider() const;
  // Any matching deny, else the first matching allow, else the default.
  AllowlistDecision decide(const eval::NetDecider &decider, const net::CanonicalHost &host, uint16_t port) const;
};

// The allowlist of `policy` on `platform` (Linux or MacOS): its network rules
// for that platform in policy order, and its connect default. A policy with
// sandbox-disabled allows every connection: no rules and the default allow.
ProxyAllowlist allowlistFromPolicy(const ir::Policy &policy, ir::Platform platform,
                                   const SourceFiles &files);

// The JSON text: keys sorted, two-space indent, a final newline; identical
// input gives identical bytes.
std::string renderAllowlist(const ProxyAllowlist &list);

// Reads an allowlist strictly: the JSON must be valid (no duplicate keys),
// `format` must be kFormatName and `version` kFormatVersion, every key must
// be known, every host must parse with net::parseHostPattern. On failure
// returns nullopt and sets `error` to "NAME:LINE:COL: message". `name` names
// the file in messages.
std::optional<ProxyAllowlist> loadAllowlist(std::string_view text, std::string_view name,
                                            std::string &error);

} // namespace moat::backends::proxy
