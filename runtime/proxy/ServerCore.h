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
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>

#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

namespace moat::runtime::proxy {

using Socket = asio::generic::stream_protocol::socket;
class Session;

// Where a decider's answer, arriving on the decider's thread, is posted
// (SessionAsk.cpp): the I/O context while the server runs, nothing once it
// stops, so a late answer never touches a server that has gone.
struct AnswerGate {
  std::mutex mutex;
  asio::io_context *io = nullptr;
};

class ServerCore {
public:
  explicit ServerCore(Config config);

  // Opens, binds and listens on TCP; starts the accept loop and the thread.
  bool listen(const asio::ip::tcp::endpoint &endpoint, std::string &error);
  // Serves sockets that already listen (ownership taken, closed on any
  // failure); their connections present no credential.
  bool adopt(std::vector<int> listening, std::string &error);

  const Config config;
  bool credentialRequired = true; // false for adopted listeners (Server::serveListeners)
  std::string endpointText;       // "127.0.0.1:PORT", or what adopted listeners are

  // Counters readable from any thread.
  std::atomic<uint64_t> accepted{0}, refused{0}, bytesUp{0}, bytesDown{0};
  std::atomic<bool> running{false};

  // The I/O thread's state (touched only on that thread, or after it ended).
  std::unordered_set<Session *> sessions;
  size_t admitted = 0;  // sessions counted against maxConnections
  size_t overflow = 0;  // sessions over the limit, kept only to answer "busy"

  // Records a decision (no-op without a log).
  // `pid`: the client's, when known (a refusal; Config::clientPid); its
  // command line is read then.
  void record(const std::string &kind, const std::string &target, std::optional<uint16_t> port,
              bool allowed, const std::string &rule, const std::string &reason, const std::string &protocol,
              std::optional<int> pid = std::nullopt);
  std::string ruleText(const ir::NetRule *rule, bool builtin) const;

  void stop();

  // Declared in destruction order's reverse: the context (and the sessions
  // its handlers keep alive) goes before the state above.
  asio::io_context io;
  std::shared_ptr<AnswerGate> answerGate = std::make_shared<AnswerGate>();
  // Name lookups block, so they run on a small pool, started at the first
  // lookup (a sandbox that never resolves a name, or only uses IP literals,
  // never pays for its threads). Called only on the I/O thread.
  asio::thread_pool &lookups() {
    if (!lookups_)
      lookups_.emplace(4);
    return *lookups_;
  }

private:
  struct Listener {
    explicit Listener(asio::io_context &io) : acceptor(io), retry(io) {}
    asio::basic_socket_acceptor<asio::generic::stream_protocol> acceptor;
    asio::steady_timer retry; // after a failed accept (out of descriptors)
  };
  void startServing();
  void acceptNext(Listener &listener);
  void admit(Socket socket);

  std::list<Listener> listeners_; // a list: accept handlers hold references
  std::optional<asio::thread_pool> lookups_;
  std::thread thread_;
  std::atomic<bool> stopped_{false};
};

} // namespace moat::runtime::proxy
