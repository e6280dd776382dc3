/* Shared by the escape suite's helper programs (README.md): the exit codes
 * the suite reads, a deadline, and the x86 side doors of the syscall ABI.
 *
 * A helper runs INSIDE the sandbox as the attacker. The suite never trusts
 * it to say an attack failed; it judges on the host side. A helper only
 * ever admits success: it exits ESC_ESCAPED when a primitive the sandbox
 * must refuse (a mount, a new user namespace, io_uring, ptrace, TIOCSTI, a
 * device node) worked, and the suite counts that as a failure too. */
#ifndef MOAT_ESCAPE_H
#define MOAT_ESCAPE_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define ESC_OK 0      /* every attempt made; nothing obtained */
#define ESC_USAGE 2   /* bad arguments */
#define ESC_ESCAPED 10 /* a primitive the sandbox must refuse worked */

/* No helper may hang the suite: SIGALRM's default action ends it. */
static inline void esc_deadline(unsigned seconds) { alarm(seconds); }

static inline void esc_note(const char *what, long rc) {
  if (rc < 0)
    fprintf(stderr, "%s: refused (%s)\n", what, strerror(errno));
  else
    fprintf(stderr, "%s: WORKED (%ld)\n", what, rc);
}

/* The same syscall through the ABIs a filter that forgets to check the
 * architecture would let through: x32 (the 0x40000000 bit on x86_64
 * numbers) and the i386 compat entry `int $0x80` (its own numbers, 32-bit
 * arguments, so pointers must come from esc_low()). Each returns -1 with
 * errno set on failure, like syscall(2). */
enum esc_abi { ESC_NATIVE, ESC_X32, ESC_I386, ESC_ABIS };
static const char *const esc_abi_name[ESC_ABIS] = {"x86_64", "x32", "i386"};

#if defined(__x86_64__)
#define ESC_X32_BIT 0x40000000L
static inline long esc_i386(long nr, long a, long b, long c, long d, long e) {
  long ret;
  __asm__ volatile("int $0x80"
                   : "=a"(ret)
                   : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
                   : "memory", "r8", "r9", "r10", "r11");
  if (ret < 0 && ret > -4096) {
    errno = (int)-ret;
    return -1;
  }
  return ret;
}
#endif

/* nr64: the x86_64 number; nr32: the i386 number (0: none). */
static inline long esc_syscall(enum esc_abi abi, long nr64, long nr32, long a, long b, long c, long d,
                               long e) {
#if defined(__x86_64__)
  if (abi == ESC_X32)
    return syscall(nr64 | ESC_X32_BIT, a, b, c, d, e);
  if (abi == ESC_I386) {
    if (!nr32) {
      errno = ENOSYS;
      return -1;
    }
    return esc_i386(nr32, a, b, c, d, e);
  }
#else
  (void)nr32;
  if (abi != ESC_NATIVE) {
    errno = ENOSYS;
    return -1;
  }
#endif
  return syscall(nr64, a, b, c, d, e);
}

/* Runs attack(abi, ctx) in a child process for each ABI: a filter may kill a
 * process that uses a foreign ABI (SIGSYS), which must not end the attack
 * before the other ABIs had their turn. ESC_ESCAPED if any child said so. */
typedef int (*esc_attack)(enum esc_abi abi, void *ctx);

static inline int esc_each_abi(esc_attack attack, void *ctx) {
  int result = ESC_OK;
  for (int abi = 0; abi < ESC_ABIS; ++abi) {
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
      _exit(attack((enum esc_abi)abi, ctx));
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
      continue;
    if (WIFSIGNALED(status))
      fprintf(stderr, "%s: killed by signal %d\n", esc_abi_name[abi], WTERMSIG(status));
    else if (WEXITSTATUS(status) == ESC_ESCAPED)
      result = ESC_ESCAPED;
  }
  return result;
}

/* Zeroed memory below 4 GiB (i386 arguments), or NULL. */
static inline void *esc_low(size_t size) {
#if defined(__x86_64__)
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
#else
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
#endif
  return p == MAP_FAILED ? NULL : p;
}

static inline char *esc_low_string(const char *s) {
  char *p = esc_low(strlen(s) + 1);
  if (p)
    strcpy(p, s);
  return p;
}

/* Copies `from` to a new file `to` (the attacker's way of carrying a
 * secret out). Returns 0 when something was copied. */
static inline int esc_copy(const char *from, const char *to) {
  char buf[4096];
  int in = open(from, O_RDONLY);
  if (in < 0)
    return -1;
  ssize_t n = read(in, buf, sizeof buf);
  close(in);
  if (n <= 0)
    return -1;
  int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out < 0)
    return -1;
  ssize_t w = write(out, buf, (size_t)n);
  close(out);
  return w == n ? 0 : -1;
}

#endif
