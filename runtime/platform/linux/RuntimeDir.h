// The private directory of one `moat run` session: the owner record, the
// empty file bound over missing protected files, and the list of
// placeholders bubblewrap creates on the host. It lives under $XDG_RUNTIME_DIR/moat (else
// /tmp/moat-UID), a 0700 directory moat checks it owns before trusting it.
//
// Nothing may be left on the host, however a session ends: the launcher
// removes its session when the sandbox ends, and a launcher killed outright
// leaves a session the next run can prove dead (no process has the recorded
// pid with the recorded start time) and then cleans: its placeholders first,
// then the directory. A placeholder is removed only while it is still what
// bubblewrap made (an empty file or an empty directory): anything else was
// put there by someone and stays.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace moat::runtime::linux_platform {

class RuntimeDir {
public:
  // Creates a fresh session directory (and cleans dead sessions first).
  static std::optional<RuntimeDir> create(std::string &error);
  RuntimeDir(RuntimeDir &&other) noexcept;
  RuntimeDir &operator=(RuntimeDir &&) = delete;
  ~RuntimeDir(); // removes the session (placeholders included)

  const std::string &base() const { return base_; }       // the per-user directory
  const std::string &path() const { return path_; }       // this session
  // An empty read-only file, bound over missing protected files.
  std::string emptyFile() const { return path_ + "/empty"; }

  // Records the placeholders before bubblewrap creates them, so that even
  // a killed launcher's are found again.
  bool recordPlaceholders(const std::vector<std::string> &paths, std::string &error);
  // Removes what bubblewrap left on the host (call after the sandbox ended),
  // except what another live session also lists (SharedPlaceholders.h).
  void removePlaceholders();

  // Sessions under `base` whose owner is provably dead are cleaned; returns
  // how many (tests).
  static size_t cleanStale(const std::string &base);
  // The session's owner (pid and start time) is a live process.
  static bool ownerAlive(const std::string &sessionDir);

private:
  RuntimeDir() = default;
  std::string base_, path_;
  std::vector<std::string> placeholders_;
  bool owned_ = false;
};

// Removes `path` if it is an empty regular file or an empty directory, never
// anything else. Callers remove a list deepest first, so that a placeholder
// directory is empty by the time its turn comes.
void removePlaceholder(const std::string &path);

} // namespace moat::runtime::linux_platform
