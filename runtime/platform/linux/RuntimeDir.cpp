#include "runtime/platform/linux/RuntimeDir.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <random>
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
  ::unlink((dir + "/net/proxy.sock").c_str());
  ::rmdir((dir + "/net").c_str());
  ::unlink((dir + "/owner").c_str());
  ::unlink((dir + "/placeholders").c_str());
  ::rmdir(dir.c_str());
}

bool ownerAlive(const std::string &dir) {
  std::vector<std::string> owner = readLines(dir + "/owner");
  if (owner.size() != 2)
    return false; // a session without a complete record never started a sandbox
  char *end = nullptr;
  long pid = std::strtol(owner[0].c_str(), &end, 10);
  if (*end || pid <= 0)
    return false;
  return startTime(static_cast<pid_t>(pid)) == owner[1];
}

} // namespace

void removePlaceholder(const std::string &path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0)
    return;
  if (S_ISREG(st.st_mode) && st.st_size == 0)
    ::unlink(path.c_str());
  else if (S_ISDIR(st.st_mode))
    ::rmdir(path.c_str()); // fails unless empty, as it must
}

size_t RuntimeDir::cleanStale(const std::string &base) {
  DIR *d = ::opendir(base.c_str());
  if (!d)
    return 0;
  std::vector<std::string> dead;
  while (dirent *e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.rfind("session-", 0) != 0)
      continue;
    std::string dir = base + "/" + name;
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid())
      continue;
    if (!ownerAlive(dir))
      dead.push_back(dir);
  }
  ::closedir(d);
  for (const std::string &dir : dead) {
    std::vector<std::string> placeholders = readLines(dir + "/placeholders");
    // Deepest first, so that placeholder directories empty out.
    std::sort(placeholders.rbegin(), placeholders.rend());
    for (const std::string &p : placeholders)
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
  for (int attempt = 0; attempt < 8 && dir.path_.empty(); ++attempt) {
    std::string candidate = *base + "/session-" + std::to_string(::getpid()) + "-" + randomSuffix();
    if (::mkdir(candidate.c_str(), 0700) == 0)
      dir.path_ = candidate;
    else if (errno != EEXIST) {
      error = "cannot create '" + candidate + "': " + errnoText();
      return std::nullopt;
    }
  }
  if (dir.path_.empty()) {
    error = "cannot create a session directory under '" + *base + "'";
    return std::nullopt;
  }
  dir.owned_ = true;
  if (::mkdir(dir.netDir().c_str(), 0700) != 0) {
    error = "cannot create '" + dir.netDir() + "': " + errnoText();
    return std::nullopt;
  }
  if (!writeFile(dir.path_ + "/owner", std::to_string(::getpid()) + "\n" + startTime(::getpid()) + "\n", error))
    return std::nullopt;
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
  for (const std::string &p : sorted)
    removePlaceholder(p);
  placeholders_.clear();
}

} // namespace moat::runtime::linux_platform
