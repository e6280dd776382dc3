// The seccomp filter `moat run` loads on the confined command. It is the
// standalone filter (`moat build --target=seccomp`, docs/backends.md
// "seccomp") with one difference: when the policy allows some unix socket
// paths but not all, the launcher enforces that allowlist itself, so
//   * socket(AF_UNIX) and socketpair(AF_UNIX) make only stream and seqpacket
//     sockets (a datagram socket reaches any path with sendto()/sendmsg(),
//     which no filter can read; EPERM otherwise), and
//   * every connect() returns SECCOMP_RET_USER_NOTIF: the call waits until
//     the supervisor holding the filter's notification fd answers it.
//
// What the launcher must do with it (seccomp_unotify(2)):
//   * load it in the child right before execve, after PR_SET_NO_NEW_PRIVS,
//     with seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER)
//     when brokerUnixConnect is set, and pass the returned fd to the broker.
//     Loaded without a listener (bwrap --seccomp), every connect() fails
//     with ENOSYS;
//   * in the broker, answer every notified connect(): read the address from
//     the target's memory (/proc/PID/mem, then SECCOMP_IOCTL_NOTIF_ID_VALID),
//     let a family other than AF_UNIX through, and for AF_UNIX ask
//     eval::Evaluator::unixSocketAllowed about the path (abstract addresses
//     are confined by the network namespace). SECCOMP_USER_NOTIF_FLAG_CONTINUE
//     lets the kernel re-read the address after the decision, which another
//     thread of the target may have changed by then: for an allowed AF_UNIX
//     path the broker must connect on the target's behalf (a socket taken
//     with pidfd_getfd, or a new one added with SECCOMP_IOCTL_NOTIF_ADDFD)
//     rather than CONTINUE.
#pragma once
#include "backends/seccomp/FilterBuilder.h"
#include "compiler/ir/Policy.h"

#include <optional>
#include <string>

namespace moat::backends::seccomp {

struct RuntimeFilter {
  // The program (bpf: struct sock_filter[], for a struct sock_fprog) and
  // its pfc form for review.
  Filter filter;
  // connect() returns SECCOMP_RET_USER_NOTIF: load with
  // SECCOMP_FILTER_FLAG_NEW_LISTENER and run the broker. False when the
  // policy allows no unix socket (socket(AF_UNIX) is refused) or all of them
  // (unix sockets are left alone).
  bool brokerUnixConnect = false;
};

// Builds and self-checks the filter for `policy` (only its unix-socket rules
// and options matter; they are read for Linux). nullopt with `error` set
// when libseccomp fails or the program disagrees with its rule table: the
// launcher must then refuse to start the command.
std::optional<RuntimeFilter> buildRuntimeFilter(const ir::Policy &policy, std::string &error);

} // namespace moat::backends::seccomp
