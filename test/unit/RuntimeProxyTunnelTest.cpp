// The proxy's tunnels and bounds: the TLS server-name gate (judged by what
// the origin received), protocols where the server speaks first, header
// and time limits, the connection limit, stop() closing live tunnels, and
// 200 concurrent tunnels. A disabled test measures throughput against a
// direct loopback transfer (run it by hand; it asserts nothing about time).
#include "RuntimeTestServers.h"

#include <gtest/gtest.h>

#include <fcntl.h>

#include <sys/resource.h>

using namespace moat;
using test::Fd;
using test::Origin;
using test::ProxyHarness;

namespace {

const char *kPolicy = R"(policy "t" {
  allow connect "allowed.test", "other.test";
  allow connect "127.0.0.1";
})";

std::string statusLine(const std::string &response) { return response.substr(0, response.find("\r\n")); }

// A tunnel through CONNECT; fails the test unless it is established.
Fd openTunnel(const ProxyHarness &h, const std::string &host, uint16_t port, int timeoutMillis = 5000) {
  Fd fd = h.connect(timeoutMillis);
  std::string authority = host + ":" + std::to_string(port);
  EXPECT_TRUE(test::sendAll(fd.get(), test::authorized("CONNECT " + authority + " HTTP/1.1\r\n\r\n")));
  EXPECT_EQ(test::readUntil(fd.get(), "\r\n\r\n"), "HTTP/1.1 200 Connection Established\r\n\r\n");
  return fd;
}

std::string str(const llvm::json::Object &o, const char *key) { return o.getString(key).getValueOr("").str(); }

TEST(RuntimeProxyTunnel, SniMismatchClosesWithoutForwardingAByte) {
  Origin origin(Origin::Mode::Echo);
  ProxyHarness h(kPolicy);
  Fd fd = openTunnel(h, "allowed.test", origin.port());
  ASSERT_TRUE(test::sendAll(fd.get(), test::clientHello("evil.example")));
  EXPECT_TRUE(test::closedByPeer(fd.get()));
  EXPECT_EQ(origin.bytesReceived(), 0u);
  auto events = h.eventsFor("allowed.test");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(str(events[1], "decision"), "deny");
  EXPECT_EQ(str(events[1], "reason"), "TLS SNI 'evil.example' does not match the requested host 'allowed.test'");
  EXPECT_EQ(h.server().stats().bytesUp, 0u);
}

TEST(RuntimeProxyTunnel, SniMismatchOverSocksAndAgainstAnIpTunnel) {
  Origin origin(Origin::Mode::Echo);
  ProxyHarness h(kPolicy);
  {
    Fd fd = h.connectSocks();
    std::string name = "allowed.test";
    ASSERT_TRUE(test::sendAll(fd.get(), std::string("\x05\x01\x00\x03", 4) +
                                            static_cast<char>(name.size()) + name +
                                            static_cast<char>(origin.port() >> 8) +
                                            static_cast<char>(origin.port() & 0xff) +
                                            test::clientHello("other.test")));
    std::string reply = test::readBytes(fd.get(), 10);
    ASSERT_EQ(reply.size(), 10u);
    EXPECT_EQ(reply[1], '\x00');
    EXPECT_TRUE(test::closedByPeer(fd.get()));
  }
  {
    Fd fd = openTunnel(h, "127.0.0.1", origin.port());
    ASSERT_TRUE(test::sendAll(fd.get(), test::clientHello("allowed.test")));
    EXPECT_TRUE(test::closedByPeer(fd.get()));
  }
  EXPECT_EQ(origin.bytesReceived(), 0u);
}

TEST(RuntimeProxyTunnel, MatchingSniNoSniAndNonTlsPass) {
  Origin origin(Origin::Mode::Echo);
  ProxyHarness h(kPolicy);
  for (std::string first : {test::clientHello("Allowed.TEST."), test::clientHello(""), std::string("PING\r\n")}) {
    Fd fd = openTunnel(h, "allowed.test", origin.port());
    // The hello in two pieces, to exercise collecting it.
    ASSERT_TRUE(test::sendAll(fd.get(), first.substr(0, 5)));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_TRUE(test::sendAll(fd.get(), first.substr(5)));
    EXPECT_EQ(test::readBytes(fd.get(), first.size()), first);
  }
}

TEST(RuntimeProxyTunnel, MalformedClientHelloIsRefused) {
  Origin origin(Origin::Mode::Echo);
  ProxyHarness h(kPolicy);
  Fd fd = openTunnel(h, "allowed.test", origin.port());
  std::string hello = test::clientHello("allowed.test");
  hello[5] = '\x02'; // not a ClientHello
  ASSERT_TRUE(test::sendAll(fd.get(), hello));
  EXPECT_TRUE(test::closedByPeer(fd.get()));
  EXPECT_EQ(origin.bytesReceived(), 0u);
}

TEST(RuntimeProxyTunnel, ServerSpeaksFirst) {
  Origin origin(Origin::Mode::SpeakFirst);
  ProxyHarness h(kPolicy);
  Fd fd = openTunnel(h, "allowed.test", origin.port());
  std::string banner = Origin::kBanner;
  EXPECT_EQ(test::readBytes(fd.get(), banner.size()), banner);
  ASSERT_TRUE(test::sendAll(fd.get(), "SSH-2.0-client\r\n"));
  EXPECT_EQ(test::readBytes(fd.get(), 16), "SSH-2.0-client\r\n");
}

TEST(RuntimeProxyTunnel, HeaderOverTheLimitGets431) {
  runtime::proxy::Limits limits;
  limits.maxHeaderBytes = 1024;
  ProxyHarness h(kPolicy, limits);
  Fd fd = h.connect();
  ASSERT_TRUE(test::sendAll(fd.get(), "GET http://allowed.test/ HTTP/1.1\r\nX-Big: " + std::string(2000, 'a') +
                                          "\r\n\r\n"));
  EXPECT_EQ(statusLine(test::readAll(fd.get())), "HTTP/1.1 431 Request Header Fields Too Large");
}

TEST(RuntimeProxyTunnel, SlowHeaderIsCutOffAtTheHandshakeTimeout) {
  runtime::proxy::Limits limits;
  limits.handshakeTimeout = std::chrono::milliseconds(300);
  ProxyHarness h(kPolicy, limits);
  Fd fd = h.connect(10000);
  auto start = std::chrono::steady_clock::now();
  bool closed = false;
  // One byte every 50 ms: never a whole head, always some progress.
  std::string head = "CONNECT allowed.test:443 HTTP/1.1\r\nX: ";
  for (int i = 0; i < 200 && !closed; ++i) {
    if (!test::sendAll(fd.get(), std::string(1, head[std::min<size_t>(i, head.size() - 1)])))
      closed = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(closed || test::closedByPeer(fd.get()));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  // A connection that never sends the credential is cut off too, and logged.
  Fd silent = h.connect(10000);
  EXPECT_TRUE(test::closedByPeer(silent.get()));
  auto events = h.events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(str(events.back(), "kind"), "proxy-credential");
}

TEST(RuntimeProxyTunnel, ConnectionLimit) {
  Origin origin(Origin::Mode::Echo);
  runtime::proxy::Limits limits;
  limits.maxConnections = 2;
  ProxyHarness h(kPolicy, limits);
  Fd first = openTunnel(h, "allowed.test", origin.port());
  Fd second = openTunnel(h, "allowed.test", origin.port());
  {
    Fd third = h.connect();
    ASSERT_TRUE(test::sendAll(third.get(), test::authorized("CONNECT allowed.test:" + std::to_string(origin.port()) +
                                                            " HTTP/1.1\r\n\r\n")));
    EXPECT_EQ(statusLine(test::readAll(third.get())), "HTTP/1.1 503 Service Unavailable");
    Fd socks = h.connectSocks();
    ASSERT_TRUE(test::sendAll(socks.get(), std::string("\x05\x01\x00\x01\x7f\x00\x00\x01", 8) +
                                               static_cast<char>(origin.port() >> 8) +
                                               static_cast<char>(origin.port() & 0xff)));
    std::string reply = test::readAll(socks.get());
    ASSERT_EQ(reply.size(), 10u);
    EXPECT_EQ(reply[1], '\x01');
  }
  EXPECT_EQ(origin.awaitConnections(2), 2u);
  bool logged = false;
  for (const auto &e : h.events())
    logged |= str(e, "reason").find("connection limit") != std::string::npos;
  EXPECT_TRUE(logged);
  // A closed tunnel frees its place.
  first.reset();
  bool admitted = false;
  for (int attempt = 0; attempt < 50 && !admitted; ++attempt) {
    Fd next = h.connect();
    ASSERT_TRUE(test::sendAll(next.get(), test::authorized("CONNECT allowed.test:" + std::to_string(origin.port()) +
                                                           " HTTP/1.1\r\n\r\n")));
    admitted = statusLine(test::readUntil(next.get(), "\r\n\r\n")) == "HTTP/1.1 200 Connection Established";
    if (!admitted)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(admitted);
}

TEST(RuntimeProxyTunnel, StopClosesOpenTunnels) {
  Origin origin(Origin::Mode::Echo);
  ProxyHarness h(kPolicy);
  Fd fd = openTunnel(h, "allowed.test", origin.port());
  ASSERT_TRUE(test::sendAll(fd.get(), "x"));
  EXPECT_EQ(test::readBytes(fd.get(), 1), "x");
  EXPECT_TRUE(h.server().running());
  h.server().stop();
  h.server().stop(); // idempotent
  EXPECT_FALSE(h.server().running());
  EXPECT_TRUE(test::closedByPeer(fd.get()));
  // The listener is gone with it.
  EXPECT_LT(test::connectLoopback(h.port()).get(), 0);
}

// `moat run`'s shape: listeners the bridge made (here: the test) are handed
// over; their clients send no credential, and the proxy closes them when it
// stops.
TEST(RuntimeProxyTunnel, ServedListenersNeedNoCredential) {
  Origin origin(Origin::Mode::Echo);
  test::TestPolicy p(kPolicy);
  runtime::proxy::Config config;
  config.evaluator = p.evaluator.get();
  config.resolve = test::testResolve;
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(listener, 16), 0);
  socklen_t len = sizeof a;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr *>(&a), &len), 0);
  uint16_t port = ntohs(a.sin_port);
  std::string error;
  auto server = runtime::proxy::Server::serveListeners(config, {listener}, error);
  ASSERT_TRUE(server) << error;
  {
    Fd fd = test::connectLoopback(port);
    ASSERT_GE(fd.get(), 0);
    test::setTimeouts(fd.get(), 5000);
    ASSERT_TRUE(test::sendAll(fd.get(), "CONNECT allowed.test:" + std::to_string(origin.port()) + " HTTP/1.1\r\n\r\n"));
    EXPECT_EQ(test::readUntil(fd.get(), "\r\n\r\n"), "HTTP/1.1 200 Connection Established\r\n\r\n");
    ASSERT_TRUE(test::sendAll(fd.get(), "ping"));
    EXPECT_EQ(test::readBytes(fd.get(), 4), "ping");
  }
  { // SOCKS5 on the same listener: the proxy tells the two apart
    Fd fd = test::connectLoopback(port);
    ASSERT_GE(fd.get(), 0);
    test::setTimeouts(fd.get(), 5000);
    ASSERT_TRUE(test::sendAll(fd.get(), std::string("\x05\x01\x00", 3)));
    EXPECT_EQ(test::readBytes(fd.get(), 2), std::string("\x05\x00", 2));
  }
  server->stop();
  EXPECT_LT(test::connectLoopback(port).get(), 0);
}

TEST(RuntimeProxyTunnel, ServeListenersRefusesWhatIsNotAListeningTcpSocket) {
  test::TestPolicy p(kPolicy);
  runtime::proxy::Config config;
  config.evaluator = p.evaluator.get();
  std::string error;
  int unixPair[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, unixPair), 0);
  int unbound = ::socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_FALSE(runtime::proxy::Server::serveListeners(config, {unixPair[0]}, error));
  EXPECT_NE(error.find("not a listening TCP socket"), std::string::npos) << error;
  EXPECT_FALSE(runtime::proxy::Server::serveListeners(config, {unbound}, error));
  EXPECT_FALSE(runtime::proxy::Server::serveListeners(config, {}, error));
  // Refused descriptors are closed, not leaked.
  EXPECT_EQ(::fcntl(unixPair[0], F_GETFD), -1);
  EXPECT_EQ(::fcntl(unbound, F_GETFD), -1);
  ::close(unixPair[1]);
}

TEST(RuntimeProxyTunnel, TwoHundredConcurrentTunnels) {
  Origin origin(Origin::Mode::Echo);
  ProxyHarness h(kPolicy);
  constexpr int kTunnels = 200;
  constexpr size_t kBytes = 64 * 1024;
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kTunnels; ++i)
    clients.emplace_back([&, i] {
      Fd fd = h.connect(20000);
      std::string authority = "allowed.test:" + std::to_string(origin.port());
      if (!test::sendAll(fd.get(), test::authorized("CONNECT " + authority + " HTTP/1.1\r\n\r\n")))
        return;
      if (test::readUntil(fd.get(), "\r\n\r\n") != "HTTP/1.1 200 Connection Established\r\n\r\n")
        return;
      // Not starting with 0x16, which would make it a (malformed) TLS hello.
      std::string payload(kBytes, static_cast<char>('a' + i % 26));
      std::string tag = "tunnel " + std::to_string(i) + ":";
      payload.replace(0, tag.size(), tag);
      std::thread writer([&] {
        test::sendAll(fd.get(), payload);
        ::shutdown(fd.get(), SHUT_WR);
      });
      std::string echoed = test::readAll(fd.get());
      writer.join();
      if (echoed == payload)
        ok++;
    });
  for (std::thread &t : clients)
    t.join();
  EXPECT_EQ(ok.load(), kTunnels);
  EXPECT_EQ(h.server().stats().bytesUp, kTunnels * kBytes);
  EXPECT_EQ(h.server().stats().bytesDown, kTunnels * kBytes);
}

// Throughput of one tunnel against a direct loopback transfer, both 1 GiB
// into a sink. Prints the numbers; run with --gtest_also_run_disabled_tests.
TEST(RuntimeProxyTunnel, DISABLED_ThroughputAgainstDirectLoopback) {
  constexpr size_t kTotal = size_t(1) << 30;
  // A sink: reads until EOF, then answers with one byte.
  Fd listener(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(listener.get(), 16), 0);
  socklen_t len = sizeof a;
  ::getsockname(listener.get(), reinterpret_cast<sockaddr *>(&a), &len);
  uint16_t port = ntohs(a.sin_port);
  std::thread sink([&] {
    for (int round = 0; round < 2; ++round) {
      int fd = ::accept(listener.get(), nullptr, nullptr);
      if (fd < 0)
        return;
      std::vector<char> buf(1 << 20);
      while (::recv(fd, buf.data(), buf.size(), 0) > 0) {
      }
      ::send(fd, "!", 1, MSG_NOSIGNAL);
      ::close(fd);
    }
  });
  auto pump = [&](int fd) {
    std::vector<char> chunk(1 << 20, 'x');
    auto start = std::chrono::steady_clock::now();
    for (size_t sent = 0; sent < kTotal;) {
      ssize_t n = ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
      if (n <= 0)
        return 0.0;
      sent += static_cast<size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    test::readBytes(fd, 1);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return kTotal / seconds / 1e6;
  };
  double direct;
  {
    Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
    ASSERT_EQ(::connect(fd.get(), reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
    direct = pump(fd.get());
  }
  double proxied;
  {
    ProxyHarness h(kPolicy);
    Fd fd = openTunnel(h, "allowed.test", port, 60000);
    proxied = pump(fd.get());
  }
  sink.join();
  std::printf("direct loopback: %.0f MB/s; through a CONNECT tunnel: %.0f MB/s (%.2fx)\n", direct, proxied,
              proxied / direct);
}

} // namespace
