// write(2) until every byte is out and read(2) until every byte is in,
// through EINTR and short transfers: what the event log, the stdin relay,
// the launcher's memfds and the SOCKS helper need from a pipe or socket.
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

// False at end of file or on an error before `size` bytes arrived.
inline bool readExactly(int fd, void *data, size_t size) {
  char *p = static_cast<char *>(data);
  while (size > 0) {
    ssize_t n = ::read(fd, p, size);
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
