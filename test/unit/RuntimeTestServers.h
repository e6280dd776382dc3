// What the proxy's tests share: origin servers on 127.0.0.1 ephemeral ports
// (echo, a tiny HTTP server that records the request, one that speaks
// first), blocking client helpers with timeouts, a policy parsed from
// .moat text, a hand-built TLS ClientHello, and a harness that runs the
// proxy on a loopback port with its log in a scratch directory. Every wait is bounded:
// sockets get receive/send timeouts, so a broken proxy fails a test
// instead of hanging the suite.
#pragma once
#include "compiler/Frontend.h"
#include "compiler/eval/Evaluator.h"
#include "compiler/sema/Sema.h"
#include "runtime/EventLog.h"
#include "runtime/proxy/ProxyServer.h"

#include "TestModel.h"

#include <gtest/gtest.h>
#include <llvm/Support/JSON.h>

#include <arpa/inet.h>
#include <optional>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace moat::test {

inline void setTimeouts(int fd, int millis) {
  timeval tv{millis / 1000, (millis % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

inline bool sendAll(int fd, const std::string &bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Reads until `n` bytes arrived, the peer closed, or a timeout.
inline std::string readBytes(int fd, size_t n) {
  std::string out;
  char buf[65536];
  while (out.size() < n) {
    ssize_t got = ::recv(fd, buf, std::min(sizeof buf, n - out.size()), 0);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      break;
    out.append(buf, static_cast<size_t>(got));
  }
  return out;
}

// Reads until `delimiter` has arrived (inclusive), EOF, or a timeout.
inline std::string readUntil(int fd, const std::string &delimiter, size_t max = 1 << 20) {
  std::string out;
  char c;
  while (out.size() < max && (out.size() < delimiter.size() ||
                              out.compare(out.size() - delimiter.size(), delimiter.size(), delimiter) != 0)) {
    ssize_t got = ::recv(fd, &c, 1, 0);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      break;
    out += c;
  }
  return out;
}

// Everything until EOF (or a timeout).
inline std::string readAll(int fd) { return readBytes(fd, 1 << 24); }

// True when the peer closed (EOF or reset) within the socket's timeout.
inline bool closedByPeer(int fd) {
  char buf[4096];
  while (true) {
    ssize_t got = ::recv(fd, buf, sizeof buf, 0);
    if (got < 0 && errno == EINTR)
      continue;
    if (got == 0)
      return true;
    if (got < 0)
      return errno != EAGAIN && errno != EWOULDBLOCK;
  }
}

class Fd {
public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd &&o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd &operator=(Fd &&o) noexcept {
    reset();
    fd_ = o.fd_;
    o.fd_ = -1;
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }

private:
  int fd_;
};

// A TCP connection to 127.0.0.1:port (an empty Fd when refused).
inline Fd connectLoopback(uint16_t port) {
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::connect(fd.get(), reinterpret_cast<sockaddr *>(&a), sizeof a) != 0)
    fd.reset();
  return fd;
}

// An origin server on 127.0.0.1, one thread per connection.
class Origin {
public:
  enum class Mode {
    Echo,       // echoes until EOF, then closes
    Http,       // records the request head, answers 200 "ok", closes
    SpeakFirst  // sends a banner, then echoes
  };
  static constexpr const char *kBanner = "SSH-2.0-moat-test\r\n";

  explicit Origin(Mode mode) : mode_(mode) {
    listen_ = Fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listen_.get(), reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
    EXPECT_EQ(::listen(listen_.get(), 1024), 0);
    socklen_t len = sizeof a;
    ::getsockname(listen_.get(), reinterpret_cast<sockaddr *>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { acceptLoop(); });
  }
  ~Origin() { stop(); }

  void stop() {
    if (stopped_.exchange(true))
      return;
    ::shutdown(listen_.get(), SHUT_RDWR);
    if (acceptor_.joinable())
      acceptor_.join();
    std::vector<std::thread> workers;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      workers.swap(workers_);
      for (int fd : open_)
        ::shutdown(fd, SHUT_RDWR);
    }
    for (std::thread &t : workers)
      t.join();
  }

  uint16_t port() const { return port_; }
  size_t connections() const { return connections_.load(); }
  // The count once it reaches `n` (the origin's accept thread may lag
  // behind the proxy's completed connect), or after two seconds.
  size_t awaitConnections(size_t n) const {
    for (int i = 0; i < 200 && connections_.load() < n; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return connections_.load();
  }
  uint64_t bytesReceived() const { return bytesReceived_.load(); }
  std::vector<std::string> heads() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return heads_;
  }

private:
  void acceptLoop() {
    while (!stopped_) {
      int fd = ::accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED)
          continue;
        return;
      }
      connections_++;
      setTimeouts(fd, 10000);
      std::lock_guard<std::mutex> lock(mutex_);
      open_.push_back(fd);
      workers_.emplace_back([this, fd] { serve(fd); });
    }
  }

  void serve(int fd) {
    if (mode_ == Mode::Http) {
      std::string head = readUntil(fd, "\r\n\r\n", 65536);
      bytesReceived_ += head.size();
      {
        std::lock_guard<std::mutex> lock(mutex_);
        heads_.push_back(head);
      }
      sendAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    } else {
      if (mode_ == Mode::SpeakFirst)
        sendAll(fd, kBanner);
      char buf[65536];
      while (true) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
          continue;
        if (n <= 0)
          break;
        bytesReceived_ += static_cast<uint64_t>(n);
        if (!sendAll(fd, std::string(buf, static_cast<size_t>(n))))
          break;
      }
    }
    ::shutdown(fd, SHUT_WR);
    std::lock_guard<std::mutex> lock(mutex_);
    for (int &open : open_)
      if (open == fd)
        open = -1;
    ::close(fd);
  }

  Mode mode_;
  Fd listen_;
  uint16_t port_ = 0;
  std::thread acceptor_;
  std::atomic<bool> stopped_{false};
  std::atomic<size_t> connections_{0};
  std::atomic<uint64_t> bytesReceived_{0};
  mutable std::mutex mutex_;
  std::vector<std::thread> workers_;
  std::vector<int> open_;
  std::vector<std::string> heads_;
};

// A policy parsed from .moat text, with its evaluator.
struct TestPolicy {
  SourceFiles files;
  DiagnosticEngine diags{files};
  std::optional<ir::Policy> policy;
  std::unique_ptr<eval::Evaluator> evaluator;

  explicit TestPolicy(const std::string &text) {
    uint32_t buffer = files.addBuffer("p.moat", text);
    auto file = readPolicyBuffer(buffer, diags);
    EXPECT_TRUE(file.has_value()) << text;
    if (!file)
      return;
    sema::IncludeReader none = [](const std::string &, SourceLoc) { return std::optional<ast::File>(); };
    policy = sema::analyse(*file, none, sema::SemaOptions{}, diags);
    EXPECT_FALSE(diags.hasErrors()) << text;
    if (!policy)
      return;
    std::string error;
    evaluator = eval::Evaluator::create(*policy, modelBindings(), ir::Platform::Linux, error);
    EXPECT_TRUE(evaluator) << error;
  }
};

inline std::string ruleLocation(const ir::NetRule *rule) {
  if (!rule->prov.loc.valid())
    return "builtin";
  return "p.moat:" + std::to_string(rule->prov.loc.line) + ":" + std::to_string(rule->prov.loc.col);
}

// Test names: allowed.test and rebind.test are 127.0.0.1 (where the
// origins listen), public.test is 93.184.216.34 (never dialled: only a
// refusal is expected), mixed.test is 10.0.0.1 then 127.0.0.1.
inline std::vector<asio::ip::address> testResolve(const std::string &name, std::string &error) {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"allowed.test", {"127.0.0.1"}},   {"rebind.test", {"127.0.0.1"}},
      {"other.test", {"127.0.0.1"}},     {"public.test", {"93.184.216.34"}},
      {"metadata.test", {"169.254.169.254"}}, {"mixed.test", {"10.0.0.1", "127.0.0.1"}},
      {"mapped.test", {"::ffff:127.0.0.1"}},
  };
  auto it = table.find(name);
  if (it == table.end()) {
    error = "unknown test name";
    return {};
  }
  std::vector<asio::ip::address> out;
  for (const std::string &text : it->second)
    out.push_back(asio::ip::make_address(text));
  return out;
}

// The session credential every harness proxy asks for.
inline runtime::proxy::Credential harnessCredential() {
  runtime::proxy::Credential credential{};
  for (size_t i = 0; i < credential.size(); ++i)
    credential[i] = static_cast<unsigned char>(0xa0 + i);
  return credential;
}

// `request` (an HTTP request head) with the harness's credential in a
// `Proxy-Authorization: Basic` line after the request line, as curl sends
// it for `-x http://moat:TOKEN@HOST:PORT`.
inline std::string authorized(const std::string &request) {
  size_t lineEnd = request.find("\r\n");
  std::string line = "Proxy-Authorization: Basic " + runtime::proxy::basicCredentials(harnessCredential()) + "\r\n";
  return request.substr(0, lineEnd + 2) + line + request.substr(lineEnd + 2);
}

// RFC 1929's request: version 1, the user name, the password.
inline std::string socksUserPassword(const std::string &user, const std::string &password) {
  return std::string(1, '\x01') + static_cast<char>(user.size()) + user + static_cast<char>(password.size()) +
         password;
}

// The proxy on a loopback TCP port (listenTcp: every connection must
// present the session credential, HTTP in Proxy-Authorization, SOCKS5
// through RFC 1929), with a log file in a scratch directory.
class ProxyHarness {
public:
  // `adjust` changes the config before the server starts (an upstream proxy).
  explicit ProxyHarness(const std::string &policyText, runtime::proxy::Limits limits = {},
                        const std::function<void(runtime::proxy::Config &)> &adjust = nullptr)
      : policy_(policyText) {
    std::string base = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
    std::string pattern = base + "/moat-proxy-test-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    EXPECT_NE(::mkdtemp(buf.data()), nullptr);
    dir_ = buf.data();
    logPath_ = dir_ + "/events.jsonl";
    std::string error;
    auto opened = runtime::EventLog::open(logPath_, false, error);
    EXPECT_TRUE(opened.has_value()) << error;
    if (opened)
      log_.emplace(std::move(*opened));
    runtime::proxy::Config config;
    config.evaluator = policy_.evaluator.get();
    config.credential = harnessCredential();
    config.limits = limits;
    config.resolve = testResolve;
    config.log = log_ ? &*log_ : nullptr;
    config.ruleName = ruleLocation;
    if (adjust)
      adjust(config);
    server_ = runtime::proxy::Server::listenTcp(
        config, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), error);
    EXPECT_TRUE(server_) << error;
    if (server_)
      port_ = static_cast<uint16_t>(std::stoi(server_->endpointText().substr(server_->endpointText().rfind(':') + 1)));
  }
  ~ProxyHarness() {
    server_.reset();
    ::unlink(logPath_.c_str());
    ::rmdir(dir_.c_str());
  }

  runtime::proxy::Server &server() { return *server_; }
  uint16_t port() const { return port_; }

  // A TCP connection to the proxy, nothing sent: HTTP requests carry the
  // credential themselves (authorized()).
  Fd connect(int timeoutMillis = 5000) const {
    Fd fd = connectLoopback(port_);
    EXPECT_GE(fd.get(), 0) << std::strerror(errno);
    setTimeouts(fd.get(), timeoutMillis);
    return fd;
  }
  // A SOCKS5 connection that has authenticated as curl does for
  // `socks5h://moat:TOKEN@...` (offering methods 0, 1 and 2), ready for
  // its request.
  Fd connectSocks(int timeoutMillis = 5000) const {
    Fd fd = connect(timeoutMillis);
    EXPECT_TRUE(sendAll(fd.get(), std::string("\x05\x03\x00\x01\x02", 5)));
    EXPECT_EQ(readBytes(fd.get(), 2), std::string("\x05\x02", 2));
    std::string token = runtime::proxy::credentialToken(harnessCredential());
    EXPECT_TRUE(sendAll(fd.get(), socksUserPassword("moat", token)));
    EXPECT_EQ(readBytes(fd.get(), 2), std::string("\x01\x00", 2));
    return fd;
  }

  // The log's events so far, parsed back.
  std::vector<llvm::json::Object> events() const {
    std::ifstream in(logPath_);
    std::vector<llvm::json::Object> out;
    std::string line;
    while (std::getline(in, line)) {
      llvm::Expected<llvm::json::Value> v = llvm::json::parse(line);
      if (!v) {
        ADD_FAILURE() << "not JSON: " << line << ": " << llvm::toString(v.takeError());
        continue;
      }
      if (const llvm::json::Object *o = v->getAsObject())
        out.push_back(*o);
      else
        ADD_FAILURE() << "not an object: " << line;
    }
    return out;
  }
  // The events whose target is `target` ("" = all), as "decision kind protocol reason" lines.
  std::vector<llvm::json::Object> eventsFor(const std::string &target) const {
    std::vector<llvm::json::Object> out;
    for (llvm::json::Object &o : events())
      if (target.empty() || o.getString("target").getValueOr("") == target)
        out.push_back(std::move(o));
    return out;
  }

private:
  TestPolicy policy_;
  std::string dir_, logPath_;
  uint16_t port_ = 0;
  std::optional<runtime::EventLog> log_;
  std::unique_ptr<runtime::proxy::Server> server_;
};

// A minimal TLS 1.2-style ClientHello record carrying `serverName` (none
// when empty).
inline std::string clientHello(const std::string &serverName) {
  auto u16 = [](size_t v) { return std::string{static_cast<char>(v >> 8), static_cast<char>(v & 0xff)}; };
  std::string body;
  body += std::string("\x03\x03", 2);      // legacy_version
  body += std::string(32, '\x11');         // random
  body += '\0';                            // session id
  body += u16(4) + std::string("\x13\x01\x00\x2f", 4); // two cipher suites
  body += std::string("\x01\x00", 2);      // compression: null
  std::string extensions;
  if (!serverName.empty()) {
    std::string entry = std::string(1, '\0') + u16(serverName.size()) + serverName;
    std::string list = u16(entry.size()) + entry;
    extensions += u16(0) + u16(list.size()) + list;
  }
  extensions += u16(0x002b) + u16(3) + std::string("\x02\x03\x04", 3); // supported_versions
  body += u16(extensions.size()) + extensions;
  std::string handshake = std::string(1, '\x01') + '\0' + u16(body.size()) + body;
  return std::string("\x16\x03\x01", 3) + u16(handshake.size()) + handshake;
}

} // namespace moat::test
