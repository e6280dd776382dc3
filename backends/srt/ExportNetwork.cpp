// The network lists of srt / Claude Code settings. Re-imported, they decide
// exactly as the IR does (any deny, else any allow), but with the default
// `deny` and with srt's narrower host syntax: no `*` or single-label names
// in allowedDomains, no port ranges, IP ranges only in srt's
// deniedResolvedAddresses. An allow the syntax cannot name is left out; a
// deny it cannot name is widened (to every port) or, failing that, the
// allows it cuts into are left out. Unix sockets follow srt's rule that the
// per-path list holds on macOS only.
#include "backends/srt/SandboxExport.h"

#include "backends/srt/SettingsPaths.h"
#include "compiler/eval/Bindings.h"
#include "compiler/import/SrtDomains.h"
#include "compiler/net/NameAddresses.h"
#include "compiler/verify/Witness.h"

#include <fmt/format.h>

#include <algorithm>

namespace moat::backends::sandbox {

namespace {

// Port ranges up to this many ports are written port by port.
constexpr unsigned kMaxPortExpansion = 64;

struct HostSpelling {
  std::vector<std::string> domains;   // allowedDomains / deniedDomains entries
  std::vector<std::string> addresses; // deniedResolvedAddresses entries (srt)
};

std::optional<HostSpelling> spellHost(const net::HostPattern &h, bool deny, Dialect dialect,
                                      std::string &why) {
  std::vector<std::string> suffixes;
  if (h.ports.any())
    suffixes.push_back("");
  else if (unsigned(h.ports.hi - h.ports.lo) + 1 <= kMaxPortExpansion)
    for (unsigned p = h.ports.lo; p <= h.ports.hi; ++p)
      suffixes.push_back(":" + std::to_string(p));
  else {
    why = fmt::format("a range of more than {} ports", kMaxPortExpansion);
    return std::nullopt;
  }

  HostSpelling out;
  std::string name;
  switch (h.kind) {
  case net::HostPattern::Kind::Any:
    if (!deny) {
      why = "srt refuses '*' in allowedDomains";
      return std::nullopt;
    }
    name = "*";
    break;
  case net::HostPattern::Kind::Exact:
    if (h.domain.find('.') == std::string::npos && h.domain != "localhost") {
      why = "srt takes only dotted host names and 'localhost'";
      return std::nullopt;
    }
    name = h.domain;
    break;
  case net::HostPattern::Kind::Subdomains:
    if (h.domain.find('.') == std::string::npos) {
      why = "srt refuses wildcards over a single label";
      return std::nullopt;
    }
    name = "*." + h.domain;
    break;
  case net::HostPattern::Kind::Cidr:
    if (h.prefixLen == (h.network.v6 ? 128u : 32u)) {
      name = h.network.v6 ? "[" + h.network.text() + "]" : h.network.text();
      break;
    }
    if (deny && dialect == Dialect::Srt && h.ports.any()) {
      std::string range = h.network.text() + "/" + std::to_string(h.prefixLen);
      if (auto problem = import::srtAddressRangeProblem(range)) {
        why = *problem;
        return std::nullopt;
      }
      out.addresses.push_back(range);
      return out;
    }
    why = dialect == Dialect::Srt
              ? "srt names address ranges only in deniedResolvedAddresses, without ports"
              : "Claude Code settings cannot name address ranges";
    return std::nullopt;
  }
  for (const std::string &suffix : suffixes) {
    std::string entry = name + suffix;
    // The importers check entries the way srt does; an entry they would
    // refuse is one this spelling cannot have.
    if (auto problem = import::srtDomainProblem(entry, deny)) {
      why = *problem;
      return std::nullopt;
    }
    out.domains.push_back(std::move(entry));
  }
  return out;
}

struct Allowed {
  std::string text;
  net::HostPattern pattern;
  const ir::NetRule *rule = nullptr;
  bool dropped = false;
};

bool overlaps(const net::HostPattern &a, const net::HostPattern &b) {
  const net::HostPattern *include[] = {&a, &b};
  return verify::findEndpoint(include, {}).has_value();
}

// Does a deny on `deny` decide some endpoint of the allowed `allowed`? It
// does where they overlap, and at the loopback names when it covers their
// addresses (net/NameAddresses.h).
bool cutsInto(const net::HostPattern &deny, const net::HostPattern &allowed) {
  if (overlaps(allowed, deny))
    return true;
  std::vector<net::HostPattern> names = net::namesDeniedWith(deny);
  return std::any_of(names.begin(), names.end(), [&](const net::HostPattern &n) { return overlaps(allowed, n); });
}

// Leaves out the items (allowed hosts or sockets) not yet left out that
// `cut` picks: they are marked dropped and explained; their texts, for the
// warning, are returned.
template <typename Item, typename Cut>
std::vector<std::string> leaveOut(ExportContext &ctx, std::vector<Item> &items, Cut cut) {
  std::vector<std::string> lost;
  for (Item &i : items) {
    if (i.dropped || !cut(i))
      continue;
    i.dropped = true;
    lost.push_back(i.text);
    ctx.explain(i.rule);
  }
  return lost;
}

std::string joinQuoted(const std::vector<std::string> &items) {
  std::string out;
  for (const std::string &i : items)
    out += (out.empty() ? "'" : ", '") + i + "'";
  return out;
}

// An allow rule (network or unix socket) for one platform has no place in a
// file that applies on every platform: it is left out, with a warning. True
// when the rule takes part.
template <typename Rule> bool allowTakesPart(ExportContext &ctx, const Rule &r) {
  if (ctx.allowApplies(r.platform))
    return true;
  ctx.tightened(&r, r.prov.loc,
                fmt::format("this rule holds on {} only, and the {} file applies on every "
                            "platform: it is left out",
                            r.platform == ir::Platform::MacOS ? "macOS" : "Linux",
                            dialectName(ctx.dialect)));
  return false;
}

// srt applies deniedResolvedAddresses to what an allowed NAME resolves to,
// never to an IP-literal host and never to a loopback name
// (resolved-address-guard.js), while the IR's deny covers both (a deny on
// an address also denies the names that are it: net/NameAddresses.h). So
// an allowed address or loopback name the range would cover cannot stay in
// allowedDomains: srt would connect to it.
void leaveOutWhatResolvedAddressesMiss(ExportContext &ctx, const ir::NetRule &deny, std::vector<Allowed> &allowed) {
  std::vector<std::string> lost = leaveOut(ctx, allowed, [&](const Allowed &a) {
    const std::string &d = a.pattern.domain;
    bool loopbackName = a.pattern.kind != net::HostPattern::Kind::Cidr &&
                        (d == "localhost" || (d.size() > 10 && d.compare(d.size() - 10, 10, ".localhost") == 0));
    bool srtMisses = a.pattern.kind == net::HostPattern::Kind::Cidr || loopbackName;
    return srtMisses && cutsInto(deny.host, a.pattern);
  });
  if (!lost.empty())
    ctx.tightened(&deny, deny.prov.loc,
                  fmt::format("srt checks deniedResolvedAddresses only against what other names resolve "
                              "to, never an address or a loopback name it is asked for: the allowed hosts "
                              "'{}' cuts into are left out: {}",
                              deny.host.text(), joinQuoted(lost)));
}

} // namespace

bool exportNetwork(ExportContext &ctx, SettingsLists &lists) {
  const ir::Policy &policy = ctx.policy;
  const char *who = dialectName(ctx.dialect);

  std::vector<Allowed> allowed;
  for (const ir::NetRule &r : policy.netRules) {
    if (r.effect != ir::Effect::Allow)
      continue;
    if (!allowTakesPart(ctx, r))
      continue;
    std::string why;
    auto spelling = spellHost(r.host, false, ctx.dialect, why);
    if (!spelling) {
      ctx.tightened(&r, r.prov.loc,
                    fmt::format("the {} cannot allow '{}' ({}): it is left out", who,
                                r.host.text(), why));
      continue;
    }
    for (const std::string &text : spelling->domains) {
      std::string error;
      auto pattern = net::parseHostPattern(text, error);
      if (!pattern) { // every spelling above parses; refuse rather than guess
        ctx.refuse(r.prov.loc, fmt::format("internal error: '{}' does not parse: {}", text, error));
        return false;
      }
      allowed.push_back(Allowed{text, *pattern, &r});
    }
  }

  for (const ir::NetRule &r : policy.netRules) {
    if (r.effect != ir::Effect::Deny || !ctx.denyApplies(r.platform))
      continue;
    std::string why;
    auto spelling = spellHost(r.host, true, ctx.dialect, why);
    if (!spelling) {
      // Only the allows it cuts into need it: elsewhere the default denies.
      std::vector<Allowed *> cut;
      for (Allowed &a : allowed)
        if (!a.dropped && cutsInto(r.host, a.pattern))
          cut.push_back(&a);
      if (cut.empty())
        continue;
      net::HostPattern wider = r.host;
      wider.ports = net::PortRange{};
      std::string whyWider;
      if (!r.host.ports.any()) {
        if (auto w = spellHost(wider, true, ctx.dialect, whyWider)) {
          spelling = std::move(w);
          ctx.tightened(&r, r.prov.loc,
                        fmt::format("the {} cannot deny '{}' ({}): they deny '{}' on every port "
                                    "instead",
                                    who, r.host.text(), why, wider.text()));
        }
      }
      if (!spelling) {
        std::vector<std::string> lost;
        for (Allowed *a : cut) {
          a->dropped = true;
          lost.push_back(a->text);
          ctx.explain(a->rule);
        }
        ctx.tightened(&r, r.prov.loc,
                      fmt::format("the {} cannot deny '{}' ({}), so they leave out the allowed "
                                  "hosts it cuts into: {}",
                                  who, r.host.text(), why, joinQuoted(lost)));
        continue;
      }
    }
    if (!spelling->addresses.empty())
      leaveOutWhatResolvedAddressesMiss(ctx, r, allowed);
    for (const std::string &d : spelling->domains)
      appendUnique(lists.deniedDomains, d);
    for (const std::string &a : spelling->addresses)
      appendUnique(lists.deniedResolvedAddresses, a);
  }
  // An entry in both lists is denied (any deny wins), and the importers
  // refuse a host allowed and denied alike: only the deny is written.
  for (const Allowed &a : allowed)
    if (!a.dropped && std::find(lists.deniedDomains.begin(), lists.deniedDomains.end(), a.text) ==
                          lists.deniedDomains.end())
      appendUnique(lists.allowedDomains, a.text);

  if (policy.defaults.connect != ir::NetDefault::Deny)
    ctx.tightened(&policy.defaults.connect, policy.defaults.connectLoc,
                  fmt::format("the {} deny every host that allowedDomains does not list: "
                              "'default connect {}' becomes deny",
                              who, policy.defaults.connect == ir::NetDefault::Ask ? "ask" : "allow"));
  return true;
}

void exportUnixSockets(ExportContext &ctx, SettingsLists &lists) {
  const ir::Policy &policy = ctx.policy;
  const char *who = dialectName(ctx.dialect);
  struct Socket {
    std::string text;
    fs::PathPattern bound;
    const ir::UnixSocketRule *rule;
    bool dropped = false;
  };
  std::vector<Socket> sockets;
  for (const ir::UnixSocketRule &r : policy.unixSockets) {
    if (r.effect != ir::Effect::Allow)
      continue;
    if (!allowTakesPart(ctx, r))
      continue;
    if (ctx.scope == Scope::Linux) {
      ctx.tightened(&r, r.prov.loc,
                    "srt honours allowUnixSockets on macOS only (on Linux its seccomp filter "
                    "cannot tell sockets apart): it is left out, and the socket stays "
                    "unreachable");
      continue;
    }
    if (r.path.form != fs::PatternForm::Subtree) {
      ctx.tightened(&r, r.prov.loc,
                    fmt::format("the {} take plain socket paths only, not {}: it is left out", who,
                                r.path.isGlob() ? "globs" : "exact-file patterns"));
      continue;
    }
    std::string error;
    auto p = settingsPattern(policy, ctx.options, r.path, error);
    if (!p) {
      ctx.refuse(r.prov.loc,
                 fmt::format("cannot write '{}' in {}: {}", r.path.text(), who, error));
      continue;
    }
    auto bound = eval::bindPatternParts(policy, ctx.bindings, *p, error);
    if (!bound) {
      ctx.refuse(r.prov.loc, fmt::format("cannot bind '{}': {}", r.path.text(), error));
      continue;
    }
    sockets.push_back(Socket{settingsText(*p), std::move(*bound), &r});
  }

  bool anyDeny = false;
  for (const ir::UnixSocketRule &r : policy.unixSockets) {
    if (r.effect != ir::Effect::Deny || !ctx.denyApplies(r.platform))
      continue;
    anyDeny = true;
    std::string error;
    auto bound = eval::bindPatternParts(policy, ctx.bindings, r.path, error);
    if (!bound) {
      ctx.refuse(r.prov.loc, fmt::format("cannot bind '{}': {}", r.path.text(), error));
      continue;
    }
    std::vector<std::string> lost = leaveOut(ctx, sockets, [&](const Socket &s) {
      const fs::PathPattern *include[] = {&s.bound, &*bound};
      return verify::findPath(include, {}).has_value();
    });
    if (!lost.empty())
      ctx.tightened(&r, r.prov.loc,
                    fmt::format("the {} have no way to deny a unix socket, so they leave out the "
                                "allowed sockets this rule cuts into: {}",
                                who, joinQuoted(lost)));
  }
  for (const Socket &s : sockets) {
    if (s.dropped)
      continue;
    appendUnique(lists.allowUnixSockets, s.text);
    if (ctx.scope == Scope::Portable)
      ctx.tightened(s.rule, s.rule->prov.loc,
                    "srt honours allowUnixSockets on macOS only (on Linux its seccomp filter "
                    "cannot tell sockets apart): on Linux this socket stays unreachable");
  }

  if (policy.options.flag(ir::OptionId::AllowAllUnixSockets)) {
    if (anyDeny)
      ctx.optionLeftOut(ir::OptionId::AllowAllUnixSockets,
                        fmt::format("the {} cannot allow every unix socket but the denied ones: "
                                    "allowAllUnixSockets is left out",
                                    who));
    else
      lists.allowAllUnixSockets = true;
  }
}

} // namespace moat::backends::sandbox
