// Host patterns (parse, canonical text, round trip), the matcher, and
// endpoints.
#include "compiler/net/Host.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

using namespace moat::net;
using namespace std::literals;

namespace {

struct PatternCase {
  std::string_view in;
  const char *out; // canonical text(), or nullptr when rejected
  const char *why; // substring of the error when rejected
};

const PatternCase kPatterns[] = {
    // --- accepted ---------------------------------------------------------------
    {"*", "*", nullptr},
    {"*:443", "*:443", nullptr},
    {"*:1-65535", "*:1-65535", nullptr},
    {"example.com", "example.com", nullptr},
    {"Example.COM.", "example.com", nullptr},
    {"example.com:443", "example.com:443", nullptr},
    {"example.com:8000-8100", "example.com:8000-8100", nullptr},
    {"example.com:443-443", "example.com:443", nullptr},
    {"example.com:1", "example.com:1", nullptr},
    {"example.com:65535", "example.com:65535", nullptr},
    {"example.com:1-65535", "example.com:1-65535", nullptr},
    {"*.example.com", "*.example.com", nullptr},
    {"*.Example.com.:443", "*.example.com:443", nullptr},
    {"*.co.uk", "*.co.uk", nullptr},
    {"*.com", "*.com", nullptr},
    {"*.localhost", "*.localhost", nullptr},
    {"*._tcp.example.com", "*._tcp.example.com", nullptr},
    {"localhost", "localhost", nullptr},
    {"localhost:3128", "localhost:3128", nullptr},
    {"xn--bcher-kva.example", "xn--bcher-kva.example", nullptr},
    {"127.0.0.1", "127.0.0.1", nullptr},
    {"127.0.0.1:8080", "127.0.0.1:8080", nullptr},
    {"127.0.0.1/32", "127.0.0.1", nullptr},
    {"10.0.0.0/8", "10.0.0.0/8", nullptr},
    {"10.0.0.0/8:443", "10.0.0.0/8:443", nullptr},
    {"0.0.0.0/0", "0.0.0.0/0", nullptr},
    {"169.254.169.254/32", "169.254.169.254", nullptr},
    {"192.168.1.0/24", "192.168.1.0/24", nullptr},
    {"192.168.0.0/23:22-23", "192.168.0.0/23:22-23", nullptr},
    {"[::1]", "[::1]", nullptr},
    {"[::1]:443", "[::1]:443", nullptr},
    {"[::1]/128", "[::1]", nullptr},
    {"::1", "[::1]", nullptr},
    {"::", "[::]", nullptr},
    {"2001:db8::1", "[2001:db8::1]", nullptr},
    {"2001:DB8::a", "[2001:db8::a]", nullptr},
    {"fd00:ec2::254", "[fd00:ec2::254]", nullptr},
    {"[fd00::]/8", "[fd00::]/8", nullptr},
    {"fd00::/8", "[fd00::]/8", nullptr},
    {"[fd00::]/8:443", "[fd00::]/8:443", nullptr},
    {"[fd00::]/8:1-1024", "[fd00::]/8:1-1024", nullptr},
    {"[::]/0", "[::]/0", nullptr},
    {"::/0", "[::]/0", nullptr},
    {"[2001:DB8::]/32", "[2001:db8::]/32", nullptr},
    {"[fe80::]/10", "[fe80::]/10", nullptr},
    // IPv4-mapped literals and ranges are the IPv4 they map to
    {"[::ffff:127.0.0.1]", "127.0.0.1", nullptr},
    {"[::ffff:7f00:1]:22", "127.0.0.1:22", nullptr},
    {"::ffff:169.254.169.254", "169.254.169.254", nullptr},
    {"[::ffff:127.0.0.0]/104", "127.0.0.0/8", nullptr},
    {"[::ffff:0:0]/96", "0.0.0.0/0", nullptr},
    {"[::ff00:0:0]/88", "[::ff00:0:0]/88", nullptr},
    {"[::ffff:10.1.2.3]/128:443", "10.1.2.3:443", nullptr},
    // --- rejected ---------------------------------------------------------------
    {"", nullptr, "empty host pattern"},
    {"https://example.com", nullptr, "this is a URL"},
    {"http://example.com/path", nullptr, "this is a URL"},
    {"example.com/path", nullptr, "no path"},
    {"example.com/", nullptr, "nothing after '/'"},
    {"example.com:443/path", nullptr, "no path"},
    {"/etc/passwd", nullptr, "no path"},
    {"user@example.com", nullptr, "user information"},
    {"exa*mple.com", nullptr, "whole leading label"},
    {"*example.com", nullptr, "whole leading label"},
    {"a.*.com", nullptr, "whole leading label"},
    {"example.*", nullptr, "whole leading label"},
    {"*.*.com", nullptr, "whole leading label"},
    {"**.com", nullptr, "whole leading label"},
    {"**", nullptr, "whole leading label"},
    {"*.", nullptr, "must be followed by a domain"},
    {"*..", nullptr, "must be followed by a domain"},
    {"*.*", nullptr, "whole leading label"},
    {"*.1.2.3", nullptr, "wildcard cannot cover an IP address"},
    {"*.127.0.0.1", nullptr, "wildcard cannot cover an IP address"},
    {"*.[::1]", nullptr, "'*' cannot appear in an IP address"},
    {"*.example.123", nullptr, "the last label is numeric"},
    {"*.-a.com", nullptr, "start or end with '-'"},
    {"example.com:0", nullptr, "port 0 is not allowed"},
    {"*:0", nullptr, "port 0 is not allowed"},
    {"example.com:65536", nullptr, "port 65536 is out of range"},
    {"example.com:99999999999", nullptr, "out of range"},
    {"example.com:080", nullptr, "leading zero"},
    {"example.com:", nullptr, "empty port"},
    {"example.com:http", nullptr, "port 'http' is not a number"},
    {"example.com:+443", nullptr, "'+'"},
    {"example.com:8100-8000", nullptr, "reversed (write 8000-8100)"},
    {"example.com:8000-", nullptr, "empty port"},
    {"example.com:-8000", nullptr, "empty port"},
    {"example.com:0-80", nullptr, "port 0 is not allowed"},
    {"example.com:1-2-3", nullptr, "port '2-3' is not a number"},
    {"example.com:*", nullptr, "'*' is not a port"},
    {"example.com:80:90", nullptr, "invalid IPv6 address"},
    {":443", nullptr, "empty host"},
    {"::1:80", nullptr, "ambiguous: write [::1]:80 for port 80 of ::1, or [::1:80]"},
    {"fe80::1:443", nullptr, "ambiguous"},
    {"1:2:3:4:5:6:7:8:80", nullptr, "must be in brackets: [1:2:3:4:5:6:7:8]:80"},
    {"fd00::/8:443", nullptr, "must be in brackets, as in [fd00::]/8:443"},
    {"10.0.0.1/8", nullptr, "host bits are set after /8; the network is 10.0.0.0/8"},
    {"192.168.1.1/24", nullptr, "the network is 192.168.1.0/24"},
    {"192.168.1.0/23", nullptr, "the network is 192.168.0.0/23"},
    {"10.0.0.0/33", nullptr, "IPv4 prefix /33 is longer than 32"},
    {"10.0.0.0/99999", nullptr, "longer than 32"},
    {"10.0.0.0/08", nullptr, "leading zero"},
    {"10.0.0.0/x", nullptr, "no path"},
    {"10.0.0.0/8/16", nullptr, "no path"},
    {"10.0.0.0/", nullptr, "nothing after '/'"},
    {"[fd00::1]/8", nullptr, "the network is [fd00::]/8"},
    {"[fd00::]/129", nullptr, "IPv6 prefix /129 is longer than 128"},
    {"[::]/1000", nullptr, "longer than 128"},
    {"[::]/", nullptr, "nothing after '/'"},
    {"[fd00::/8]", nullptr, "a CIDR prefix goes after the brackets: [fd00::]/8"},
    {"[::ffff:10.0.0.1]/104", nullptr, "the network is 10.0.0.0/8"},
    {"[::ffff:0:0]/95", nullptr, "the network is [::fffe:0:0]/95"},
    {"[::ffff:0:0]/80", nullptr, "the network is [::]/80"},
    {"10/8", nullptr, "'10' means 0.0.0.10; write the network of a CIDR range as four"},
    {"10.1/16", nullptr, "'10.1' means 10.0.0.1"},
    {"127.1", nullptr, "'127.1' means 127.0.0.1; write IPv4 addresses in policies as four"},
    {"0x7f.1", nullptr, "means 127.0.0.1"},
    {"010.0.0.1", nullptr, "'010.0.0.1' means 8.0.0.1"},
    {"2130706433", nullptr, "means 127.0.0.1"},
    {"0177.0.0.1:22", nullptr, "means 127.0.0.1"},
    {"4294967296", nullptr, "out of range"},
    {"example.com/8", nullptr, "a CIDR prefix needs an IP address"},
    {"*/8", nullptr, "'*' cannot take a CIDR prefix"},
    {"*.example.com/8", nullptr, "a CIDR prefix needs an IP address"},
    {"[1.2.3.4]", nullptr, "brackets are only for IPv6"},
    {"[example.com]", nullptr, "brackets are only for IPv6"},
    {"[::1", nullptr, "without a closing ']'"},
    {"[::1]x", nullptr, "unexpected text after ']'"},
    {"[::1]:", nullptr, "empty port"},
    {"[::1]:0", nullptr, "port 0"},
    {"[]", nullptr, "empty host"},
    {"[fe80::1%eth0]", nullptr, "zone identifiers"},
    {"[1::2::3]", nullptr, "at most one '::'"},
    {"exa mple.com", nullptr, "space '\\x20' at offset 3"},
    {"example.com\0"sv, nullptr, "NUL byte '\\x00' at offset 11"},
    {"b\xc3\xbc" "cher.de"sv, nullptr, "non-ASCII byte '\\xc3'"},
    {"foo..com", nullptr, "empty label"},
    {"-foo.com", nullptr, "start or end with '-'"},
    {"foo.123", nullptr, "the last label is numeric"},
};

TEST(HostPattern, ParseTable) {
  EXPECT_GE(std::size(kPatterns), 120u);
  for (const PatternCase &c : kPatterns) {
    std::string error;
    std::optional<HostPattern> p = parseHostPattern(c.in, error);
    std::string shown = displayHost(c.in);
    if (c.out) {
      ASSERT_TRUE(p.has_value()) << shown << ": " << error;
      EXPECT_EQ(p->text(), c.out) << shown;
    } else {
      EXPECT_FALSE(p.has_value()) << shown << " gave " << (p ? p->text() : "");
      EXPECT_NE(error.find(c.why), std::string::npos)
          << shown << ": error '" << error << "' lacks '" << c.why << "'";
    }
  }
}

TEST(HostPattern, TextRoundTrips) {
  for (const PatternCase &c : kPatterns) {
    if (!c.out)
      continue;
    std::string error;
    std::optional<HostPattern> p = parseHostPattern(c.in, error);
    ASSERT_TRUE(p) << c.in << ": " << error;
    std::optional<HostPattern> again = parseHostPattern(p->text(), error);
    ASSERT_TRUE(again) << p->text() << ": " << error;
    EXPECT_EQ(*again, *p) << c.in << " -> " << p->text();
    EXPECT_EQ(again->text(), p->text());
  }
}

TEST(HostPattern, Fields) {
  std::string error;
  auto any = parseHostPattern("*", error);
  ASSERT_TRUE(any);
  EXPECT_EQ(any->kind, HostPattern::Kind::Any);
  EXPECT_TRUE(any->ports.any());

  auto sub = parseHostPattern("*.GitHub.com:443", error);
  ASSERT_TRUE(sub);
  EXPECT_EQ(sub->kind, HostPattern::Kind::Subdomains);
  EXPECT_EQ(sub->domain, "github.com");
  EXPECT_EQ(sub->ports.lo, 443);
  EXPECT_EQ(sub->ports.hi, 443);

  auto cidr = parseHostPattern("10.0.0.0/8:8000-8100", error);
  ASSERT_TRUE(cidr);
  EXPECT_EQ(cidr->kind, HostPattern::Kind::Cidr);
  EXPECT_FALSE(cidr->network.v6);
  EXPECT_EQ(cidr->network.bytes[0], 10);
  EXPECT_EQ(cidr->prefixLen, 8u);
  EXPECT_EQ(cidr->ports.lo, 8000);
  EXPECT_EQ(cidr->ports.hi, 8100);
  EXPECT_TRUE(cidr->domain.empty());

  auto one = parseHostPattern("[2001:db8::1]", error);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->kind, HostPattern::Kind::Cidr);
  EXPECT_TRUE(one->network.v6);
  EXPECT_EQ(one->prefixLen, 128u);

  auto mapped = parseHostPattern("[::ffff:127.0.0.0]/104", error);
  ASSERT_TRUE(mapped);
  EXPECT_FALSE(mapped->network.v6);
  EXPECT_EQ(mapped->prefixLen, 8u);
}

TEST(PortRange, Text) {
  PortRange r;
  EXPECT_TRUE(r.any());
  EXPECT_EQ(r.text(), "");
  EXPECT_TRUE(r.contains(0));
  EXPECT_TRUE(r.contains(65535));
  r.lo = r.hi = 443;
  EXPECT_EQ(r.text(), "443");
  r.lo = 8000;
  r.hi = 8100;
  EXPECT_EQ(r.text(), "8000-8100");
  EXPECT_FALSE(r.contains(7999));
  EXPECT_TRUE(r.contains(8000));
  EXPECT_TRUE(r.contains(8100));
  EXPECT_FALSE(r.contains(8101));
}

struct MatchCase {
  const char *pattern;
  const char *host; // parsed with parseEndpoint (default port 443)
  bool expected;
};

const MatchCase kMatches[] = {
    // strict subdomains
    {"*.github.com", "api.github.com", true},
    {"*.github.com", "a.b.github.com", true},
    {"*.github.com", "API.GITHUB.COM.", true},
    {"*.github.com", "github.com", false},
    {"*.github.com", "evil-github.com", false},
    {"*.github.com", "xgithub.com", false},
    {"*.github.com", "github.com.evil.com", false},
    {"*.github.com", "api.github.co", false},
    {"*.github.com", "140.82.112.3", false},
    {"*.com", "example.com", true},
    {"*.com", "com", false},
    {"*.localhost", "localhost", false},
    {"*.localhost", "a.localhost", true},
    // exact names
    {"github.com", "github.com", true},
    {"github.com", "github.com.", true},
    {"github.com", "GITHUB.COM", true},
    {"github.com", "GitHub.Com.", true},
    {"github.com", "api.github.com", false},
    {"github.com", "github.com.evil", false},
    {"github.com", "github.co", false},
    {"github.com", "evil-github.com", false},
    {"github.com", "agithub.com", false},
    // names never match IPs, and IPs never match names
    {"localhost", "127.0.0.1", false},
    {"localhost", "[::1]", false},
    {"127.0.0.1", "localhost", false},
    {"0.0.0.0/0", "example.com", false},
    {"[::]/0", "example.com", false},
    // every IPv4 spelling of 127.0.0.1
    {"127.0.0.1/32", "127.0.0.1", true},
    {"127.0.0.1/32", "127.1", true},
    {"127.0.0.1", "127.1", true},
    {"127.0.0.1", "127.0.1", true},
    {"127.0.0.1", "0x7f.1", true},
    {"127.0.0.1", "0x7f000001", true},
    {"127.0.0.1", "2130706433", true},
    {"127.0.0.1", "0177.0.0.01", true},
    {"127.0.0.1", "017700000001", true},
    {"127.0.0.1", "127.0.0.1.", true},
    {"127.0.0.1", "[::ffff:127.0.0.1]", true},
    {"127.0.0.1", "[::ffff:7f00:1]", true},
    {"169.254.169.254", "::ffff:a9fe:a9fe", true},
    {"127.0.0.1", "127.0.0.2", false},
    {"127.0.0.1", "[::7f00:1]", false}, // IPv4-compatible is not mapped
    // ranges
    {"127.0.0.0/8", "[::ffff:127.0.0.1]", true},
    {"127.0.0.0/8", "127.255.255.255", true},
    {"127.0.0.0/8", "0x7f.0xffffff", true},
    {"127.0.0.0/8", "0177.1", true},
    {"127.0.0.0/8", "128.0.0.0", false},
    {"127.0.0.0/8", "126.255.255.255", false},
    {"127.0.0.0/8", "[::1]", false},
    {"10.0.0.0/8", "10.255.255.255", true},
    {"10.0.0.0/8", "11.0.0.0", false},
    {"10.0.0.0/8", "9.255.255.255", false},
    {"192.168.0.0/23", "192.168.1.255", true},
    {"192.168.0.0/23", "192.168.2.0", false},
    {"0.0.0.0/0", "1.2.3.4", true},
    {"0.0.0.0/0", "[::1]", false},
    {"169.254.169.254", "0xa9fea9fe", true},
    {"169.254.169.254", "2852039166", true},
    {"169.254.169.254", "0251.0376.0251.0376", true},
    {"169.254.169.254", "169.254.43518", true},
    {"169.254.169.254", "[::ffff:a9fe:a9fe]", true},
    {"169.254.0.0/16", "169.254.169.254", true},
    // IPv6
    {"[::1]", "[::1]", true},
    {"[::1]", "::1", true},
    {"[::1]", "[0:0:0:0:0:0:0:1]", true},
    {"[::1]", "127.0.0.1", false},
    {"[::1]", "[::2]", false},
    {"[2001:db8::]/32", "[2001:db8:ffff::1]", true},
    {"[2001:db8::]/32", "[2001:db9::1]", false},
    {"[2001:db8::]/32", "1.2.3.4", false},
    {"[fe80::]/10", "[febf::1]", true},
    {"[fe80::]/10", "[fec0::1]", false},
    {"[fd00:ec2::254]", "[FD00:EC2:0:0:0:0:0:254]", true},
    {"[::]/0", "[2001:db8::1]", true},
    // An IPv6 range that contains ::ffff:a.b.c.d contains a.b.c.d.
    {"[::]/0", "1.2.3.4", true},
    {"[::]/64", "127.0.0.1", true},
    {"[::]/80", "127.0.0.1", true},
    {"[::]/81", "127.0.0.1", false},
    {"[::]/96", "127.0.0.1", false},
    {"[::ffff:0:0]/96", "1.2.3.4", true},
    {"[::ff00:0:0]/88", "1.2.3.4", true},
    {"[::ff00:0:0]/88", "[::ff00:0:1]", true},
    {"[::ff00:0:0]/88", "[::fe00:0:1]", false},
    {"[2001:db8::]/32", "[::ffff:2001:db8]", false},
    // any host
    {"*", "example.com", true},
    {"*", "1.2.3.4", true},
    {"*", "[::1]", true},
};

TEST(HostPattern, MatchTable) {
  for (const MatchCase &c : kMatches) {
    std::string error;
    std::optional<HostPattern> p = parseHostPattern(c.pattern, error);
    ASSERT_TRUE(p) << c.pattern << ": " << error;
    std::optional<Endpoint> ep = parseEndpoint(c.host, 443, error);
    ASSERT_TRUE(ep) << c.host << ": " << error;
    EXPECT_EQ(p->matches(ep->host, ep->port), c.expected)
        << c.pattern << " vs " << c.host << " (" << ep->host.text() << ")";
  }
}

struct PortCase {
  const char *pattern;
  uint16_t port;
  bool expected;
};

const PortCase kPorts[] = {
    {"example.com:443", 443, true},     {"example.com:443", 442, false},
    {"example.com:443", 444, false},    {"example.com:8000-8100", 7999, false},
    {"example.com:8000-8100", 8000, true}, {"example.com:8000-8100", 8050, true},
    {"example.com:8000-8100", 8100, true}, {"example.com:8000-8100", 8101, false},
    {"example.com:1-65535", 1, true},   {"example.com:1-65535", 65535, true},
    {"example.com:65535", 65535, true}, {"example.com:65535", 65534, false},
    {"example.com:1", 1, true},         {"example.com:1", 2, false},
    {"example.com", 1, true},           {"example.com", 65535, true},
    {"*:443", 443, true},               {"*:443", 80, false},
    {"*", 22, true},
};

TEST(HostPattern, PortRangeEnds) {
  std::string error;
  auto host = canonicaliseHost("example.com", error);
  ASSERT_TRUE(host);
  for (const PortCase &c : kPorts) {
    auto p = parseHostPattern(c.pattern, error);
    ASSERT_TRUE(p) << c.pattern << ": " << error;
    EXPECT_EQ(p->matches(*host, c.port), c.expected) << c.pattern << " port " << c.port;
  }
  // A port restriction applies to IP ranges and IPv6 too.
  auto ip = canonicaliseHost("[fd00::5]", error);
  auto range = parseHostPattern("[fd00::]/8:22", error);
  ASSERT_TRUE(ip && range);
  EXPECT_TRUE(range->matches(*ip, 22));
  EXPECT_FALSE(range->matches(*ip, 23));
}

TEST(HostPattern, PortErrorsMentionPortAndHostErrorsDoNot) {
  // Sema reports an error that mentions "port" as invalid-port, any other
  // as invalid-host; keep the wording consistent with that.
  const char *portErrors[] = {"a.com:0",     "a.com:65536", "a.com:",   "a.com:x",
                              "a.com:9-1",   "a.com:08",    "a.com:*",  "[::1]:",
                              "::1:80",      "*:0",         "a.com:1-", "1:2:3:4:5:6:7:8:80"};
  const char *hostErrors[] = {"exa*mple.com", "*.1.2.3", "a..com",     "https://a.com",
                              "a.com/x",      "127.1",   "10.0.0.1/8", "[1.2.3.4]",
                              "a b",          "-a.com",  "[::1",       "a.123"};
  for (const char *t : portErrors) {
    std::string error;
    EXPECT_FALSE(parseHostPattern(t, error)) << t;
    EXPECT_NE(error.find("port"), std::string::npos) << t << ": " << error;
  }
  for (const char *t : hostErrors) {
    std::string error;
    EXPECT_FALSE(parseHostPattern(t, error)) << t;
    EXPECT_EQ(error.find("port"), std::string::npos) << t << ": " << error;
  }
}

struct EndpointCase {
  std::string_view in;
  const char *host; // CanonicalHost::text(), or nullptr when rejected
  uint16_t port;    // or a substring of the error, below
  const char *why;
};

const EndpointCase kEndpoints[] = {
    {"example.com", "example.com", 443, nullptr},
    {"example.com:80", "example.com", 80, nullptr},
    {"EXAMPLE.com.:8080", "example.com", 8080, nullptr},
    {"example.com:65535", "example.com", 65535, nullptr},
    {"example.com:1", "example.com", 1, nullptr},
    {"127.1:22", "127.0.0.1", 22, nullptr},
    {"0x7f000001", "127.0.0.1", 443, nullptr},
    {"[::1]", "[::1]", 443, nullptr},
    {"[::1]:80", "[::1]", 80, nullptr},
    {"::1", "[::1]", 443, nullptr},
    {"2001:db8::1", "[2001:db8::1]", 443, nullptr},
    {"[2001:DB8::1]:8443", "[2001:db8::1]", 8443, nullptr},
    {"[::ffff:127.0.0.1]:22", "127.0.0.1", 22, nullptr},
    {"::ffff:127.0.0.1", "127.0.0.1", 443, nullptr},
    {"", nullptr, 0, "empty endpoint"},
    {"example.com:0", nullptr, 0, "port 0"},
    {"example.com:65536", nullptr, 0, "out of range"},
    {"example.com:", nullptr, 0, "empty port"},
    {"example.com:abc", nullptr, 0, "not a number"},
    {"example.com:0443", nullptr, 0, "leading zero"},
    {"example.com:80-90", nullptr, 0, "not a number"},
    {"::ffff:7f00:1", nullptr, 0, "ambiguous: write [::ffff:7f00]:1"},
    {":80", nullptr, 0, "empty host"},
    {"[::1", nullptr, 0, "without a closing ']'"},
    {"[::1]x", nullptr, 0, "unexpected text after ']'"},
    {"[::1]:", nullptr, 0, "empty port"},
    {"[1.2.3.4]:80", nullptr, 0, "invalid IPv6 address"},
    {"::1:80", nullptr, 0, "ambiguous"},
    {"1:2:3:4:5:6:7:8:80", nullptr, 0, "must be in brackets"},
    {"example.com:80:90", nullptr, 0, "invalid IPv6 address"},
    {"*.example.com", nullptr, 0, "wildcards"},
    {"example.com\0:80"sv, nullptr, 0, "NUL byte"},
    {"https://example.com", nullptr, 0, "'/'"},
    {"user@example.com:80", nullptr, 0, "user information"},
    {"foo.123:80", nullptr, 0, "the last label is numeric"},
};

TEST(Endpoint, Table) {
  for (const EndpointCase &c : kEndpoints) {
    std::string error;
    std::optional<Endpoint> ep = parseEndpoint(c.in, 443, error);
    std::string shown = displayHost(c.in);
    if (c.host) {
      ASSERT_TRUE(ep) << shown << ": " << error;
      EXPECT_EQ(ep->host.text(), c.host) << shown;
      EXPECT_EQ(ep->port, c.port) << shown;
    } else {
      EXPECT_FALSE(ep) << shown;
      EXPECT_NE(error.find(c.why), std::string::npos)
          << shown << ": error '" << error << "' lacks '" << c.why << "'";
    }
  }
}

TEST(Endpoint, DefaultPort) {
  std::string error;
  auto ep = parseEndpoint("example.com", 80, error);
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->port, 80);
  ep = parseEndpoint("[::1]", 8080, error);
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->port, 8080);
  ep = parseEndpoint("example.com:22", 80, error);
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->port, 22);
}

} // namespace
