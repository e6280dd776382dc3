#include "runtime/CodeRunningFiles.h"

#include "compiler/support/Blanks.h"

#include <algorithm>
#include <cctype>
#include <fcntl.h>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>
#include <sstream>
#include <vector>

namespace moat::runtime {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}


std::string baseName(const std::string &path) { return path.substr(path.rfind('/') + 1); }

std::string parentName(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0)
    return "";
  return baseName(path.substr(0, slash));
}

// Keys (section.key, lowercase; "*" for a subsection) whose value git runs
// as a command or that hand git another file of settings.
bool runsCommand(const std::string &section, const std::string &subsection, const std::string &key,
                 const std::string &value) {
  bool shellCommand = !value.empty() && value[0] == '!';
  static const std::vector<std::pair<std::string, std::string>> plain = {
      {"core", "fsmonitor"},   {"core", "hookspath"},    {"core", "sshcommand"}, {"core", "gitproxy"},
      {"core", "askpass"},     {"core", "editor"},       {"core", "pager"},      {"sequence", "editor"},
      {"diff", "external"},    {"credential", "helper"}, {"include", "path"},    {"uploadpack", "packobjectshook"},
      {"gpg", "program"},      {"ssh", "variant"},       {"web", "browser"},
  };
  for (const auto &[s, k] : plain)
    if (section == s && key == k)
      return true;
  if (section == "filter" && (key == "clean" || key == "smudge" || key == "process"))
    return true;
  if ((section == "diff" && key == "textconv") || (section == "merge" && key == "driver"))
    return true;
  if (section == "includeif" && key == "path")
    return true;
  if (section == "alias")
    return shellCommand; // "!cmd" aliases run a shell command
  if (section == "gpg" && !subsection.empty() && key == "program")
    return true;
  if (section == "submodule" && key == "update")
    return shellCommand; // "!cmd" runs on `git submodule update`
  return false;
}

} // namespace

std::string commandRunningGitKey(const std::string &text) {
  std::istringstream in(text);
  std::string section, subsection;
  for (std::string raw; std::getline(in, raw);) {
    if (!raw.empty() && raw.back() == '\r')
      raw.pop_back();
    std::string line(trimBlanks(raw));
    if (line.empty() || line[0] == '#' || line[0] == ';')
      continue;
    if (line[0] == '[') {
      size_t close = line.find(']');
      if (close == std::string::npos)
        return "(unreadable section header)";
      std::string header(trimBlanks(line.substr(1, close - 1)));
      size_t quote = header.find('"');
      subsection = quote == std::string::npos ? "" : header.substr(quote);
      std::string name(trimBlanks(header.substr(0, quote)));
      // [section.sub] is the old spelling of a subsection.
      size_t dot = name.find('.');
      if (dot != std::string::npos) {
        subsection = name.substr(dot + 1);
        name = name.substr(0, dot);
      }
      section = lower(name);
      line = std::string(trimBlanks(line.substr(close + 1)));
      if (line.empty() || line[0] == '#' || line[0] == ';')
        continue;
    }
    if (section.empty())
      return "(a key outside any section)";
    size_t eq = line.find('=');
    std::string key = lower(std::string(trimBlanks(line.substr(0, eq))));
    std::string value = eq == std::string::npos ? "" : std::string(trimBlanks(line.substr(eq + 1)));
    if (value.size() >= 2 && value.front() == '"')
      value = value.substr(1);
    if (key.empty() || !std::all_of(key.begin(), key.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; }))
      return "(unreadable line '" + line.substr(0, 40) + "')";
    if (runsCommand(section, subsection, key, value))
      return section + (subsection.empty() ? "" : "." + subsection) + "." + key;
  }
  return "";
}

namespace {
// The file's text when it is a regular file of sensible size, opened without
// following a link and without blocking (the sandbox may have left a FIFO).
std::optional<std::string> readConfigFile(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return std::nullopt;
  struct stat st {};
  std::optional<std::string> text;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<size_t>(st.st_size) <= kMaxConfigBytes) {
    std::string buffer(static_cast<size_t>(st.st_size), '\0');
    ssize_t n = ::pread(fd, buffer.data(), buffer.size(), 0);
    if (n == st.st_size)
      text = std::move(buffer);
  }
  ::close(fd);
  return text;
}

Classification gitSettings(const std::string &path, const char *what) {
  auto text = readConfigFile(path);
  if (!text)
    return {Verdict::Quarantine, std::string(what) + " that is not a regular file moat can read (a link, a FIFO, "
                                 "or over 1 MiB)"};
  std::string key = commandRunningGitKey(*text);
  if (key.empty())
    return {};
  return {Verdict::Quarantine, std::string(what) + " that makes git run a command (" + key + ")"};
}
} // namespace

Classification classifyProtectedFile(const std::string &path) {
  // An empty file runs nothing. It is also what a bubblewrap placeholder
  // is, this run's or a concurrent run's, a mount point in that run's
  // namespace: moving it would detach that mount (Linux 3.18+) and take the
  // protection away mid-run.
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0)
    return {};
  std::string name = baseName(path), parent = parentName(path);
  if (parent == "hooks") {
    if (name.size() > 7 && name.compare(name.size() - 7, 7, ".sample") == 0)
      return {};
    return {Verdict::Quarantine, "a git hook, which git runs outside the sandbox"};
  }
  if (name == "config" && (parent == ".git" || path.find("/.git/modules/") != std::string::npos))
    return gitSettings(path, "a repository config");
  if (name == ".gitmodules")
    return gitSettings(path, ".gitmodules");
  return {Verdict::Quarantine, "a file the policy does not let the command write (a protected path created where no mount could protect it)"};
}

} // namespace moat::runtime
