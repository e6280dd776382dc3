// What `moat report` shows, as plain data: computed from the IR, the
// reference evaluator, lint and the diff (ReportBuilder.h), then rendered
// by ReportHtml.h. Everything here is text already decided; the renderer
// only lays it out and escapes it.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace moat::report {

// Who decided one access, in the words `moat query` uses.
struct Verdict {
  std::string effect;   // "allow", "deny" or "ask"
  enum class By { Rule, Default, Disabled } by = By::Default;
  std::string rule;     // the rule in .moat syntax; "default read allow"; why confinement is off
  std::string location; // "file:line:col" of the rule, `default` or `set`; "" when built in
  std::string layer;    // managed, command-line, project, user, builtin; "default" for a default
  std::string origin;   // importer key or built-in set ("srt mandatory deny"), may be ""
};

// One node of the effective filesystem tree. A path node is a directory or
// file some rule names (or an ancestor of one); a glob node stands for a
// glob rule's paths and is decided at one example path of the glob.
struct FsNode {
  std::string label;     // "etc", "project", or a glob's tail "**/.bashrc"
  std::string path;      // absolute; for a glob node, its example path
  std::string shown;     // the path as the policy spells it: ~/.ssh, $CWD/.env
  std::string glob;      // a glob node's whole bound glob ("" for path nodes)
  std::string rootName;  // "~", "$CWD", "$TMPDIR" when this path is that root
  bool named = false;    // a rule names this very path (else: only structure)
  bool builtinOnly = true; // only built-in protections name this subtree
  Verdict read, write;
  std::vector<FsNode> children; // path nodes by name, then glob nodes
};

struct NetEntry {
  std::string rule;     // `allow connect "*.github.com:443"`
  std::string location; // "" when built in
  std::string layer;
  std::string effect;   // the rule's own effect
  std::string platform; // "" (every platform), "linux", "macos"
  std::string example;  // an endpoint the rule covers, "host:port"
  Verdict atExample;    // what decides there (another rule when this one is outranked)
};

struct SocketEntry {
  std::string rule;
  std::string location;
  std::string layer;
  std::string effect;
};

// One remote of a `git { }` block: what the git proxy of `moat run` lets
// the sandbox's git do there (docs/runtime.md, "Git credentials").
struct GitEntry {
  std::string remote;   // `remote "https://github.com/org/repo" fetch` (canonical URL)
  std::string location;
  std::string layer;
  bool fetch = false;
  std::vector<std::pair<std::string, std::string>> push; // (`push "refs/heads/agent/*"`, location)
  bool allowDelete = false, allowForcePush = false;
  std::string token; // `token env "GITHUB_TOKEN"`; "" for a block without one
};

struct NetworkSection {
  std::vector<NetEntry> rules;
  std::vector<GitEntry> git;
  Verdict fallback; // the connect default (or disabled sandbox)
  std::vector<SocketEntry> sockets;
  bool allSockets = false; // allow-all-unix-sockets
};

struct FindingNote {
  std::string location;
  std::string message;
};

struct Finding {
  std::string severity; // "error", "warning", "note"
  std::string id;       // rule id; its docs are in Report::docs
  std::string location;
  std::string message;
  std::vector<FindingNote> notes;
  bool suppressed = false;
  std::string justification; // of a suppression
};

struct RuleDoc {
  std::string id;
  std::string markdown; // docs/rules/<id>.md as `moat explain` prints it
};

struct DiffEntry {
  std::string direction; // "looser" or "tighter"
  std::string access;    // read, write, connect, unix-socket, option
  std::string subject;   // the example path or endpoint; the option change
  std::string platform;  // "" both, "Linux", "macOS"
  std::string before, after; // "deny by built-in protection `...`" (DiffReport.h)
};

struct DiffSection {
  std::string oldFile, newFile;
  std::vector<DiffEntry> entries; // looser first
  size_t looser = 0, tighter = 0;
};

struct Report {
  std::string title;                                    // the policy's name, else its file
  std::vector<std::pair<std::string, std::string>> inputs; // (layer, file)
  std::string runtime;  // whose semantics decide ("moat", "srt", "claude")
  std::string platform; // the platform the tree and network are decided on
  std::vector<std::pair<std::string, std::string>> roots; // ("~", "/home/user"), ...
  std::vector<std::pair<std::string, std::string>> options; // ("set x = y", location)
  FsNode fsRoot;
  NetworkSection network;
  std::vector<Finding> findings;
  std::vector<RuleDoc> docs; // one per finding id, sorted
  std::optional<DiffSection> diff;
};

} // namespace moat::report
