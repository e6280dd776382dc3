// The proxy's pure parts, byte for byte: the HTTP request head and its
// rewrite to origin form, SOCKS5 greetings, username/password
// authentication and requests, the session credential's checks, the TLS
// ClientHello scanner, and the internal-address classification and
// vetting behind the DNS rebinding guard.
#include "runtime/proxy/Destination.h"
#include "runtime/proxy/HttpRequest.h"
#include "runtime/proxy/ProxyCredential.h"
#include "runtime/proxy/Socks5.h"
#include "runtime/proxy/TlsClientHello.h"

#include "RuntimeTestServers.h"

#include <gtest/gtest.h>
#include <llvm/Support/Base64.h>

using namespace moat;
using namespace moat::runtime::proxy;

namespace {

std::optional<ProxyRequest> interpret(const std::string &head, std::string &error) {
  auto parsed = parseHttpHead(head, error);
  if (!parsed)
    return std::nullopt;
  return interpretProxyRequest(*parsed, error);
}

TEST(RuntimeProxyHttpRequest, ConnectNeedsHostAndPort) {
  std::string error;
  auto r = interpret("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->kind, ProxyRequest::Kind::Connect);
  EXPECT_EQ(r->destination.host, "example.com");
  EXPECT_EQ(r->destination.port, 443);
  r = interpret("CONNECT [::1]:8443 HTTP/1.1\r\n\r\n", error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->destination.host, "[::1]");
  EXPECT_EQ(r->destination.port, 8443);
  for (const char *bad : {"CONNECT example.com HTTP/1.1\r\n\r\n", "CONNECT example.com:0 HTTP/1.1\r\n\r\n",
                          "CONNECT example.com:65536 HTTP/1.1\r\n\r\n", "CONNECT ::1:443 HTTP/1.1\r\n\r\n",
                          "CONNECT [::1 HTTP/1.1\r\n\r\n", "CONNECT :443 HTTP/1.1\r\n\r\n"})
    EXPECT_FALSE(interpret(bad, error)) << bad;
}

TEST(RuntimeProxyHttpRequest, AbsoluteUriIsRewrittenToOriginForm) {
  std::string error;
  auto r = interpret("POST http://Example.com:8080/a/b?c=d#frag HTTP/1.1\r\n"
                     "Host: elsewhere.test\r\nProxy-Connection: keep-alive\r\n"
                     "Proxy-Authorization: Basic eDp5\r\nConnection: keep-alive\r\nX-Kept: 1\r\n\r\n",
                     error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->kind, ProxyRequest::Kind::Forward);
  EXPECT_EQ(r->destination.host, "Example.com");
  EXPECT_EQ(r->destination.port, 8080);
  EXPECT_EQ(r->upstreamHead, "POST /a/b?c=d HTTP/1.1\r\nHost: Example.com:8080\r\nX-Kept: 1\r\n"
                             "Connection: close\r\n\r\n");
  r = interpret("GET http://example.com HTTP/1.0\r\n\r\n", error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->destination.port, 80);
  EXPECT_EQ(r->upstreamHead, "GET / HTTP/1.0\r\nHost: example.com\r\nConnection: close\r\n\r\n");
}

TEST(RuntimeProxyHttpRequest, RefusesWhatIsNotAPlainProxyRequest) {
  std::string error;
  for (const char *bad : {
           "GET https://example.com/ HTTP/1.1\r\n\r\n",       // must be CONNECT
           "GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n",      // origin form
           "GET http://user:pw@example.com/ HTTP/1.1\r\n\r\n", // userinfo
           "GET http://example.com/ HTTP/2.0\r\n\r\n",
           "PRI * HTTP/2.0\r\n\r\n",
           "GET http://example.com/ HTTP/1.1\r\nX: a\r\n b\r\n\r\n", // folding
           "GET http://example.com/ HTTP/1.1\r\nBad Name: a\r\n\r\n",
           "GET http://example.com/ HTTP/1.1\r\nX: a\x01\r\n\r\n",
           "GET http://example.com/ HTTP/1.1\nX: a\r\n\r\n",
           "GET  http://example.com/ HTTP/1.1\r\n\r\n",
           "\x16\x03\x01\x00\x05hello\r\n\r\n",
       })
    EXPECT_FALSE(interpret(bad, error)) << bad;
  EXPECT_EQ(findHeadEnd("GET / HTTP/1.1\r\n\r\nbody"), size_t(18));
  EXPECT_FALSE(findHeadEnd("GET / HTTP/1.1\r\n"));
}

TEST(RuntimeProxySocks5, GreetingAndRequest) {
  Socks5Greeting g;
  EXPECT_EQ(parseSocks5Greeting(std::string("\x05", 1), g), ParseStatus::NeedMore);
  EXPECT_EQ(parseSocks5Greeting(std::string("\x05\x02\x02", 3), g), ParseStatus::NeedMore);
  ASSERT_EQ(parseSocks5Greeting(std::string("\x05\x02\x02\x00", 4), g), ParseStatus::Done);
  EXPECT_TRUE(g.offersNoAuth);
  EXPECT_EQ(g.size, 4u);
  ASSERT_EQ(parseSocks5Greeting(std::string("\x05\x01\x02", 3), g), ParseStatus::Done);
  EXPECT_FALSE(g.offersNoAuth);
  EXPECT_EQ(parseSocks5Greeting(std::string("\x04\x01\x00", 3), g), ParseStatus::Invalid);

  Socks5Request r;
  uint8_t code = 0;
  std::string domain = std::string("\x05\x01\x00\x03\x07", 5) + "a.test" + '\0' + std::string("\x01\xbb", 2);
  ASSERT_EQ(parseSocks5Request(domain, r, code), ParseStatus::Done);
  EXPECT_EQ(r.domain, std::string("a.test") + '\0');
  EXPECT_EQ(r.port, 443);
  EXPECT_EQ(parseSocks5Request(domain.substr(0, 9), r, code), ParseStatus::NeedMore);
  ASSERT_EQ(parseSocks5Request(std::string("\x05\x01\x00\x01\x7f\x00\x00\x01\x00\x50", 10), r, code),
            ParseStatus::Done);
  EXPECT_EQ(r.ip.text(), "127.0.0.1");
  EXPECT_EQ(r.port, 80);
  EXPECT_EQ(parseSocks5Request(std::string("\x05\x01\x00\x09\x00\x00", 6), r, code), ParseStatus::Invalid);
  EXPECT_EQ(code, socks5::kAddressTypeNotSupported);
  EXPECT_EQ(parseSocks5Request(std::string("\x05\x01\x01\x01\x7f\x00\x00\x01\x00\x50", 10), r, code),
            ParseStatus::Invalid); // reserved byte set
}

TEST(RuntimeProxySocks5, UserPasswordAuthentication) {
  Socks5Greeting greeting;
  ASSERT_EQ(parseSocks5Greeting(std::string("\x05\x03\x00\x01\x02", 5), greeting), ParseStatus::Done);
  EXPECT_TRUE(greeting.offersNoAuth);
  EXPECT_TRUE(greeting.offersUserPassword);
  ASSERT_EQ(parseSocks5Greeting(std::string("\x05\x01\x00", 3), greeting), ParseStatus::Done);
  EXPECT_FALSE(greeting.offersUserPassword);

  std::string full = test::socksUserPassword("moat", "secret") + "next";
  Socks5UserPassword given;
  for (size_t n = 0; n < full.size() - 4; ++n)
    EXPECT_EQ(parseSocks5UserPassword(full.substr(0, n), given), ParseStatus::NeedMore) << n;
  ASSERT_EQ(parseSocks5UserPassword(full, given), ParseStatus::Done);
  EXPECT_EQ(given.user, "moat");
  EXPECT_EQ(given.password, "secret");
  EXPECT_EQ(given.size, full.size() - 4);
  EXPECT_EQ(parseSocks5UserPassword(std::string("\x05\x04moat", 6), given), ParseStatus::Invalid); // version
  EXPECT_EQ(parseSocks5UserPassword(std::string("\x01\x00\x01x", 4), given), ParseStatus::Invalid); // no user
  EXPECT_EQ(parseSocks5UserPassword(std::string("\x01\x01u\x00", 4), given), ParseStatus::Invalid); // no password
  EXPECT_EQ(socks5UserPasswordReply(socks5::kUserPasswordFailure), (std::array<unsigned char, 2>{0x01, 0x01}));
}

TEST(RuntimeProxyCredential, TokenBasicAndUserPassword) {
  Credential credential{};
  credential[0] = 0x0f;
  credential[1] = 0xa0;
  credential[31] = 0xff;
  std::string token = credentialToken(credential);
  EXPECT_EQ(token.size(), 64u);
  EXPECT_EQ(token.substr(0, 4), "0fa0");
  EXPECT_EQ(token.substr(60), "00ff");
  std::string basic = basicCredentials(credential);
  EXPECT_EQ(basic, llvm::encodeBase64("moat:" + token));
  EXPECT_EQ(basic.size(), 92u); // 69 bytes: no padding to disagree about
  EXPECT_TRUE(basicAuthorizationMatches("Basic " + basic, basic));
  EXPECT_TRUE(basicAuthorizationMatches("basic\t " + basic, basic));
  EXPECT_FALSE(basicAuthorizationMatches("Basic" + basic, basic));
  EXPECT_FALSE(basicAuthorizationMatches("Basic " + basic + "x", basic));
  EXPECT_FALSE(basicAuthorizationMatches("Basic " + basic.substr(1), basic));
  EXPECT_FALSE(basicAuthorizationMatches("Bearer " + basic, basic));
  EXPECT_FALSE(basicAuthorizationMatches("Basic ", basic));
  EXPECT_TRUE(userPasswordMatches("moat", token, credential));
  EXPECT_FALSE(userPasswordMatches("Moat", token, credential));
  EXPECT_FALSE(userPasswordMatches("moat", token.substr(0, 63), credential));
  EXPECT_FALSE(userPasswordMatches("moat", "", credential));
}

TEST(RuntimeProxyTlsClientHello, FindsTheServerName) {
  std::string hello = test::clientHello("Example.COM");
  ClientHelloScan s = scanClientHello(hello, 16384);
  ASSERT_EQ(s.status, ClientHelloScan::Status::Complete) << s.error;
  EXPECT_EQ(s.serverName.value_or(""), "Example.COM");
  s = scanClientHello(test::clientHello(""), 16384);
  ASSERT_EQ(s.status, ClientHelloScan::Status::Complete) << s.error;
  EXPECT_FALSE(s.serverName);
  for (size_t cut : {size_t(1), size_t(5), size_t(9), hello.size() - 1})
    EXPECT_EQ(scanClientHello(hello.substr(0, cut), 16384).status, ClientHelloScan::Status::NeedMore) << cut;
  EXPECT_EQ(scanClientHello("SSH-2.0-x\r\n", 16384).status, ClientHelloScan::Status::NotTls);
  EXPECT_EQ(scanClientHello(hello, 40).status, ClientHelloScan::Status::Malformed);
}

TEST(RuntimeProxyTlsClientHello, JoinsFragmentsAcrossRecords) {
  std::string hello = test::clientHello("split.test");
  std::string message = hello.substr(5);
  auto record = [](const std::string &fragment) {
    return std::string("\x16\x03\x01", 3) + static_cast<char>(fragment.size() >> 8) +
           static_cast<char>(fragment.size() & 0xff) + fragment;
  };
  std::string split = record(message.substr(0, 30)) + record(message.substr(30));
  ClientHelloScan s = scanClientHello(split, 16384);
  ASSERT_EQ(s.status, ClientHelloScan::Status::Complete) << s.error;
  EXPECT_EQ(s.serverName.value_or(""), "split.test");
}

TEST(RuntimeProxyTlsClientHello, RefusesMalformedHellos) {
  std::string hello = test::clientHello("a.test");
  // Corrupt the extensions length so it runs past the message.
  std::string badLength = hello;
  size_t extensionsLength = 5 + 4 + 2 + 32 + 1 + 2 + 4 + 2;
  badLength[extensionsLength] = '\x7f';
  EXPECT_EQ(scanClientHello(badLength, 16384).status, ClientHelloScan::Status::Malformed);
  // Not a ClientHello (ServerHello type).
  std::string serverHello = hello;
  serverHello[5] = '\x02';
  EXPECT_EQ(scanClientHello(serverHello, 16384).status, ClientHelloScan::Status::Malformed);
  // Record of length zero, and an alert record.
  EXPECT_EQ(scanClientHello(std::string("\x16\x03\x01\x00\x00", 5), 16384).status, ClientHelloScan::Status::Malformed);
  EXPECT_EQ(scanClientHello(std::string("\x16\x02\x00\x00\x04", 5), 16384).status, ClientHelloScan::Status::Malformed);
  // Every truncation of the body inside a complete-looking record.
  for (size_t len = 4; len + 5 < hello.size(); len += 7) {
    std::string message = hello.substr(5, len);
    message[1] = '\0';
    message[2] = static_cast<char>((len - 4) >> 8);
    message[3] = static_cast<char>((len - 4) & 0xff);
    std::string record = std::string("\x16\x03\x01", 3) + static_cast<char>(len >> 8) +
                         static_cast<char>(len & 0xff) + message;
    EXPECT_EQ(scanClientHello(record, 16384).status, ClientHelloScan::Status::Malformed) << len;
  }
}

TEST(RuntimeProxyDestination, InternalAddresses) {
  for (const char *internal : {"127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                               "169.254.169.254", "100.64.0.1", "100.127.255.255", "0.0.0.0", "224.0.0.1",
                               "255.255.255.255", "::1", "::", "fd00:ec2::254", "fc00::1", "fe80::1", "ff02::1",
                               "::ffff:127.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1"})
    EXPECT_NE(internalAddressKind(toIpAddress(asio::ip::make_address(internal))), nullptr) << internal;
  for (const char *external : {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111",
                               "64:ff9b::808:808"})
    EXPECT_EQ(internalAddressKind(toIpAddress(asio::ip::make_address(external))), nullptr) << external;
}

TEST(RuntimeProxyDestination, VettingResolvedAddresses) {
  test::TestPolicy p(R"(policy "t" {
  allow connect "*.test", "*";
  allow connect "10.9.0.0/16";
  deny connect "93.184.216.35";
})");
  ASSERT_TRUE(p.evaluator);
  auto addrs = [](std::initializer_list<const char *> list) {
    std::vector<asio::ip::address> out;
    for (const char *a : list)
      out.push_back(asio::ip::make_address(a));
    return out;
  };
  // Internal addresses are dropped unless a rule names them; `*` does not.
  VettedAddresses v = vetAddresses(*p.evaluator, "x.test", addrs({"127.0.0.1", "10.9.1.1", "93.184.216.34"}), 443);
  ASSERT_EQ(v.usable.size(), 2u);
  EXPECT_EQ(v.usable[0].to_string(), "10.9.1.1");
  EXPECT_EQ(v.usable[1].to_string(), "93.184.216.34");
  v = vetAddresses(*p.evaluator, "x.test", addrs({"169.254.169.254", "::ffff:127.0.0.1"}), 443);
  EXPECT_TRUE(v.usable.empty());
  EXPECT_NE(v.firstRefusal.reason.find("link-local"), std::string::npos) << v.firstRefusal.reason;
  EXPECT_TRUE(v.firstRefusal.builtin);
  // A deny rule on an address refuses it even for an allowed name.
  v = vetAddresses(*p.evaluator, "x.test", addrs({"93.184.216.35"}), 443);
  EXPECT_TRUE(v.usable.empty());
  EXPECT_FALSE(v.firstRefusal.builtin);
  EXPECT_NE(v.firstRefusal.rule, nullptr);
}

} // namespace
