// The unix-socket broker: how `moat run` honours a per-path allowlist of
// unix sockets, which neither mounts nor seccomp alone can express (seccomp
// sees a pointer, never the path behind it; a mount per socket file grows
// with the host and races with sockets that come and go).
//
// The command's seccomp filter turns every connect(2) into a notification to
// this broker (SECCOMP_RET_USER_NOTIF). The broker reads the address once
// from the process's memory, copies the process's socket into the launcher
// (pidfd_getfd: the same open socket, in the sandbox's network namespace)
// and performs the connect itself on that copy with the address it read and
// decided on, then answers with connect's result. The process's memory may
// change after the read; it no longer matters, so there is no
// check-then-use race. Unix paths are looked up from the process's own root
// (SandboxPath.h) and allowed only when every spelling the lookup went
// through is allowed by the policy; the connect then goes through the pinned
// inode (/proc/self/fd/N). Abstract names and other families are connected
// as asked: the sandbox's network namespace is empty, so they reach only the
// sandbox itself (and the bridge).
#pragma once
#include "compiler/eval/Evaluator.h"
#include "runtime/EventLog.h"

#include <linux/seccomp.h>

#include <atomic>
#include <memory>
#include <thread>

namespace moat::runtime::linux_platform {

class UnixSocketBroker {
public:
  // Takes ownership of `listener` (the seccomp notification descriptor).
  UnixSocketBroker(int listener, const eval::Evaluator &evaluator, EventLog *log);
  ~UnixSocketBroker(); // stops and joins
  UnixSocketBroker(const UnixSocketBroker &) = delete;
  UnixSocketBroker &operator=(const UnixSocketBroker &) = delete;

  void start();
  void stop();

private:
  void serve();
  void handle(const seccomp_notif &request);
  int decideAndConnect(const seccomp_notif &request);

  int listener_;
  int wake_[2] = {-1, -1}; // a pipe that ends serve()
  const eval::Evaluator &evaluator_;
  EventLog *log_;
  std::thread thread_;
  std::atomic<int> inFlight_{0};
};

} // namespace moat::runtime::linux_platform
