// Closing the last descriptor of an inotify (or fanotify) instance destroys
// its group, and the kernel then waits for an SRCU grace period before it
// returns from close(2): measured here at 10-20 ms, more than the whole
// rest of a `moat run -- true`. Process exit closes it the same way, so
// leaving it open only moves the wait. closeInBackground gives the last
// reference to a short-lived helper that shares the launcher's memory
// (clone with CLONE_VM, a stack of its own, no copy of the page tables),
// drops every other descriptor it inherited at once, and closes that one
// (one helper at a time, on a static stack the kernel marks free when it exits):
// the launcher closes its own copy, which is then not the last, and goes
// on. The helper is never waited for; when moat has exited before it, init
// (or the nearest subreaper) reaps it a few milliseconds later.
#pragma once
#include "runtime/platform/linux/UniqueFd.h"

namespace moat::runtime::linux_platform {

// Closes `fd` without waiting for what its last close costs; falls back to
// closing it here when no helper can be started.
void closeInBackground(UniqueFd fd);

} // namespace moat::runtime::linux_platform
