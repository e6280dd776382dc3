#include "lint/Knowledge.h"

#include "compiler/fs/Glob.h"

#include <cstdio>
#include <cstdlib>
#include <iterator>

namespace moat::lint {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  while (true) {
    s = trim(s);
    if (s.empty())
      return out;
    size_t end = s.find_first_of(" \t");
    out.push_back(s.substr(0, end));
    if (end == std::string_view::npos)
      return out;
    s.remove_prefix(end);
  }
}

bool knownRoot(std::string_view p) {
  for (std::string_view root : {"~/", "$CWD/", "$TMPDIR/", "/"})
    if (p.substr(0, root.size()) == root)
      return true;
  return false;
}

// A compiled-in list that does not parse is a defect of the build, never a
// reason to lint with less knowledge than documented.
std::vector<PathEntry> load(const char *name, std::vector<std::string_view> lines) {
  std::vector<PathEntry> out;
  std::string error;
  if (!parsePathEntries(lines, out, error)) {
    std::fprintf(stderr, "moat: internal error in lint/data/%s: %s\n", name, error.c_str());
    std::abort();
  }
  return out;
}

} // namespace

bool parsePathEntries(const std::vector<std::string_view> &lines, std::vector<PathEntry> &out,
                      std::string &error) {
  for (std::string_view line : lines) {
    size_t bar = line.find('|');
    if (bar == std::string_view::npos) {
      error = "'" + std::string(line) + "' has no '| why' part";
      return false;
    }
    std::vector<std::string_view> head = words(line.substr(0, bar));
    std::string_view why = trim(line.substr(bar + 1));
    if (head.empty() || why.empty()) {
      error = "'" + std::string(line) + "' needs a path and a reason";
      return false;
    }
    PathEntry e;
    std::string_view path = head[0];
    if (!knownRoot(path) || path == "/") {
      error = "'" + std::string(path) + "' must start with ~/, $CWD/, $TMPDIR/ or /";
      return false;
    }
    if (path.size() > 1 && path.back() == '/') {
      e.directory = true;
      path.remove_suffix(1);
    }
    e.path = std::string(path);
    e.why = std::string(why);
    for (size_t i = 1; i < head.size(); ++i) {
      std::string_view tag = head[i];
      if (tag == "linux")
        e.platform = ir::Platform::Linux;
      else if (tag == "macos")
        e.platform = ir::Platform::MacOS;
      else if (tag == "project")
        e.project = true;
      else if (tag.substr(0, 6) == "probe=" && e.directory) {
        std::string why;
        std::string_view glob = tag.substr(6);
        if (glob.empty() || glob == "**" || !fs::ComponentGlob::compile(glob, why)) {
          error = "bad probe '" + std::string(glob) + "' for '" + e.path + "' " + why;
          return false;
        }
        e.probes.emplace_back(glob);
      }
      else {
        error = "unknown tag '" + std::string(tag) + "' for '" + e.path + "'";
        return false;
      }
    }
    if (e.project && e.path.rfind("$CWD/", 0) != 0) {
      error = "'" + e.path + "' is tagged project but is not under $CWD";
      return false;
    }
    if (e.directory && e.probes.empty())
      e.probes.push_back("*");
    out.push_back(std::move(e));
  }
  return true;
}

// The embedded lists (generated from lint/data/*.txt by scripts/embed_lines.py).
namespace {
const char *const k_shell_startup[] = {
#include "generated/lint/shell-startup.inc"
};
const char *const k_path_dirs[] = {
#include "generated/lint/path-dirs.inc"
};
const char *const k_git_exec[] = {
#include "generated/lint/git-exec.inc"
};
const char *const k_agent_config[] = {
#include "generated/lint/agent-config.inc"
};
const char *const k_autostart[] = {
#include "generated/lint/autostart.inc"
};
const char *const k_secrets[] = {
#include "generated/lint/secrets.inc"
};
} // namespace

const std::vector<PathEntry> &shellStartupFiles() {
  static const std::vector<PathEntry> list =
      load("shell-startup.txt", std::vector<std::string_view>(std::begin(k_shell_startup), std::end(k_shell_startup)));
  return list;
}

const std::vector<PathEntry> &pathDirectories() {
  static const std::vector<PathEntry> list =
      load("path-dirs.txt", std::vector<std::string_view>(std::begin(k_path_dirs), std::end(k_path_dirs)));
  return list;
}

const std::vector<PathEntry> &gitExecPoints() {
  static const std::vector<PathEntry> list =
      load("git-exec.txt", std::vector<std::string_view>(std::begin(k_git_exec), std::end(k_git_exec)));
  return list;
}

const std::vector<PathEntry> &agentConfigFiles() {
  static const std::vector<PathEntry> list =
      load("agent-config.txt", std::vector<std::string_view>(std::begin(k_agent_config), std::end(k_agent_config)));
  return list;
}

const std::vector<PathEntry> &autostartPaths() {
  static const std::vector<PathEntry> list =
      load("autostart.txt", std::vector<std::string_view>(std::begin(k_autostart), std::end(k_autostart)));
  return list;
}

const std::vector<PathEntry> &secretPaths() {
  static const std::vector<PathEntry> list =
      load("secrets.txt", std::vector<std::string_view>(std::begin(k_secrets), std::end(k_secrets)));
  return list;
}

const std::vector<std::string> &pathCommands() {
  static const std::vector<std::string> list = {
#include "generated/lint/path-commands.inc"
  };
  return list;
}

} // namespace moat::lint
