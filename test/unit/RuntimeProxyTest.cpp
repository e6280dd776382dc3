// The proxy end to end through its unix socket, judged at the origin
// server: the credential, CONNECT and absolute-URI HTTP, SOCKS5, policy
// refusals, the DNS rebinding guard, odd IP spellings, and the log lines
// every decision leaves.
#include "RuntimeTestServers.h"

#include <gtest/gtest.h>

using namespace moat;
using test::Fd;
using test::Origin;
using test::ProxyHarness;

namespace {

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
  return "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n";
}

std::string statusLine(const std::string &response) { return response.substr(0, response.find("\r\n")); }

std::string header(const std::string &response, const std::string &name) {
  size_t at = response.find("\r\n" + name + ": ");
  if (at == std::string::npos)
    return "";
  at += name.size() + 4;
  return response.substr(at, response.find("\r\n", at) - at);
}

std::string socksGreeting() { return std::string("\x05\x01\x00", 3); }
std::string socksDomain(const std::string &name, uint16_t port, char command = '\x01') {
  return std::string("\x05", 1) + command + std::string("\x00\x03", 2) + static_cast<char>(name.size()) + name +
         static_cast<char>(port >> 8) + static_cast<char>(port & 0xff);
}
std::string socksIpv4(const std::string &ip4bytes, uint16_t port) {
  return std::string("\x05\x01\x00\x01", 4) + ip4bytes + static_cast<char>(port >> 8) + static_cast<char>(port & 0xff);
}

std::string str(const llvm::json::Object &o, const char *key) { return o.getString(key).getValueOr("").str(); }

TEST(RuntimeProxy, WrongOrShortCredentialIsClosedWithoutAReply) {
  Origin origin(Origin::Mode::Echo);
  ProxyHarness h(kPolicy);
  {
    Fd fd = h.connectRaw();
    std::string wrong = h.credential();
    wrong[31] ^= 1;
    ASSERT_TRUE(test::sendAll(fd.get(), wrong + connectRequest("allowed.test:" + std::to_string(origin.port()))));
    EXPECT_EQ(test::readAll(fd.get()), "");
  }
  {
    Fd fd = h.connectRaw();
    ASSERT_TRUE(test::sendAll(fd.get(), h.credential().substr(0, 10)));
    ::shutdown(fd.get(), SHUT_WR);
    EXPECT_EQ(test::readAll(fd.get()), "");
  }
  EXPECT_EQ(origin.connections(), 0u);
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);
  for (const auto &e : events) {
    EXPECT_EQ(str(e, "kind"), "proxy-credential");
    EXPECT_EQ(str(e, "decision"), "deny");
  }
  EXPECT_EQ(h.server().stats().refused, 2u);
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
  ASSERT_TRUE(test::sendAll(fd.get(), "GET http://" + authority + "/x?q=1 HTTP/1.1\r\nHost: " + authority +
                                          "\r\nProxy-Connection: keep-alive\r\nProxy-Authorization: Basic eDp5\r\n"
                                          "Accept: */*\r\n\r\n"));
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
    ASSERT_TRUE(test::sendAll(fd.get(), request));
    EXPECT_EQ(statusLine(test::readAll(fd.get())), "HTTP/1.1 400 Bad Request") << request;
  }
  EXPECT_EQ(origin.connections(), 0u);
}

TEST(RuntimeProxy, Socks5DomainAllowedAndDenied) {
  Origin origin(Origin::Mode::Echo);
  ProxyHarness h(kPolicy);
  {
    Fd fd = h.connect();
    ASSERT_TRUE(test::sendAll(fd.get(), socksGreeting()));
    EXPECT_EQ(test::readBytes(fd.get(), 2), std::string("\x05\x00", 2));
    ASSERT_TRUE(test::sendAll(fd.get(), socksDomain("allowed.test", origin.port())));
    std::string reply = test::readBytes(fd.get(), 10);
    ASSERT_EQ(reply.size(), 10u);
    EXPECT_EQ(reply[1], '\x00');
    ASSERT_TRUE(test::sendAll(fd.get(), "socks echo"));
    EXPECT_EQ(test::readBytes(fd.get(), 10), "socks echo");
  }
  {
    Fd fd = h.connect(); // greeting and request in one write
    ASSERT_TRUE(test::sendAll(fd.get(), socksGreeting() + socksDomain("denied.test", origin.port())));
    std::string reply = test::readAll(fd.get());
    ASSERT_EQ(reply.size(), 12u);
    EXPECT_EQ(reply[3], '\x02');
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
    Fd fd = h.connect();
    ASSERT_TRUE(test::sendAll(fd.get(), socksGreeting() + socksIpv4(loopback, origin.port())));
    std::string reply = test::readAll(fd.get());
    ASSERT_EQ(reply.size(), 12u);
    EXPECT_EQ(reply[3], '\x02');
    auto events = h.eventsFor("127.0.0.1");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(str(events[0], "decision"), "deny");
  }
  EXPECT_EQ(origin.connections(), 0u);
  {
    ProxyHarness h(kPolicy);
    Fd fd = h.connect();
    ASSERT_TRUE(test::sendAll(fd.get(), socksGreeting() + socksIpv4(loopback, origin.port())));
    std::string reply = test::readBytes(fd.get(), 12);
    ASSERT_EQ(reply.size(), 12u);
    EXPECT_EQ(reply[3], '\x00');
  }
  EXPECT_EQ(origin.awaitConnections(1), 1u);
}

TEST(RuntimeProxy, Socks5RefusesNulAndControlBytesInNames) {
  Origin origin(Origin::Mode::Echo);
  ProxyHarness h(kPolicy);
  for (std::string name : {std::string("allowed.test\0.evil.com", 22), std::string("allowed.test\n"),
                           std::string("allowed\x7f.test"), std::string("")}) {
    Fd fd = h.connect();
    ASSERT_TRUE(test::sendAll(fd.get(), socksGreeting() + socksDomain(name, origin.port())));
    std::string reply = test::readAll(fd.get());
    ASSERT_EQ(reply.size(), 12u) << net::displayHost(name);
    EXPECT_EQ(reply[3], '\x02');
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

TEST(RuntimeProxy, Socks5BindAndNoAuthlessMethodAreRefused) {
  Origin origin(Origin::Mode::Echo);
  ProxyHarness h(kPolicy);
  {
    Fd fd = h.connect();
    ASSERT_TRUE(test::sendAll(fd.get(), socksGreeting() + socksDomain("allowed.test", origin.port(), '\x02')));
    std::string reply = test::readAll(fd.get());
    ASSERT_EQ(reply.size(), 12u);
    EXPECT_EQ(reply[3], '\x07');
  }
  {
    Fd fd = h.connect();
    ASSERT_TRUE(test::sendAll(fd.get(), std::string("\x05\x01\x02", 3)));
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
    ASSERT_TRUE(test::sendAll(fd.get(), "GET http://2130706433:" + port + "/ HTTP/1.1\r\n\r\n"));
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
  Fd socks = h.connect();
  ASSERT_TRUE(test::sendAll(socks.get(), socksGreeting() + socksDomain("allowed.test", closedPort)));
  std::string reply = test::readAll(socks.get());
  ASSERT_EQ(reply.size(), 12u);
  EXPECT_EQ(reply[3], '\x05');
}

} // namespace
