// The proxy end to end through its TCP listener, judged at the origin
// server: the session credential (HTTP Basic, SOCKS5 username/password,
// and real curl), CONNECT and absolute-URI HTTP, SOCKS5, policy
// refusals, the DNS rebinding guard, odd IP spellings, and the log lines
// every decision leaves.
#include "RuntimeTestServers.h"

#include <gtest/gtest.h>
#include <llvm/Support/Base64.h>

using namespace moat;
using test::Fd;
using test::Origin;
using test::ProxyHarness;

namespace {

// Every event is a refused credential.
void expectCredentialDenials(const std::vector<llvm::json::Object> &events) {
  for (const auto &e : events) {
    EXPECT_EQ(e.getString("kind").getValueOr(""), "proxy-credential");
    EXPECT_EQ(e.getString("decision").getValueOr(""), "deny");
  }
}

// Names allowed; the origins' address (127.0.0.1) allowed by a rule.
const char *kPolicy = R"(policy "t" {
  allow connect "allowed.test", "rebind.test", "mixed.test";
  deny connect "denied.test";
  allow connect "127.0.0.1";
})";
// Names only: every route to 127.0.0.1 must be refused.
const char *kNamesOnly = R"(policy "t" {
  allow connect "allowed.test", "rebind.test", "metadata.test", "mapped.test";
})";

std::string connectRequest(const std::string &authority) {
  return test::authorized("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
}

std::string statusLine(const std::string &response) { return response.substr(0, response.find("\r\n")); }

std::string header(const std::string &response, const std::string &name) {
  size_t at = response.find("\r\n" + name + ": ");
  if (at == std::string::npos)
    return "";
  at += name.size() + 4;
  return response.substr(at, response.find("\r\n", at) - at);
}

std::string socksDomain(const std::string &name, uint16_t port, char command = '\x01') {
  return std::string("\x05", 1) + command + std::string("\x00\x03", 2) + static_cast<char>(name.size()) + name +
         static_cast<char>(port >> 8) + static_cast<char>(port & 0xff);
}
std::string socksIpv4(const std::string &ip4bytes, uint16_t port) {
  return std::string("\x05\x01\x00\x01", 4) + ip4bytes + static_cast<char>(port >> 8) + static_cast<char>(port & 0xff);
}

std::string str(const llvm::json::Object &o, const char *key) { return o.getString(key).getValueOr("").str(); }

TEST(RuntimeProxy, HttpWithoutTheRightBasicCredentialGets407AndIsLogged) {
  Origin origin(Origin::Mode::Echo);
  ProxyHarness h(kPolicy);
  std::string authority = "allowed.test:" + std::to_string(origin.port());
  std::string plain = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n";
  std::string token = runtime::proxy::credentialToken(test::harnessCredential());
  std::string wrongToken = token;
  wrongToken[63] = wrongToken[63] == '0' ? '1' : '0';
  auto basic = [](const std::string &userPassword) {
    return "Proxy-Authorization: Basic " + llvm::encodeBase64(userPassword) + "\r\n";
  };
  std::string line = plain.substr(0, plain.find("\r\n") + 2), rest = plain.substr(line.size());
  for (std::string request : {plain,                                         // missing
                              line + basic("moat:" + wrongToken) + rest,      // wrong password
                              line + basic("root:" + token) + rest,           // wrong user
                              line + "Proxy-Authorization: Bearer " + token + "\r\n" + rest,
                              test::authorized(line + basic("moat:" + wrongToken) + rest)}) { // two
    Fd fd = h.connect();
    ASSERT_TRUE(test::sendAll(fd.get(), request));
    std::string response = test::readAll(fd.get());
    EXPECT_EQ(statusLine(response), "HTTP/1.1 407 Proxy Authentication Required") << request;
    EXPECT_EQ(header(response, "Proxy-Authenticate"), "Basic realm=\"moat\"");
  }
  EXPECT_EQ(origin.connections(), 0u);
  auto events = h.events();
  ASSERT_EQ(events.size(), 5u);
  expectCredentialDenials(events);
  EXPECT_NE(str(events[0], "reason").find("no Proxy-Authorization"), std::string::npos);
  EXPECT_NE(str(events[4], "reason").find("more than one"), std::string::npos);
  EXPECT_EQ(h.server().stats().refused, 5u);
  // The scheme's name is case-insensitive (RFC 9110), the credential not.
  Fd fd = h.connect();
  ASSERT_TRUE(test::sendAll(fd.get(), line + "Proxy-Authorization: bASIC  " +
                                          runtime::proxy::basicCredentials(test::harnessCredential()) + "\r\n" + rest));
  EXPECT_EQ(test::readUntil(fd.get(), "\r\n\r\n"), "HTTP/1.1 200 Connection Established\r\n\r\n");
}

TEST(RuntimeProxy, SocksNeedsUsernamePasswordAndNeverChoosesNoAuthentication) {
  Origin origin(Origin::Mode::Echo);
  ProxyHarness h(kPolicy);
  std::string token = runtime::proxy::credentialToken(test::harnessCredential());
  { // only "no authentication" offered: 05 FF, closed
    Fd fd = h.connect();
    ASSERT_TRUE(test::sendAll(fd.get(), std::string("\x05\x01\x00", 3)));
    EXPECT_EQ(test::readAll(fd.get()), std::string("\x05\xff", 2));
  }
  for (std::string userPassword : {test::socksUserPassword("moat", token.substr(0, 63) + "x"),
                                   test::socksUserPassword("root", token),
                                   std::string("\x05\x04moat\x01x", 8)}) { // not RFC 1929's version
    Fd fd = h.connect();
    ASSERT_TRUE(test::sendAll(fd.get(), std::string("\x05\x02\x00\x02", 4) + userPassword +
                                            socksDomain("allowed.test", origin.port())));
    std::string reply = test::readAll(fd.get());
    ASSERT_EQ(reply.size(), 4u);
    EXPECT_EQ(reply.substr(0, 2), std::string("\x05\x02", 2)); // username/password, never 00
    EXPECT_EQ(reply[2], '\x01');
    EXPECT_NE(reply[3], '\x00');
  }
  EXPECT_EQ(origin.connections(), 0u);
  auto events = h.events();
  ASSERT_EQ(events.size(), 4u);
  expectCredentialDenials(events);
  { // the right one, greeting, credential and request in one write
    Fd fd = h.connect();
    ASSERT_TRUE(test::sendAll(fd.get(), std::string("\x05\x01\x02", 3) + test::socksUserPassword("moat", token) +
                                            socksDomain("allowed.test", origin.port())));
    std::string reply = test::readBytes(fd.get(), 14);
    ASSERT_EQ(reply.size(), 14u);
    EXPECT_EQ(reply.substr(0, 4), std::string("\x05\x02\x01\x00", 4));
    EXPECT_EQ(reply[5], '\x00');
  }
  EXPECT_EQ(origin.awaitConnections(1), 1u);
}

TEST(RuntimeProxy, SilentOrEarlyClosingClientsAreCredentialDenials) {
  ProxyHarness h(kPolicy);
  {
    Fd fd = h.connect();
    ASSERT_TRUE(test::sendAll(fd.get(), "CONNECT allowed.test:1 HTTP/1.1\r\n"));
    ::shutdown(fd.get(), SHUT_WR);
    EXPECT_EQ(test::readAll(fd.get()), "");
  }
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(str(events[0], "kind"), "proxy-credential");
  EXPECT_EQ(h.server().stats().refused, 1u);
}

// What a real client sends for the URLs macOS's `moat run` puts in the
// environment. Skipped where there is no curl.
TEST(RuntimeProxy, CurlPresentsTheCredentialOverHttpConnectAndSocks) {
  const char *curl = "/usr/bin/curl";
  if (::access(curl, X_OK) != 0)
    GTEST_SKIP() << "no " << curl;
  Origin origin(Origin::Mode::Http);
  ProxyHarness h(kPolicy);
  std::string token = runtime::proxy::credentialToken(test::harnessCredential());
  std::string proxy = "moat:" + token + "@127.0.0.1:" + std::to_string(h.port());
  std::string url = "http://allowed.test:" + std::to_string(origin.port()) + "/x";
  auto run = [&](const std::string &options) {
    std::string command = std::string(curl) + " -sS --noproxy '' --max-time 10 " + options + " " + url + " 2>&1";
    std::string out;
    if (FILE *pipe = ::popen(command.c_str(), "r")) {
      char buf[4096];
      size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0)
        out.append(buf, n);
      ::pclose(pipe);
    }
    return out;
  };
  EXPECT_EQ(run("-x http://" + proxy), "ok");                 // absolute-URI request
  EXPECT_EQ(run("-p -x http://" + proxy), "ok");              // CONNECT tunnel
  EXPECT_EQ(run("--socks5-hostname " + proxy), "ok");         // SOCKS5, name resolved by moat
  EXPECT_EQ(run("-x socks5h://" + proxy), "ok");
  std::string wrong = "moat:" + std::string(64, '0') + "@127.0.0.1:" + std::to_string(h.port());
  EXPECT_NE(run("-x http://" + wrong), "ok");
  EXPECT_NE(run("--socks5-hostname " + wrong), "ok");
  EXPECT_NE(run("-x http://127.0.0.1:" + std::to_string(h.port())), "ok");
  auto heads = origin.heads();
  ASSERT_EQ(heads.size(), 4u);
  for (const std::string &head : heads)
    EXPECT_EQ(head.find("Proxy-Authorization"), std::string::npos) << head;
  size_t denials = 0;
  for (const auto &e : h.events())
    denials += str(e, "kind") == "proxy-credential";
  EXPECT_EQ(denials, 3u);
}

TEST(RuntimeProxy, ConnectAllowedEchoesAndIsLogged) {
  Origin origin(Origin::Mode::Echo);
  ProxyHarness h(kPolicy);
  Fd fd = h.connect();
  std::string target = "allowed.test:" + std::to_string(origin.port());
  ASSERT_TRUE(test::sendAll(fd.get(), connectRequest(target)));
  EXPECT_EQ(test::readUntil(fd.get(), "\r\n\r\n"), "HTTP/1.1 200 Connection Established\r\n\r\n");
  ASSERT_TRUE(test::sendAll(fd.get(), "hello through moat"));
  EXPECT_EQ(test::readBytes(fd.get(), 18), "hello through moat");
  ::shutdown(fd.get(), SHUT_WR);
  EXPECT_EQ(test::readAll(fd.get()), ""); // the half-close reached the origin, which closed
  auto events = h.eventsFor("allowed.test");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(str(events[0], "kind"), "connect");
  EXPECT_EQ(str(events[0], "decision"), "allow");
  EXPECT_EQ(str(events[0], "protocol"), "connect");
  EXPECT_EQ(str(events[0], "rule"), "p.moat:2:3");
  EXPECT_EQ(str(events[0], "reason"), "via 127.0.0.1");
  EXPECT_EQ(events[0].getInteger("port").getValueOr(0), origin.port());
  EXPECT_TRUE(events[0].getInteger("time_ms"));
  EXPECT_EQ(h.server().stats().bytesUp, 18u);
}

TEST(RuntimeProxy, ConnectDeniedGets403AndTheOriginSeesNothing) {
  Origin origin(Origin::Mode::Echo);
  ProxyHarness h(kPolicy);
  for (const char *name : {"denied.test", "unlisted.test"}) {
    Fd fd = h.connect();
    ASSERT_TRUE(test::sendAll(fd.get(), connectRequest(std::string(name) + ":" + std::to_string(origin.port()))));
    std::string response = test::readAll(fd.get());
    EXPECT_EQ(statusLine(response), "HTTP/1.1 403 Forbidden") << response;
    EXPECT_NE(header(response, "X-Moat-Reason"), "") << response;
  }
  EXPECT_EQ(origin.connections(), 0u);
  auto denied = h.eventsFor("denied.test");
  ASSERT_EQ(denied.size(), 1u);
  EXPECT_EQ(str(denied[0], "decision"), "deny");
  EXPECT_EQ(str(denied[0], "rule"), "p.moat:3:3");
  EXPECT_EQ(str(denied[0], "reason"), "a deny rule matches");
  auto unlisted = h.eventsFor("unlisted.test");
  ASSERT_EQ(unlisted.size(), 1u);
  EXPECT_EQ(str(unlisted[0], "rule"), "default");
}

TEST(RuntimeProxy, AskDefaultIsARefusal) {
  Origin origin(Origin::Mode::Echo);
  ProxyHarness h(R"(policy "t" { default connect ask; })");
  Fd fd = h.connect();
  ASSERT_TRUE(test::sendAll(fd.get(), connectRequest("allowed.test:" + std::to_string(origin.port()))));
  std::string response = test::readAll(fd.get());
  EXPECT_EQ(statusLine(response), "HTTP/1.1 403 Forbidden");
  EXPECT_NE(header(response, "X-Moat-Reason").find("no one to ask"), std::string::npos) << response;
  EXPECT_EQ(origin.connections(), 0u);
}

TEST(RuntimeProxy, AbsoluteUriRequestIsRewrittenToOriginForm) {
  Origin origin(Origin::Mode::Http);
  ProxyHarness h(kPolicy);
  Fd fd = h.connect();
  std::string authority = "allowed.test:" + std::to_string(origin.port());
  // The credential is the proxy's: never forwarded upstream.
  ASSERT_TRUE(test::sendAll(fd.get(), test::authorized("GET http://" + authority + "/x?q=1 HTTP/1.1\r\nHost: " +
                                                       authority + "\r\nProxy-Connection: keep-alive\r\n"
                                                                   "Accept: */*\r\n\r\n")));
  std::string response = test::readAll(fd.get());
  EXPECT_EQ(statusLine(response), "HTTP/1.1 200 OK");
  EXPECT_EQ(response.substr(response.size() - 2), "ok");
  auto heads = origin.heads();
  ASSERT_EQ(heads.size(), 1u);
  EXPECT_EQ(heads[0].substr(0, heads[0].find("\r\n")), "GET /x?q=1 HTTP/1.1");
  EXPECT_NE(heads[0].find("\r\nHost: " + authority + "\r\n"), std::string::npos) << heads[0];
  EXPECT_NE(heads[0].find("\r\nConnection: close\r\n"), std::string::npos) << heads[0];
  EXPECT_NE(heads[0].find("\r\nAccept: */*\r\n"), std::string::npos) << heads[0];
  EXPECT_EQ(heads[0].find("Proxy-"), std::string::npos) << heads[0];
  EXPECT_EQ(heads[0].find(runtime::proxy::basicCredentials(test::harnessCredential())), std::string::npos);
  auto events = h.eventsFor("allowed.test");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(str(events[0], "protocol"), "http");
}

TEST(RuntimeProxy, BadHttpRequestsGet400) {
  Origin origin(Origin::Mode::Http);
  ProxyHarness h(kPolicy);
  std::string port = std::to_string(origin.port());
  for (std::string request : {"GET https://allowed.test:" + port + "/ HTTP/1.1\r\n\r\n",
                              std::string("GET /x HTTP/1.1\r\nHost: allowed.test\r\n\r\n"),
                              std::string("garbage\r\n\r\n"),
                              "CONNECT allowed.test\x01:" + port + " HTTP/1.1\r\n\r\n"}) {
    Fd fd = h.connect();
    // "garbage" has no request line to put the credential after: it is
    // refused before the credential is looked for.
    ASSERT_TRUE(test::sendAll(fd.get(), request.rfind("garbage", 0) == 0 ? request : test::authorized(request)));
    EXPECT_EQ(statusLine(test::readAll(fd.get())), "HTTP/1.1 400 Bad Request") << request;
  }
  EXPECT_EQ(origin.connections(), 0u);
}

TEST(RuntimeProxy, Socks5DomainAllowedAndDenied) {
  Origin origin(Origin::Mode::Echo);
  ProxyHarness h(kPolicy);
  {
    Fd fd = h.connectSocks();
    ASSERT_TRUE(test::sendAll(fd.get(), socksDomain("allowed.test", origin.port())));
    std::string reply = test::readBytes(fd.get(), 10);
    ASSERT_EQ(reply.size(), 10u);
    EXPECT_EQ(reply[1], '\x00');
    ASSERT_TRUE(test::sendAll(fd.get(), "socks echo"));
    EXPECT_EQ(test::readBytes(fd.get(), 10), "socks echo");
  }
  {
    Fd fd = h.connectSocks();
    ASSERT_TRUE(test::sendAll(fd.get(), socksDomain("denied.test", origin.port())));
    std::string reply = test::readAll(fd.get());
    ASSERT_EQ(reply.size(), 10u);
    EXPECT_EQ(reply[1], '\x02');
  }
  EXPECT_EQ(origin.awaitConnections(1), 1u);
  auto events = h.eventsFor("allowed.test");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(str(events[0], "protocol"), "socks5");
}

TEST(RuntimeProxy, Socks5Ipv4OnlyWhenARuleAllowsThatAddress) {
  Origin origin(Origin::Mode::Echo);
  std::string loopback("\x7f\x00\x00\x01", 4);
  {
    ProxyHarness h(kNamesOnly);
    Fd fd = h.connectSocks();
    ASSERT_TRUE(test::sendAll(fd.get(), socksIpv4(loopback, origin.port())));
    std::string reply = test::readAll(fd.get());
    ASSERT_EQ(reply.size(), 10u);
    EXPECT_EQ(reply[1], '\x02');
    auto events = h.eventsFor("127.0.0.1");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(str(events[0], "decision"), "deny");
  }
  EXPECT_EQ(origin.connections(), 0u);
  {
    ProxyHarness h(kPolicy);
    Fd fd = h.connectSocks();
    ASSERT_TRUE(test::sendAll(fd.get(), socksIpv4(loopback, origin.port())));
    std::string reply = test::readBytes(fd.get(), 10);
    ASSERT_EQ(reply.size(), 10u);
    EXPECT_EQ(reply[1], '\x00');
  }
  EXPECT_EQ(origin.awaitConnections(1), 1u);
}

TEST(RuntimeProxy, Socks5RefusesNulAndControlBytesInNames) {
  Origin origin(Origin::Mode::Echo);
  ProxyHarness h(kPolicy);
  for (std::string name : {std::string("allowed.test\0.evil.com", 22), std::string("allowed.test\n"),
                           std::string("allowed\x7f.test"), std::string("")}) {
    Fd fd = h.connectSocks();
    ASSERT_TRUE(test::sendAll(fd.get(), socksDomain(name, origin.port())));
    std::string reply = test::readAll(fd.get());
    ASSERT_EQ(reply.size(), 10u) << net::displayHost(name);
    EXPECT_EQ(reply[1], '\x02');
  }
  EXPECT_EQ(origin.connections(), 0u);
  auto events = h.events();
  ASSERT_EQ(events.size(), 4u);
  for (const auto &e : events) {
    EXPECT_EQ(str(e, "decision"), "deny");
    EXPECT_EQ(str(e, "rule"), "builtin");
    EXPECT_EQ(str(e, "protocol"), "socks5");
  }
  EXPECT_EQ(str(events[0], "target"), "allowed.test\\x00.evil.com");
}

TEST(RuntimeProxy, Socks5BindAndOnlyOtherMethodsAreRefused) {
  Origin origin(Origin::Mode::Echo);
  ProxyHarness h(kPolicy);
  {
    Fd fd = h.connectSocks();
    ASSERT_TRUE(test::sendAll(fd.get(), socksDomain("allowed.test", origin.port(), '\x02')));
    std::string reply = test::readAll(fd.get());
    ASSERT_EQ(reply.size(), 10u);
    EXPECT_EQ(reply[1], '\x07');
  }
  {
    Fd fd = h.connect(); // GSSAPI only
    ASSERT_TRUE(test::sendAll(fd.get(), std::string("\x05\x01\x01", 3)));
    EXPECT_EQ(test::readAll(fd.get()), std::string("\x05\xff", 2));
  }
  EXPECT_EQ(origin.connections(), 0u);
}

TEST(RuntimeProxy, NamesResolvingToInternalAddressesAreRefused) {
  Origin origin(Origin::Mode::Echo);
  std::string port = std::to_string(origin.port());
  {
    ProxyHarness h(kNamesOnly);
    for (const char *name : {"rebind.test", "metadata.test", "mapped.test"}) {
      Fd fd = h.connect();
      ASSERT_TRUE(test::sendAll(fd.get(), connectRequest(std::string(name) + ":" + port)));
      std::string response = test::readAll(fd.get());
      EXPECT_EQ(statusLine(response), "HTTP/1.1 403 Forbidden") << name;
      auto events = h.eventsFor(name);
      ASSERT_EQ(events.size(), 1u) << name;
      EXPECT_EQ(str(events[0], "rule"), "builtin");
      EXPECT_NE(str(events[0], "reason").find("resolves to"), std::string::npos) << str(events[0], "reason");
    }
  }
  EXPECT_EQ(origin.connections(), 0u);
  {
    ProxyHarness h(kPolicy); // allows 127.0.0.1 by a rule
    Fd fd = h.connect();
    ASSERT_TRUE(test::sendAll(fd.get(), connectRequest("mixed.test:" + port)));
    EXPECT_EQ(statusLine(test::readUntil(fd.get(), "\r\n\r\n")), "HTTP/1.1 200 Connection Established");
    auto events = h.eventsFor("mixed.test");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(str(events[0], "reason"), "via 127.0.0.1"); // 10.0.0.1 was dropped, never dialled
  }
  EXPECT_EQ(origin.awaitConnections(1), 1u);
}

TEST(RuntimeProxy, OddIpSpellingsAreRefusedAndLoggedCanonically) {
  Origin origin(Origin::Mode::Echo);
  ProxyHarness h(kNamesOnly);
  std::string port = std::to_string(origin.port());
  std::vector<std::string> spellings = {"2130706433", "0x7f000001", "127.1", "0177.0.0.1", "[::ffff:127.0.0.1]",
                                        "127.0.0.1.", "0x7F.1"};
  for (const std::string &spelling : spellings) {
    Fd fd = h.connect();
    ASSERT_TRUE(test::sendAll(fd.get(), connectRequest(spelling + ":" + port)));
    EXPECT_EQ(statusLine(test::readAll(fd.get())), "HTTP/1.1 403 Forbidden") << spelling;
  }
  {
    Fd fd = h.connect();
    ASSERT_TRUE(test::sendAll(fd.get(), test::authorized("GET http://2130706433:" + port + "/ HTTP/1.1\r\n\r\n")));
    EXPECT_EQ(statusLine(test::readAll(fd.get())), "HTTP/1.1 403 Forbidden");
  }
  EXPECT_EQ(origin.connections(), 0u);
  auto events = h.events();
  ASSERT_EQ(events.size(), spellings.size() + 1);
  for (const auto &e : events) {
    EXPECT_EQ(str(e, "target"), "127.0.0.1");
    EXPECT_EQ(str(e, "decision"), "deny");
  }
}

TEST(RuntimeProxy, LocalhostNeedsARuleNamingIt) {
  Origin origin(Origin::Mode::Echo);
  std::string port = std::to_string(origin.port());
  {
    ProxyHarness h(R"(policy "t" { default connect allow; })");
    Fd fd = h.connect();
    ASSERT_TRUE(test::sendAll(fd.get(), connectRequest("localhost:" + port)));
    EXPECT_EQ(statusLine(test::readAll(fd.get())), "HTTP/1.1 403 Forbidden");
    Fd literal = h.connect();
    ASSERT_TRUE(test::sendAll(literal.get(), connectRequest("127.0.0.1:" + port)));
    EXPECT_EQ(statusLine(test::readAll(literal.get())), "HTTP/1.1 403 Forbidden");
  }
  EXPECT_EQ(origin.connections(), 0u);
  {
    ProxyHarness h(R"(policy "t" { allow connect "localhost"; })");
    Fd fd = h.connect();
    ASSERT_TRUE(test::sendAll(fd.get(), connectRequest("localhost:" + port)));
    EXPECT_EQ(statusLine(test::readUntil(fd.get(), "\r\n\r\n")), "HTTP/1.1 200 Connection Established");
  }
  EXPECT_EQ(origin.awaitConnections(1), 1u);
}

TEST(RuntimeProxy, UnreachableUpstreamGets502) {
  ProxyHarness h(kPolicy);
  uint16_t closedPort;
  {
    Origin gone(Origin::Mode::Echo);
    closedPort = gone.port();
  }
  Fd fd = h.connect();
  ASSERT_TRUE(test::sendAll(fd.get(), connectRequest("allowed.test:" + std::to_string(closedPort))));
  EXPECT_EQ(statusLine(test::readAll(fd.get())), "HTTP/1.1 502 Bad Gateway");
  Fd socks = h.connectSocks();
  ASSERT_TRUE(test::sendAll(socks.get(), socksDomain("allowed.test", closedPort)));
  std::string reply = test::readAll(socks.get());
  ASSERT_EQ(reply.size(), 10u);
  EXPECT_EQ(reply[1], '\x05');
}

} // namespace
