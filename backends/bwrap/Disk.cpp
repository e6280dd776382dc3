#include "backends/bwrap/Disk.h"

#include <algorithm>
#include <deque>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

namespace moat::backends::bwrap {

bool Disk::userCanCreateIn(const std::string &) const { return true; }

namespace {

class RealDisk final : public Disk {
public:
  bool userCanCreateIn(const std::string &dir) const override {
    return ::access(dir.c_str(), W_OK | X_OK) == 0;
  }

  Info lstat(const std::string &path) const override {
    struct stat st;
    Info info;
    if (::lstat(path.c_str(), &st) != 0)
      return info;
    if (S_ISDIR(st.st_mode))
      info.type = Type::Dir;
    else if (S_ISREG(st.st_mode))
      info.type = Type::File;
    else if (S_ISLNK(st.st_mode))
      info.type = Type::Symlink;
    else if (S_ISSOCK(st.st_mode))
      info.type = Type::Socket;
    else
      info.type = Type::Other;
    info.nlink = static_cast<uint64_t>(st.st_nlink);
    info.dev = static_cast<uint64_t>(st.st_dev);
    info.ino = static_cast<uint64_t>(st.st_ino);
    return info;
  }

  std::optional<std::string> readlink(const std::string &path) const override {
    std::string buf(4096, '\0');
    ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
    if (n < 0 || static_cast<size_t>(n) >= buf.size())
      return std::nullopt;
    buf.resize(static_cast<size_t>(n));
    return buf;
  }

  std::optional<std::vector<Entry>> listEntries(const std::string &path) const override {
    DIR *dir = ::opendir(path.c_str());
    if (!dir)
      return std::nullopt;
    std::vector<Entry> entries;
    while (struct dirent *e = ::readdir(dir)) {
      std::string name = e->d_name;
      if (name == "." || name == "..")
        continue;
      Type type = Type::Missing;
      switch (e->d_type) {
      case DT_DIR: type = Type::Dir; break;
      case DT_REG: type = Type::File; break;
      case DT_LNK: type = Type::Symlink; break;
      case DT_SOCK: type = Type::Socket; break;
      case DT_UNKNOWN: break;
      default: type = Type::Other; break;
      }
      entries.push_back({std::move(name), type});
    }
    ::closedir(dir);
    std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) { return a.name < b.name; });
    return entries;
  }

  std::optional<std::vector<std::string>> list(const std::string &path) const override {
    DIR *dir = ::opendir(path.c_str());
    if (!dir)
      return std::nullopt;
    std::vector<std::string> names;
    while (struct dirent *e = ::readdir(dir)) {
      std::string name = e->d_name;
      if (name != "." && name != "..")
        names.push_back(std::move(name));
    }
    ::closedir(dir);
    std::sort(names.begin(), names.end());
    return names;
  }
};

} // namespace

std::optional<std::vector<Disk::Entry>> Disk::listEntries(const std::string &path) const {
  auto names = list(path);
  if (!names)
    return std::nullopt;
  std::vector<Entry> out;
  for (std::string &n : *names)
    out.push_back({std::move(n), Type::Missing});
  return out;
}

std::unique_ptr<Disk> realDisk() { return std::make_unique<RealDisk>(); }

std::string joinPath(const std::string &dir, const std::string &name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

std::string parentPath(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0)
    return "/";
  return path.substr(0, slash);
}

size_t pathDepth(const std::string &path) {
  if (path == "/")
    return 0;
  return static_cast<size_t>(std::count(path.begin(), path.end(), '/'));
}

bool isWithin(const std::string &path, const std::string &ancestor) {
  if (ancestor == "/")
    return !path.empty() && path[0] == '/';
  return path.size() >= ancestor.size() && path.compare(0, ancestor.size(), ancestor) == 0 &&
         (path.size() == ancestor.size() || path[ancestor.size()] == '/');
}

bool namesProcess(const std::string &path) {
  if (!isWithin(path, "/proc") || path == "/proc")
    return false;
  size_t end = path.find('/', 6);
  std::string first = path.substr(6, end == std::string::npos ? std::string::npos : end - 6);
  if (first == "self" || first == "thread-self")
    return true;
  return !first.empty() && std::all_of(first.begin(), first.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<Resolution> resolvePhysical(const Disk &disk, const std::string &path, std::string &error) {
  // The kernel's limit on links followed in one lookup.
  constexpr int kMaxLinks = 40;
  std::deque<std::string> todo;
  auto pushFront = [&](const std::string &text) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= text.size()) {
      size_t slash = text.find('/', start);
      if (slash == std::string::npos)
        slash = text.size();
      if (slash > start)
        parts.push_back(text.substr(start, slash - start));
      start = slash + 1;
    }
    todo.insert(todo.begin(), parts.begin(), parts.end());
  };
  pushFront(path);
  Resolution out;
  std::string cur = "/";
  int followed = 0;
  bool missing = false; // once a component is missing, the rest cannot be links
  while (!todo.empty()) {
    std::string comp = std::move(todo.front());
    todo.pop_front();
    if (comp == ".")
      continue;
    if (comp == "..") {
      cur = parentPath(cur);
      missing = false;
      continue;
    }
    std::string next = joinPath(cur, comp);
    if (missing || isWithin(cur, "/proc")) {
      cur = next;
      continue;
    }
    Disk::Info info = disk.lstat(next);
    if (info.type == Disk::Type::Missing) {
      missing = true;
      cur = next;
      continue;
    }
    if (info.type != Disk::Type::Symlink) {
      cur = next;
      continue;
    }
    if (++followed > kMaxLinks) {
      error = "too many levels of symbolic links at '" + next + "'";
      return std::nullopt;
    }
    auto target = disk.readlink(next);
    if (!target || target->empty()) {
      error = "cannot read the symbolic link '" + next + "'";
      return std::nullopt;
    }
    out.links.emplace_back(next, *target);
    if ((*target)[0] == '/')
      cur = "/";
    pushFront(*target);
  }
  out.physical = cur;
  return out;
}

} // namespace moat::backends::bwrap
