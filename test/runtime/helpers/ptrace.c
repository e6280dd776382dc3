/* moat-escape-ptrace NEEDLE-HEX OUT [PID...]
 * moat-escape-ptrace --victim SECONDS   (the host-side victim: it only waits)
 *
 * Reads other processes' memory for a secret: a host process started with
 * NEEDLE (given in hex, so that it is in no command line) in its
 * environment, on its stack. For every pid in /proc and every PID given
 * (the host's numbers, which mean nothing in a private pid namespace):
 * /proc/PID/environ and cmdline; then the [stack] mapping through
 * ptrace(PTRACE_ATTACH)+PEEKDATA, process_vm_readv and /proc/PID/mem. Those
 * intrusive reads go only to the PIDs given and to processes with this
 * program's own name (the victim, in whatever namespace it is seen), never
 * to every process: if the pid namespace were shared, attaching to all of
 * the host's processes would disturb them. Whatever holds NEEDLE is written
 * to OUT (the suite looks for the secret on the host side). Exits
 * ESC_ESCAPED if ptrace or process_vm_readv worked, or NEEDLE was found. */
#define _GNU_SOURCE
#include "escape.h"

#include <dirent.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>

#define MAX_REGION (512 * 1024)

static char needle[128];
static const char *out;
static int escaped;
static char buf[MAX_REGION];

static void found(const char *how, int pid, const char *data, size_t size) {
  if (!memmem(data, size, needle, strlen(needle)))
    return;
  fprintf(stderr, "pid %d: secret found through %s\n", pid, how);
  int fd = open(out, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) {
    if (write(fd, data, size) < 0)
      perror(out);
    close(fd);
  }
  escaped = 1;
}

static size_t read_file(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return 0;
  ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  return n > 0 ? (size_t)n : 0;
}

static int stack_of(int pid, unsigned long *lo, unsigned long *hi) {
  char path[64], line[512];
  snprintf(path, sizeof path, "/proc/%d/maps", pid);
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  int ok = -1;
  while (fgets(line, sizeof line, f))
    if (strstr(line, "[stack]") && sscanf(line, "%lx-%lx", lo, hi) == 2) {
      if (*hi - *lo > MAX_REGION)
        *lo = *hi - MAX_REGION;
      ok = 0;
      break;
    }
  fclose(f);
  return ok;
}

static char self_comm[32];

static int is_victim(int pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/comm", pid);
  size_t n = read_file(path);
  return n > 0 && n < sizeof self_comm && memcmp(buf, self_comm, n) == 0 && self_comm[n] == 0;
}

static int probed;

static void probe(int pid, int intrusive) {
  ++probed;
  char path[64];
  size_t n;
  snprintf(path, sizeof path, "/proc/%d/environ", pid);
  if ((n = read_file(path)))
    found("/proc/PID/environ", pid, buf, n);
  snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
  if ((n = read_file(path)))
    found("/proc/PID/cmdline", pid, buf, n);
  if (!intrusive && !is_victim(pid))
    return;

  if (ptrace(PTRACE_ATTACH, pid, 0, 0) == 0) {
    fprintf(stderr, "pid %d: ptrace(PTRACE_ATTACH) WORKED\n", pid);
    escaped = 1;
    waitpid(pid, NULL, __WALL);
    unsigned long lo, hi;
    if (stack_of(pid, &lo, &hi) == 0) {
      size_t got = 0;
      for (unsigned long a = lo; a + sizeof(long) <= hi; a += sizeof(long), got += sizeof(long)) {
        errno = 0;
        long word = ptrace(PTRACE_PEEKDATA, pid, (void *)a, 0);
        if (errno)
          break;
        memcpy(buf + got, &word, sizeof word);
      }
      found("ptrace(PTRACE_PEEKDATA)", pid, buf, got);
    }
    ptrace(PTRACE_DETACH, pid, 0, 0);
  }

  unsigned long lo, hi;
  if (stack_of(pid, &lo, &hi) != 0)
    lo = hi = 0;
  struct iovec local = {buf, hi - lo}, remote = {(void *)lo, hi - lo};
  ssize_t got = process_vm_readv(pid, &local, 1, &remote, 1, 0);
  if (got >= 0 && lo != hi) {
    fprintf(stderr, "pid %d: process_vm_readv WORKED\n", pid);
    escaped = 1;
    found("process_vm_readv", pid, buf, (size_t)got);
  }
  snprintf(path, sizeof path, "/proc/%d/mem", pid);
  int fd = open(path, O_RDONLY);
  if (fd >= 0 && lo != hi) {
    got = pread(fd, buf, hi - lo, (off_t)lo);
    if (got > 0)
      found("/proc/PID/mem", pid, buf, (size_t)got);
  }
  if (fd >= 0)
    close(fd);
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "--victim") == 0) {
    sleep((unsigned)atoi(argv[2]));
    return ESC_OK;
  }
  if (argc < 3)
    return ESC_USAGE;
  esc_deadline(20);
  size_t n = read_file("/proc/self/comm");
  if (n == 0 || n >= sizeof self_comm)
    return ESC_USAGE;
  memcpy(self_comm, buf, n);
  /* Hex, so that the needle itself is in no process's command line. */
  size_t hex = strlen(argv[1]);
  if (hex % 2 || hex / 2 >= sizeof needle)
    return ESC_USAGE;
  for (size_t i = 0; i < hex / 2; ++i)
    if (sscanf(argv[1] + 2 * i, "%2hhx", (unsigned char *)&needle[i]) != 1)
      return ESC_USAGE;
  out = argv[2];
  int self = getpid(), parent = getppid();
  DIR *proc = opendir("/proc");
  struct dirent *e;
  while (proc && (e = readdir(proc))) {
    int pid = atoi(e->d_name);
    if (pid > 0 && pid != self && pid != parent)
      probe(pid, 0);
  }
  if (proc)
    closedir(proc);
  for (int i = 3; i < argc; ++i)
    if (atoi(argv[i]) > 0 && atoi(argv[i]) != self)
      probe(atoi(argv[i]), 1);
  fprintf(stderr, "%d process(es) probed, %s\n", probed, escaped ? "SOMETHING WORKED" : "nothing obtained");
  return escaped ? ESC_ESCAPED : ESC_OK;
}
