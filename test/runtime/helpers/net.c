/* moat-escape-net MODE TARGET [PORT] TOKEN
 *
 * Direct connections that must not leave the sandbox's network namespace
 * or get past its unix-socket rules:
 *   tcp4|tcp6 ADDR PORT TOKEN   connect and send TOKEN
 *   udp4|udp6 ADDR PORT TOKEN   sendto TOKEN (three times: UDP may drop one)
 *   unix PATH TOKEN             connect(AF_UNIX, SOCK_STREAM) and send
 *   unix-dgram PATH TOKEN       sendto a datagram socket, no connect(2) call
 *   unix-i386 PATH TOKEN        socket and connect through the i386 entry
 *                               (socket(2), connect(2) and socketcall(2))
 *   abstract NAME TOKEN         connect to the abstract name \0NAME
 * Each send is bounded by a short timeout. The exit status says nothing
 * (0 once the attempts are made): the suite's listener on the host is the
 * only judge. */
#include "escape.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#define NR32_SOCKETCALL 102
#define NR32_SOCKET 359
#define NR32_CONNECT 362

static void bounded(int fd) {
  struct timeval tv = {2, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

static void send_over(const char *what, int fd, const struct sockaddr *sa, socklen_t len, const char *token,
                      int connected) {
  if (fd < 0) {
    esc_note(what, -1);
    return;
  }
  bounded(fd);
  long rc;
  if (connected) {
    rc = connect(fd, sa, len);
    if (rc == 0)
      rc = send(fd, token, strlen(token), MSG_NOSIGNAL);
  } else {
    rc = -1;
    for (int i = 0; i < 3; ++i)
      if (sendto(fd, token, strlen(token), 0, sa, len) >= 0)
        rc = 0;
  }
  esc_note(what, rc);
  close(fd);
}

static socklen_t unix_address(struct sockaddr_un *sa, const char *path, int abstract) {
  memset(sa, 0, sizeof *sa);
  sa->sun_family = AF_UNIX;
  size_t n = strlen(path);
  if (n > sizeof sa->sun_path - 2)
    n = sizeof sa->sun_path - 2;
  memcpy(sa->sun_path + abstract, path, n);
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + abstract + n + !abstract);
}

/* socket + connect + write through int $0x80, both spellings, each in a
 * child process (a filter may kill a process that uses the i386 entry). */
static void unix_i386_variant(const char *path, const char *token, int socketcall);

static void unix_i386(const char *path, const char *token) {
  for (int socketcall = 0; socketcall <= 1; ++socketcall) {
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
      unix_i386_variant(path, token, socketcall);
      _exit(0);
    }
    int status = 0;
    if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFSIGNALED(status))
      fprintf(stderr, "i386 variant %d: killed by signal %d\n", socketcall, WTERMSIG(status));
  }
}

static void unix_i386_variant(const char *path, const char *token, int socketcall) {
  struct sockaddr_un *sa = esc_low(sizeof *sa);
  long *args = esc_low(4 * sizeof(long));
  unsigned *args32 = (unsigned *)args;
  if (!sa || !args)
    return;
  socklen_t len = unix_address(sa, path, 0);
  long fd;
  if (!socketcall) {
    fd = esc_syscall(ESC_I386, SYS_socket, NR32_SOCKET, AF_UNIX, SOCK_STREAM, 0, 0, 0);
    esc_note("socket(AF_UNIX) i386", fd);
  }
  if (!socketcall && fd >= 0) {
    bounded((int)fd);
    long rc = esc_syscall(ESC_I386, SYS_connect, NR32_CONNECT, fd, (long)sa, len, 0, 0);
    esc_note("connect i386", rc);
    if (rc == 0 && write((int)fd, token, strlen(token)) < 0)
      perror("write");
    close((int)fd);
  }
  if (!socketcall)
    return;
  args32[0] = AF_UNIX, args32[1] = SOCK_STREAM, args32[2] = 0;
  fd = esc_syscall(ESC_I386, 0, NR32_SOCKETCALL, 1 /* SYS_SOCKET */, (long)args32, 0, 0, 0);
  esc_note("socketcall(SYS_SOCKET, AF_UNIX) i386", fd);
  if (fd >= 0) {
    bounded((int)fd);
    args32[0] = (unsigned)fd, args32[1] = (unsigned)(unsigned long)sa, args32[2] = len;
    long rc = esc_syscall(ESC_I386, 0, NR32_SOCKETCALL, 3 /* SYS_CONNECT */, (long)args32, 0, 0, 0);
    esc_note("socketcall(SYS_CONNECT) i386", rc);
    if (rc == 0 && write((int)fd, token, strlen(token)) < 0)
      perror("write");
    close((int)fd);
  }
}

int main(int argc, char **argv) {
  esc_deadline(15);
  if (argc == 5 && (!strcmp(argv[1], "tcp4") || !strcmp(argv[1], "udp4"))) {
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[3]))};
    if (inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1)
      return ESC_USAGE;
    int stream = argv[1][0] == 't';
    send_over(argv[1], socket(AF_INET, stream ? SOCK_STREAM : SOCK_DGRAM, 0), (struct sockaddr *)&sa, sizeof sa,
              argv[4], stream);
  } else if (argc == 5 && (!strcmp(argv[1], "tcp6") || !strcmp(argv[1], "udp6"))) {
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)atoi(argv[3]))};
    if (inet_pton(AF_INET6, argv[2], &sa.sin6_addr) != 1)
      return ESC_USAGE;
    int stream = argv[1][0] == 't';
    send_over(argv[1], socket(AF_INET6, stream ? SOCK_STREAM : SOCK_DGRAM, 0), (struct sockaddr *)&sa, sizeof sa,
              argv[4], stream);
  } else if (argc == 4 && (!strcmp(argv[1], "unix") || !strcmp(argv[1], "abstract") ||
                           !strcmp(argv[1], "unix-dgram"))) {
    struct sockaddr_un sa;
    int abstract = !strcmp(argv[1], "abstract"), dgram = !strcmp(argv[1], "unix-dgram");
    socklen_t len = unix_address(&sa, argv[2], abstract);
    send_over(argv[1], socket(AF_UNIX, dgram ? SOCK_DGRAM : SOCK_STREAM, 0), (struct sockaddr *)&sa, len, argv[3],
              !dgram);
  } else if (argc == 4 && !strcmp(argv[1], "unix-i386")) {
    unix_i386(argv[2], argv[3]);
  } else {
    return ESC_USAGE;
  }
  return ESC_OK;
}
