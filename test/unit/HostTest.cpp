// Host canonicalisation: one table of what a client may send and what moat
// takes it to mean (or why it refuses).
#include "compiler/net/Host.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

using namespace moat::net;
using namespace std::literals;

namespace {

using Kind = CanonicalHost::Kind;

struct CanonCase {
  std::string_view in;
  const char *out; // canonical text(), or nullptr when rejected
  const char *why; // substring of the error when rejected
};

// Every row is checked both ways: accepted inputs give exactly `out`,
// rejected ones give an error that contains `why`.
const CanonCase kCanon[] = {
    // --- names -------------------------------------------------------------
    {"example.com", "example.com", nullptr},
    {"EXAMPLE.COM", "example.com", nullptr},
    {"GitHub.Com", "github.com", nullptr},
    {"github.com.", "github.com", nullptr},
    {"GITHUB.COM.", "github.com", nullptr},
    {"github.com..", nullptr, "empty label"},
    {".github.com", nullptr, "empty label"},
    {"a..b", nullptr, "empty label"},
    {".", nullptr, "empty host"},
    {"", nullptr, "empty host"},
    {"..", nullptr, "empty label"},
    {"localhost", "localhost", nullptr},
    {"LOCALHOST.", "localhost", nullptr},
    {"a", "a", nullptr},
    {"_dmarc.example.com", "_dmarc.example.com", nullptr},
    {"foo_bar.example.com", "foo_bar.example.com", nullptr},
    {"_", "_", nullptr},
    {"xn--bcher-kva.example", "xn--bcher-kva.example", nullptr},
    {"XN--BCHER-KVA.EXAMPLE", "xn--bcher-kva.example", nullptr},
    {"a-b.c-d.e", "a-b.c-d.e", nullptr},
    {"a--b.com", "a--b.com", nullptr},
    {"-a.com", nullptr, "start or end with '-'"},
    {"a-.com", nullptr, "start or end with '-'"},
    {"a.-b.com", nullptr, "start or end with '-'"},
    {"a.b-", nullptr, "start or end with '-'"},
    {"-", nullptr, "start or end with '-'"},
    {"xn--", nullptr, "start or end with '-'"},
    {"1e100.net", "1e100.net", nullptr},
    {"123.example.com", "123.example.com", nullptr},
    {"0x1g.com", "0x1g.com", nullptr},
    {"foo.0x1g", "foo.0x1g", nullptr},
    {"1.2.3.4a", "1.2.3.4a", nullptr},
    {"a1", "a1", nullptr},
    {"0a", "0a", nullptr},
    {"s3.amazonaws.com", "s3.amazonaws.com", nullptr},
    {"metadata.google.internal", "metadata.google.internal", nullptr},
    // --- bytes that never belong in a host ------------------------------------
    {"exa mple.com", nullptr, "space '\\x20' at offset 3"},
    {" example.com", nullptr, "space '\\x20' at offset 0"},
    {"example.com ", nullptr, "space '\\x20' at offset 11"},
    {"example.com\0.evil.com"sv, nullptr, "NUL byte '\\x00' at offset 11"},
    {"\0"sv, nullptr, "NUL byte '\\x00' at offset 0"},
    {"example.com\n"sv, nullptr, "control character '\\x0a'"},
    {"example.com\r\nHost: x"sv, nullptr, "control character '\\x0d'"},
    {"exam\tple.com"sv, nullptr, "control character '\\x09'"},
    {"\x7f"sv, nullptr, "control character '\\x7f'"},
    {"\x1b[31m"sv, nullptr, "control character '\\x1b'"},
    {"b\xc3\xbc" "cher.example"sv, nullptr, "non-ASCII byte '\\xc3' at offset 1"},
    {"\xff"sv, nullptr, "non-ASCII byte '\\xff'"},
    {"\xef\xbc\x91\xef\xbc\x92\xef\xbc\x97.0.0.1"sv, nullptr, "non-ASCII byte '\\xef'"},
    {"example.com/", nullptr, "'/' at offset 11"},
    {"example.com/path", nullptr, "no scheme or path"},
    {"http://example.com", nullptr, "'/' at offset 5"},
    {"user@example.com", nullptr, "user information"},
    {"user:pw@example.com", nullptr, "'@'"},
    {"example.com:443", nullptr, "a port is not part of a host"},
    {"example.com:", nullptr, "a port is not part of a host"},
    {"exa%6dple.com", nullptr, "percent-encoding"},
    {"example.com\\evil", nullptr, "backslash '\\x5c' at offset 11"},
    {"*.example.com", nullptr, "wildcards"},
    {"*", nullptr, "wildcards"},
    {"example,com", nullptr, "',' at offset 7"},
    {"example.com#x", nullptr, "'#'"},
    {"example.com?x", nullptr, "'?'"},
    {"exa'mple.com", nullptr, "'''"},
    {"exa\"mple.com", nullptr, "'\"'"},
    {"+1.2.3.4", nullptr, "'+'"},
    {"exa[mple.com", nullptr, "'[' and ']'"},
    {"a]b", nullptr, "'[' and ']'"},
    {"[example.com]", nullptr, "invalid IPv6 address"},
    {"[1.2.3.4]", nullptr, "invalid IPv6 address"},
    // --- IPv4, every inet_aton spelling -----------------------------------------
    {"127.0.0.1", "127.0.0.1", nullptr},
    {"127.1", "127.0.0.1", nullptr},
    {"127.0.1", "127.0.0.1", nullptr},
    {"0x7f000001", "127.0.0.1", nullptr},
    {"0X7F000001", "127.0.0.1", nullptr},
    {"0x7F000001.", "127.0.0.1", nullptr},
    {"2130706433", "127.0.0.1", nullptr},
    {"017700000001", "127.0.0.1", nullptr},
    {"0177.0.0.01", "127.0.0.1", nullptr},
    {"0177.0.0.1", "127.0.0.1", nullptr},
    {"0177.1", "127.0.0.1", nullptr},
    {"0x7f.1", "127.0.0.1", nullptr},
    {"0x7F.0X0.0.1", "127.0.0.1", nullptr},
    {"0x7f.0x0.0x0.0x1", "127.0.0.1", nullptr},
    {"0x7f.0.0x1", "127.0.0.1", nullptr},
    {"127.0x1", "127.0.0.1", nullptr},
    {"127.00000000000000000000000000001", "127.0.0.1", nullptr},
    {"0000000000000000000000177.1", "127.0.0.1", nullptr},
    {"127.0.0.1.", "127.0.0.1", nullptr},
    {"127.0.0.1..", nullptr, "empty label"},
    {"0", "0.0.0.0", nullptr},
    {"00", "0.0.0.0", nullptr},
    {"0.0.0.0", "0.0.0.0", nullptr},
    {"0x0", "0.0.0.0", nullptr},
    {"255.255.255.255", "255.255.255.255", nullptr},
    {"4294967295", "255.255.255.255", nullptr},
    {"0xffffffff", "255.255.255.255", nullptr},
    {"037777777777", "255.255.255.255", nullptr},
    {"1.2.65535", "1.2.255.255", nullptr},
    {"1.16777215", "1.255.255.255", nullptr},
    {"1.2.3.4", "1.2.3.4", nullptr},
    {"010.010.010.010", "8.8.8.8", nullptr},
    {"169.254.169.254", "169.254.169.254", nullptr},
    {"0251.0376.0251.0376", "169.254.169.254", nullptr},
    {"0xa9fea9fe", "169.254.169.254", nullptr},
    {"0xA9.0xFE.0xA9.0xFE", "169.254.169.254", nullptr},
    {"2852039166", "169.254.169.254", nullptr},
    {"169.254.43518", "169.254.169.254", nullptr},
    {"169.16689662", "169.254.169.254", nullptr},
    {"10.0.0.1", "10.0.0.1", nullptr},
    {"192.168.1.1", "192.168.1.1", nullptr},
    // overflow is an error, never a wrap
    {"4294967296", nullptr, "out of range"},
    {"0x100000000", nullptr, "out of range"},
    {"040000000000", nullptr, "out of range"},
    {"0xffffffffffffffffffff", nullptr, "out of range"},
    {"99999999999999999999999999999999", nullptr, "out of range"},
    {"18446744073709551617", nullptr, "out of range"},
    {"256.0.0.1", nullptr, "'256' is more than 255"},
    {"1.256.0.1", nullptr, "more than 255"},
    {"1.2.3.256", nullptr, "more than 255"},
    {"1.2.65536", nullptr, "more than 65535"},
    {"1.16777216", nullptr, "more than 16777215"},
    {"0x100.1", nullptr, "more than 255"},
    {"1.2.3.4.5", nullptr, "at most four parts"},
    {"1.2.3.4.5.6.7.8", nullptr, "at most four parts"},
    {"1..2.3", nullptr, "empty part"},
    {".1.2.3", nullptr, "empty part"},
    {"08.1.1.1", nullptr, "not a valid octal number"},
    {"1.1.1.08", nullptr, "not a valid octal number"},
    {"1.1.1.09", nullptr, "not a valid octal number"},
    {"0189", nullptr, "not a valid octal number"},
    {"0x.1.1.1", nullptr, "no hex digits"},
    {"1.1.1.0x", nullptr, "no hex digits"},
    {"0x", nullptr, "no hex digits"},
    {"0xg.1", nullptr, "not a number"},
    {"1.2.3.-4", nullptr, "start or end with '-'"},
    {"-1", nullptr, "start or end with '-'"},
    // a numeric last label makes the whole host an IPv4 address (WHATWG)
    {"foo.123", nullptr, "the last label is numeric"},
    {"example.0x1f", nullptr, "the last label is numeric"},
    {"foo.0", nullptr, "the last label is numeric"},
    {"foo.0x", nullptr, "the last label is numeric"},
    {"github.com.1", nullptr, "the last label is numeric"},
    {"foo.123.", nullptr, "the last label is numeric"},
    {"1.2.3.foo.5", nullptr, "the last label is numeric"},
    // --- IPv6 ------------------------------------------------------------------
    {"::1", "[::1]", nullptr},
    {"[::1]", "[::1]", nullptr},
    {"[::]", "[::]", nullptr},
    {"::", "[::]", nullptr},
    {"[2001:DB8::1]", "[2001:db8::1]", nullptr},
    {"2001:0db8:0000:0000:0000:0000:0000:0001", "[2001:db8::1]", nullptr},
    {"2001:db8:0:0:1:0:0:1", "[2001:db8::1:0:0:1]", nullptr},
    {"2001:db8:0:1:1:1:1:1", "[2001:db8:0:1:1:1:1:1]", nullptr},
    {"2001:0:0:1:0:0:0:1", "[2001:0:0:1::1]", nullptr},
    {"1:0:0:0:0:0:0:0", "[1::]", nullptr},
    {"0:0:0:0:0:0:0:1", "[::1]", nullptr},
    {"0:0:0:0:0:0:0:0", "[::]", nullptr},
    {"1:2:3:4:5:6:7:8", "[1:2:3:4:5:6:7:8]", nullptr},
    {"1:2:3:4:5:6:7::", "[1:2:3:4:5:6:7:0]", nullptr},
    {"::2:3:4:5:6:7:8", "[0:2:3:4:5:6:7:8]", nullptr},
    {"1:0:0:2:0:0:0:3", "[1:0:0:2::3]", nullptr},
    {"1:0:0:0:2:0:0:3", "[1::2:0:0:3]", nullptr},
    {"FE80::ABCD:EF01", "[fe80::abcd:ef01]", nullptr},
    {"fd00:ec2::254", "[fd00:ec2::254]", nullptr},
    {"[fd00:ec2:0:0:0:0:0:254]", "[fd00:ec2::254]", nullptr},
    {"1:2:3:4:5:6:1.2.3.4", "[1:2:3:4:5:6:102:304]", nullptr},
    {"::127.0.0.1", "[::7f00:1]", nullptr},
    {"::ffff:0:1.2.3.4", "[::ffff:0:102:304]", nullptr},
    {"64:ff9b::1.2.3.4", "[64:ff9b::102:304]", nullptr},
    {"0001:0002:0003:0004:0005:0006:0007:0008", "[1:2:3:4:5:6:7:8]", nullptr},
    // IPv4-mapped addresses are IPv4
    {"::ffff:1.2.3.4", "1.2.3.4", nullptr},
    {"[::ffff:127.0.0.1]", "127.0.0.1", nullptr},
    {"::ffff:7f00:1", "127.0.0.1", nullptr},
    {"[::FFFF:7F00:1]", "127.0.0.1", nullptr},
    {"::ffff:0:0", "0.0.0.0", nullptr},
    {"::ffff:ffff:ffff", "255.255.255.255", nullptr},
    {"0:0:0:0:0:ffff:7f00:1", "127.0.0.1", nullptr},
    {"[0000:0000:0000:0000:0000:FFFF:A9FE:A9FE]", "169.254.169.254", nullptr},
    // rejected IPv6
    {"fe80::1%eth0", nullptr, "zone identifiers"},
    {"[fe80::1%25eth0]", nullptr, "'%'"},
    {"1:2:3:4:5:6:7:8:9", nullptr, "too many groups"},
    {"1:2:3:4:5:6:7:8::", nullptr, "at least one group"},
    {"::1:2:3:4:5:6:7:8", nullptr, "at least one group"},
    {"1:2:3:4:5:6:7", nullptr, "eight groups"},
    {"a:b:c", nullptr, "eight groups"},
    {"1::2::3", nullptr, "at most one '::'"},
    {":::", nullptr, "at most one '::'"},
    {"1:::2", nullptr, "at most one '::'"},
    {"1:", nullptr, "a port is not part of a host"},
    {"1::2:", nullptr, "single ':'"},
    {":1::", nullptr, "single ':'"},
    {"12345::", nullptr, "four hex digits"},
    {"g::1", nullptr, "hex digits"},
    {"::1.2.3", nullptr, "dotted quad"},
    {"::1.2.3.04", nullptr, "dotted quad"},
    {"::256.1.1.1", nullptr, "dotted quad"},
    {"::0x7f.0.0.1", nullptr, "dotted quad"},
    {"::127.1", nullptr, "dotted quad"},
    {"1.2.3.4::", nullptr, "dotted quad"},
    {"::1.2.3.4:5", nullptr, "dotted quad"},
    {"1:2:3:4:5:6:7:1.2.3.4", nullptr, "too many groups"},
    {"::1.", nullptr, "dotted quad"},
    {"[::1", nullptr, "without a closing ']'"},
    {"[::1]:80", nullptr, "a port is not part of a host"},
    {"[::1]x", nullptr, "unexpected text after ']'"},
    {"[::1].", nullptr, "unexpected text after ']'"},
    {"[[::1]]", nullptr, "unexpected text after ']'"},
    {"[]", nullptr, "empty IPv6 address"},
    {"[:]", nullptr, "single ':'"},
};

TEST(CanonicaliseHost, Table) {
  EXPECT_GE(std::size(kCanon), 150u);
  for (const CanonCase &c : kCanon) {
    std::string error;
    std::optional<CanonicalHost> h = canonicaliseHost(c.in, error);
    std::string shown = displayHost(c.in);
    if (c.out) {
      ASSERT_TRUE(h.has_value()) << shown << ": " << error;
      EXPECT_EQ(h->text(), c.out) << shown;
    } else {
      EXPECT_FALSE(h.has_value()) << shown << " gave " << (h ? h->text() : "");
      EXPECT_NE(error.find(c.why), std::string::npos)
          << shown << ": error '" << error << "' lacks '" << c.why << "'";
    }
  }
}

TEST(CanonicaliseHost, CanonicalTextIsAFixedPoint) {
  // Canonicalising a canonical spelling gives it back unchanged.
  for (const CanonCase &c : kCanon) {
    if (!c.out)
      continue;
    std::string error;
    std::optional<CanonicalHost> h = canonicaliseHost(c.out, error);
    ASSERT_TRUE(h.has_value()) << c.out << ": " << error;
    EXPECT_EQ(h->text(), c.out);
  }
}

TEST(CanonicaliseHost, KindsAndBytes) {
  std::string error;
  auto name = canonicaliseHost("Example.COM.", error);
  ASSERT_TRUE(name);
  EXPECT_EQ(name->kind, Kind::Name);
  EXPECT_EQ(name->name, "example.com");

  auto v4 = canonicaliseHost("0x7f.1", error);
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->kind, Kind::IPv4);
  EXPECT_FALSE(v4->ip.v6);
  EXPECT_EQ(v4->ip.bytes[0], 127);
  EXPECT_EQ(v4->ip.bytes[3], 1);
  EXPECT_TRUE(v4->name.empty());

  auto mapped = canonicaliseHost("[::ffff:127.0.0.1]", error);
  ASSERT_TRUE(mapped);
  EXPECT_EQ(*mapped, *v4);

  auto v6 = canonicaliseHost("[2001:db8::1]", error);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->kind, Kind::IPv6);
  EXPECT_TRUE(v6->ip.v6);
  EXPECT_EQ(v6->ip.bytes[0], 0x20);
  EXPECT_EQ(v6->ip.bytes[15], 1);
  EXPECT_EQ(v6->ip.text(), "2001:db8::1");
  EXPECT_EQ(v6->text(), "[2001:db8::1]");
  EXPECT_EQ(*v6, *canonicaliseHost("2001:DB8:0::0:1", error));
}

TEST(CanonicaliseHost, NameLengthLimit) {
  // 4 labels of 63 plus 3 dots = 255 bytes; trim to hit 253 and 254.
  std::string label(63, 'a');
  std::string full = label + "." + label + "." + label + "." + label;
  std::string at253 = full.substr(0, 253);
  std::string at254 = full.substr(0, 254);
  std::string error;
  auto ok = canonicaliseHost(at253, error);
  ASSERT_TRUE(ok) << error;
  EXPECT_EQ(ok->name.size(), 253u);
  EXPECT_TRUE(canonicaliseHost(at253 + ".", error)) << "one trailing dot does not count";
  EXPECT_FALSE(canonicaliseHost(at254, error));
  EXPECT_NE(error.find("254 bytes long; the limit is 253"), std::string::npos) << error;
  std::string label64(64, 'b');
  EXPECT_TRUE(canonicaliseHost(label + ".com", error)) << error;
  EXPECT_FALSE(canonicaliseHost(label64 + ".com", error));
  EXPECT_NE(error.find("a label is 64 bytes long; the limit is 63"), std::string::npos) << error;
  EXPECT_FALSE(canonicaliseHost(std::string(100000, 'a'), error));
  EXPECT_FALSE(canonicaliseHost(std::string(100000, '1'), error));
  EXPECT_FALSE(canonicaliseHost(std::string(100000, ':'), error));
  EXPECT_FALSE(canonicaliseHost("[" + std::string(100000, '1'), error));
}

TEST(CanonicaliseHost, EveryByteOutsideTheAlphabetIsRejectedAndNamed) {
  // Each byte placed inside an otherwise valid name.
  for (int c = 0; c < 256; ++c) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_' || c == '.';
    std::string host = "ab";
    host.push_back(static_cast<char>(c));
    host += "cd.example.com";
    std::string error;
    auto h = canonicaliseHost(host, error);
    if (allowed) {
      EXPECT_TRUE(h.has_value()) << c << ": " << error;
      continue;
    }
    ASSERT_FALSE(h.has_value()) << "byte " << c << " accepted";
    if (c == ':' || c == '[' || c == ']')
      continue; // IPv6 punctuation: rejected with a structural reason
    EXPECT_NE(error.find("offset 2"), std::string::npos) << c << ": " << error;
    if (c < 0x21 || c >= 0x7f) {
      char hex[8];
      snprintf(hex, sizeof hex, "\\x%02x", c);
      EXPECT_NE(error.find(hex), std::string::npos) << c << ": " << error;
    }
  }
}

TEST(CanonicaliseHost, ErrorsNeverEchoRawControlBytes) {
  const std::string_view hostile[] = {"\0"sv, "a\x01"sv, "\x1b]0;pwned\x07"sv, "\xff\xfe"sv,
                                      "a\nb"sv};
  for (std::string_view h : hostile) {
    std::string error;
    EXPECT_FALSE(canonicaliseHost(h, error));
    for (char c : error)
      EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "raw byte in error: " << displayHost(error);
  }
}

TEST(DisplayHost, EscapesAndTruncates) {
  EXPECT_EQ(displayHost("example.com"), "example.com");
  EXPECT_EQ(displayHost("a\0b"sv), "a\\x00b");
  EXPECT_EQ(displayHost("a\\b"), "a\\x5cb");
  EXPECT_EQ(displayHost("\xff\n"sv), "\\xff\\x0a");
  std::string longHost(300, 'a');
  std::string shown = displayHost(longHost);
  EXPECT_EQ(shown, std::string(256, 'a') + "...");
}

TEST(IpAddressText, Rfc5952) {
  IpAddress a;
  a.v6 = true;
  EXPECT_EQ(a.text(), "::");
  a.bytes[15] = 1;
  EXPECT_EQ(a.text(), "::1");
  a.bytes[0] = 0x20;
  a.bytes[1] = 0x01;
  a.bytes[2] = 0x0d;
  a.bytes[3] = 0xb8;
  EXPECT_EQ(a.text(), "2001:db8::1");
  // A single zero group is never compressed.
  for (int i = 4; i < 16; ++i)
    a.bytes[i] = 0xab;
  a.bytes[6] = a.bytes[7] = 0;
  EXPECT_EQ(a.text(), "2001:db8:abab:0:abab:abab:abab:abab");

  IpAddress v4;
  v4.bytes = {10, 0, 200, 255};
  EXPECT_EQ(v4.text(), "10.0.200.255");
}

} // namespace
