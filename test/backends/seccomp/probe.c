/* moat-seccomp-probe: makes each system call the seccomp target blocks, and
 * a set it must leave alone, and prints one line per call:
 *
 *   NAME real=RESULT oracle=RESULT
 *
 * RESULT is `ok`, an errno name (`EPERM`), `signal=SIGSYS` (the call killed
 * the process) or `n/a`. Every call runs in its own child, so a kill, a
 * personality change or a new namespace does not affect the next one.
 *
 * real:   the call as a program would make it, with harmless arguments.
 * oracle: the same call after the child stacks its own filter on top that
 *         answers SECCOMP_RET_TRACE for exactly that call number. With no
 *         tracer attached the kernel then fails the call with ENOSYS without
 *         running it, unless an earlier filter returned an action that takes
 *         precedence: moat's ERRNO(EPERM). So oracle=EPERM proves the EPERM
 *         came from moat's filter (not from missing privileges), and
 *         oracle=ENOSYS proves the filter let the call through. `n/a` for
 *         calls that take several system calls to make.
 *
 * The host-side driver (run_probe.py) runs this under bwrap with and without
 * the filter and compares every line with its expectations.
 *
 * Usage: moat-seccomp-probe [NAME...]   (no names: every call)
 *        moat-seccomp-probe --exit N    (exits with N: the execve target)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/io_uring.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#if defined(__x86_64__)
#define PROBE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define PROBE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "the seccomp target covers x86_64 and aarch64 only"
#endif

/* Set up by a probe's setup step, used by its call. */
static int fd_a = -1;
static char self_exe[4096];

/* Every call returns 0 on success or an errno value. */
static int result_of(long rc) { return rc < 0 ? errno : 0; }

/* ---- setup steps ------------------------------------------------------- */

/* A pseudo-terminal that becomes this child's controlling terminal, so that
 * TIOCSTI works without the filter even without CAP_SYS_ADMIN. */
static int setup_pty(void) {
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0)
    return errno;
  const char *name = ptsname(master);
  if (!name || setsid() < 0)
    return errno;
  fd_a = open(name, O_RDWR); /* no O_NOCTTY: the session's terminal */
  if (fd_a < 0)
    return errno;
  return ioctl(fd_a, TIOCSCTTY, 0) < 0 ? errno : 0;
}

static int setup_passwd(void) {
  fd_a = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
  return fd_a < 0 ? errno : 0;
}

static int setup_devnull(void) {
  fd_a = open("/dev/null", O_WRONLY | O_CLOEXEC);
  return fd_a < 0 ? errno : 0;
}

/* ---- calls that must be blocked ---------------------------------------- */

static int call_socket_unix(void) { return result_of(socket(AF_UNIX, SOCK_STREAM, 0)); }
/* The kernel reads the family as `int`: the upper half of the register must
 * not let the call past the filter. */
static int call_socket_unix_high(void) {
  return result_of(syscall(SYS_socket, (1UL << 32) | AF_UNIX, SOCK_STREAM, 0));
}
static int call_socket_vsock(void) { return result_of(socket(AF_VSOCK, SOCK_STREAM, 0)); }
/* An unnamed datagram pair can still send to any socket path with sendto():
 * refused unless the policy allows every unix socket. The type's upper half
 * must not change that. */
static int call_socketpair_unix_dgram(void) {
  int sv[2];
  return result_of(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
}
static int call_socketpair_unix_dgram_high(void) {
  int sv[2];
  return result_of(syscall(SYS_socketpair, AF_UNIX, (1UL << 32) | SOCK_DGRAM, 0, sv));
}
static int call_io_uring_setup(void) {
  struct io_uring_params p;
  memset(&p, 0, sizeof p);
  return result_of(syscall(SYS_io_uring_setup, 4, &p));
}
static int call_io_uring_enter(void) {
  return result_of(syscall(SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0));
}
static int call_io_uring_register(void) {
  return result_of(syscall(SYS_io_uring_register, -1, 0, NULL, 0));
}
static int call_ptrace(void) { return result_of(syscall(SYS_ptrace, 0 /* TRACEME */, 0, 0, 0)); }
static int call_process_vm_readv(void) {
  char src[8] = "moatmoa", dst[8];
  struct iovec local = {dst, sizeof dst}, remote = {src, sizeof src};
  return result_of(process_vm_readv(getpid(), &local, 1, &remote, 1, 0));
}
static int call_process_vm_writev(void) {
  char src[8] = "moatmoa", dst[8];
  struct iovec local = {src, sizeof src}, remote = {dst, sizeof dst};
  return result_of(process_vm_writev(getpid(), &local, 1, &remote, 1, 0));
}
static int call_pidfd_getfd(void) { return result_of(syscall(SYS_pidfd_getfd, -1, 0, 0)); }
static int call_unshare_user(void) { return result_of(unshare(CLONE_NEWUSER)); }

/* A raw clone (no new stack: the child runs on a copy, as after fork). */
static int raw_clone(unsigned long flags) {
  long pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
  if (pid == 0)
    _exit(0);
  if (pid < 0)
    return errno;
  int status;
  waitpid((pid_t)pid, &status, 0);
  return 0;
}
static int call_clone_user(void) { return raw_clone(CLONE_NEWUSER); }
static int call_clone3(void) {
  struct clone_args args;
  memset(&args, 0, sizeof args);
  args.exit_signal = SIGCHLD;
  long pid = syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0)
    _exit(0);
  if (pid < 0)
    return errno;
  int status;
  waitpid((pid_t)pid, &status, 0);
  return 0;
}
static int call_setns(void) { return result_of(setns(-1, 0)); }
static int call_mount(void) { return result_of(mount("none", "/tmp", "tmpfs", 0, NULL)); }
static int call_umount2(void) { return result_of(umount2("/moat-probe-none", 0)); }
static int call_pivot_root(void) {
  return result_of(syscall(SYS_pivot_root, "/moat-probe-a", "/moat-probe-b"));
}
static int call_move_mount(void) {
  return result_of(syscall(SYS_move_mount, -1, "", -1, "", 0));
}
static int call_open_tree(void) {
  return result_of(syscall(SYS_open_tree, -1, "/moat-probe-none", 0));
}
static int call_fsopen(void) { return result_of(syscall(SYS_fsopen, "moat-probe-none", 0)); }
static int call_fsconfig(void) { return result_of(syscall(SYS_fsconfig, -1, 0, NULL, NULL, 0)); }
static int call_fsmount(void) { return result_of(syscall(SYS_fsmount, -1, 0, 0)); }
static int call_fspick(void) { return result_of(syscall(SYS_fspick, -1, "/moat-probe-none", 0)); }
static int call_mount_setattr(void) {
  return result_of(syscall(SYS_mount_setattr, -1, "", 0, NULL, 0));
}
static int call_tiocsti(void) {
  char c = '\n';
  return result_of(ioctl(fd_a, TIOCSTI, &c));
}
/* ioctl's request is `unsigned int` in the kernel: CVE-2019-10063. */
static int call_tiocsti_high(void) {
  char c = '\n';
  return result_of(syscall(SYS_ioctl, fd_a, (1UL << 32) | TIOCSTI, &c));
}
static int call_tioclinux(void) {
  char subcode = 2; /* TIOCL_SETSEL */
  return result_of(ioctl(fd_a, TIOCLINUX, &subcode));
}
static int call_kexec_load(void) { return result_of(syscall(SYS_kexec_load, 0, 0, NULL, 0)); }
static int call_kexec_file_load(void) {
  return result_of(syscall(SYS_kexec_file_load, -1, -1, 0, "", 0));
}
static int call_init_module(void) { return result_of(syscall(SYS_init_module, NULL, 0, "")); }
static int call_finit_module(void) { return result_of(syscall(SYS_finit_module, -1, "", 0)); }
static int call_delete_module(void) {
  return result_of(syscall(SYS_delete_module, "moat_probe_none", 0));
}
#if defined(__x86_64__)
static int call_iopl(void) { return result_of(syscall(SYS_iopl, 0)); }
static int call_ioperm(void) { return result_of(syscall(SYS_ioperm, 0, 0, 0)); }
#endif
static int call_open_by_handle_at(void) {
  return result_of(syscall(SYS_open_by_handle_at, -1, NULL, 0));
}
static int call_bpf(void) { return result_of(syscall(SYS_bpf, -1, NULL, 0)); }
static int call_perf_event_open(void) {
  return result_of(syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
}
static int call_userfaultfd(void) { return result_of(syscall(SYS_userfaultfd, O_CLOEXEC)); }
static int call_keyctl(void) {
  return result_of(syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */, -3 /* session */, 0));
}
static int call_add_key(void) {
  return result_of(syscall(SYS_add_key, "moat-probe-none", "moat", "x", 1, -2));
}
static int call_request_key(void) {
  return result_of(syscall(SYS_request_key, "moat-probe-none", "moat", NULL, 0));
}
static int call_personality_rie(void) { return result_of(personality(READ_IMPLIES_EXEC)); }
static int call_personality_aslr(void) { return result_of(personality(ADDR_NO_RANDOMIZE)); }
static int call_personality_high(void) {
  return result_of(syscall(SYS_personality, (1UL << 32) | READ_IMPLIES_EXEC));
}

/* ---- calls that must be killed ----------------------------------------- */

#if defined(__x86_64__)
/* getpid through the x32 ABI: x86_64's arch value, number with bit 30. */
static int call_x32_getpid(void) { return result_of(syscall(__X32_SYSCALL_BIT | SYS_getpid)); }
/* getpid through the i386 entry point (arch AUDIT_ARCH_I386). */
static int call_i386_getpid(void) {
  long rc;
  __asm__ volatile("int $0x80" : "=a"(rc) : "a"(20L /* i386 getpid */) : "memory");
  return rc < 0 ? (int)-rc : 0;
}
#endif

/* ---- calls that must keep working -------------------------------------- */

static int call_getpid(void) { return result_of(syscall(SYS_getpid)); }
static int call_openat(void) {
  return result_of(openat(AT_FDCWD, "/etc/passwd", O_RDONLY | O_CLOEXEC));
}
static int call_read(void) {
  char buf[16];
  return result_of(read(fd_a, buf, sizeof buf));
}
static int call_write(void) { return result_of(write(fd_a, "moat\n", 5)); }
static int call_tmpfile(void) {
  /* create, write, read back, unlink: a writable directory keeps working */
  char path[64];
  snprintf(path, sizeof path, "/tmp/moat-probe-%d", (int)getpid());
  int fd = open(path, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    return errno;
  char back[4];
  int rc = 0;
  if (write(fd, "moat", 4) != 4 || pread(fd, back, 4, 0) != 4)
    rc = errno ? errno : EIO;
  else if (memcmp(back, "moat", 4) != 0)
    rc = EIO;
  close(fd);
  if (unlink(path) != 0 && rc == 0)
    rc = errno;
  return rc;
}
static int call_mmap(void) {
  void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return errno;
  memset(p, 0x5a, 4096);
  return result_of(munmap(p, 4096));
}
static int call_socket_inet(void) { return result_of(socket(AF_INET, SOCK_STREAM, 0)); }
static int call_socketpair_unix(void) {
  int sv[2];
  return result_of(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
}
static int call_fork(void) {
  pid_t pid = fork();
  if (pid == 0)
    _exit(7);
  if (pid < 0)
    return errno;
  int status;
  if (waitpid(pid, &status, 0) < 0)
    return errno;
  return WIFEXITED(status) && WEXITSTATUS(status) == 7 ? 0 : EPROTO;
}
static int call_clone_plain(void) { return raw_clone(0); }
static int call_execve(void) {
  pid_t pid = fork();
  if (pid == 0) {
    char *argv[] = {self_exe, (char *)"--exit", (char *)"3", NULL};
    execv(self_exe, argv);
    _exit(100 + (errno & 0x7f) % 100); /* exec failed */
  }
  if (pid < 0)
    return errno;
  int status;
  if (waitpid(pid, &status, 0) < 0)
    return errno;
  return WIFEXITED(status) && WEXITSTATUS(status) == 3 ? 0 : EPROTO;
}
static void *thread_main(void *arg) { return arg; }
static int call_thread(void) {
  /* glibc 2.34+ tries clone3 first and falls back to clone on ENOSYS */
  pthread_t t;
  int marker = 42;
  void *back = NULL;
  int rc = pthread_create(&t, NULL, thread_main, &marker);
  if (rc != 0)
    return rc;
  rc = pthread_join(t, &back);
  return rc != 0 ? rc : back == &marker ? 0 : EPROTO;
}
static int call_tcgets_pty(void) {
  struct termios t;
  return result_of(tcgetattr(fd_a, &t));
}
static int call_tcgets_file(void) {
  struct termios t;
  return result_of(tcgetattr(fd_a, &t)); /* ENOTTY on a regular file */
}
static int call_personality_query(void) { return result_of(personality(0xffffffff)); }
static int call_personality_linux(void) { return result_of(personality(PER_LINUX)); }

/* ---- the table ----------------------------------------------------------- */

struct probe {
  const char *name;
  long nr; /* the one system call the oracle traps; -1: no oracle */
  int (*setup)(void);
  int (*call)(void);
};

#define P(name, nr, setup) {#name, nr, setup, call_##name}
static const struct probe probes[] = {
    P(socket_unix, SYS_socket, NULL),
    P(socket_unix_high, SYS_socket, NULL),
    P(socket_vsock, SYS_socket, NULL),
    P(socketpair_unix_dgram, SYS_socketpair, NULL),
    P(socketpair_unix_dgram_high, SYS_socketpair, NULL),
    P(io_uring_setup, SYS_io_uring_setup, NULL),
    P(io_uring_enter, SYS_io_uring_enter, NULL),
    P(io_uring_register, SYS_io_uring_register, NULL),
    P(ptrace, SYS_ptrace, NULL),
    P(process_vm_readv, SYS_process_vm_readv, NULL),
    P(process_vm_writev, SYS_process_vm_writev, NULL),
    P(pidfd_getfd, SYS_pidfd_getfd, NULL),
    P(unshare_user, SYS_unshare, NULL),
    P(clone_user, SYS_clone, NULL),
    /* clone3's verdict is ENOSYS, the oracle's answer too: no oracle */
    P(clone3, -1, NULL),
    P(setns, SYS_setns, NULL),
    P(mount, SYS_mount, NULL),
    P(umount2, SYS_umount2, NULL),
    P(pivot_root, SYS_pivot_root, NULL),
    P(move_mount, SYS_move_mount, NULL),
    P(open_tree, SYS_open_tree, NULL),
    P(fsopen, SYS_fsopen, NULL),
    P(fsconfig, SYS_fsconfig, NULL),
    P(fsmount, SYS_fsmount, NULL),
    P(fspick, SYS_fspick, NULL),
    P(mount_setattr, SYS_mount_setattr, NULL),
    P(tiocsti, SYS_ioctl, setup_pty),
    P(tiocsti_high, SYS_ioctl, setup_pty),
    P(tioclinux, SYS_ioctl, setup_pty),
    P(kexec_load, SYS_kexec_load, NULL),
    P(kexec_file_load, SYS_kexec_file_load, NULL),
    P(init_module, SYS_init_module, NULL),
    P(finit_module, SYS_finit_module, NULL),
    P(delete_module, SYS_delete_module, NULL),
#if defined(__x86_64__)
    P(iopl, SYS_iopl, NULL),
    P(ioperm, SYS_ioperm, NULL),
#endif
    P(open_by_handle_at, SYS_open_by_handle_at, NULL),
    P(bpf, SYS_bpf, NULL),
    P(perf_event_open, SYS_perf_event_open, NULL),
    P(userfaultfd, SYS_userfaultfd, NULL),
    P(keyctl, SYS_keyctl, NULL),
    P(add_key, SYS_add_key, NULL),
    P(request_key, SYS_request_key, NULL),
    P(personality_rie, SYS_personality, NULL),
    P(personality_aslr, SYS_personality, NULL),
    P(personality_high, SYS_personality, NULL),
#if defined(__x86_64__)
    P(x32_getpid, -1, NULL),
    P(i386_getpid, -1, NULL),
#endif
    P(getpid, SYS_getpid, NULL),
    P(openat, SYS_openat, NULL),
    P(read, SYS_read, setup_passwd),
    P(write, SYS_write, setup_devnull),
    P(tmpfile, -1, NULL),
    P(mmap, SYS_mmap, NULL),
    P(socket_inet, SYS_socket, NULL),
    P(socketpair_unix, SYS_socketpair, NULL),
    P(fork, -1, NULL),
    P(clone_plain, SYS_clone, NULL),
    P(execve, -1, NULL),
    P(thread, -1, NULL),
    P(tcgets_pty, SYS_ioctl, setup_pty),
    P(tcgets_file, SYS_ioctl, setup_passwd),
    P(personality_query, SYS_personality, NULL),
    P(personality_linux, SYS_personality, NULL),
};
#undef P

/* Stacks a filter that answers SECCOMP_RET_TRACE for `nr` (native arch). */
static int install_oracle(long nr) {
  struct sock_filter insns[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PROBE_AUDIT_ARCH, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = {sizeof insns / sizeof insns[0], insns};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return errno;
  return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0 ? errno : 0;
}

/* Child exit codes: the call's errno (0: ok), or one of these. The child
 * reports through its exit status because after the oracle is installed it
 * must make no system call but the probed one (the oracle may trap write). */
enum { EXIT_BAD_ERRNO = 199, EXIT_SETUP_FAILED = 200, EXIT_ORACLE_FAILED = 201 };

/* Runs one call in a child; writes its RESULT to `out`. */
static void run(const struct probe *p, int oracle, char *out, size_t outlen) {
  if (oracle && p->nr < 0) {
    snprintf(out, outlen, "n/a");
    return;
  }
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(out, outlen, "probe-error:fork:%s", strerrorname_np(errno));
    return;
  }
  if (pid == 0) {
    if (p->setup && p->setup() != 0)
      _exit(EXIT_SETUP_FAILED);
    if (oracle && install_oracle(p->nr) != 0)
      _exit(EXIT_ORACLE_FAILED);
    errno = 0;
    int rc = p->call();
    _exit(rc >= 0 && rc < EXIT_BAD_ERRNO ? rc : EXIT_BAD_ERRNO);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      snprintf(out, outlen, "probe-error:waitpid");
      return;
    }
  }
  if (WIFSIGNALED(status)) {
    const char *sig = sigabbrev_np(WTERMSIG(status));
    snprintf(out, outlen, "signal=SIG%s", sig ? sig : "?");
    return;
  }
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  const char *name = code > 0 && code < EXIT_BAD_ERRNO ? strerrorname_np(code) : NULL;
  if (code == 0)
    snprintf(out, outlen, "ok");
  else if (name)
    snprintf(out, outlen, "%s", name);
  else if (code == EXIT_SETUP_FAILED)
    snprintf(out, outlen, "probe-error:setup");
  else if (code == EXIT_ORACLE_FAILED)
    snprintf(out, outlen, "probe-error:oracle");
  else
    snprintf(out, outlen, "probe-error:status-%d", code);
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "--exit") == 0)
    return atoi(argv[2]);
  ssize_t len = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
  if (len <= 0) {
    fprintf(stderr, "moat-seccomp-probe: cannot read /proc/self/exe\n");
    return 2;
  }
  self_exe[len] = '\0';
  size_t count = sizeof probes / sizeof probes[0];
  for (int i = 1; i < argc; ++i) {
    int known = 0;
    for (size_t j = 0; j < count; ++j)
      known |= strcmp(argv[i], probes[j].name) == 0;
    if (!known) {
      fprintf(stderr, "moat-seccomp-probe: unknown call '%s'\n", argv[i]);
      return 2;
    }
  }
  for (size_t j = 0; j < count; ++j) {
    int wanted = argc == 1;
    for (int i = 1; i < argc; ++i)
      wanted |= strcmp(argv[i], probes[j].name) == 0;
    if (!wanted)
      continue;
    char real[80], oracle[80];
    run(&probes[j], 0, real, sizeof real);
    run(&probes[j], 1, oracle, sizeof oracle);
    printf("%s real=%s oracle=%s\n", probes[j].name, real, oracle);
  }
  return fflush(stdout) == 0 ? 0 : 2;
}
