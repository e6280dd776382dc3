// Names that ARE addresses. A deny on an address also denies the names that
// resolve to it: sandbox-runtime resolves an allowed name before dialing and
// refuses it when it resolves to an IP literal of `deniedDomains`, so
// `allowedDomains: ["localhost"], deniedDomains: ["127.0.0.1"]` keeps
// `localhost` out. moat decides statically, without DNS, so it knows exactly
// the names whose addresses are fixed by standard rather than by a resolver:
//
//   `localhost` and every name under `.localhost` (RFC 6761 section 6.3:
//   loopback, never sent to DNS) are 127.0.0.1 and ::1, the two loopback
//   addresses a resolver returns for them (the /etc/hosts entries, and what
//   srt's guard lets them resolve to).
//
// Every other name is decided by its own rules only: what it resolves to is
// the resolver's business at run time (srt's resolved-address check; moat's
// proxy dials the name). A loopback name is denied when a deny rule covers
// EITHER of its addresses at the port: the stricter reading, since which of
// the two a client gets is up to it.
#pragma once
#include "compiler/net/Host.h"

#include <vector>

namespace moat::net {

// `localhost` or a name under `.localhost` (canonical, lower case).
bool isLoopbackName(const CanonicalHost &host);

// The addresses a name is known to be: {127.0.0.1, ::1} for a loopback
// name; empty for every other host (including addresses themselves).
std::vector<CanonicalHost> knownAddressesOf(const CanonicalHost &host);

// Is `pattern` an address pattern covering an address that loopback names
// are (at its own ports)? Backends that match by name (squid) write the
// loopback names next to such a deny, with the same ports.
bool coversLoopbackNameAddress(const HostPattern &pattern);

// The name patterns a deny on `pattern` also denies: `localhost` and
// `*.localhost`, with the pattern's ports, when it covers a loopback
// address; none otherwise. Set questions (asserts, diff) add them to the
// denies, which is exactly the decision rule above.
std::vector<HostPattern> namesDeniedWith(const HostPattern &pattern);

} // namespace moat::net
