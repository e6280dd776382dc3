// write(2) until every byte is out, through EINTR and short writes: what
// the event log, the stdin relay and the SOCKS helper all need from a pipe
// or socket.
#pragma once
#include <cerrno>
#include <cstddef>
#include <unistd.h>

namespace moat::runtime {

inline bool writeAll(int fd, const void *data, size_t size) {
  const char *p = static_cast<const char *>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

} // namespace moat::runtime
