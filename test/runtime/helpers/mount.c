/* moat-escape-mount remount PATH | umount PATH | bind SRC DST
 *
 * The mount primitives that would undo a mount plan:
 *   remount PATH   make a read-only mount writable: mount(MS_REMOUNT),
 *                  mount(MS_REMOUNT|MS_BIND), mount_setattr clearing
 *                  MOUNT_ATTR_RDONLY;
 *   umount PATH    take away a mask (a tmpfs over a hidden directory,
 *                  /dev/null over a file): umount2;
 *   bind SRC DST   put a writable tree over a protected one: mount(MS_BIND),
 *                  open_tree + move_mount.
 * mount(2) and umount2(2) also through the x32 and i386 entries (each ABI
 * in a child process of its own).
 * The suite's script then tries what the mount would have opened (a write,
 * a read) and judges that on the host. Exits ESC_ESCAPED if any call
 * worked. */
#include "escape.h"

#include <linux/mount.h>
#include <sys/mount.h>

#define NR32_MOUNT 21
#define NR32_UMOUNT2 52
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

static int worked;
static const char *op, *first, *second;

static void attempt(enum esc_abi abi, const char *what, long rc) {
  char text[96];
  snprintf(text, sizeof text, "%s (%s)", what, esc_abi_name[abi]);
  esc_note(text, rc);
  worked |= rc >= 0;
}

static void remount(enum esc_abi abi, const char *path) {
  char *low = esc_low_string(path);
  attempt(abi, "mount(MS_REMOUNT)", esc_syscall(abi, SYS_mount, NR32_MOUNT, 0, (long)low, 0, MS_REMOUNT, 0));
  attempt(abi, "mount(MS_REMOUNT|MS_BIND)",
          esc_syscall(abi, SYS_mount, NR32_MOUNT, 0, (long)low, 0, MS_REMOUNT | MS_BIND, 0));
  if (abi == ESC_NATIVE) {
    struct mount_attr attr = {.attr_clr = MOUNT_ATTR_RDONLY};
    attempt(abi, "mount_setattr(-RDONLY)",
            syscall(SYS_mount_setattr, AT_FDCWD, path, AT_RECURSIVE, &attr, sizeof attr));
  }
}

static void umount_all(enum esc_abi abi, const char *path) {
  char *low = esc_low_string(path);
  attempt(abi, "umount2(MNT_DETACH)", esc_syscall(abi, SYS_umount2, NR32_UMOUNT2, (long)low, MNT_DETACH, 0, 0, 0));
  attempt(abi, "umount2(0)", esc_syscall(abi, SYS_umount2, NR32_UMOUNT2, (long)low, 0, 0, 0, 0));
}

static void bind(enum esc_abi abi, const char *src, const char *dst) {
  char *lsrc = esc_low_string(src), *ldst = esc_low_string(dst);
  attempt(abi, "mount(MS_BIND)", esc_syscall(abi, SYS_mount, NR32_MOUNT, (long)lsrc, (long)ldst, 0, MS_BIND, 0));
  if (abi == ESC_NATIVE) {
    long tree = syscall(SYS_open_tree, AT_FDCWD, src, OPEN_TREE_CLONE);
    attempt(abi, "open_tree(OPEN_TREE_CLONE)", tree);
    if (tree >= 0)
      attempt(abi, "move_mount", syscall(SYS_move_mount, tree, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH));
  }
}

static int attack(enum esc_abi abi, void *unused) {
  (void)unused;
  if (!strcmp(op, "remount"))
    remount(abi, first);
  else if (!strcmp(op, "umount"))
    umount_all(abi, first);
  else
    bind(abi, first, second);
  return worked ? ESC_ESCAPED : ESC_OK;
}

int main(int argc, char **argv) {
  esc_deadline(10);
  if (!((argc == 3 && (!strcmp(argv[1], "remount") || !strcmp(argv[1], "umount"))) ||
        (argc == 4 && !strcmp(argv[1], "bind"))))
    return ESC_USAGE;
  op = argv[1];
  first = argv[2];
  second = argc == 4 ? argv[3] : NULL;
  return esc_each_abi(attack, NULL);
}
