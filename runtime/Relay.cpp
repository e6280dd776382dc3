// The tunnel's two byte pumps (see Relay.h for why a plain copy loop): read
// what is there (up to 64 KiB), write all of it, repeat. End of stream is
// passed on as shutdown(send); any error ends the whole tunnel.
#include "runtime/Relay.h"

#include <asio/write.hpp>

namespace moat::runtime {

namespace {
constexpr size_t kChunk = 64 * 1024;
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
  d.buffer.reset(new char[kChunk]);
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
  d.from->async_read_some(asio::buffer(d.buffer.get(), kChunk),
                          [this, &d, owner](const asio::error_code &ec, size_t n) mutable {
                            if (closed_)
                              return;
                            if (ec == asio::error::eof)
                              return ended(d);
                            if (ec)
                              return fail();
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
