// The server's frame: the listener, the accept loop with the connection
// limit, the I/O thread and stopping. Over the limit, a connection is still
// read far enough to answer "busy" in its own protocol (503, SOCKS 0x01),
// but only a few such connections at a time; past those it is closed at
// once. Stopping closes the listener and every session's sockets on the
// I/O thread before the thread is joined: when the proxy goes, the network
// goes with it, never the other way round.
#include "runtime/proxy/ProxyServer.h"

#include "runtime/proxy/Session.h"

#include <asio/local/stream_protocol.hpp>
#include <asio/post.hpp>

#include <csignal>
#include <cstring>
#include <future>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

namespace moat::runtime::proxy {

namespace {
// Connections over the limit that are answered "busy" rather than dropped.
constexpr size_t kMaxOverflow = 64;
constexpr auto kAcceptRetry = std::chrono::milliseconds(50);
} // namespace

ServerCore::ServerCore(Config c) : config(std::move(c)) {}

bool ServerCore::listen(const asio::generic::stream_protocol::endpoint &endpoint, const std::string &path,
                        std::string &error) {
  asio::error_code ec;
  acceptor_.emplace(io);
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec && path.empty())
    acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec)
    acceptor_->bind(endpoint, ec);
  if (!ec && !path.empty()) {
    unixPath = path; // created by this server: removed when it stops
    if (::chmod(path.c_str(), 0600) != 0)
      ec = asio::error_code(errno, asio::system_category());
  }
  if (!ec)
    acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot listen on " + (path.empty() ? std::string("TCP") : path) + ": " + ec.message();
    acceptor_->close(ec);
    if (!unixPath.empty())
      ::unlink(unixPath.c_str());
    return false;
  }
  if (path.empty()) {
    asio::generic::stream_protocol::endpoint local = acceptor_->local_endpoint(ec);
    asio::ip::tcp::endpoint tcp;
    if (!ec && local.size() <= tcp.capacity()) {
      std::memcpy(tcp.data(), local.data(), local.size());
      tcp.resize(local.size());
    }
    std::string address = tcp.address().to_string();
    endpointText = (tcp.address().is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(tcp.port());
  } else {
    endpointText = path;
  }
  acceptNext();
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
  return true;
}

void ServerCore::acceptNext() {
  acceptor_->async_accept([this](const asio::error_code &ec, Socket socket) {
    if (stopped_ || ec == asio::error::operation_aborted)
      return;
    if (ec) {
      // Out of descriptors or similar: retry shortly instead of spinning.
      acceptRetry_.expires_after(kAcceptRetry);
      acceptRetry_.async_wait([this](const asio::error_code &ec) {
        if (!ec && !stopped_)
          acceptNext();
      });
      return;
    }
    admit(std::move(socket));
    acceptNext();
  });
}

void ServerCore::admit(Socket socket) {
  accepted.fetch_add(1, std::memory_order_relaxed);
  bool overLimit = admitted >= config.limits.maxConnections;
  if (overLimit && overflow >= kMaxOverflow) {
    refused.fetch_add(1, std::memory_order_relaxed);
    record("proxy-limit", "", std::nullopt, false, "builtin",
           "connection limit reached and too many connections waiting to be told; closed", "");
    asio::error_code ignored;
    socket.close(ignored);
    return;
  }
  (overLimit ? overflow : admitted) += 1;
  std::make_shared<Session>(*this, std::move(socket), overLimit)->start();
}

void ServerCore::record(const std::string &kind, const std::string &target, std::optional<uint16_t> port,
                        bool allowed, const std::string &rule, const std::string &reason,
                        const std::string &protocol) {
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
  if (thread_.joinable()) {
    std::promise<void> closed;
    asio::post(io, [this, &closed] {
      asio::error_code ignored;
      acceptRetry_.cancel();
      if (acceptor_)
        acceptor_->close(ignored);
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
  lookups.join();
  // Whatever was never started or is still queued: close its sockets too.
  asio::error_code ignored;
  if (acceptor_)
    acceptor_->close(ignored);
  for (Session *session : sessions)
    session->abort();
  if (!unixPath.empty())
    ::unlink(unixPath.c_str());
  running = false;
}

Server::Server(std::unique_ptr<ServerCore> core) : core_(std::move(core)) {}

Server::~Server() { stop(); }

std::unique_ptr<Server> Server::listenUnix(Config config, const std::string &socketPath, std::string &error) {
  if (!config.evaluator) {
    error = "the proxy needs an evaluator";
    return nullptr;
  }
  if (socketPath.size() >= sizeof(sockaddr_un::sun_path)) {
    error = "the socket path '" + socketPath + "' is too long";
    return nullptr;
  }
  auto core = std::make_unique<ServerCore>(std::move(config));
  asio::local::stream_protocol::endpoint endpoint(socketPath);
  if (!core->listen(asio::generic::stream_protocol::endpoint(endpoint), socketPath, error))
    return nullptr;
  return std::unique_ptr<Server>(new Server(std::move(core)));
}

std::unique_ptr<Server> Server::listenTcp(Config config, const asio::ip::tcp::endpoint &endpoint, std::string &error) {
  if (!config.evaluator) {
    error = "the proxy needs an evaluator";
    return nullptr;
  }
  auto core = std::make_unique<ServerCore>(std::move(config));
  if (!core->listen(asio::generic::stream_protocol::endpoint(endpoint), "", error))
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
