#include "runtime/platform/linux/StdinRelay.h"

#include "runtime/FullIo.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace moat::runtime::linux_platform {

StdinRelay::StdinRelay() {
  struct stat st {};
  if (::fstat(0, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) || S_ISBLK(st.st_mode)))
    return;
  int pipeFds[2];
  if (::pipe2(pipeFds, O_CLOEXEC) != 0) {
    sandboxFd_ = -1;
    return;
  }
  sandboxFd_ = pipeFds[0];
  int out = pipeFds[1];
  copier_ = std::thread([out] {
    char buffer[65536];
    for (;;) {
      ssize_t n = ::read(0, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      if (!writeAll(out, buffer, static_cast<size_t>(n))) {
        ::close(out); // the sandbox closed its end (EPIPE; SIGPIPE is ignored)
        return;
      }
    }
    ::close(out); // end of file for the sandbox
  });
}

void StdinRelay::started() {
  if (sandboxFd_ > 0) {
    ::close(sandboxFd_);
    sandboxFd_ = 0;
  }
}

StdinRelay::~StdinRelay() {
  if (!copier_.joinable())
    return;
  // The sandbox has ended: a copier still writing gets EPIPE and stops.
  copier_.join();
}

} // namespace moat::runtime::linux_platform
