// The tunnel's two byte pumps (see Relay.h for why splice). A pump drains
// what is ready until the kernel says EAGAIN, then waits for readiness
// with async_wait; after a bounded number of steps it yields to the other
// tunnels on the thread, so one fast transfer cannot starve the rest.
#include "runtime/proxy/Relay.h"

#include <asio/post.hpp>
#include <asio/write.hpp>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace moat::runtime::proxy {

namespace {
constexpr size_t kChunk = 64 * 1024;
constexpr int kStepsBeforeYield = 16;

void closePipe(int (&p)[2]) {
  for (int &fd : p)
    if (fd >= 0) {
      ::close(fd);
      fd = -1;
    }
}
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

void Relay::close() {
  closed_ = true;
  closePipe(up_.pipe);
  closePipe(down_.pipe);
}

void Relay::startDown(std::shared_ptr<void> owner) { start(down_, std::move(owner)); }

void Relay::startUp(std::shared_ptr<void> owner, std::string pending) {
  up_.pending = std::move(pending);
  start(up_, std::move(owner));
}

void Relay::endUpBeforeStart() { ended(up_); }

void Relay::start(Direction &d, std::shared_ptr<void> owner) {
  if (closed_)
    return;
  asio::error_code ec;
  d.from->native_non_blocking(true, ec);
  d.to->native_non_blocking(true, ec);
#ifdef __linux__
  if (!ec && ::pipe2(d.pipe, O_CLOEXEC | O_NONBLOCK) != 0)
    d.pipe[0] = d.pipe[1] = -1;
#endif
  if (d.pipe[0] < 0)
    d.buffer.reset(new char[kChunk]);
  writePending(d, std::move(owner));
}

void Relay::writePending(Direction &d, std::shared_ptr<void> owner) {
  if (d.pending.empty()) {
    d.pipe[0] >= 0 ? spliceStep(d, std::move(owner)) : copyStep(d, std::move(owner));
    return;
  }
  asio::async_write(*d.to, asio::buffer(d.pending),
                    [this, &d, owner](const asio::error_code &ec, size_t n) mutable {
                      if (closed_)
                        return;
                      if (ec)
                        return fail();
                      d.counter->fetch_add(n, std::memory_order_relaxed);
                      d.pending = std::string();
                      writePending(d, std::move(owner));
                    });
}

void Relay::spliceStep(Direction &d, std::shared_ptr<void> owner) {
#ifdef __linux__
  const int from = d.from->native_handle();
  const int to = d.to->native_handle();
  for (int step = 0; step < kStepsBeforeYield; ++step) {
    if (closed_)
      return;
    if (d.inPipe > 0) {
      ssize_t n = ::splice(d.pipe[0], nullptr, to, nullptr, d.inPipe, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      if (n > 0) {
        d.inPipe -= static_cast<size_t>(n);
        d.counter->fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
        continue;
      }
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN) {
        d.to->async_wait(asio::socket_base::wait_write, [this, &d, owner](const asio::error_code &ec) mutable {
          if (closed_)
            return;
          if (ec)
            return fail();
          spliceStep(d, std::move(owner));
        });
        return;
      }
      return fail();
    }
    ssize_t n = ::splice(from, nullptr, d.pipe[1], nullptr, kChunk, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (n > 0) {
      d.inPipe = static_cast<size_t>(n);
      continue;
    }
    if (n == 0)
      return ended(d);
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN) {
      d.from->async_wait(asio::socket_base::wait_read, [this, &d, owner](const asio::error_code &ec) mutable {
        if (closed_)
          return;
        if (ec)
          return fail();
        spliceStep(d, std::move(owner));
      });
      return;
    }
    return fail();
  }
  asio::post(d.from->get_executor(), [this, &d, owner]() mutable {
    if (!closed_)
      spliceStep(d, std::move(owner));
  });
#else
  copyStep(d, std::move(owner));
#endif
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
                            asio::async_write(*d.to, asio::buffer(d.buffer.get(), n),
                                              [this, &d, owner](const asio::error_code &ec, size_t n) mutable {
                                                if (closed_)
                                                  return;
                                                if (ec)
                                                  return fail();
                                                d.counter->fetch_add(n, std::memory_order_relaxed);
                                                copyStep(d, std::move(owner));
                                              });
                          });
}

void Relay::ended(Direction &d) {
  d.done = true;
  asio::error_code ignored;
  d.to->shutdown(asio::socket_base::shutdown_send, ignored);
  closePipe(d.pipe);
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

} // namespace moat::runtime::proxy
