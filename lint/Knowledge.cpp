#include "lint/Knowledge.h"

#include "compiler/fs/Glob.h"
#include "compiler/support/Blanks.h"

#include <cstdio>
#include <cstdlib>
#include <iterator>

namespace moat::lint {

namespace {


std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  while (true) {
    s = trimBlanks(s);
    if (s.empty())
      return out;
    size_t end = s.find_first_of(" \t");
    out.push_back(s.substr(0, end));
    if (end == std::string_view::npos)
      return out;
    s.remove_prefix(end);
  }
}

// The head of a path entry: the path, then its tags. A path with spaces
// (macOS: "~/Library/Application Support/...") is written in double quotes;
// an opening quote without its closing one is an error, not a path.
bool splitHead(std::string_view head, std::vector<std::string_view> &out, std::string &error) {
  head = trimBlanks(head);
  if (head.empty() || head.front() != '"') {
    out = words(head);
    return true;
  }
  size_t close = head.find('"', 1);
  if (close == std::string_view::npos || close == 1) {
    error = "'" + std::string(head) + "' has an unterminated or empty quoted path";
    return false;
  }
  std::string_view rest = head.substr(close + 1);
  if (!rest.empty() && rest.front() != ' ' && rest.front() != '\t') {
    error = "'" + std::string(head) + "' needs a space after the quoted path";
    return false;
  }
  out.clear();
  out.push_back(head.substr(1, close - 1));
  for (std::string_view w : words(rest))
    out.push_back(w);
  return true;
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
    std::vector<std::string_view> head;
    if (!splitHead(line.substr(0, bar), head, error))
      return false;
    std::string_view why = trimBlanks(line.substr(bar + 1));
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
      } else if (tag.substr(0, 5) == "data=" && e.directory) {
        std::string why;
        std::string_view glob = tag.substr(5);
        if (glob.empty() || glob == "**" || !fs::ComponentGlob::compile(glob, why)) {
          error = "bad data name '" + std::string(glob) + "' for '" + e.path + "' " + why;
          return false;
        }
        e.data.emplace_back(glob);
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

bool parseHostEntries(const std::vector<std::string_view> &lines, std::vector<HostEntry> &out,
                      std::string &error) {
  for (std::string_view line : lines) {
    size_t bar = line.find('|');
    std::string_view head = trimBlanks(line.substr(0, bar));
    std::string_view why = bar == std::string_view::npos ? std::string_view() : trimBlanks(line.substr(bar + 1));
    if (head.empty() || why.empty() || head.find_first_of(" \t") != std::string_view::npos) {
      error = "'" + std::string(line) + "' must be 'HOST[:PORT] | WHY'";
      return false;
    }
    std::string why2;
    auto endpoint = net::parseEndpoint(head, 443, why2);
    if (!endpoint) {
      error = "'" + std::string(head) + "': " + why2;
      return false;
    }
    HostEntry e;
    e.host = endpoint->host;
    e.port = endpoint->port;
    e.text = e.host.text();
    e.why = std::string(why);
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
const char *const k_policy_files[] = {
#include "generated/lint/policy-files.inc"
};
const char *const k_secrets[] = {
#include "generated/lint/secrets.inc"
};
const char *const k_container_sockets[] = {
#include "generated/lint/container-sockets.inc"
};
const char *const k_session_sockets[] = {
#include "generated/lint/session-sockets.inc"
};
const char *const k_socket_dirs[] = {
#include "generated/lint/socket-dirs.inc"
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

const std::vector<PathEntry> &policyFiles() {
  static const std::vector<PathEntry> list =
      load("policy-files.txt", std::vector<std::string_view>(std::begin(k_policy_files), std::end(k_policy_files)));
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

const std::vector<PathEntry> &containerSockets() {
  static const std::vector<PathEntry> list =
      load("container-sockets.txt", std::vector<std::string_view>(std::begin(k_container_sockets), std::end(k_container_sockets)));
  return list;
}

const std::vector<PathEntry> &sessionSockets() {
  static const std::vector<PathEntry> list =
      load("session-sockets.txt", std::vector<std::string_view>(std::begin(k_session_sockets), std::end(k_session_sockets)));
  return list;
}

const std::vector<PathEntry> &socketDirectories() {
  static const std::vector<PathEntry> list =
      load("socket-dirs.txt", std::vector<std::string_view>(std::begin(k_socket_dirs), std::end(k_socket_dirs)));
  return list;
}

namespace {

std::vector<HostEntry> loadHosts(const char *name, std::vector<std::string_view> lines) {
  std::vector<HostEntry> out;
  std::string error;
  if (!parseHostEntries(lines, out, error)) {
    std::fprintf(stderr, "moat: internal error in lint/data/%s: %s\n", name, error.c_str());
    std::abort();
  }
  return out;
}

const char *const k_exfil_domains[] = {
#include "generated/lint/exfil-domains.inc"
};
const char *const k_metadata_endpoints[] = {
#include "generated/lint/metadata-endpoints.inc"
};
const char *const k_fronting_domains[] = {
#include "generated/lint/fronting-domains.inc"
};
const char *const k_local_services[] = {
#include "generated/lint/local-services.inc"
};

} // namespace

const std::vector<HostEntry> &exfilHosts() {
  static const std::vector<HostEntry> list =
      loadHosts("exfil-domains.txt", std::vector<std::string_view>(std::begin(k_exfil_domains), std::end(k_exfil_domains)));
  return list;
}

const std::vector<HostEntry> &metadataEndpoints() {
  static const std::vector<HostEntry> list =
      loadHosts("metadata-endpoints.txt", std::vector<std::string_view>(std::begin(k_metadata_endpoints), std::end(k_metadata_endpoints)));
  return list;
}

const std::vector<HostEntry> &frontingDomains() {
  static const std::vector<HostEntry> list =
      loadHosts("fronting-domains.txt", std::vector<std::string_view>(std::begin(k_fronting_domains), std::end(k_fronting_domains)));
  return list;
}

const std::vector<HostEntry> &localServices() {
  static const std::vector<HostEntry> list =
      loadHosts("local-services.txt", std::vector<std::string_view>(std::begin(k_local_services), std::end(k_local_services)));
  return list;
}

bool parseNamedEntries(const std::vector<std::string_view> &lines, std::vector<NamedEntry> &out,
                       std::string &error) {
  for (std::string_view line : lines) {
    size_t bar = line.find('|');
    std::string_view name = trimBlanks(line.substr(0, bar));
    std::string_view why = bar == std::string_view::npos ? std::string_view() : trimBlanks(line.substr(bar + 1));
    if (name.empty() || why.empty() || name.find_first_of(" \t/") != std::string_view::npos) {
      error = "'" + std::string(line) + "' must be 'NAME | WHY'";
      return false;
    }
    out.push_back(NamedEntry{std::string(name), std::string(why)});
  }
  return true;
}

const std::vector<NamedEntry> &riskyCommands() {
  static const std::vector<NamedEntry> list = [] {
    static const char *const lines[] = {
#include "generated/lint/risky-commands.inc"
    };
    std::vector<NamedEntry> out;
    std::string error;
    if (!parseNamedEntries(std::vector<std::string_view>(std::begin(lines), std::end(lines)), out, error)) {
      std::fprintf(stderr, "moat: internal error in lint/data/risky-commands.txt: %s\n", error.c_str());
      std::abort();
    }
    return out;
  }();
  return list;
}

const std::vector<std::string> &pathCommands() {
  static const std::vector<std::string> list = {
#include "generated/lint/path-commands.inc"
  };
  return list;
}

} // namespace moat::lint
