// The tunnel's two byte pumps (see Relay.h for why a plain copy loop): read
// what is there (up to the direction's buffer), write all of it, repeat.
// End of stream is passed on as shutdown(send); any error ends the whole
// tunnel.
#include "runtime/Relay.h"

#include <asio/write.hpp>

#include <cstring>

namespace moat::runtime {

namespace {
// A direction starts with a small buffer (a thousand idle or chatty tunnels
// cost little) and doubles it each time a read fills it, since more is
// waiting: a bulk transfer then moves a MiB per system call pair. Measured
// on a 1 GiB loopback transfer through one relay: 64 KiB 0.25-0.35x a
// direct transfer, 256 KiB 0.4x, 1 MiB 0.45-0.55x, 4 MiB 0.55x.
constexpr size_t kFirstChunk = 64 * 1024;
constexpr size_t kMaxChunk = 1024 * 1024;
} // namespace

Relay::Relay(Socket &client, Socket &upstream, std::atomic<uint64_t> &bytesUp, std::atomic<uint64_t> &bytesDown,
             std::function<void()> finished)
    : finished_(std::move(finished)) {
  up_.from = &client;
  up_.to = &upstream;
  up_.counter = &bytesUp;
  down_.from = &upstream;
  down_.to = &client;
  down_.counter = &bytesDown;
}

Relay::~Relay() { close(); }

void Relay::close() { closed_ = true; }

void Relay::startDown(std::shared_ptr<void> owner) { start(down_, std::move(owner)); }

void Relay::startUp(std::shared_ptr<void> owner, std::string pending) {
  up_.pending = std::move(pending);
  start(up_, std::move(owner));
}

void Relay::endUpBeforeStart() { ended(up_); }

void Relay::start(Direction &d, std::shared_ptr<void> owner) {
  if (closed_)
    return;
  d.capacity = kFirstChunk;
  d.buffer.reset(new char[d.capacity]);
  if (d.pending.empty())
    copyStep(d, std::move(owner));
  else
    writeThenCopy(d, asio::buffer(d.pending), std::move(owner));
}

// Sends `bytes` (the pending bytes or a chunk just read) on, then reads the
// next chunk: the one write step of both directions.
void Relay::writeThenCopy(Direction &d, asio::const_buffer bytes, std::shared_ptr<void> owner) {
  asio::async_write(*d.to, bytes, [this, &d, owner](const asio::error_code &ec, size_t n) mutable {
    if (closed_)
      return;
    if (ec)
      return fail();
    d.counter->fetch_add(n, std::memory_order_relaxed);
    if (!d.pending.empty())
      d.pending = std::string(); // sent: free it
    copyStep(d, std::move(owner));
  });
}

void Relay::copyStep(Direction &d, std::shared_ptr<void> owner) {
  d.from->async_read_some(asio::buffer(d.buffer.get(), d.capacity),
                          [this, &d, owner](const asio::error_code &ec, size_t n) mutable {
                            if (closed_)
                              return;
                            if (ec == asio::error::eof)
                              return ended(d);
                            if (ec)
                              return fail();
                            if (n == d.capacity && d.capacity < kMaxChunk) {
                              // Full: write what is here from a larger buffer, which the
                              // next read then fills.
                              std::unique_ptr<char[]> larger(new char[d.capacity * 2]);
                              std::memcpy(larger.get(), d.buffer.get(), n);
                              d.buffer = std::move(larger);
                              d.capacity *= 2;
                            }
                            writeThenCopy(d, asio::buffer(d.buffer.get(), n), std::move(owner));
                          });
}

void Relay::ended(Direction &d) {
  d.done = true;
  d.buffer.reset();
  asio::error_code ignored;
  d.to->shutdown(asio::socket_base::shutdown_send, ignored);
  if (up_.done && down_.done && !reported_) {
    reported_ = true;
    finished_();
  }
}

void Relay::fail() {
  if (reported_)
    return;
  reported_ = true;
  finished_();
}

} // namespace moat::runtime
