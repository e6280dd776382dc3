#include "runtime/platform/linux/RuntimeDir.h"

#include "runtime/platform/linux/SharedPlaceholders.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace moat::runtime::linux_platform {
namespace {

std::string errnoText() { return std::strerror(errno); }

// The start time of a process (field 22 of /proc/PID/stat), which tells a
// live owner from a recycled pid; empty when there is no such process.
std::string startTime(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = text.rfind(')'); // the command name may hold spaces and parens
  if (close == std::string::npos)
    return "";
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && (fields >> field); ++i)
    if (i == 22)
      return field;
  return "";
}

// The per-user base directory, made 0700 if missing; refused when it is a
// link, not ours, or open to others (someone could plant sockets in it).
std::optional<std::string> userBase(std::string &error) {
  std::string base;
  const char *xdg = std::getenv("XDG_RUNTIME_DIR");
  struct stat st {};
  if (xdg && xdg[0] == '/' && ::stat(xdg, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == ::getuid())
    base = std::string(xdg) + "/moat";
  else
    base = "/tmp/moat-" + std::to_string(::getuid());
  if (::mkdir(base.c_str(), 0700) != 0 && errno != EEXIST) {
    error = "cannot create '" + base + "': " + errnoText();
    return std::nullopt;
  }
  if (::lstat(base.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid() ||
      (st.st_mode & 077) != 0) {
    error = "'" + base + "' is not a private directory of this user (it must be a 0700 directory, not a link); "
            "remove it and run again";
    return std::nullopt;
  }
  return base;
}

std::string randomSuffix() {
  std::random_device rd;
  static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string s;
  for (int i = 0; i < 10; ++i)
    s += digits[rd() % 36];
  return s;
}

bool writeFile(const std::string &path, const std::string &text, std::string &error) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    error = "cannot write '" + path + "': " + errnoText();
    return false;
  }
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok)
    error = "cannot write '" + path + "'";
  return ok;
}

std::vector<std::string> readLines(const std::string &path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty())
      lines.push_back(line);
  return lines;
}

// Removes a session directory: only the entries moat puts there.
void removeSession(const std::string &dir) {
  // Sessions of moat before 2026-12-07 also held the proxy's socket.
  ::unlink((dir + "/net/proxy.sock").c_str());
  ::rmdir((dir + "/net").c_str());
  ::unlink((dir + "/owner").c_str());
  ::unlink((dir + "/placeholders").c_str());
  ::unlink((dir + "/empty").c_str());
  ::rmdir(dir.c_str());
}


} // namespace

bool RuntimeDir::ownerAlive(const std::string &dir) {
  std::vector<std::string> owner = readLines(dir + "/owner");
  if (owner.size() != 2)
    return false; // a session without a complete record never started a sandbox
  char *end = nullptr;
  long pid = std::strtol(owner[0].c_str(), &end, 10);
  if (*end || pid <= 0)
    return false;
  return startTime(static_cast<pid_t>(pid)) == owner[1];
}

void removePlaceholder(const std::string &path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0)
    return;
  if (S_ISREG(st.st_mode) && st.st_size == 0)
    ::unlink(path.c_str());
  else if (S_ISDIR(st.st_mode))
    ::rmdir(path.c_str()); // fails unless empty, as it must
}

namespace {
// A session still being made is named new-PID-RANDOM until its owner
// record is complete: it is stale only once no process has that pid.
bool makerAlive(const std::string &name) {
  long pid = std::strtol(name.c_str() + 4, nullptr, 10);
  return pid > 0 && ::access(("/proc/" + std::to_string(pid)).c_str(), F_OK) == 0;
}
} // namespace

size_t RuntimeDir::cleanStale(const std::string &base) {
  DIR *d = ::opendir(base.c_str());
  if (!d)
    return 0;
  std::vector<std::string> dead;
  while (dirent *e = ::readdir(d)) {
    std::string name = e->d_name;
    bool session = name.rfind("session-", 0) == 0, making = name.rfind("new-", 0) == 0;
    if (!session && !making)
      continue;
    std::string dir = base + "/" + name;
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid())
      continue;
    if (session ? !ownerAlive(dir) : !makerAlive(name))
      dead.push_back(dir);
  }
  ::closedir(d);
  std::set<std::string> inUse = livePlaceholders(base, "");
  for (const std::string &dir : dead) {
    std::vector<std::string> placeholders = readLines(dir + "/placeholders");
    // Deepest first, so that placeholder directories empty out.
    std::sort(placeholders.rbegin(), placeholders.rend());
    for (const std::string &p : placeholders)
      if (!inUse.count(p))
        removePlaceholder(p);
    removeSession(dir);
  }
  return dead.size();
}

std::optional<RuntimeDir> RuntimeDir::create(std::string &error) {
  auto base = userBase(error);
  if (!base)
    return std::nullopt;
  cleanStale(*base);
  RuntimeDir dir;
  dir.base_ = *base;
  // Made under a "new-" name and renamed once the owner record is written,
  // so that a concurrent run's cleanStale never mistakes it for dead.
  std::string making;
  for (int attempt = 0; attempt < 8 && making.empty(); ++attempt) {
    std::string suffix = std::to_string(::getpid()) + "-" + randomSuffix();
    std::string candidate = *base + "/new-" + suffix;
    if (::mkdir(candidate.c_str(), 0700) == 0) {
      making = candidate;
      dir.path_ = *base + "/session-" + suffix;
    } else if (errno != EEXIST) {
      error = "cannot create '" + candidate + "': " + errnoText();
      return std::nullopt;
    }
  }
  if (making.empty()) {
    error = "cannot create a session directory under '" + *base + "'";
    return std::nullopt;
  }
  if (!writeFile(making + "/owner", std::to_string(::getpid()) + "\n" + startTime(::getpid()) + "\n", error) ||
      !writeFile(making + "/empty", "", error) || ::chmod((making + "/empty").c_str(), 0444) != 0 ||
      ::rename(making.c_str(), dir.path_.c_str()) != 0) {
    if (error.empty())
      error = "cannot set up '" + making + "': " + errnoText();
    removeSession(making);
    return std::nullopt;
  }
  dir.owned_ = true;
  return dir;
}

RuntimeDir::RuntimeDir(RuntimeDir &&other) noexcept
    : base_(std::move(other.base_)), path_(std::move(other.path_)), placeholders_(std::move(other.placeholders_)),
      owned_(other.owned_) {
  other.owned_ = false;
}

RuntimeDir::~RuntimeDir() {
  if (!owned_)
    return;
  removePlaceholders();
  removeSession(path_);
}

bool RuntimeDir::recordPlaceholders(const std::vector<std::string> &paths, std::string &error) {
  placeholders_ = paths;
  std::string text;
  for (const std::string &p : paths)
    text += p + "\n";
  return writeFile(path_ + "/placeholders", text, error);
}

void RuntimeDir::removePlaceholders() {
  std::vector<std::string> sorted = placeholders_;
  std::sort(sorted.rbegin(), sorted.rend());
  std::set<std::string> inUse = livePlaceholders(base_, path_);
  for (const std::string &p : sorted)
    if (!inUse.count(p))
      removePlaceholder(p);
  placeholders_.clear();
}

} // namespace moat::runtime::linux_platform
