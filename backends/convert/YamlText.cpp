// yamlDocument: AST -> the YAML form. Each body (the file, a policy block,
// an `on` block) is sorted into the schema's sections and emitted with
// yaml-cpp, which quotes whatever YAML would otherwise read as another type.
// The srt-only flags and implied defaults are spelled as moat enforces them
// (see MoatText.cpp: the same reasoning applies).
#include "backends/convert/YamlText.h"

#include "backends/convert/Keywords.h"

#include <yaml-cpp/yaml.h>

namespace moat::convert {

namespace {

const char *accessKey(const std::vector<ast::Access> &a) {
  if (a.size() > 1)
    return "read-write";
  return keyword(a.front());
}

YAML::Node pathItem(const ast::FsRule &r) {
  if (!r.exactFile && !r.reason)
    return YAML::Node(r.pattern.value);
  YAML::Node item;
  item[r.exactFile ? "file" : "path"] = r.pattern.value;
  if (r.reason)
    item["because"] = r.reason->value;
  return item;
}

YAML::Node optionValue(const ast::OptionValue &v) {
  return std::visit([](const auto &x) { return YAML::Node(x); }, v.value);
}

YAML::Node check(ast::Effect expected, ast::Subject subject, const std::string &pattern) {
  YAML::Node item;
  item[keyword(expected)] = keyword(subject);
  item[subject == ast::Subject::Connect ? "host" : "path"] = pattern;
  return item;
}

class Body {
public:
  explicit Body(YAML::Node node) : node_(node) {}

  void add(const std::vector<ast::Stmt> &stmts) {
    for (const ast::Stmt &s : stmts)
      std::visit([this](const auto &n) { put(n); }, s.node);
  }

private:
  void put(const ast::FsRule &r) {
    YAML::Node fs = node_["filesystem"];
    YAML::Node tier = r.always ? fs["always"][keyword(r.effect)] : fs[keyword(r.effect)];
    tier[accessKey(r.accesses)].push_back(pathItem(r));
  }
  void put(const ast::NetRule &r) {
    YAML::Node net = node_["network"];
    (r.always ? net["always"][keyword(r.effect)] : net[keyword(r.effect)]).push_back(r.host.value);
  }
  void put(const ast::UnixSocketRule &r) { node_["unix-sockets"][keyword(r.effect)].push_back(r.path.value); }
  void put(const ast::DefaultStmt &d) { node_["defaults"][keyword(d.subject)] = keyword(d.value); }
  void put(const ast::LetStmt &l) { node_["let"][l.name.value] = l.value.value; }
  void put(const ast::IncludeStmt &i) { node_["include"].push_back(i.path.value); }
  void put(const ast::SetStmt &s) { node_["set"][s.name.value] = optionValue(s.value); }
  void put(const ast::AssertStmt &a) { node_["assert"].push_back(check(a.expected, a.subject, a.pattern.value)); }
  void put(const ast::RequireStmt &r) { node_["require"].push_back(check(r.expected, r.subject, r.pattern.value)); }
  void put(const ast::ForbidStmt &f) {
    YAML::Node item;
    item[keyword(f.subject)] = f.pattern.value;
    if (f.reason)
      item["because"] = f.reason->value;
    node_["forbid"].push_back(item);
  }
  void put(const ast::LockStmt &l) {
    for (ast::LockTarget t : l.targets)
      node_["lock"].push_back(t == ast::LockTarget::Network          ? "network"
                              : t == ast::LockTarget::FilesystemRead ? "filesystem-read"
                                                                     : "filesystem-write");
  }
  void put(const ast::PlatformBlock &b) { Body(node_["on"][b.platform.value]).add(b.body); }
  void put(const ast::PolicyBlock &b) {
    node_["policy"] = b.name.value;
    add(b.body);
  }

  YAML::Node node_;
};

} // namespace

std::string yamlDocument(const ast::File &file) {
  YAML::Node root(YAML::NodeType::Map);
  Body(root).add(file.stmts);
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

} // namespace moat::convert
