// --upstream-proxy: the URL parser and the credentials' checks, the
// handshakes' bytes, and the proxy end to end through an upstream that is a
// second moat proxy on loopback (a real HTTP CONNECT and SOCKS5 server that
// asks for credentials, applies a policy of its own and logs what it was
// asked for), judged at the origin and in both proxies' logs. Squid and a
// SOCKS5 server as the upstream of a real `moat run`: test/upstream.
#include "RuntimeTestServers.h"

#include "runtime/proxy/UpstreamProxy.h"

#include <gtest/gtest.h>
#include <llvm/Support/Base64.h>

using namespace moat;
using runtime::proxy::UpstreamProxy;
using test::Fd;
using test::Origin;
using test::ProxyHarness;

namespace {

std::string str(const llvm::json::Object &o, const char *key) { return o.getString(key).getValueOr("").str(); }

std::optional<UpstreamProxy> parse(const std::string &url, std::string *errorOut = nullptr) {
  std::string error;
  auto out = runtime::proxy::parseUpstreamProxyUrl(url, error);
  if (errorOut)
    *errorOut = error;
  EXPECT_EQ(out.has_value(), error.empty()) << url << ": " << error;
  return out;
}

TEST(UpstreamProxyUrl, AcceptsTheThreeSchemesWithAHostAndAPort) {
  auto http = parse("http://127.0.0.1:3128");
  ASSERT_TRUE(http);
  EXPECT_EQ(http->protocol, UpstreamProxy::Protocol::HttpConnect);
  EXPECT_EQ(http->port, 3128);
  ASSERT_EQ(http->addresses.size(), 1u);
  EXPECT_EQ(http->addresses[0].to_string(), "127.0.0.1");
  EXPECT_EQ(http->url(), "http://127.0.0.1:3128");
  EXPECT_TRUE(http->resolvesNames());

  auto named = parse("HTTP://Proxy.Corp.:8080/");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->url(), "http://proxy.corp:8080");
  EXPECT_TRUE(named->addresses.empty()); // resolved by configureUpstreamProxy

  auto socks = parse("socks5://[::1]:1080");
  ASSERT_TRUE(socks);
  EXPECT_EQ(socks->protocol, UpstreamProxy::Protocol::Socks5);
  EXPECT_FALSE(socks->resolvesNames());
  EXPECT_EQ(socks->url(), "socks5://[::1]:1080");
  auto socksh = parse("socks5h://10.1.2.3:1080");
  ASSERT_TRUE(socksh);
  EXPECT_EQ(socksh->protocol, UpstreamProxy::Protocol::Socks5h);
  EXPECT_TRUE(socksh->resolvesNames());
}

TEST(UpstreamProxyUrl, RefusesEverythingElseWithAReason) {
  std::string error;
  for (const char *url : {"127.0.0.1:3128", "https://proxy:3128", "socks4://proxy:1080", "ftp://proxy:21",
                          "http://proxy", "http://proxy:", "http://proxy:0", "http://proxy:65536",
                          "http://proxy:3128/path", "http://proxy:3128?q", "http://proxy:3128#f", "http://:3128",
                          "http://pro xy:3128", "http://::1:3128", "http://proxy:3128//", ""}) {
    EXPECT_FALSE(parse(url, &error)) << url;
    EXPECT_FALSE(error.empty()) << url;
  }
  // Credentials never come from the command line, and the message says
  // where they do come from (without echoing them).
  for (const char *url : {"http://user:secret@proxy:3128", "socks5://user@proxy:1080", "http://@proxy:3128"}) {
    EXPECT_FALSE(parse(url, &error)) << url;
    EXPECT_NE(error.find("MOAT_UPSTREAM_PROXY_USER"), std::string::npos) << error;
    EXPECT_EQ(error.find("secret"), std::string::npos) << error;
  }
}

TEST(UpstreamProxyUrl, CredentialsComeInPairsAndMustBeUsable) {
  std::optional<runtime::proxy::UpstreamCredentials> out;
  std::string error;
  EXPECT_TRUE(runtime::proxy::upstreamCredentialsFrom(nullptr, nullptr, out, error));
  EXPECT_FALSE(out);
  EXPECT_TRUE(runtime::proxy::upstreamCredentialsFrom("alice", "s3cret:x", out, error));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->user, "alice");
  EXPECT_EQ(out->password, "s3cret:x");
  std::string tooLong(256, 'a');
  for (auto [user, password] : std::vector<std::pair<const char *, const char *>>{
           {"alice", nullptr}, {nullptr, "pw"}, {"", "pw"}, {"alice", ""}, {"al:ice", "pw"}, {"alice", "p\nw"},
           {tooLong.c_str(), "pw"}}) {
    error.clear();
    EXPECT_FALSE(runtime::proxy::upstreamCredentialsFrom(user, password, out, error));
    EXPECT_FALSE(error.empty());
  }
}

TEST(UpstreamProxyUrl, ANameIsResolvedOnceAndAnUnresolvableOneIsRefused) {
  ::unsetenv(runtime::proxy::kUpstreamUserVariable);
  ::unsetenv(runtime::proxy::kUpstreamPasswordVariable);
  std::string error;
  auto proxy = runtime::proxy::configureUpstreamProxy("socks5h://allowed.test:1080", test::testResolve, error);
  ASSERT_TRUE(proxy) << error;
  ASSERT_EQ(proxy->addresses.size(), 1u);
  EXPECT_EQ(proxy->addresses[0].to_string(), "127.0.0.1");
  EXPECT_FALSE(proxy->credentials);
  EXPECT_FALSE(runtime::proxy::configureUpstreamProxy("http://nowhere.test:3128", test::testResolve, error));
  EXPECT_NE(error.find("does not resolve"), std::string::npos) << error;
  ::setenv(runtime::proxy::kUpstreamUserVariable, "alice", 1);
  EXPECT_FALSE(runtime::proxy::configureUpstreamProxy("http://127.0.0.1:3128", test::testResolve, error));
  ::setenv(runtime::proxy::kUpstreamPasswordVariable, "pw", 1);
  proxy = runtime::proxy::configureUpstreamProxy("http://127.0.0.1:3128", test::testResolve, error);
  ::unsetenv(runtime::proxy::kUpstreamUserVariable);
  ::unsetenv(runtime::proxy::kUpstreamPasswordVariable);
  ASSERT_TRUE(proxy) << error;
  ASSERT_TRUE(proxy->credentials);
  EXPECT_EQ(proxy->credentials->password, "pw");
}

net::CanonicalHost host(const std::string &text) {
  std::string error;
  auto out = net::canonicaliseHost(text, error);
  EXPECT_TRUE(out) << error;
  return out.value_or(net::CanonicalHost{});
}

TEST(UpstreamProxyBytes, TheHandshakesAreWhatTheRfcsSay) {
  auto proxy = parse("http://127.0.0.1:3128");
  ASSERT_TRUE(proxy);
  EXPECT_EQ(runtime::proxy::httpConnectRequest(*proxy, host("Example.COM"), 443),
            "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
  proxy->credentials = runtime::proxy::UpstreamCredentials{"alice", "pw"};
  EXPECT_EQ(runtime::proxy::httpConnectRequest(*proxy, host("[::1]"), 8443),
            "CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\nProxy-Authorization: Basic " +
                llvm::encodeBase64(std::string("alice:pw")) + "\r\n\r\n");
  EXPECT_EQ(runtime::proxy::absoluteFormHead("GET /a?b HTTP/1.1\r\nHost: X.test\r\nConnection: close\r\n\r\n",
                                             *proxy, host("x.test"), 80),
            "GET http://x.test:80/a?b HTTP/1.1\r\nProxy-Authorization: Basic " +
                llvm::encodeBase64(std::string("alice:pw")) +
                "\r\nHost: X.test\r\nConnection: close\r\n\r\n");

  EXPECT_EQ(runtime::proxy::socks5ClientGreeting(false), std::string("\x05\x01\x00", 3));
  EXPECT_EQ(runtime::proxy::socks5ClientGreeting(true), std::string("\x05\x02\x00\x02", 4));
  EXPECT_EQ(runtime::proxy::socks5ClientUserPassword({"alice", "pw"}), std::string("\x01\x05" "alice\x02pw", 10));
  EXPECT_EQ(runtime::proxy::socks5ClientConnect(host("a.test"), 443),
            std::string("\x05\x01\x00\x03\x06" "a.test\x01\xbb", 13));
  EXPECT_EQ(runtime::proxy::socks5ClientConnect(host("127.1"), 80),
            std::string("\x05\x01\x00\x01\x7f\x00\x00\x01\x00\x50", 10));
  EXPECT_EQ(runtime::proxy::socks5ClientConnect(host("[::1]"), 80).size(), 4u + 16 + 2);

  runtime::proxy::Socks5ClientReply reply;
  EXPECT_EQ(runtime::proxy::parseSocks5ClientReply(std::string("\x05\x00\x00\x01\x00", 5), reply),
            runtime::proxy::ParseStatus::NeedMore);
  EXPECT_EQ(runtime::proxy::parseSocks5ClientReply(std::string("\x05\x02\x00\x01\0\0\0\0\0\0xyz", 13), reply),
            runtime::proxy::ParseStatus::Done);
  EXPECT_EQ(reply.code, 2);
  EXPECT_EQ(reply.size, 10u);
  EXPECT_EQ(runtime::proxy::parseSocks5ClientReply(std::string("\x05\x00\x00\x03\x01x\0\0", 8), reply),
            runtime::proxy::ParseStatus::Done);
  EXPECT_EQ(reply.size, 8u);
  EXPECT_EQ(runtime::proxy::parseSocks5ClientReply(std::string("\x04\x00\x00\x01\0\0\0\0\0\0", 10), reply),
            runtime::proxy::ParseStatus::Invalid);
  EXPECT_EQ(runtime::proxy::parseSocks5ClientReply(std::string("\x05\x00\x00\x09\0\0\0\0\0\0", 10), reply),
            runtime::proxy::ParseStatus::Invalid);

  runtime::proxy::HttpStatusLine status;
  std::string error;
  EXPECT_EQ(runtime::proxy::parseHttpStatusHead("HTTP/1.1 200 Connection established\r\n\r\nxy", 100, status, error),
            runtime::proxy::ParseStatus::Done);
  EXPECT_EQ(status.status, 200);
  EXPECT_EQ(status.phrase, "Connection established");
  EXPECT_EQ(status.headSize, 39u);
  EXPECT_EQ(runtime::proxy::parseHttpStatusHead("HTTP/1.0 403\r\nX: y\r\n\r\n", 100, status, error),
            runtime::proxy::ParseStatus::Done);
  EXPECT_EQ(status.status, 403);
  EXPECT_EQ(runtime::proxy::parseHttpStatusHead("HTTP/1.1 200 OK\r\n", 100, status, error),
            runtime::proxy::ParseStatus::NeedMore);
  for (const char *bad : {"SSH-2.0-x\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 abc OK\r\n\r\n",
                          "HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 099 x\r\n\r\n"})
    EXPECT_EQ(runtime::proxy::parseHttpStatusHead(bad, 100, status, error), runtime::proxy::ParseStatus::Invalid)
        << bad;
  EXPECT_EQ(runtime::proxy::parseHttpStatusHead(std::string(100, 'x'), 100, status, error),
            runtime::proxy::ParseStatus::Invalid);
}

// ---- End to end: moat's proxy with another moat proxy as its upstream ----

// The upstream's own policy: the test names, but not far.test's address
// or other.test (its refusals are what the downstream must pass on).
const char *kUpstreamPolicy = R"(policy "upstream" {
  allow connect "allowed.test", "rebind.test";
  deny connect "other.test";
  allow connect "127.0.0.1";
})";
// The downstream (the sandbox's proxy): everything the tests ask for but
// denied.test.
const char *kDownstreamPolicy = R"(policy "downstream" {
  allow connect "allowed.test", "other.test", "far.test";
  deny connect "denied.test";
  allow connect "127.0.0.1";
})";

std::vector<asio::ip::address> downstreamResolve(const std::string &name, std::string &error) {
  if (name == "far.test") // public, so the socks5:// downstream hands the upstream this address
    return {asio::ip::make_address("93.184.216.34")};
  return test::testResolve(name, error);
}

runtime::proxy::UpstreamProxy upstreamAt(const std::string &scheme, uint16_t port, bool withCredentials = true,
                                         const std::string &password = "") {
  auto proxy = parse(scheme + "://127.0.0.1:" + std::to_string(port));
  EXPECT_TRUE(proxy);
  if (withCredentials)
    proxy->credentials = runtime::proxy::UpstreamCredentials{
        "moat", password.empty() ? runtime::proxy::credentialToken(test::harnessCredential()) : password};
  return *proxy;
}

struct Chain {
  ProxyHarness upstream{kUpstreamPolicy};
  std::unique_ptr<ProxyHarness> downstream;
  explicit Chain(const std::string &scheme, bool withCredentials = true, const std::string &password = "",
                 runtime::proxy::Limits limits = {}) {
    auto proxy = upstreamAt(scheme, upstream.port(), withCredentials, password);
    downstream = std::make_unique<ProxyHarness>(kDownstreamPolicy, limits, [&](runtime::proxy::Config &config) {
      config.upstream = proxy;
      config.resolve = downstreamResolve;
    });
  }
};

std::string connectThrough(ProxyHarness &h, const std::string &authority, const std::string &payload) {
  Fd fd = h.connect();
  EXPECT_TRUE(test::sendAll(fd.get(), test::authorized("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority +
                                                       "\r\n\r\n")));
  std::string head = test::readUntil(fd.get(), "\r\n\r\n");
  if (head.rfind("HTTP/1.1 200", 0) != 0)
    return head + test::readAll(fd.get());
  EXPECT_TRUE(test::sendAll(fd.get(), payload));
  ::shutdown(fd.get(), SHUT_WR);
  return head + test::readAll(fd.get());
}

TEST(UpstreamProxyChain, HttpUpstreamCarriesTunnelsAndPlainRequestsByName) {
  Origin echo(Origin::Mode::Echo);
  Origin http(Origin::Mode::Http);
  Chain chain("http");
  std::string got = connectThrough(*chain.downstream, "allowed.test:" + std::to_string(echo.port()), "ping");
  EXPECT_EQ(got, "HTTP/1.1 200 Connection Established\r\n\r\nping");

  Fd fd = chain.downstream->connect();
  std::string url = "http://allowed.test:" + std::to_string(http.port()) + "/page";
  ASSERT_TRUE(test::sendAll(fd.get(), test::authorized("GET " + url + " HTTP/1.1\r\nHost: allowed.test\r\n\r\n")));
  EXPECT_NE(test::readAll(fd.get()).find("\r\n\r\nok"), std::string::npos);
  ASSERT_EQ(http.heads().size(), 1u);
  EXPECT_EQ(http.heads()[0].substr(0, 19), "GET /page HTTP/1.1\r");

  // The upstream was asked for the NAME (it resolved it), once by CONNECT
  // and once by an absolute-URI request; the downstream logged both as
  // going via the upstream.
  auto seen = chain.upstream.eventsFor("allowed.test");
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(str(seen[0], "protocol"), "connect");
  EXPECT_EQ(str(seen[1], "protocol"), "http");
  auto logged = chain.downstream->eventsFor("allowed.test");
  ASSERT_EQ(logged.size(), 2u);
  for (const auto &e : logged) {
    EXPECT_EQ(str(e, "decision"), "allow");
    EXPECT_EQ(str(e, "reason"), "via upstream proxy http://127.0.0.1:" + std::to_string(chain.upstream.port()));
  }
}

TEST(UpstreamProxyChain, APolicyRefusalNeverReachesTheUpstream) {
  Origin echo(Origin::Mode::Echo);
  Chain chain("http");
  std::string got = connectThrough(*chain.downstream, "denied.test:" + std::to_string(echo.port()), "x");
  EXPECT_EQ(got.substr(0, 22), "HTTP/1.1 403 Forbidden");
  EXPECT_EQ(chain.upstream.server().stats().accepted, 0u);
  EXPECT_TRUE(chain.upstream.events().empty());
  EXPECT_EQ(echo.connections(), 0u);
}

TEST(UpstreamProxyChain, TheUpstreamsRefusalReachesTheClientAndTheLog) {
  Origin echo(Origin::Mode::Echo);
  Chain chain("http");
  std::string got = connectThrough(*chain.downstream, "other.test:" + std::to_string(echo.port()), "x");
  EXPECT_EQ(got.substr(0, 22), "HTTP/1.1 403 Forbidden");
  EXPECT_NE(got.find("X-Moat-Reason: refused by the upstream proxy: 403 Forbidden"), std::string::npos) << got;
  EXPECT_EQ(echo.connections(), 0u);
  auto logged = chain.downstream->eventsFor("other.test");
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(str(logged[0], "decision"), "deny");
  EXPECT_EQ(str(logged[0], "rule"), "upstream");
  EXPECT_NE(str(logged[0], "reason").find("upstream proxy http://127.0.0.1:"), std::string::npos);
}

TEST(UpstreamProxyChain, TheTlsServerNameGateHoldsOverAnUpstreamTunnel) {
  Origin echo(Origin::Mode::Echo);
  Chain chain("http");
  Fd fd = chain.downstream->connect();
  std::string authority = "allowed.test:" + std::to_string(echo.port());
  ASSERT_TRUE(test::sendAll(fd.get(), test::authorized("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority +
                                                       "\r\n\r\n")));
  EXPECT_EQ(test::readUntil(fd.get(), "\r\n\r\n"), "HTTP/1.1 200 Connection Established\r\n\r\n");
  ASSERT_TRUE(test::sendAll(fd.get(), test::clientHello("other.test")));
  EXPECT_TRUE(test::closedByPeer(fd.get()));
  EXPECT_EQ(echo.bytesReceived(), 0u); // not one byte of the hello reached the destination
  auto logged = chain.downstream->eventsFor("allowed.test");
  ASSERT_EQ(logged.size(), 2u);
  EXPECT_NE(str(logged[1], "reason").find("TLS SNI 'other.test'"), std::string::npos);
}

TEST(UpstreamProxyChain, LoopbackDestinationsStayDirect) {
  Origin echo(Origin::Mode::Echo);
  Chain chain("http");
  std::string got = connectThrough(*chain.downstream, "127.0.0.1:" + std::to_string(echo.port()), "hi");
  EXPECT_EQ(got, "HTTP/1.1 200 Connection Established\r\n\r\nhi");
  EXPECT_EQ(chain.upstream.server().stats().accepted, 0u);
}

TEST(UpstreamProxyChain, Socks5hSendsTheNameSocks5TheVettedAddress) {
  Origin echo(Origin::Mode::Echo);
  {
    Chain chain("socks5h");
    Fd fd = chain.downstream->connectSocks();
    std::string name = "allowed.test";
    ASSERT_TRUE(test::sendAll(fd.get(), std::string("\x05\x01\x00\x03", 4) + static_cast<char>(name.size()) + name +
                                            static_cast<char>(echo.port() >> 8) +
                                            static_cast<char>(echo.port() & 0xff)));
    EXPECT_EQ(test::readBytes(fd.get(), 10), std::string("\x05\x00\x00\x01\0\0\0\0\0\0", 10));
    ASSERT_TRUE(test::sendAll(fd.get(), "socks"));
    EXPECT_EQ(test::readBytes(fd.get(), 5), "socks");
    ASSERT_EQ(chain.upstream.eventsFor("allowed.test").size(), 1u);
    EXPECT_EQ(str(chain.upstream.eventsFor("allowed.test")[0], "protocol"), "socks5");
  }
  {
    // socks5://: moat resolves far.test itself and asks the upstream for
    // the address, which the upstream's policy refuses: SOCKS 02 reaches
    // the client as 403.
    Chain chain("socks5");
    std::string got = connectThrough(*chain.downstream, "far.test:443", "x");
    EXPECT_EQ(got.substr(0, 22), "HTTP/1.1 403 Forbidden") << got;
    EXPECT_NE(got.find("SOCKS5 reply 2"), std::string::npos) << got;
    EXPECT_EQ(chain.upstream.eventsFor("far.test").size(), 0u);
    ASSERT_EQ(chain.upstream.eventsFor("93.184.216.34").size(), 1u);
  }
}

TEST(UpstreamProxyChain, WrongOrMissingCredentialsAre502WithTheReason) {
  Origin echo(Origin::Mode::Echo);
  std::string authority = "allowed.test:" + std::to_string(echo.port());
  for (const char *scheme : {"http", "socks5h"}) {
    Chain wrong(scheme, true, "not-the-token");
    std::string got = connectThrough(*wrong.downstream, authority, "x");
    EXPECT_EQ(got.substr(0, 24), "HTTP/1.1 502 Bad Gateway") << scheme << ": " << got;
    EXPECT_NE(got.find("refused moat's credentials"), std::string::npos) << got;
    Chain none(scheme, false);
    got = connectThrough(*none.downstream, authority, "x");
    EXPECT_EQ(got.substr(0, 24), "HTTP/1.1 502 Bad Gateway") << scheme << ": " << got;
    EXPECT_NE(got.find("MOAT_UPSTREAM_PROXY_USER"), std::string::npos) << got;
  }
  EXPECT_EQ(echo.connections(), 0u);
}

TEST(UpstreamProxyChain, AnUnreachableOrSilentUpstreamIs502WithinTheTimeout) {
  runtime::proxy::Limits limits;
  limits.connectTimeout = std::chrono::milliseconds(300);
  uint16_t closedPort;
  {
    ProxyHarness gone(kUpstreamPolicy);
    closedPort = gone.port();
  }
  ProxyHarness refused(kDownstreamPolicy, limits, [&](runtime::proxy::Config &config) {
    config.upstream = upstreamAt("http", closedPort);
  });
  std::string got = connectThrough(refused, "allowed.test:80", "x");
  EXPECT_EQ(got.substr(0, 24), "HTTP/1.1 502 Bad Gateway") << got;
  EXPECT_NE(got.find("could not be reached"), std::string::npos) << got;

  // Listens, never accepts, never answers: the kernel completes the
  // connect, the handshake waits, the connect timeout ends it.
  Fd silent(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(silent.get(), reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(silent.get(), 8), 0);
  socklen_t len = sizeof a;
  ::getsockname(silent.get(), reinterpret_cast<sockaddr *>(&a), &len);
  for (const char *scheme : {"http", "socks5h"}) {
    ProxyHarness waiting(kDownstreamPolicy, limits, [&](runtime::proxy::Config &config) {
      config.upstream = upstreamAt(scheme, ntohs(a.sin_port));
    });
    auto start = std::chrono::steady_clock::now();
    got = connectThrough(waiting, "allowed.test:80", "x");
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(got.substr(0, 24), "HTTP/1.1 502 Bad Gateway") << got;
    EXPECT_NE(got.find("did not answer within the connect timeout"), std::string::npos) << got;
    EXPECT_LT(took, std::chrono::seconds(3));
    auto logged = waiting.eventsFor("allowed.test");
    ASSERT_EQ(logged.size(), 1u);
    EXPECT_NE(str(logged[0], "reason").find("upstream proxy " + std::string(scheme)), std::string::npos);
  }
}

} // namespace
