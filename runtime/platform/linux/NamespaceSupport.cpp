#include "runtime/platform/linux/NamespaceSupport.h"

#include <cerrno>
#include <fstream>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

namespace moat::runtime::linux_platform {
namespace {

// The first line of a /proc file, "" when it does not exist.
std::string readFirstLine(const char *path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// The initial user namespace maps every id to itself; anything else means
// moat runs inside another sandbox or container's user namespace.
bool inNestedUserNamespace() {
  std::ifstream in("/proc/self/uid_map");
  std::string inside, outside, count;
  in >> inside >> outside >> count;
  return !(inside == "0" && outside == "0" && count == "4294967295");
}

bool inContainer() {
  if (::access("/.dockerenv", F_OK) == 0 || ::access("/run/.containerenv", F_OK) == 0)
    return true;
  std::ifstream cgroup("/proc/1/cgroup");
  for (std::string line; std::getline(cgroup, line);)
    if (line.find("docker") != std::string::npos || line.find("kubepods") != std::string::npos ||
        line.find("containerd") != std::string::npos)
      return true;
  return false;
}

} // namespace

bool userNamespacesWork() {
  pid_t child = ::fork();
  if (child < 0)
    return false;
  if (child == 0)
    ::_exit(::unshare(CLONE_NEWUSER | CLONE_NEWNS) == 0 ? 0 : 1);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string diagnoseNamespaces() {
  if (readFirstLine("/proc/sys/user/max_user_namespaces") == "0")
    return "user namespaces are disabled (/proc/sys/user/max_user_namespaces is 0); fix: "
           "sysctl -w user.max_user_namespaces=15000";
  if (readFirstLine("/proc/sys/kernel/unprivileged_userns_clone") == "0" && ::geteuid() != 0)
    return "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone=0); fix: "
           "sysctl -w kernel.unprivileged_userns_clone=1";
  if (readFirstLine("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1" && ::geteuid() != 0)
    return "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1, "
           "as on Ubuntu 24.04); fix: an AppArmor profile that allows userns for bwrap "
           "(e.g. /etc/apparmor.d/bwrap with 'userns,'), or sysctl -w kernel.apparmor_restrict_unprivileged_userns=0";
  if (inNestedUserNamespace())
    return "moat is itself running inside a user namespace (another sandbox, such as bubblewrap with "
           "--disable-userns, or a rootless container) that does not allow one more; run moat outside it";
  if (inContainer())
    return "this looks like a container whose seccomp profile or missing capabilities forbid new namespaces; "
           "fix: run the container with --security-opt seccomp=unconfined and --security-opt apparmor=unconfined "
           "(or --privileged), or run moat on the host";
  return "";
}

} // namespace moat::runtime::linux_platform
