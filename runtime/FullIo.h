// write(2) until every byte is out and read(2) until every byte is in,
// through EINTR and short transfers: what the event log, the stdin relay,
// the launcher's memfds and the SOCKS helper need from a pipe or socket.
#pragma once
#include <cerrno>
#include <cstddef>
#include <sys/socket.h>
#include <unistd.h>

namespace moat::runtime {

// One loop for both directions: `step` is ::read or ::write.
template <typename Byte, typename Step>
inline bool transferAll(int fd, Byte *p, size_t size, Step step) {
  while (size > 0) {
    ssize_t n = step(fd, p, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

inline bool writeAll(int fd, const void *data, size_t size) {
  return transferAll(fd, static_cast<const char *>(data), size, ::write);
}

// send(2) without SIGPIPE: a peer that has gone is an error, not a signal.
inline bool sendAll(int fd, const void *data, size_t size) {
  return transferAll(fd, static_cast<const char *>(data), size,
                     [](int f, const char *p, size_t n) { return ::send(f, p, n, MSG_NOSIGNAL); });
}

// False at end of file or on an error before `size` bytes arrived.
inline bool readExactly(int fd, void *data, size_t size) { return transferAll(fd, static_cast<char *>(data), size, ::read); }

} // namespace moat::runtime
