// net::HostIndex against the definitions it replaces: `matching` must give
// exactly the patterns whose HostPattern::matches is true, and `meeting`
// exactly those that share an endpoint with the query, which the exact
// procedure (verify::findEndpoint) decides independently. Random patterns
// over a small vocabulary, so names nest, wildcards overlap, CIDR ranges
// nest across families and port ranges cut each other.
#include "compiler/net/HostIndex.h"
#include "compiler/verify/Witness.h"

#include <gtest/gtest.h>

#include <random>

namespace moat::net {
namespace {

HostPattern pattern(const std::string &text) {
  std::string error;
  auto p = parseHostPattern(text, error);
  EXPECT_TRUE(p) << text << ": " << error;
  return p ? *p : HostPattern{};
}

CanonicalHost host(const std::string &text) {
  std::string error;
  auto h = canonicaliseHost(text, error);
  EXPECT_TRUE(h) << text << ": " << error;
  return h ? *h : CanonicalHost{};
}

const char *kNames[] = {"com", "example.com", "a.example.com", "b.a.example.com", "example.org", "x.example.org",
                        "io", "github.io", "u.github.io"};
const char *kAddrs[] = {"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3", "192.168.0.0/16", "0.0.0.0/0",
                        "::/0", "::ffff:0:0/96", "::ffff:10.0.0.0/104", "2001:db8::/32", "2001:db8::1", "fe80::/10"};
const char *kPorts[] = {"", ":443", ":80", ":8000-8100", ":1-1024", ":443-443"};

std::string randomPattern(std::mt19937 &rng) {
  auto pick = [&](auto &arr) { return std::string(arr[rng() % (sizeof(arr) / sizeof(arr[0]))]); };
  std::string port = pick(kPorts);
  switch (rng() % 7) {
  case 0:
    return "*" + port;
  case 1:
  case 2:
    return pick(kNames) + port;
  case 3:
  case 4:
    return "*." + pick(kNames) + port;
  default: {
    std::string a = pick(kAddrs);
    if (!port.empty() && a.find(':') != std::string::npos) { // IPv6 with a port: "[::]/0:80"
      size_t slash = a.find('/');
      a = "[" + a.substr(0, slash) + "]" + (slash == std::string::npos ? "" : a.substr(slash));
    }
    return a + port;
  }
  }
}

// Random patterns that own their storage, with the pointer list the index takes.
struct RandomPatterns {
  std::vector<HostPattern> owned;
  std::vector<const HostPattern *> pointers;
  RandomPatterns(std::mt19937 &rng, size_t maxCount) {
    size_t n = 1 + rng() % maxCount;
    for (size_t i = 0; i < n; ++i)
      owned.push_back(pattern(randomPattern(rng)));
    for (const HostPattern &p : owned)
      pointers.push_back(&p);
  }
};

std::vector<CanonicalHost> probeHosts() {
  std::vector<CanonicalHost> out;
  for (const char *n : kNames)
    out.push_back(host(n));
  for (const char *n : {"zz.example.com", "q.b.a.example.com", "other.net", "github.io", "z.u.github.io"})
    out.push_back(host(n));
  for (const char *a : {"10.1.2.3", "10.1.2.4", "10.2.0.1", "11.0.0.1", "192.168.5.5", "127.0.0.1", "2001:db8::1",
                        "2001:db8::2", "2001:db9::1", "fe80::1", "::1"})
    out.push_back(host(a));
  return out;
}

TEST(HostIndex, MatchingIsExactlyTheMatchingPatterns) {
  std::mt19937 rng(11);
  std::vector<CanonicalHost> hosts = probeHosts();
  for (int round = 0; round < 200; ++round) {
    RandomPatterns random(rng, 30);
    const std::vector<const HostPattern *> &patterns = random.pointers;
    HostIndex index(patterns);
    for (const CanonicalHost &h : hosts)
      for (uint16_t port : {uint16_t(1), uint16_t(80), uint16_t(443), uint16_t(8050), uint16_t(65535)}) {
        std::vector<size_t> want, got;
        for (size_t i = 0; i < patterns.size(); ++i)
          if (patterns[i]->matches(h, port))
            want.push_back(i);
        index.matching(h, port, got);
        ASSERT_EQ(got, want) << "round " << round << " host " << h.text() << ":" << port;
      }
  }
}

TEST(HostIndex, MeetingAgreesWithTheExactProcedure) {
  std::mt19937 rng(12);
  for (int round = 0; round < 150; ++round) {
    RandomPatterns random(rng, 25);
    const std::vector<const HostPattern *> &patterns = random.pointers;
    HostIndex index(patterns);
    for (int q = 0; q < 8; ++q) {
      HostPattern query = pattern(randomPattern(rng));
      std::vector<size_t> want, got;
      for (size_t i = 0; i < patterns.size(); ++i) {
        bool meets = verify::findEndpoint({&query, patterns[i]}, {}).has_value();
        ASSERT_EQ(patternsMeet(query, *patterns[i]), meets) << query.text() << " vs " << patterns[i]->text();
        if (meets)
          want.push_back(i);
      }
      index.meeting(query, got);
      ASSERT_EQ(got, want) << "round " << round << " query " << query.text();
    }
  }
}

TEST(HostIndex, FixedCases) {
  std::vector<HostPattern> owned = {pattern("*.example.com"), pattern("example.com"), pattern("a.example.com:443"),
                                    pattern("10.0.0.0/8"), pattern("[::]/0:80"), pattern("*")};
  std::vector<const HostPattern *> patterns;
  for (const HostPattern &p : owned)
    patterns.push_back(&p);
  HostIndex index(patterns);
  std::vector<size_t> out;
  index.matching(host("a.example.com"), 443, out);
  EXPECT_EQ(out, (std::vector<size_t>{0, 2, 5}));
  out.clear();
  index.matching(host("example.com"), 80, out); // `*.example.com` is strict
  EXPECT_EQ(out, (std::vector<size_t>{1, 5}));
  out.clear();
  index.matching(host("10.9.9.9"), 80, out); // an IPv4 host inside ::/0 as ::ffff:10.9.9.9
  EXPECT_EQ(out, (std::vector<size_t>{3, 4, 5}));
  out.clear();
  index.meeting(pattern("*.com"), out);
  EXPECT_EQ(out, (std::vector<size_t>{0, 1, 2, 5}));
  out.clear();
  index.meeting(pattern("10.1.0.0/16:443"), out); // ::/0 only on port 80
  EXPECT_EQ(out, (std::vector<size_t>{3, 5}));
  EXPECT_EQ(reversedLabels("api.example.com"), "com.example.api");
  EXPECT_EQ(reversedLabels("localhost"), "localhost");
  EXPECT_TRUE(nameIsUnder("a.b.c", "b.c"));
  EXPECT_FALSE(nameIsUnder("b.c", "b.c"));
  EXPECT_FALSE(nameIsUnder("ab.c", "b.c"));
}

} // namespace
} // namespace moat::net
