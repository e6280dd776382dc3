// moat's filtering proxy: the only network exit of a sandbox. It runs
// inside `moat run` on a thread of its own and accepts the sandbox's
// clients itself: on Linux on the 127.0.0.1 listeners the in-sandbox
// bridge made in the sandbox's empty network namespace and handed over, on
// macOS on a host loopback port the Seatbelt profile lets the command
// reach, where each client proves itself with the session credential
// (ProxyCredential.h). A client's HTTP-proxy or SOCKS5 bytes reach it
// directly, and each tunnel is one relay (client socket to destination
// socket) in this process.
//
// Every connection is decided by the policy's reference evaluator, dialled
// only at vetted addresses, checked for a TLS server name that contradicts
// the requested host, and logged. Everything fails closed and everything
// is bounded (header bytes, handshake time, connect time, connections);
// when the server stops, every tunnel closes with it. docs/runtime.md, "The
// proxy", is the user-facing description; keep the two in step.
#pragma once
#include "compiler/eval/Evaluator.h"
#include "runtime/EventLog.h"
#include "runtime/proxy/ProxyCredential.h"
#include "runtime/proxy/UpstreamProxy.h"

#include <asio/ip/address.hpp>
#include <asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace moat::runtime::decide {
class Asker;
}

namespace moat::runtime::proxy {

struct Limits {
  size_t maxHeaderBytes = 16384;
  size_t maxConnections = 4096;
  std::chrono::milliseconds handshakeTimeout{10000};
  std::chrono::milliseconds connectTimeout{10000};
};

// Resolves a host name to addresses (tests inject one; default: the system
// resolver). Called on a lookup thread, never on the relay thread, with a
// canonical name (never an IP literal). Empty result: `error` says why.
using Resolver = std::function<std::vector<asio::ip::address>(const std::string &name, std::string &error)>;

// The system resolver (getaddrinfo, TCP, any family).
std::vector<asio::ip::address> systemResolve(const std::string &name, std::string &error);

struct Config {
  const eval::Evaluator *evaluator = nullptr; // required; must outlive the server
  // What listenTcp's clients present, as credentialToken(credential): the
  // `Proxy-Authorization: Basic` password or the SOCKS5 one (user "moat").
  Credential credential{};
  Limits limits;
  Resolver resolve;         // null: systemResolve
  EventLog *log = nullptr;  // null: decisions are not logged
  // "file:line:col" or "builtin" for a rule; null function: "rule".
  std::function<std::string(const ir::NetRule *)> ruleName;
  // --upstream-proxy: allowed traffic goes on through this proxy instead of
  // being dialled directly (UpstreamProxy.h; loopback destinations stay
  // direct). nullopt: every destination is dialled directly.
  std::optional<UpstreamProxy> upstream;
  // For a refusal's log line: the pid of the process whose connection comes
  // from `clientPort` to the listener on `listenerPort` (the Linux launcher:
  // runtime/platform/linux/SocketOwner.h). Null, or nullopt: not known.
  // Called on the relay thread: it must be bounded.
  std::function<std::optional<int>(uint16_t clientPort, uint16_t listenerPort)> clientPid;
  // Who answers `ask` (and, with --decider-all, every allowed host):
  // runtime/decide/Asker.h. Null: `ask` is a refusal. Must outlive the
  // server's sessions' questions (stop it before the server).
  decide::Asker *asker = nullptr;
  // Takes a connection whose first request is for the git proxy's reserved
  // host (runtime/git/GitRoute.h), with the bytes read so far; null: such
  // requests are decided like any other host (and refused: it never resolves).
  std::function<void(int fd, std::string buffered)> gitProxy;
};

class ServerCore;

class Server {
public:
  // Listens on TCP (port 0 picks one), where any local process can
  // connect: every connection must present the session credential
  // (ProxyCredential.h) before anything is decided, or it is refused (407,
  // SOCKS5 `05 FF` or an RFC 1929 failure) and logged as
  // `proxy-credential`. macOS's `moat run`, and the unit tests.
  static std::unique_ptr<Server> listenTcp(Config config, const asio::ip::tcp::endpoint &endpoint,
                                           std::string &error);
  // Serves TCP sockets that already listen and that only the sandbox can
  // reach: `moat run` on Linux, where the in-sandbox bridge makes them on
  // 127.0.0.1 in the sandbox's own network namespace and hands them over,
  // so every client connection is accepted here and relayed in one hop.
  // Their connections present no credential (nothing outside the sandbox
  // can connect to them). Takes the descriptors; fails (closing them) when
  // one is not a listening TCP socket.
  static std::unique_ptr<Server> serveListeners(Config config, std::vector<int> listening, std::string &error);

  Server(const Server &) = delete;
  Server &operator=(const Server &) = delete;
  ~Server(); // stop()

  std::string endpointText() const; // "127.0.0.1:PORT", or what adopted listeners are

  // Stops accepting, closes every connection and tunnel, joins the thread
  // (and waits for lookups in flight).
  // Idempotent. Must not be called from the server's own thread.
  void stop();
  bool running() const;

  struct Stats {
    uint64_t accepted = 0;  // connections accepted
    uint64_t refused = 0;   // closed without a tunnel: credential, protocol, policy, limit, upstream failure
    uint64_t bytesUp = 0;   // client -> destination, relayed
    uint64_t bytesDown = 0; // destination -> client, relayed
  };
  Stats stats() const;

private:
  explicit Server(std::unique_ptr<ServerCore> core);
  std::unique_ptr<ServerCore> core_;
};

} // namespace moat::runtime::proxy
