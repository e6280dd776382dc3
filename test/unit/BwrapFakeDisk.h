// An in-memory file tree for the bwrap backend's unit tests: the planner and
// the scan see it through the same Disk interface as the real file system.
#pragma once
#include "backends/bwrap/Disk.h"

#include <map>
#include <set>
#include <string>

namespace moat::backends::bwrap::testing {

class FakeDisk final : public Disk {
public:
  FakeDisk() { entries_["/"] = Entry{Type::Dir, ""}; }

  void dir(const std::string &path) { add(path, Type::Dir); }
  void file(const std::string &path, uint64_t ino = 0, uint64_t nlink = 1) {
    Entry &e = add(path, Type::File);
    e.ino = ino ? ino : nextIno_++;
    e.nlink = nlink;
  }
  void socket(const std::string &path) { add(path, Type::Socket); }
  void link(const std::string &path, const std::string &target) { add(path, Type::Symlink).target = target; }
  void unreadable(const std::string &path) { unreadable_.insert(path); }

  Info lstat(const std::string &path) const override {
    // Like the kernel: a path under a missing name or a non-directory is missing.
    for (std::string p = parentPath(path); ; p = parentPath(p)) {
      auto it = entries_.find(p);
      if (it == entries_.end() || it->second.type != Type::Dir)
        return Info{};
      if (p == "/")
        break;
    }
    auto it = entries_.find(path);
    if (it == entries_.end())
      return Info{};
    Info info;
    info.type = it->second.type;
    info.nlink = it->second.type == Type::File ? it->second.nlink : 1;
    info.dev = 1;
    info.ino = it->second.ino;
    return info;
  }
  std::optional<std::string> readlink(const std::string &path) const override {
    auto it = entries_.find(path);
    if (it == entries_.end() || it->second.type != Type::Symlink)
      return std::nullopt;
    return it->second.target;
  }
  std::optional<std::vector<std::string>> list(const std::string &path) const override {
    if (lstat(path).type != Type::Dir || unreadable_.count(path))
      return std::nullopt;
    std::vector<std::string> names;
    for (const auto &[p, e] : entries_)
      if (p != "/" && parentPath(p) == path)
        names.push_back(p.substr(p.rfind('/') + 1));
    return names; // std::map order is byte order, as the real Disk sorts
  }

private:
  struct Entry {
    Type type = Type::Missing;
    std::string target;
    uint64_t ino = 0, nlink = 1;
  };
  Entry &add(const std::string &path, Type type) {
    if (path != "/" && !entries_.count(parentPath(path)))
      dir(parentPath(path));
    Entry &e = entries_[path];
    e.type = type;
    if (!e.ino)
      e.ino = nextIno_++;
    return e;
  }
  std::map<std::string, Entry> entries_;
  std::set<std::string> unreadable_;
  uint64_t nextIno_ = 100;
};

} // namespace moat::backends::bwrap::testing
