// sandbox-runtime's own checks on the strings of its settings, applied by the
// srt and Claude importers. srt refuses a settings file that fails them (it
// then runs nothing), so moat must refuse it too: accepting `*` or `*.com`
// in allowedDomains would let a policy mean more than it does under srt.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moat::import {

// An allowedDomains / deniedDomains entry: a dotted host name, `localhost`,
// `*.` plus at least two labels, or a bracketed IPv6 literal, each with an
// optional `:PORT` (1-65535, no leading zero). deniedDomains also takes `*`
// (deny everything), with or without a port. Returns why it is refused.
std::optional<std::string> srtDomainProblem(std::string_view entry, bool deniedList);

// A deniedResolvedAddresses entry: an IPv4/IPv6 address or CIDR range,
// unbracketed, without a port.
std::optional<std::string> srtAddressRangeProblem(std::string_view entry);

// An allowMachLookup entry: a service name whose only wildcard is one
// trailing `*` (`com.example.*`, or `*` for every service).
std::optional<std::string> srtMachServiceProblem(std::string_view entry);

} // namespace moat::import

namespace moat::import {

// A domain pattern without a port (srt's `domainPatternSchema`: mitmProxy
// domains, tlsTerminate excludeDomains, credentials injectHosts): a dotted
// host name, `localhost`, `*.` plus at least two labels, or an unbracketed
// IPv6 literal. Returns why it is refused.
std::optional<std::string> srtPortlessDomainProblem(std::string_view entry);

// Whether srt finds `injectHost` reachable through `allowedDomains` (ports
// dropped): a name under an allowed name or wildcard, a wildcard under an
// allowed wildcard.
bool srtInjectHostCovered(std::string_view injectHost, const std::vector<std::string> &allowedDomains);

} // namespace moat::import
