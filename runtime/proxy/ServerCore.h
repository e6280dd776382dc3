// The proxy server's shared state, internal to runtime/proxy: what every
// session reads (the config, the counters, the event log) and what the
// server owns (the I/O context, its thread, the lookup threads, the
// listener, the registry of live sessions). Sessions refer to it by
// reference; it is destroyed last, after the I/O context has destroyed
// every pending handler (and with them the sessions).
#pragma once
#include "runtime/proxy/ProxyServer.h"

#include <asio/basic_socket_acceptor.hpp>
#include <asio/generic/stream_protocol.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>

#include <atomic>
#include <optional>
#include <thread>
#include <unordered_set>

namespace moat::runtime::proxy {

using Socket = asio::generic::stream_protocol::socket;
class Session;

class ServerCore {
public:
  explicit ServerCore(Config config);

  // Opens, binds and listens; starts the accept loop and the thread.
  // `unixPath`: the socket file the endpoint names ("" for TCP).
  bool listen(const asio::generic::stream_protocol::endpoint &endpoint, const std::string &unixPath,
              std::string &error);

  const Config config;
  std::string endpointText; // the socket path, or "127.0.0.1:PORT"
  std::string unixPath;     // the socket file this server created (removed on stop)

  // Counters readable from any thread.
  std::atomic<uint64_t> accepted{0}, refused{0}, bytesUp{0}, bytesDown{0};
  std::atomic<bool> running{false};

  // The I/O thread's state (touched only on that thread, or after it ended).
  std::unordered_set<Session *> sessions;
  size_t admitted = 0;  // sessions counted against maxConnections
  size_t overflow = 0;  // sessions over the limit, kept only to answer "busy"

  // Records a decision (no-op without a log).
  void record(const std::string &kind, const std::string &target, std::optional<uint16_t> port,
              bool allowed, const std::string &rule, const std::string &reason, const std::string &protocol);
  std::string ruleText(const ir::NetRule *rule, bool builtin) const;

  void stop();

  // Declared in destruction order's reverse: the context (and the sessions
  // its handlers keep alive) goes before the state above.
  asio::io_context io;
  asio::thread_pool lookups{4};

private:
  void acceptNext();
  void admit(Socket socket);

  std::optional<asio::basic_socket_acceptor<asio::generic::stream_protocol>> acceptor_;
  asio::steady_timer acceptRetry_{io};
  std::thread thread_;
  std::atomic<bool> stopped_{false};
};

} // namespace moat::runtime::proxy
