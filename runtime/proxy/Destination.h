// Where a tunnel may go: the policy's decision on the host the client named
// and the vetting of every address a name resolves to. Pure functions over
// the evaluator, so the whole refusal logic is testable without sockets.
//
// Why vet resolved addresses: a policy allows NAMES, but the proxy dials
// ADDRESSES. A name the client controls can resolve to 127.0.0.1, a
// private network or a cloud metadata endpoint (DNS rebinding), which
// would turn `allow connect "*.example.com"` into a door to the host's own
// services. So an address in an internal range is dialled only when the
// policy allows that address itself by a rule, an address a deny rule
// matches is never dialled, and the proxy dials exactly the vetted
// addresses (it never hands a name to the system again).
#pragma once
#include "compiler/eval/Evaluator.h"
#include "compiler/net/Host.h"

#include <asio/ip/address.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace moat::runtime::proxy {

struct Verdict {
  bool allowed = false;
  const ir::NetRule *rule = nullptr; // the deciding rule (nullptr: default)
  bool builtin = false;              // refused by the proxy's own guard
  bool namedByRule = false;          // allowed by a rule other than `*`
  bool ask = false;                  // the policy leaves it to a decider (runtime/decide/)
  std::string reason;                // for a refusal
};

// The policy's answer for the host the client named. Ask is a refusal
// with `ask` set: the session puts it to the decider when there is one.
Verdict decideHost(const eval::Evaluator &evaluator, const net::CanonicalHost &host, uint16_t port);

// Loopback, private (RFC 1918, ULA), link-local (metadata endpoints
// included), CGNAT, unspecified, multicast, broadcast, reserved, and the
// IPv6 forms that embed an IPv4 address (mapped, NAT64) when that address
// is one of these. Names what it is, or nullptr for a public address.
const char *internalAddressKind(const net::IpAddress &ip);

// Vets one address the destination would be dialled at (a resolved
// address, or the literal the client named). Refused when a deny rule
// matches it; an internal address also needs a rule that allows it by
// naming it (an address or range: `*` means the internet, not the host's
// own networks), or `internalAllowedByName`: the name is `localhost`, whose
// addresses are loopback by standard, and a rule names it.
Verdict vetAddress(const eval::Evaluator &evaluator, const net::IpAddress &ip, uint16_t port,
                   bool internalAllowedByName = false);

struct VettedAddresses {
  std::vector<asio::ip::address> usable; // in resolver order, duplicates removed
  Verdict firstRefusal;                  // when `usable` is empty
};
VettedAddresses vetAddresses(const eval::Evaluator &evaluator, const std::string &hostText,
                             const std::vector<asio::ip::address> &resolved, uint16_t port,
                             bool internalAllowedByName = false);

// Conversions (an IPv4-mapped IPv6 address becomes IPv4).
net::IpAddress toIpAddress(const asio::ip::address &address);
asio::ip::address toAsioAddress(const net::IpAddress &ip);

} // namespace moat::runtime::proxy
