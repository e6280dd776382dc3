// One client connection through the proxy, from its first byte to the end
// of its tunnel, internal to runtime/proxy. The phases live in their own
// files: Session.cpp (protocol sniffing, deadlines, refusal, teardown),
// SessionHttp.cpp and SessionSocks.cpp (the two front doors, each taking
// the session credential in its protocol's own way where the listener
// asks for it),
// SessionConnect.cpp (decide, resolve, vet, dial), SessionTunnel.cpp (the
// TLS server-name gate, then the Relay).
//
// Everything runs on the server's one I/O thread, so a session needs no
// locks; every pending handler holds a shared_ptr to it, and closing its
// sockets makes every handler finish, so it is freed as soon as either
// side is gone. Nothing throws: every Asio call takes an error_code.
#pragma once
#include "runtime/decide/Decider.h"
#include "runtime/proxy/Destination.h"
#include "runtime/Relay.h"
#include "runtime/proxy/ServerCore.h"

#include <asio/ip/tcp.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace moat::runtime::proxy {

class Session : public std::enable_shared_from_this<Session> {
public:
  // `overLimit`: the server is full; the session only learns the protocol
  // to answer "busy" in it.
  Session(ServerCore &core, Socket client, bool overLimit);
  ~Session();
  void start();
  // Closes both sides now (server stop).
  void abort() { closeAll(); }

private:
  enum class Front { Unknown, Http, Socks };
  // Why a connection gets no tunnel; answered in the client's protocol.
  enum class Refusal {
    BadRequest, Policy, HeaderTooLarge, Busy, CommandNotSupported, AddressTypeNotSupported,
    HostUnreachable, ConnectionRefused, NetworkUnreachable, ProxyAuthenticationRequired,
    UpstreamFailure // the upstream proxy failed or could not be reached: 502, SOCKS 01
  };
  // What the client asked for, after its front door.
  struct Request {
    std::string protocol; // "http", "connect", "socks5"
    std::string rawHost;  // as sent (for messages about hosts that do not parse)
    uint16_t port = 0;
    std::string forwardHead; // "http": the head to send upstream first
  };

  // Session.cpp
  void sniffProtocol();
  // Reads more of the client's bytes into input_ (at most `cap` in total)
  // and calls `then` (at once when input_ already holds `cap` bytes); on
  // EOF or an error the session is refused and closed.
  void readClient(size_t cap, std::function<void()> then);
  void armDeadline(std::chrono::milliseconds after);
  void disarmDeadline();
  void refuse(Refusal refusal, const std::string &reason);
  void closeAll();
  void countRefused(); // once per session: it got no tunnel
  // Logs the `proxy-credential` denial (once per session).
  void denyCredential(const std::string &reason);
  void logDecision(const std::string &target, bool allowed, const ir::NetRule *rule, bool builtin,
                   const std::string &reason);

  // SessionHttp.cpp
  void readHttpHead();
  void onHttpHead(size_t headEnd);
  void handOffToGitProxy();

  // SessionSocks.cpp
  void readSocksGreeting();
  void readSocksUserPassword();
  // Sends a two-byte negotiation reply, then goes on with `next` or, when
  // there is none, closes.
  void sendSocksNegotiation(std::array<unsigned char, 2> reply, std::function<void()> next);
  void readSocksRequest();
  void onSocksRequest();

  // SessionConnect.cpp
  void openTunnel();
  void openAllowed(const Verdict &verdict, bool answeredAsk);
  void resolveThenDial(const net::CanonicalHost &host);
  void onResolvedWith(const std::vector<asio::ip::address> &addresses, const std::string &error,
                      bool internalAllowedByName);
  void dial(size_t index);
  void dialTimedOut();
  void onDialed(size_t index, const asio::error_code &ec);
  void refuseUnreachable(const asio::error_code &ec);
  const ir::NetRule *decidingRule() const;

  // SessionUpstream.cpp: allowed traffic through --upstream-proxy.
  // Whether a vetted destination goes through the upstream (loopback stays
  // direct: the upstream's loopback is another machine's).
  bool upstreamCarries(const asio::ip::address &address) const;
  void dialUpstream(const net::CanonicalHost &target, size_t index = 0);
  void onUpstreamDialed(size_t index, const asio::error_code &ec);
  void onUpstreamHandshake(UpstreamOutcome outcome);
  void viaUpstreamEstablished();
  // SessionAsk.cpp: the decider's turn (runtime/decide/), waited for
  // without blocking the I/O thread.
  void askThenOpen(const Verdict &verdict);
  void onAnswer(const Verdict &verdict, const decide::Answer &answer);

  // SessionTunnel.cpp
  void tunnelEstablished();
  void gateClientHello();
  void onClientHelloBytes();
  void startRelayUp();

  ServerCore &core_;
  Socket client_;
  Socket upstream_;
  asio::steady_timer deadline_;
  uint64_t deadlineGeneration_ = 0;
  bool overLimit_;
  bool counted_ = true; // holds a place in admitted / overflow
  bool closed_ = false;
  bool credentialChecked_ = false; // presented, or not asked for (start())
  bool credentialDenied_ = false;
  // A refusal already has its log line; refuse() logs the rest (malformed
  // requests) as `proxy-request`, so every refusal is one line.
  bool decisionLogged_ = false;
  void logMalformed(const std::string &reason);
  // The client's pid for a refusal's line (Config::clientPid), or nullopt.
  std::optional<int> refusedClientPid();
  bool refusedCounted_ = false;
  bool helloDeadlineArmed_ = false;
  bool dialing_ = false;
  bool dialTimedOut_ = false;
  Front front_ = Front::Unknown;
  std::string input_; // the client's bytes not yet consumed
  Request request_;
  net::CanonicalHost host_; // canonical destination
  std::vector<asio::ip::address> addresses_; // vetted, in dialling order
  net::CanonicalHost upstreamTarget_; // what the upstream proxy is asked for
  std::string upstreamLeftover_;      // the destination's first bytes, read with the upstream's reply
  std::string answeredBy_; // the log's "rule" when a decider decided ("terminal", "decider")
  Relay relay_;
};

} // namespace moat::runtime::proxy
