// libFuzzer target: host canonicalisation, host patterns and endpoints
// (compiler/net). Besides "no crash", it aborts when
//   - a canonical host does not canonicalise to itself, or holds a byte a
//     canonical name may not hold,
//   - a parsed pattern's text() does not parse back to an equal pattern with
//     the same text (round trip),
//   - a pattern does not match the host it names (an exact name that would
//     read as an IP literal, a CIDR that excludes its own network address,
//     a `*.d` pattern that matches `d` itself),
//   - an endpoint's host does not canonicalise to itself,
//   - displayHost lets a non-printable byte through.
#include "compiler/net/Host.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace moat::net;

namespace {

[[noreturn]] void fail(const char *what, std::string_view input, const std::string &detail) {
  std::fprintf(stderr, "fuzz_host: %s\ninput: %s\ndetail: %s\n", what, displayHost(input).c_str(),
               displayHost(detail).c_str());
  std::abort();
}

void checkCanonical(const CanonicalHost &h, std::string_view input) {
  if (h.kind == CanonicalHost::Kind::Name) {
    if (h.name.empty() || h.name.size() > 253 || h.name.back() == '.')
      fail("canonical name empty, too long or with a trailing dot", input, h.name);
    for (char c : h.name)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
        fail("canonical name holds a byte outside [a-z0-9-_.]", input, h.name);
  }
  std::string error;
  auto again = canonicaliseHost(h.text(), error);
  if (!again)
    fail("canonical text does not canonicalise", input, h.text() + ": " + error);
  if (!(*again == h))
    fail("canonicalisation is not idempotent", input, h.text() + " -> " + again->text());
}

void checkPattern(const HostPattern &p, std::string_view input) {
  std::string text = p.text();
  std::string error;
  auto again = parseHostPattern(text, error);
  if (!again)
    fail("pattern text does not parse back", input, text + ": " + error);
  if (!(*again == p) || again->text() != text)
    fail("pattern does not round-trip", input, text + " -> " + again->text());
  if (p.ports.lo > p.ports.hi)
    fail("pattern port range is empty", input, text);

  uint16_t port = p.ports.lo;
  switch (p.kind) {
  case HostPattern::Kind::Any:
    break;
  case HostPattern::Kind::Exact: {
    auto h = canonicaliseHost(p.domain, error);
    if (!h || h->kind != CanonicalHost::Kind::Name || h->name != p.domain)
      fail("an exact pattern's domain is not a canonical name", input, text);
    if (!p.matches(*h, port))
      fail("an exact pattern does not match its own name", input, text);
    break;
  }
  case HostPattern::Kind::Subdomains: {
    auto self = canonicaliseHost(p.domain, error);
    if (self && p.matches(*self, port))
      fail("a *.d pattern matches d itself", input, text);
    std::string sub = "a." + p.domain;
    if (auto h = canonicaliseHost(sub, error); h && !p.matches(*h, port))
      fail("a *.d pattern does not match a.d", input, text);
    break;
  }
  case HostPattern::Kind::Cidr: {
    std::string addr = p.network.v6 ? "[" + p.network.text() + "]" : p.network.text();
    auto h = canonicaliseHost(addr, error);
    if (!h || h->kind == CanonicalHost::Kind::Name)
      fail("a CIDR pattern's network address does not canonicalise to an IP", input, addr);
    if (!p.matches(*h, port))
      fail("a CIDR pattern does not match its own network address", input, text);
    break;
  }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view input(reinterpret_cast<const char *>(data), size);
  std::string error;

  if (auto h = canonicaliseHost(input, error))
    checkCanonical(*h, input);
  if (auto p = parseHostPattern(input, error))
    checkPattern(*p, input);
  if (auto e = parseEndpoint(input, 443, error)) {
    checkCanonical(e->host, input);
    if (auto p = parseHostPattern(input, error))
      (void)p->matches(e->host, e->port);
  }

  std::string shown = displayHost(input);
  for (unsigned char c : shown)
    if (c < 0x20 || c >= 0x7f)
      fail("displayHost let a non-printable byte through", input, shown);
  if (shown.size() > 256 * 4 + 3)
    fail("displayHost output is not bounded", input, std::to_string(shown.size()));
  return 0;
}
