/* send(2) until every byte is out, through EINTR and short writes, never
 * raising SIGPIPE: what both bench helpers (sink.c and source.c) write with.
 * 0 when all was sent, -1 on an error. */
#pragma once
#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>

static int write_all(int fd, const void *buf, size_t n) {
  const char *p = buf;
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}
