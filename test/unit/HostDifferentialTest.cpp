// Our address parsers against the platform's (inet_pton, inet_aton,
// inet_ntop), over exhaustive short inputs and seeded random ones, plus a
// mutation fuzz of the public entry points checking their invariants. The
// parsers are ours so the proxy behaves the same on every libc; these tests
// show where that equals glibc and pin down the few places it deliberately
// does not.
#include "compiler/net/Host.h"
#include "compiler/net/HostDetail.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace moat::net;
using namespace std::literals;
namespace detail = moat::net::detail;

namespace {

// Calls `fn` with every string of length 0..maxLen over `alphabet`.
template <typename Fn> void forAllStrings(std::string_view alphabet, size_t maxLen, Fn fn) {
  std::string s;
  std::vector<size_t> idx;
  for (size_t len = 0; len <= maxLen; ++len) {
    idx.assign(len, 0);
    while (true) {
      s.resize(len);
      for (size_t i = 0; i < len; ++i)
        s[i] = alphabet[idx[i]];
      fn(s);
      size_t pos = 0;
      while (pos < len && ++idx[pos] == alphabet.size())
        idx[pos++] = 0;
      if (pos == len)
        break;
    }
  }
}

void checkV6AgainstInetPton(const std::string &s, int &mismatches) {
  detail::V6Bytes ours{};
  std::string error;
  bool ok = detail::parseIpv6(s, ours, error);
  unsigned char theirs[16];
  bool libc = inet_pton(AF_INET6, s.c_str(), theirs) == 1;
  if (ok != libc || (ok && std::memcmp(ours.data(), theirs, 16) != 0)) {
    if (++mismatches <= 20)
      ADD_FAILURE() << "'" << s << "': ours " << ok << " (" << error << "), inet_pton " << libc;
  }
}

TEST(HostDifferential, Ipv6ExhaustiveShortStrings) {
  int mismatches = 0;
  forAllStrings("01f:.", 8, [&](const std::string &s) { checkV6AgainstInetPton(s, mismatches); });
  EXPECT_EQ(mismatches, 0);
}

TEST(HostDifferential, Ipv6RandomStrings) {
  std::mt19937 rng(20240501);
  const std::string alphabet = "0123456789abcdefABCDEF::::::..g";
  int mismatches = 0;
  for (int iter = 0; iter < 200000; ++iter) {
    size_t len = rng() % 46;
    std::string s(len, ' ');
    for (char &c : s)
      c = alphabet[rng() % alphabet.size()];
    checkV6AgainstInetPton(s, mismatches);
  }
  EXPECT_EQ(mismatches, 0);
}

// Builds plausible addresses: 8 groups with leading zeros, "::" in random
// places, and sometimes a trailing dotted quad, so most inputs are valid.
TEST(HostDifferential, Ipv6StructuredRandom) {
  std::mt19937 rng(7);
  int mismatches = 0, accepted = 0;
  for (int iter = 0; iter < 100000; ++iter) {
    int groups = 1 + static_cast<int>(rng() % 9);
    bool dotted = rng() % 4 == 0;
    int gapAt = rng() % 3 == 0 ? -1 : static_cast<int>(rng() % (groups + 1));
    std::string s;
    for (int g = 0; g < groups; ++g) {
      if (g == gapAt)
        s += "::";
      else if (g > 0)
        s += ":";
      unsigned v = rng() % 3 == 0 ? 0 : static_cast<unsigned>(rng() & 0xffff);
      char buf[8];
      snprintf(buf, sizeof buf, rng() % 2 ? "%x" : "%04X", v);
      s += buf;
    }
    if (gapAt == groups)
      s += "::";
    if (dotted) {
      char buf[20];
      snprintf(buf, sizeof buf, "%s%u.%u.%u.%u", s.empty() || s.back() == ':' ? "" : ":",
               static_cast<unsigned>(rng() % 300), static_cast<unsigned>(rng() % 256),
               static_cast<unsigned>(rng() % 256), static_cast<unsigned>(rng() % 256));
      s += buf;
    }
    checkV6AgainstInetPton(s, mismatches);
    detail::V6Bytes b;
    std::string error;
    accepted += detail::parseIpv6(s, b, error);
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(accepted, 20000) << "the generator should mostly produce valid addresses";
}

// RFC 5952 text against glibc's inet_ntop, which follows the same rules but
// writes some prefixes (::a.b.c.d, ::ffff:a.b.c.d) in dotted form; those we
// skip, since we always write hex. Every text must parse back to its bytes.
TEST(HostDifferential, Ipv6FormatMatchesInetNtop) {
  std::mt19937 rng(99);
  int compared = 0;
  for (int iter = 0; iter < 100000; ++iter) {
    detail::V6Bytes b{};
    for (int g = 0; g < 8; ++g) {
      unsigned v = rng() % 2 ? 0 : (rng() % 4 == 0 ? 1 : static_cast<unsigned>(rng() & 0xffff));
      b[2 * g] = static_cast<uint8_t>(v >> 8);
      b[2 * g + 1] = static_cast<uint8_t>(v);
    }
    char ours[48];
    size_t n = detail::formatIpv6(b, ours);
    ASSERT_LE(n, 39u);
    std::string text(ours, n);
    detail::V6Bytes back;
    std::string error;
    ASSERT_TRUE(detail::parseIpv6(text, back, error)) << text << ": " << error;
    ASSERT_EQ(back, b) << text;
    char theirs[INET6_ADDRSTRLEN];
    ASSERT_NE(inet_ntop(AF_INET6, b.data(), theirs, sizeof theirs), nullptr);
    if (std::strchr(theirs, '.'))
      continue;
    ++compared;
    EXPECT_EQ(text, theirs);
  }
  EXPECT_GT(compared, 90000);
}

void checkV4AgainstInetAton(const std::string &s, int &mismatches) {
  detail::V4Bytes ours{};
  std::string error;
  bool ok = detail::parseIpv4Any(s, ours, error);
  in_addr theirs{};
  bool libc = inet_aton(s.c_str(), &theirs) != 0;
  if (ok != libc ||
      (ok && std::memcmp(ours.data(), &theirs.s_addr, 4) != 0)) {
    if (++mismatches <= 20)
      ADD_FAILURE() << "'" << s << "': ours " << ok << " (" << error << "), inet_aton " << libc;
  }
}

// glibc's inet_aton and ours agree on every input without whitespace (glibc
// also takes "1.2.3.4 anything", which a host never contains).
TEST(HostDifferential, Ipv4ExhaustiveShortStrings) {
  int mismatches = 0;
  forAllStrings("0178xf.", 6, [&](const std::string &s) { checkV4AgainstInetAton(s, mismatches); });
  EXPECT_EQ(mismatches, 0);
}

TEST(HostDifferential, Ipv4RandomStrings) {
  std::mt19937 rng(31337);
  const std::string alphabet = "0123456789xXabcdefABCDEF....";
  int mismatches = 0;
  for (int iter = 0; iter < 200000; ++iter) {
    size_t len = 1 + rng() % 24;
    std::string s(len, ' ');
    for (char &c : s)
      c = alphabet[rng() % alphabet.size()];
    checkV4AgainstInetAton(s, mismatches);
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(HostDifferential, Ipv4NumericRandom) {
  // Random values written in random bases and part counts.
  std::mt19937 rng(5);
  int mismatches = 0;
  for (int iter = 0; iter < 100000; ++iter) {
    int parts = 1 + static_cast<int>(rng() % 4);
    std::string s;
    for (int p = 0; p < parts; ++p) {
      if (p > 0)
        s += '.';
      uint64_t v = rng() % 3 == 0 ? rng() % 256 : (uint64_t{rng()} << (rng() % 8));
      char buf[32];
      switch (rng() % 3) {
      case 0:
        snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(v));
        break;
      case 1:
        snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
        break;
      default:
        snprintf(buf, sizeof buf, "0%llo", static_cast<unsigned long long>(v));
        break;
      }
      s += buf;
    }
    checkV4AgainstInetAton(s, mismatches);
  }
  EXPECT_EQ(mismatches, 0);
}

// ---------------------------------------------------------------------------
// Mutation fuzz of the public API: never crash (run under ASan/UBSan for the
// full effect), and every accepted input satisfies the invariants.

const char *const kSeeds[] = {
    "example.com",     "*.example.com:443", "127.0.0.1",       "0x7f.1",
    "[::1]:80",        "[fd00::]/8:22",     "10.0.0.0/8",      "::ffff:1.2.3.4",
    "2001:db8::1",     "*",                 "a.b-c_d.xn--e",   "169.254.169.254/32",
    "0177.0.0.01",     "[::ffff:7f00:1]",   "fe80::1:2",       "*:8000-8100",
    "[::]/0",          "4294967295",        "github.com.",     "1.2.3.4:65535",
};

void checkInvariants(const std::string &input) {
  std::string error;
  if (auto h = canonicaliseHost(input, error)) {
    std::string t = h->text();
    auto again = canonicaliseHost(t, error);
    ASSERT_TRUE(again) << displayHost(input) << " -> " << t << ": " << error;
    EXPECT_EQ(*again, *h) << displayHost(input);
    if (h->kind == CanonicalHost::Kind::Name) {
      EXPECT_LE(h->name.size(), 253u);
      for (char c : h->name)
        EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                    c == '.')
            << displayHost(input);
    }
  } else {
    EXPECT_FALSE(error.empty()) << displayHost(input);
  }
  error.clear();
  if (auto p = parseHostPattern(input, error)) {
    std::string t = p->text();
    auto again = parseHostPattern(t, error);
    ASSERT_TRUE(again) << displayHost(input) << " -> " << t << ": " << error;
    EXPECT_EQ(*again, *p) << displayHost(input) << " -> " << t;
  } else {
    EXPECT_FALSE(error.empty()) << displayHost(input);
  }
  error.clear();
  if (auto ep = parseEndpoint(input, 443, error)) {
    EXPECT_NE(ep->port, 0);
    auto again = canonicaliseHost(ep->host.text(), error);
    ASSERT_TRUE(again) << displayHost(input);
    EXPECT_EQ(*again, ep->host);
  } else {
    EXPECT_FALSE(error.empty()) << displayHost(input);
  }
}

TEST(HostFuzz, MutatedSeedsKeepInvariants) {
  std::mt19937 rng(424242);
  const std::string hostish = "0123456789abcdefxX.:[]/*-_%@ \0\xff"s;
  for (int iter = 0; iter < 150000; ++iter) {
    std::string s = kSeeds[rng() % std::size(kSeeds)];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
      char c = rng() % 8 == 0 ? static_cast<char>(rng() & 0xff) : hostish[rng() % hostish.size()];
      switch (rng() % 3) {
      case 0:
        s.insert(s.begin() + static_cast<long>(pos), c);
        break;
      case 1:
        if (pos < s.size())
          s.erase(pos, 1);
        break;
      default:
        if (pos < s.size())
          s[pos] = c;
        break;
      }
    }
    checkInvariants(s);
    if (HasFatalFailure())
      return;
  }
}

TEST(HostFuzz, RandomBytesNeverCrash) {
  std::mt19937 rng(1);
  for (int iter = 0; iter < 50000; ++iter) {
    std::string s(rng() % 80, '\0');
    for (char &c : s)
      c = static_cast<char>(rng() & 0xff);
    checkInvariants(s);
    if (HasFatalFailure())
      return;
  }
}

} // namespace
