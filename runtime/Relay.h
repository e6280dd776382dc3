// Byte piping for an established tunnel of the proxy, both ways.
// Throughput matters (it sits on every download the sandboxed process
// makes): each direction copies through one buffer allocated when it
// starts and grown while a bulk transfer fills it (Relay.cpp), never one
// per chunk. splice(2) through a pipe was measured too and did not win (a
// 1 GiB loopback transfer through one relay, 2026-12-07: splice 0.45-0.5x a
// direct transfer, this copy loop with a 256 KiB buffer 0.5-0.55x), so the
// simple portable loop stays.
//
// Half-close is propagated (end of stream on one side becomes
// shutdown(send) on the other); the tunnel is finished when both
// directions have ended, or at once on any error.
#pragma once
#include <asio/buffer.hpp>
#include <asio/generic/stream_protocol.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace moat::runtime {

// Any connected stream socket: TCP, unix.
using Socket = asio::generic::stream_protocol::socket;

class Relay {
public:
  // `finished` is called once: both directions ended, or one failed. The
  // caller then closes both sockets (and calls close() here).
  Relay(Socket &client, Socket &upstream, std::atomic<uint64_t> &bytesUp, std::atomic<uint64_t> &bytesDown,
        std::function<void()> finished);
  ~Relay();
  Relay(const Relay &) = delete;
  Relay &operator=(const Relay &) = delete;

  // `owner` keeps the session alive while a handler is pending.
  void startDown(std::shared_ptr<void> owner);
  // Sends `pending` to the upstream first (bytes already read from the
  // client), then relays the client's stream.
  void startUp(std::shared_ptr<void> owner, std::string pending);
  // The client ended its stream before the up direction started.
  void endUpBeforeStart();
  // Pending handlers then see `closed` and return (the caller closes the
  // sockets, which completes them).
  void close();

  struct Direction {
    Socket *from = nullptr;
    Socket *to = nullptr;
    std::atomic<uint64_t> *counter = nullptr;
    std::unique_ptr<char[]> buffer;
    size_t capacity = 0; // of `buffer`: grows while reads fill it (Relay.cpp)
    std::string pending;
    bool done = false;
  };

private:
  void start(Direction &d, std::shared_ptr<void> owner);
  void writeThenCopy(Direction &d, asio::const_buffer bytes, std::shared_ptr<void> owner);
  void copyStep(Direction &d, std::shared_ptr<void> owner);
  void ended(Direction &d);
  void fail();

  Direction up_, down_;
  std::function<void()> finished_;
  bool closed_ = false;
  bool reported_ = false;
};

} // namespace moat::runtime
