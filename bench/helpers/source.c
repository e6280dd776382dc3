/* The loopback origin for bench/runtime.py: a tiny HTTP/1.1 server on
 * 127.0.0.1 that answers `GET /N` with N bytes (zeros, from one static
 * buffer), keeps the connection open for the next request, and closes it at
 * the client's end of stream. One thread per connection (small stacks), so
 * a thousand held-open tunnels cost a thousand idle threads here and nothing
 * else. Bounded: it exits after LIMIT seconds whatever happens (alarm), and
 * bench/runtime.py kills it by its pid when the run ends.
 *
 *   source LIMIT_SECONDS       prints "PORT\n" on stdout once it listens
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "send_all.h"

#define CHUNK (1 << 20)
static char zeros[CHUNK];

static void *serve(void *arg) {
  int fd = (int)(long)arg;
  char req[8192];
  size_t have = 0;
  for (;;) {
    /* Read one request head (up to the blank line). */
    char *end = NULL;
    while (!(end = memmem(req, have, "\r\n\r\n", 4))) {
      if (have == sizeof req)
        goto done;
      ssize_t r = recv(fd, req + have, sizeof req - have, 0);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        goto done;
      have += (size_t)r;
    }
    size_t headlen = (size_t)(end - req) + 4;
    unsigned long long n = 0;
    if (have > 5 && memcmp(req, "GET /", 5) == 0)
      n = strtoull(req + 5, NULL, 10);
    char head[128];
    int hl = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %llu\r\n\r\n", n);
    if (write_all(fd, head, (size_t)hl) != 0)
      goto done;
    while (n > 0) {
      size_t k = n < CHUNK ? (size_t)n : CHUNK;
      if (write_all(fd, zeros, k) != 0)
        goto done;
      n -= k;
    }
    memmove(req, req + headlen, have - headlen);
    have -= headlen;
  }
done:
  close(fd);
  return NULL;
}

int main(int argc, char **argv) {
  unsigned limit = argc > 1 ? (unsigned)atoi(argv[1]) : 600;
  alarm(limit);
  signal(SIGPIPE, SIG_IGN);
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 4096) != 0) {
    perror("source: bind/listen");
    return 1;
  }
  socklen_t al = sizeof a;
  getsockname(ls, (struct sockaddr *)&a, &al);
  printf("%d\n", ntohs(a.sin_port));
  fflush(stdout);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  for (;;) {
    int fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      if (errno == EMFILE || errno == ENFILE) {
        usleep(10000);
        continue;
      }
      perror("source: accept");
      return 1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    pthread_t t;
    if (pthread_create(&t, &attr, serve, (void *)(long)fd) != 0)
      close(fd);
  }
}
