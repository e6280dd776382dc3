// Byte piping for an established tunnel, both ways, internal to
// runtime/proxy. Throughput matters (the proxy sits on every download the
// sandboxed process makes), so on Linux each direction moves bytes with
// splice(2) through a pipe of its own: socket -> pipe -> socket, no copy
// through user space and no buffer per tunnel in the process. Elsewhere,
// or when a pipe cannot be had (descriptor limit), a direction copies
// through one 64 KiB buffer allocated once.
//
// Half-close is propagated (end of stream on one side becomes
// shutdown(send) on the other); the tunnel is finished when both
// directions have ended, or at once on any error.
#pragma once
#include "runtime/proxy/ServerCore.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace moat::runtime::proxy {

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
  // Releases the pipes; pending handlers then see `closed` and return.
  void close();

  struct Direction {
    Socket *from = nullptr;
    Socket *to = nullptr;
    std::atomic<uint64_t> *counter = nullptr;
    int pipe[2] = {-1, -1};
    size_t inPipe = 0;                 // spliced in, not yet out
    std::unique_ptr<char[]> buffer;    // copy mode
    std::string pending;
    bool done = false;
  };

private:
  void start(Direction &d, std::shared_ptr<void> owner);
  void writePending(Direction &d, std::shared_ptr<void> owner);
  void spliceStep(Direction &d, std::shared_ptr<void> owner);
  void copyStep(Direction &d, std::shared_ptr<void> owner);
  void ended(Direction &d);
  void fail();

  Direction up_, down_;
  std::function<void()> finished_;
  bool closed_ = false;
  bool reported_ = false;
};

} // namespace moat::runtime::proxy
