// See ProcessCommand.h.
#include "runtime/ProcessCommand.h"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace moat::runtime {

namespace {
// One bounded read: /proc files are generated per read, a loop would only
// let a process that rewrites its argv grow what we keep.
std::string readBounded(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return "";
  std::string text(kMaxCommandBytes, '\0');
  ssize_t n;
  do
    n = ::read(fd, text.data(), text.size());
  while (n < 0 && errno == EINTR);
  ::close(fd);
  text.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return text;
}
} // namespace

std::string processCommand(int pid) {
  if (pid <= 0)
    return "";
  std::string proc = "/proc/" + std::to_string(pid);
  std::string text = readBounded(proc + "/cmdline");
  while (!text.empty() && text.back() == '\0')
    text.pop_back();
  for (char &c : text)
    if (c == '\0')
      c = ' ';
  if (text.empty()) {
    text = readBounded(proc + "/comm");
    while (!text.empty() && (text.back() == '\n' || text.back() == '\0'))
      text.pop_back();
  }
  return text;
}

} // namespace moat::runtime
