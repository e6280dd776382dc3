// The server's frame: the listener, the accept loop with the connection
// limit, the I/O thread and stopping. Over the limit, a connection is still
// read far enough to answer "busy" in its own protocol (503, SOCKS 0x01),
// but only a few such connections at a time; past those it is closed at
// once. Stopping closes the listener and every session's sockets on the
// I/O thread before the thread is joined: when the proxy goes, the network
// goes with it, never the other way round.
#include "runtime/proxy/ProxyServer.h"

#include "runtime/proxy/Session.h"
#include "runtime/ProcessCommand.h"

#include <asio/post.hpp>

#include <csignal>
#include <cstring>
#include <future>
#include <pthread.h>
#include <sys/socket.h>
#include <utility>
#include <unistd.h>

namespace moat::runtime::proxy {

namespace {
// Connections over the limit that are answered "busy" rather than dropped.
constexpr size_t kMaxOverflow = 64;
constexpr auto kAcceptRetry = std::chrono::milliseconds(50);
} // namespace

ServerCore::ServerCore(Config c) : config(std::move(c)) { answerGate->io = &io; }

bool ServerCore::listen(const asio::ip::tcp::endpoint &endpoint, std::string &error) {
  asio::error_code ec;
  auto &acceptor = listeners_.emplace_back(io).acceptor;
  acceptor.open(asio::generic::stream_protocol(endpoint.protocol().family(), IPPROTO_TCP), ec);
  if (!ec)
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec)
    acceptor.bind(asio::generic::stream_protocol::endpoint(endpoint), ec);
  if (!ec)
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot listen on TCP: " + ec.message();
    acceptor.close(ec);
    return false;
  }
  asio::generic::stream_protocol::endpoint local = acceptor.local_endpoint(ec);
  asio::ip::tcp::endpoint tcp;
  if (!ec && local.size() <= tcp.capacity()) {
    std::memcpy(tcp.data(), local.data(), local.size());
    tcp.resize(local.size());
  }
  std::string address = tcp.address().to_string();
  endpointText = (tcp.address().is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(tcp.port());
  startServing();
  return true;
}

bool ServerCore::adopt(std::vector<int> listening, std::string &error) {
  // On any failure every descriptor not yet an acceptor's is closed here.
  auto fail = [&](std::string why) {
    error = std::move(why);
    for (int &fd : listening)
      if (fd >= 0)
        ::close(std::exchange(fd, -1));
    return false;
  };
  if (listening.empty())
    return fail("no listener handed to the proxy");
  for (int &fd : listening) {
    int type = 0, accepting = 0, domain = 0;
    socklen_t n = sizeof type;
    bool ok = ::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &n) == 0 && type == SOCK_STREAM;
    n = sizeof accepting;
    ok = ok && ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &n) == 0 && accepting;
    n = sizeof domain;
    ok = ok && ::getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &n) == 0 && (domain == AF_INET || domain == AF_INET6);
    if (!ok)
      return fail("a descriptor handed to the proxy is not a listening TCP socket");
    asio::error_code ec;
    listeners_.emplace_back(io).acceptor.assign(asio::generic::stream_protocol(domain, IPPROTO_TCP), fd, ec);
    if (ec)
      return fail("cannot serve a handed-over listener: " + ec.message());
    fd = -1; // the acceptor's now
  }
  credentialRequired = false;
  endpointText = "the sandbox's listeners";
  startServing();
  return true;
}

void ServerCore::startServing() {
  for (Listener &listener : listeners_)
    acceptNext(listener);
  running = true;
  thread_ = std::thread([this] {
    // A peer that went away must never kill the launcher with SIGPIPE
    // (Asio sends with MSG_NOSIGNAL; this covers any other write). Blocked
    // here, a SIGPIPE raised by this thread stays pending on it and is
    // never delivered; the write fails with EPIPE instead.
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    try {
      io.run();
    } catch (...) {
      // Handlers do not throw; should Asio itself fail, the thread ends
      // and stop() still closes every socket.
    }
  });
}

void ServerCore::acceptNext(Listener &listener) {
  listener.acceptor.async_accept([this, &listener](const asio::error_code &ec, Socket socket) {
    if (stopped_ || ec == asio::error::operation_aborted)
      return;
    if (ec) {
      // Out of descriptors or similar: retry shortly instead of spinning.
      listener.retry.expires_after(kAcceptRetry);
      listener.retry.async_wait([this, &listener](const asio::error_code &ec) {
        if (!ec && !stopped_)
          acceptNext(listener);
      });
      return;
    }
    admit(std::move(socket));
    acceptNext(listener);
  });
}

void ServerCore::admit(Socket socket) {
  accepted.fetch_add(1, std::memory_order_relaxed);
  // Without it the last segment of every response would wait for the
  // client's delayed ACK (Nagle): ~40 ms on each download.
  asio::error_code ignored;
  socket.set_option(asio::ip::tcp::no_delay(true), ignored);
  bool overLimit = admitted >= config.limits.maxConnections;
  if (overLimit && overflow >= kMaxOverflow) {
    refused.fetch_add(1, std::memory_order_relaxed);
    record("proxy-limit", "", std::nullopt, false, "builtin",
           "connection limit reached and too many connections waiting to be told; closed", "");
    socket.close(ignored);
    return;
  }
  (overLimit ? overflow : admitted) += 1;
  std::make_shared<Session>(*this, std::move(socket), overLimit)->start();
}

void ServerCore::record(const std::string &kind, const std::string &target, std::optional<uint16_t> port,
                        bool allowed, const std::string &rule, const std::string &reason,
                        const std::string &protocol, std::optional<int> pid) {
  if (!config.log)
    return;
  Event e;
  e.kind = kind;
  e.target = target;
  e.port = port;
  e.decision = allowed ? "allow" : "deny";
  e.rule = rule;
  e.reason = reason;
  e.protocol = protocol;
  e.pid = pid;
  if (pid)
    e.command = processCommand(*pid);
  config.log->record(e);
}

std::string ServerCore::ruleText(const ir::NetRule *rule, bool builtin) const {
  if (builtin)
    return "builtin";
  if (!rule)
    return "default";
  return config.ruleName ? config.ruleName(rule) : "rule";
}

void ServerCore::stop() {
  if (stopped_.exchange(true))
    return;
  {
    std::lock_guard<std::mutex> lock(answerGate->mutex);
    answerGate->io = nullptr;
  }
  if (thread_.joinable()) {
    std::promise<void> closed;
    asio::post(io, [this, &closed] {
      asio::error_code ignored;
      for (Listener &listener : listeners_) {
        listener.retry.cancel();
        listener.acceptor.close(ignored);
      }
      for (Session *session : sessions)
        session->abort();
      closed.set_value();
    });
    // Bounded: should the I/O thread have died, the sockets are closed
    // below, after it is joined.
    closed.get_future().wait_for(std::chrono::seconds(5));
    io.stop();
    thread_.join();
  }
  if (lookups_)
    lookups_->join(); // the I/O thread, the only one that starts it, has ended
  // Whatever was never started or is still queued: close its sockets too.
  asio::error_code ignored;
  for (Listener &listener : listeners_)
    listener.acceptor.close(ignored);
  for (Session *session : sessions)
    session->abort();
  running = false;
}

Server::Server(std::unique_ptr<ServerCore> core) : core_(std::move(core)) {}

Server::~Server() { stop(); }

std::unique_ptr<Server> Server::listenTcp(Config config, const asio::ip::tcp::endpoint &endpoint, std::string &error) {
  if (!config.evaluator) {
    error = "the proxy needs an evaluator";
    return nullptr;
  }
  auto core = std::make_unique<ServerCore>(std::move(config));
  if (!core->listen(endpoint, error))
    return nullptr;
  return std::unique_ptr<Server>(new Server(std::move(core)));
}

std::unique_ptr<Server> Server::serveListeners(Config config, std::vector<int> listening, std::string &error) {
  if (!config.evaluator) {
    error = "the proxy needs an evaluator";
    for (int fd : listening)
      ::close(fd);
    return nullptr;
  }
  auto core = std::make_unique<ServerCore>(std::move(config));
  if (!core->adopt(std::move(listening), error))
    return nullptr;
  return std::unique_ptr<Server>(new Server(std::move(core)));
}

std::string Server::endpointText() const { return core_->endpointText; }

void Server::stop() { core_->stop(); }

bool Server::running() const { return core_->running; }

Server::Stats Server::stats() const {
  Stats s;
  s.accepted = core_->accepted.load();
  s.refused = core_->refused.load();
  s.bytesUp = core_->bytesUp.load();
  s.bytesDown = core_->bytesDown.load();
  return s;
}

} // namespace moat::runtime::proxy
