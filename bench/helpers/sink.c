/* The client for bench/runtime.py: fetches from the loopback origin
 * (helpers/source.c) directly or through a proxy, and discards what it reads.
 * It runs on the host (direct rows) and inside `moat run` / srt (proxied
 * rows), so every row of a table uses the same client code.
 *
 *   sink get        VIA HOST PORT BYTES         one GET of BYTES; prints "bytes=B seconds=S"
 *   sink latency    VIA HOST PORT COUNT         COUNT sequential connections, each a
 *                                               connect + tiny GET; prints "lat US US ..."
 *   sink concurrent VIA HOST PORT COUNT HOLD_MS TIMEOUT_S
 *                                               COUNT tunnels opened at once (VIA must be
 *                                               connect=...), each exchanges a GET of 16
 *                                               bytes and stays open; prints "BEGIN", then
 *                                               "READY ok=N err=M seconds=S", holds them
 *                                               HOLD_MS, closes them, prints "DONE"
 *
 * VIA: direct | connect=URL | socks=URL | forward=URL, where URL is
 * scheme://[user:pass@]host:port or env:NAME (the URL in that variable, e.g.
 * env:HTTP_PROXY). connect = HTTP CONNECT tunnel, socks = SOCKS5 (the
 * destination sent as an IPv4 address or a name, as curl --socks5-hostname
 * does), forward = plain HTTP through the proxy (absolute-form request).
 * Credentials become Proxy-Authorization: Basic (HTTP) or RFC 1929 (SOCKS).
 * Every mode is bounded by an alarm.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "send_all.h"

enum via_kind { DIRECT, CONNECT, SOCKS, FORWARD };
struct via {
  enum via_kind kind;
  char host[256], port[16], user[1024], pass[1024];
  int auth;
};

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *msg) {
  fprintf(stderr, "sink: %s\n", msg);
  exit(2);
}

static void pct_decode(char *s) {
  char *o = s;
  for (; *s; s++) {
    if (*s == '%' && s[1] && s[2]) {
      char h[3] = {s[1], s[2], 0};
      *o++ = (char)strtol(h, NULL, 16);
      s += 2;
    } else {
      *o++ = *s;
    }
  }
  *o = 0;
}

static void parse_via(const char *spec, struct via *v) {
  memset(v, 0, sizeof *v);
  if (strcmp(spec, "direct") == 0) {
    v->kind = DIRECT;
    return;
  }
  const char *eq = strchr(spec, '=');
  if (!eq)
    die("VIA is direct, connect=URL, socks=URL or forward=URL");
  size_t kl = (size_t)(eq - spec);
  if (kl == 7 && strncmp(spec, "connect", 7) == 0)
    v->kind = CONNECT;
  else if (kl == 5 && strncmp(spec, "socks", 5) == 0)
    v->kind = SOCKS;
  else if (kl == 7 && strncmp(spec, "forward", 7) == 0)
    v->kind = FORWARD;
  else
    die("unknown VIA kind");
  const char *url = eq + 1;
  if (strncmp(url, "env:", 4) == 0) {
    url = getenv(url + 4);
    if (!url || !*url)
      die("the proxy variable named in VIA is not set");
  }
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", url);
  char *p = strstr(buf, "://");
  p = p ? p + 3 : buf;
  char *slash = strchr(p, '/');
  if (slash)
    *slash = 0;
  char *at = strrchr(p, '@');
  if (at) {
    *at = 0;
    char *colon = strchr(p, ':');
    if (colon) {
      *colon = 0;
      snprintf(v->pass, sizeof v->pass, "%s", colon + 1);
    }
    snprintf(v->user, sizeof v->user, "%s", p);
    pct_decode(v->user);
    pct_decode(v->pass);
    v->auth = 1;
    p = at + 1;
  }
  char *colon = strrchr(p, ':');
  if (!colon)
    die("the proxy URL has no port");
  *colon = 0;
  snprintf(v->host, sizeof v->host, "%s", p);
  snprintf(v->port, sizeof v->port, "%s", colon + 1);
}

static void base64(const char *in, size_t n, char *out) {
  static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  for (; i + 2 < n; i += 3) {
    uint32_t x = ((uint8_t)in[i] << 16) | ((uint8_t)in[i + 1] << 8) | (uint8_t)in[i + 2];
    *out++ = t[x >> 18];
    *out++ = t[(x >> 12) & 63];
    *out++ = t[(x >> 6) & 63];
    *out++ = t[x & 63];
  }
  if (i < n) {
    uint32_t x = (uint8_t)in[i] << 16;
    if (i + 1 < n)
      x |= (uint8_t)in[i + 1] << 8;
    *out++ = t[x >> 18];
    *out++ = t[(x >> 12) & 63];
    *out++ = i + 1 < n ? t[(x >> 6) & 63] : '=';
    *out++ = '=';
  }
  *out = 0;
}

static int dial(const char *host, const char *port, int nonblock, char *err, size_t errn) {
  struct addrinfo hints = {0}, *res = NULL;
  hints.ai_socktype = SOCK_STREAM;
  int rc = getaddrinfo(host, port, &hints, &res);
  if (rc != 0) {
    snprintf(err, errn, "resolve %s: %s", host, gai_strerror(rc));
    return -1;
  }
  int fd = -1;
  for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0) {
      snprintf(err, errn, "socket: %s", strerror(errno));
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || (nonblock && errno == EINPROGRESS))
      break;
    snprintf(err, errn, "connect %s:%s: %s", host, port, strerror(errno));
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  return fd;
}

static int read_exact(int fd, void *buf, size_t n) {
  char *p = buf;
  while (n > 0) {
    ssize_t r = recv(fd, p, n, 0);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return -1;
    p += r;
    n -= (size_t)r;
  }
  return 0;
}

/* Reads until the end of an HTTP head; returns the head length, with any
 * further bytes left in buf[headlen..*have). */
static long read_head(int fd, char *buf, size_t cap, size_t *have) {
  for (;;) {
    char *end = memmem(buf, *have, "\r\n\r\n", 4);
    if (end)
      return (long)(end - buf) + 4;
    if (*have == cap)
      return -1;
    ssize_t r = recv(fd, buf + *have, cap - *have, 0);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return -1;
    *have += (size_t)r;
  }
}

static size_t connect_request(const struct via *v, const char *host, const char *port, char *out, size_t n) {
  char auth[3000] = "";
  if (v->auth) {
    char cred[2100], b64[2900];
    int cl = snprintf(cred, sizeof cred, "%s:%s", v->user, v->pass);
    base64(cred, (size_t)cl, b64);
    snprintf(auth, sizeof auth, "Proxy-Authorization: Basic %s\r\n", b64);
  }
  return (size_t)snprintf(out, n, "CONNECT %s:%s HTTP/1.1\r\nHost: %s:%s\r\n%s\r\n", host, port, host, port, auth);
}

/* A connected stream to HOST:PORT (directly or tunnelled), or -1 and err. */
static int open_stream(const struct via *v, const char *host, const char *port, char *err, size_t errn) {
  if (v->kind == DIRECT)
    return dial(host, port, 0, err, errn);
  int fd = dial(v->host, v->port, 0, err, errn);
  if (fd < 0 || v->kind == FORWARD)
    return fd;
  if (v->kind == CONNECT) {
    char req[4096], buf[4096];
    size_t have = 0;
    size_t rl = connect_request(v, host, port, req, sizeof req);
    if (write_all(fd, req, rl) != 0 || read_head(fd, buf, sizeof buf, &have) < 0) {
      snprintf(err, errn, "CONNECT: no answer from the proxy");
      close(fd);
      return -1;
    }
    if (have < 12 || memcmp(buf + 9, "200", 3) != 0) {
      char *nl = memchr(buf, '\r', have);
      snprintf(err, errn, "CONNECT refused: %.*s", (int)(nl ? nl - buf : (long)have), buf);
      close(fd);
      return -1;
    }
    return fd;
  }
  /* SOCKS5 */
  unsigned char g[3] = {5, 1, (unsigned char)(v->auth ? 2 : 0)}, r[262];
  if (write_all(fd, g, 3) != 0 || read_exact(fd, r, 2) != 0 || r[0] != 5 || r[1] != g[2]) {
    snprintf(err, errn, "SOCKS5: greeting refused");
    close(fd);
    return -1;
  }
  if (v->auth) {
    unsigned char a[600];
    if (strlen(v->user) > 255 || strlen(v->pass) > 255)
      die("SOCKS5: credentials longer than 255 bytes");
    size_t ul = strlen(v->user), pl = strlen(v->pass), k = 0;
    a[k++] = 1;
    a[k++] = (unsigned char)ul;
    memcpy(a + k, v->user, ul);
    k += ul;
    a[k++] = (unsigned char)pl;
    memcpy(a + k, v->pass, pl);
    k += pl;
    if (write_all(fd, a, k) != 0 || read_exact(fd, r, 2) != 0 || r[1] != 0) {
      snprintf(err, errn, "SOCKS5: authentication refused");
      close(fd);
      return -1;
    }
  }
  unsigned char q[300];
  size_t k = 0;
  q[k++] = 5;
  q[k++] = 1;
  q[k++] = 0;
  struct in_addr ip4;
  if (inet_pton(AF_INET, host, &ip4) == 1) {
    q[k++] = 1;
    memcpy(q + k, &ip4, 4);
    k += 4;
  } else {
    size_t hl = strlen(host);
    q[k++] = 3;
    q[k++] = (unsigned char)hl;
    memcpy(q + k, host, hl);
    k += hl;
  }
  uint16_t pn = htons((uint16_t)atoi(port));
  memcpy(q + k, &pn, 2);
  k += 2;
  if (write_all(fd, q, k) != 0 || read_exact(fd, r, 4) != 0) {
    snprintf(err, errn, "SOCKS5: no answer to the request");
    close(fd);
    return -1;
  }
  if (r[1] != 0) {
    snprintf(err, errn, "SOCKS5: request refused (reply %d)", r[1]);
    close(fd);
    return -1;
  }
  size_t rest = r[3] == 1 ? 4 + 2 : r[3] == 4 ? 16 + 2 : 0;
  if (r[3] == 3) {
    if (read_exact(fd, r, 1) != 0) {
      close(fd);
      return -1;
    }
    rest = r[0] + 2u;
  }
  if (read_exact(fd, r, rest) != 0) {
    snprintf(err, errn, "SOCKS5: short reply");
    close(fd);
    return -1;
  }
  return fd;
}

static size_t get_request(const struct via *v, const char *host, const char *port, unsigned long long n, char *out,
                          size_t cap) {
  char auth[3000] = "";
  if (v->kind == FORWARD && v->auth) {
    char cred[2100], b64[2900];
    int cl = snprintf(cred, sizeof cred, "%s:%s", v->user, v->pass);
    base64(cred, (size_t)cl, b64);
    snprintf(auth, sizeof auth, "Proxy-Authorization: Basic %s\r\n", b64);
  }
  if (v->kind == FORWARD)
    return (size_t)snprintf(out, cap, "GET http://%s:%s/%llu HTTP/1.1\r\nHost: %s:%s\r\n%s\r\n", host, port, n, host,
                            port, auth);
  return (size_t)snprintf(out, cap, "GET /%llu HTTP/1.1\r\nHost: %s:%s\r\n\r\n", n, host, port);
}

static char *bigbuf;
#define BIG (256 * 1024)

/* One GET of n bytes on fd; returns the body bytes read, or -1. */
static long long http_get(int fd, const struct via *v, const char *host, const char *port, unsigned long long n,
                          char *err, size_t errn) {
  char req[4096];
  size_t rl = get_request(v, host, port, n, req, sizeof req);
  if (write_all(fd, req, rl) != 0) {
    snprintf(err, errn, "GET: send: %s", strerror(errno));
    return -1;
  }
  size_t have = 0;
  long hl = read_head(fd, bigbuf, BIG, &have);
  if (hl < 0) {
    snprintf(err, errn, "GET: no response head");
    return -1;
  }
  if (have < 12 || memcmp(bigbuf + 9, "200", 3) != 0) {
    char *nl = memchr(bigbuf, '\r', have);
    snprintf(err, errn, "GET: %.*s", (int)(nl ? nl - bigbuf : (long)have), bigbuf);
    return -1;
  }
  char *cl = strcasestr(bigbuf, "Content-Length:");
  unsigned long long want = cl ? strtoull(cl + 15, NULL, 10) : 0;
  unsigned long long got = have - (size_t)hl;
  while (got < want) {
    ssize_t r = recv(fd, bigbuf, BIG, 0);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0) {
      snprintf(err, errn, "GET: stream ended after %llu of %llu body bytes", got, want);
      return -1;
    }
    got += (unsigned long long)r;
  }
  return (long long)got;
}

static void raise_nofile(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

/* --- concurrent ------------------------------------------------------------ */

struct conn {
  int fd, state; /* 0 connecting, 1 CONNECT sent, 2 GET sent, 3 done (held), -1 failed */
  size_t have;
  char buf[512];
};

static int run_concurrent(const struct via *v, const char *host, const char *port, int count, int hold_ms,
                          int timeout_s) {
  if (v->kind != CONNECT)
    die("concurrent needs VIA connect=URL");
  raise_nofile();
  struct conn *c = calloc((size_t)count, sizeof *c);
  struct pollfd *pf = calloc((size_t)count, sizeof *pf);
  int *idx = calloc((size_t)count, sizeof *idx);
  char creq[4096], greq[4096], err[512], first_err[8][256];
  int nerr_kinds = 0;
  size_t crl = connect_request(v, host, port, creq, sizeof creq);
  struct via direct = {.kind = DIRECT};
  size_t grl = get_request(&direct, host, port, 16, greq, sizeof greq);
  int ok = 0, failed = 0, by_state[4] = {0};
  printf("BEGIN\n");
  fflush(stdout);
  usleep(300 * 1000); /* the host reads the launcher's RSS before anything opens */
  double t0 = now();
#define FAIL(i, msg)                                                                                                   \
  do {                                                                                                                 \
    by_state[c[i].state]++;                                                                                            \
    if (nerr_kinds < 8)                                                                                                \
      snprintf(first_err[nerr_kinds++], 256, "conn %d state %d: %s", i, c[i].state, msg);                            \
    c[i].state = -1;                                                                                                   \
    close(c[i].fd);                                                                                                    \
    failed++;                                                                                                          \
  } while (0)
  for (int i = 0; i < count; i++) {
    c[i].fd = dial(v->host, v->port, 1, err, sizeof err);
    if (c[i].fd < 0) {
      c[i].state = 0;
      c[i].fd = -1;
      by_state[0]++;
      if (nerr_kinds < 8)
        snprintf(first_err[nerr_kinds++], 256, "conn %d: %s", i, err);
      c[i].state = -1;
      failed++;
    }
  }
  while (ok + failed < count && now() - t0 < timeout_s) {
    int n = 0;
    for (int i = 0; i < count; i++) {
      if (c[i].state < 0 || c[i].state == 3)
        continue;
      pf[n].fd = c[i].fd;
      pf[n].events = c[i].state == 0 ? POLLOUT : POLLIN;
      pf[n].revents = 0;
      idx[n++] = i;
    }
    int pr = poll(pf, (nfds_t)n, 200);
    if (pr < 0 && errno != EINTR)
      die("poll failed");
    for (int k = 0; k < n && pr > 0; k++) {
      if (!pf[k].revents)
        continue;
      int i = idx[k];
      if (c[i].state == 0) {
        int e = 0;
        socklen_t el = sizeof e;
        getsockopt(c[i].fd, SOL_SOCKET, SO_ERROR, &e, &el);
        if (e != 0) {
          FAIL(i, strerror(e));
          continue;
        }
        if (write_all(c[i].fd, creq, crl) != 0) {
          FAIL(i, strerror(errno));
          continue;
        }
        c[i].state = 1;
        continue;
      }
      ssize_t r = recv(c[i].fd, c[i].buf + c[i].have, sizeof c[i].buf - 1 - c[i].have, 0);
      if (r < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      if (r <= 0) {
        FAIL(i, r == 0 ? "closed by the proxy" : strerror(errno));
        continue;
      }
      c[i].have += (size_t)r;
      c[i].buf[c[i].have] = 0;
      char *end = strstr(c[i].buf, "\r\n\r\n");
      if (!end) {
        if (c[i].have >= sizeof c[i].buf - 1)
          FAIL(i, "oversized head");
        continue;
      }
      if (c[i].state == 1) {
        if (memcmp(c[i].buf + 9, "200", 3) != 0) {
          char msg[128];
          snprintf(msg, sizeof msg, "%.60s", c[i].buf);
          FAIL(i, msg);
          continue;
        }
        c[i].have = 0;
        if (write_all(c[i].fd, greq, grl) != 0) {
          FAIL(i, strerror(errno));
          continue;
        }
        c[i].state = 2;
      } else if (c[i].state == 2) {
        size_t body = c[i].have - (size_t)(end + 4 - c[i].buf);
        if (memcmp(c[i].buf + 9, "200", 3) != 0) {
          FAIL(i, "origin did not answer 200");
          continue;
        }
        if (body >= 16) {
          c[i].state = 3;
          ok++;
        }
      }
    }
  }
  double secs = now() - t0;
  for (int i = 0; i < count; i++)
    if (c[i].state >= 0 && c[i].state != 3) {
      FAIL(i, "timed out");
    }
  printf("READY ok=%d err=%d seconds=%.3f err_connecting=%d err_connect_reply=%d err_get=%d\n", ok, failed, secs,
         by_state[0], by_state[1], by_state[2]);
  for (int k = 0; k < nerr_kinds; k++)
    printf("ERROR %s\n", first_err[k]);
  fflush(stdout);
  usleep((useconds_t)hold_ms * 1000);
  for (int i = 0; i < count; i++)
    if (c[i].state == 3)
      close(c[i].fd);
  printf("DONE\n");
  fflush(stdout);
  return failed ? 1 : 0;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  if (argc < 6)
    die("usage: sink get|latency|concurrent VIA HOST PORT N [HOLD_MS TIMEOUT_S]");
  struct via v;
  parse_via(argv[2], &v);
  const char *host = argv[3], *port = argv[4];
  bigbuf = malloc(BIG);
  char err[512];
  if (strcmp(argv[1], "get") == 0) {
    alarm(600);
    unsigned long long n = strtoull(argv[5], NULL, 10);
    double t0 = now();
    int fd = open_stream(&v, host, port, err, sizeof err);
    if (fd < 0)
      die(err);
    long long got = http_get(fd, &v, host, port, n, err, sizeof err);
    double t1 = now();
    if (got < 0)
      die(err);
    close(fd);
    printf("bytes=%lld seconds=%.6f\n", got, t1 - t0);
    return 0;
  }
  if (strcmp(argv[1], "latency") == 0) {
    alarm(300);
    int count = atoi(argv[5]);
    printf("lat");
    for (int i = 0; i < count; i++) {
      double t0 = now();
      int fd = open_stream(&v, host, port, err, sizeof err);
      if (fd < 0)
        die(err);
      if (http_get(fd, &v, host, port, 2, err, sizeof err) != 2)
        die(err);
      double t1 = now();
      close(fd);
      printf(" %.1f", (t1 - t0) * 1e6);
    }
    printf("\n");
    return 0;
  }
  if (strcmp(argv[1], "concurrent") == 0) {
    if (argc < 8)
      die("usage: sink concurrent VIA HOST PORT COUNT HOLD_MS TIMEOUT_S");
    int timeout_s = atoi(argv[7]);
    alarm((unsigned)(timeout_s + atoi(argv[6]) / 1000 + 30));
    return run_concurrent(&v, host, port, atoi(argv[5]), atoi(argv[6]), timeout_s);
  }
  die("unknown mode");
}
