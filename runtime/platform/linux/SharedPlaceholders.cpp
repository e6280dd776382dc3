#include "runtime/platform/linux/SharedPlaceholders.h"

#include "runtime/platform/linux/RuntimeDir.h"

#include <algorithm>
#include <dirent.h>
#include <fstream>

namespace moat::runtime::linux_platform {

std::set<std::string> livePlaceholders(const std::string &base, const std::string &self) {
  std::set<std::string> out;
  DIR *d = ::opendir(base.c_str());
  if (!d)
    return out;
  while (dirent *e = ::readdir(d)) {
    std::string name = e->d_name;
    std::string dir = base + "/" + name;
    if (name.rfind("session-", 0) != 0 || dir == self || !RuntimeDir::ownerAlive(dir))
      continue;
    std::ifstream in(dir + "/placeholders");
    for (std::string line; std::getline(in, line);)
      if (!line.empty())
        out.insert(line);
  }
  ::closedir(d);
  return out;
}

bool OthersPlaceholdersMissing::hidden(const std::string &dir, const std::string &name) const {
  return hidden_.count(dir == "/" ? "/" + name : dir + "/" + name) != 0;
}

backends::bwrap::Disk::Info OthersPlaceholdersMissing::lstat(const std::string &path) const {
  if (hidden_.count(path))
    return Info{};
  return real_.lstat(path);
}

std::optional<std::string> OthersPlaceholdersMissing::readlink(const std::string &path) const {
  return real_.readlink(path);
}

std::optional<std::vector<std::string>> OthersPlaceholdersMissing::list(const std::string &path) const {
  auto names = real_.list(path);
  if (names)
    names->erase(std::remove_if(names->begin(), names->end(), [&](const std::string &n) { return hidden(path, n); }),
                 names->end());
  return names;
}

std::optional<std::vector<backends::bwrap::Disk::Entry>>
OthersPlaceholdersMissing::listEntries(const std::string &path) const {
  auto entries = real_.listEntries(path);
  if (entries)
    entries->erase(std::remove_if(entries->begin(), entries->end(),
                                  [&](const Entry &e) { return hidden(path, e.name); }),
                   entries->end());
  return entries;
}

} // namespace moat::runtime::linux_platform
