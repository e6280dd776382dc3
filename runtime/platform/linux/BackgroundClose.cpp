#include "runtime/platform/linux/BackgroundClose.h"

#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>

namespace moat::runtime::linux_platform {
namespace {

constexpr size_t kStackBytes = 16 * 1024;

// One helper at a time, on this stack. The kernel zeroes `helperAlive`
// when the helper exits (CLONE_CHILD_CLEARTID); while it is set, the stack
// is in use and a second close is done the slow way, in place (a run
// closes one watcher; a retried launch, within milliseconds, may close a
// second).
alignas(16) char helperStack[kStackBytes];
pid_t helperAlive = 0;

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
  if (__atomic_load_n(&helperAlive, __ATOMIC_ACQUIRE) != 0)
    return; // the stack is busy: `fd` closes here
  __atomic_store_n(&helperAlive, 1, __ATOMIC_RELAXED);
  pid_t helper = ::clone(closeLast, helperStack + kStackBytes, CLONE_VM | CLONE_CHILD_CLEARTID,
                         reinterpret_cast<void *>(static_cast<intptr_t>(fd.get())), nullptr, nullptr,
                         &helperAlive);
  if (helper < 0)
    __atomic_store_n(&helperAlive, 0, __ATOMIC_RELAXED);
  // Whether or not the helper started, the launcher's copy goes now; when
  // it did, this is not the last reference.
}

} // namespace moat::runtime::linux_platform
