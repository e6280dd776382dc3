#include "runtime/platform/linux/BackgroundClose.h"

#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>

namespace moat::runtime::linux_platform {
namespace {

constexpr size_t kStackBytes = 16 * 1024;

// Runs in the helper, on its own stack, in memory it shares with the
// launcher: raw system calls only, nothing that touches libc's state.
int closeLast(void *arg) {
  int fd = static_cast<int>(reinterpret_cast<intptr_t>(arg));
  if (fd > 0)
    ::syscall(SYS_close_range, 0U, static_cast<unsigned>(fd - 1), 0U);
  ::syscall(SYS_close_range, static_cast<unsigned>(fd + 1), ~0U, 0U);
  ::syscall(SYS_close, fd);
  ::syscall(SYS_exit, 0);
  return 0;
}

} // namespace

void closeInBackground(UniqueFd fd) {
  if (!fd)
    return;
  // Never freed: the helper may still run on it after this returns (a few
  // such stacks over a whole run at most: one per watcher).
  void *stack = std::malloc(kStackBytes);
  if (!stack)
    return; // `fd` closes here, the slow way
  char *top = static_cast<char *>(stack) + kStackBytes;
  ::clone(closeLast, top, CLONE_VM, reinterpret_cast<void *>(static_cast<intptr_t>(fd.get())));
  // Whether or not the helper started, the launcher's copy goes now; when
  // it did, this is not the last reference.
}

} // namespace moat::runtime::linux_platform
