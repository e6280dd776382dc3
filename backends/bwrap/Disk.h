// What the bwrap backend needs to know about the disk at build time, behind
// an interface so the mount planner can be unit-tested on a fake tree.
// bubblewrap mounts act on the file a path resolves to, and a mount needs its
// target to exist, so the plan depends on what exists, what is a directory
// and where symbolic links point.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace moat::backends::bwrap {

class Disk {
public:
  enum class Type { Missing, Dir, File, Symlink, Socket, Other };
  struct Info {
    Type type = Type::Missing;
    uint64_t nlink = 0; // hard links of a regular file
    uint64_t dev = 0, ino = 0; // identity of the file (several names share it)
  };

  virtual ~Disk() = default;
  // Never follows a final symbolic link. A path that cannot be examined
  // (EACCES on a parent) reads as Missing: nothing can be mounted there.
  virtual Info lstat(const std::string &path) const = 0;
  virtual std::optional<std::string> readlink(const std::string &path) const = 0;
  // The names in a directory (without "." and ".."), sorted; nullopt when
  // the directory cannot be read.
  virtual std::optional<std::vector<std::string>> list(const std::string &path) const = 0;

  // The same with each entry's type where the directory itself tells it
  // (readdir's d_type), so that a walk need not lstat every directory;
  // nlink and identity are filled in only by lstat. Sorted by name.
  struct Entry {
    std::string name;
    Type type = Type::Missing; // Missing: unknown, lstat it
  };
  virtual std::optional<std::vector<Entry>> listEntries(const std::string &path) const;

  // Whether this user can create entries in the existing directory `dir`.
  // bubblewrap makes a placeholder's mount point on the host as the user, so
  // where the user cannot create one it fails to start; the sandbox, running
  // as the same user without privileges, cannot create anything there
  // either, so no placeholder is needed. (The fake disk of the unit tests
  // says yes everywhere.)
  virtual bool userCanCreateIn(const std::string &dir) const;
};

// The real file system, through lstat(2), readlink(2) and opendir(3).
std::unique_ptr<Disk> realDisk();

// "/a/b" + "c" -> "/a/b/c"; "/" + "c" -> "/c".
std::string joinPath(const std::string &dir, const std::string &name);
// "/a/b" -> "/a"; "/a" -> "/"; "/" -> "/".
std::string parentPath(const std::string &path);
// Number of components: "/" 0, "/a" 1, "/a/b" 2.
size_t pathDepth(const std::string &path);
// True when `path` is `ancestor` or lies beneath it.
bool isWithin(const std::string &path, const std::string &ancestor);

// True for /proc/self, /proc/thread-self, /proc/PID and what is beneath them:
// in the sandbox they name its own processes, not what they name here.
bool namesProcess(const std::string &path);

struct Resolution {
  std::string physical; // the path with every symbolic link followed
  // The links met on the way: (where the link is, what it says), in order.
  std::vector<std::pair<std::string, std::string>> links;
};

// Resolves a normalised absolute path the way the kernel does when bwrap
// mounts onto it: every existing symbolic link is followed (targets may hold
// ".."), components that do not exist are kept as written. Links under /proc
// are not followed (they name the build process, not the sandbox). Fails on
// a link loop or an unreadable link.
std::optional<Resolution> resolvePhysical(const Disk &disk, const std::string &path,
                                          std::string &error);

} // namespace moat::backends::bwrap
