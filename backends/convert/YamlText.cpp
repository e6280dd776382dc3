// yamlDocument: AST -> the YAML form. Each body (the file, a policy block,
// an `on` block) is sorted into the schema's sections and emitted with
// yaml-cpp, which quotes whatever YAML would otherwise read as another type.
// The srt-only flags and implied defaults are spelled as moat enforces them
// (see MoatText.cpp: the same reasoning applies).
//
// yaml-cpp quotes what YAML syntax needs quoted (`*.x`, `a: b`, `~`) but
// not a string that a reader would take for another type (`true`, `null`,
// `8080`), and a tree node does not know whether it was built from a string
// or a bool. So every string goes in tagged as one (`text`) and the tree is
// emitted by hand: a tagged scalar that would read as something else is
// double-quoted.
#include "backends/convert/YamlText.h"

#include "compiler/ast/Keywords.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>

namespace moat::convert {

namespace {

constexpr const char *kStringTag = "tag:yaml.org,2002:str";

YAML::Node text(const std::string &s) {
  YAML::Node n(s);
  n.SetTag(kStringTag);
  return n;
}

// True when a plain scalar `s` would be read as a bool, null or number by
// YAML 1.1 or 1.2 readers.
bool readsAsOtherType(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  static const char *const words[] = {"", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n"};
  if (std::find(std::begin(words), std::end(words), s) != std::end(words))
    return true;
  size_t i = s[0] == '+' || s[0] == '-' ? 1 : 0;
  return i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.');
}

void emit(YAML::Emitter &out, const YAML::Node &n) {
  switch (n.Type()) {
  case YAML::NodeType::Map:
    out << YAML::BeginMap;
    for (const auto &kv : n) {
      out << YAML::Key << kv.first.Scalar() << YAML::Value;
      emit(out, kv.second);
    }
    out << YAML::EndMap;
    break;
  case YAML::NodeType::Sequence:
    out << YAML::BeginSeq;
    for (const YAML::Node &item : n)
      emit(out, item);
    out << YAML::EndSeq;
    break;
  default:
    if (n.Tag() == kStringTag && readsAsOtherType(n.Scalar()))
      out << YAML::DoubleQuoted;
    out << n.Scalar();
  }
}

const char *accessKey(const std::vector<ast::Access> &a) {
  if (a.size() > 1)
    return "read-write";
  return ast::keyword(a.front());
}

YAML::Node pathItem(const ast::FsRule &r) {
  if (!r.exactFile && !r.reason)
    return text(r.pattern.value);
  YAML::Node item;
  item[r.exactFile ? "file" : "path"] = text(r.pattern.value);
  if (r.reason)
    item["because"] = text(r.reason->value);
  return item;
}

YAML::Node optionValue(const ast::OptionValue &v) {
  if (auto *s = std::get_if<std::string>(&v.value))
    return text(*s);
  if (auto *list = std::get_if<std::vector<std::string>>(&v.value)) {
    YAML::Node items(YAML::NodeType::Sequence);
    for (const std::string &s : *list)
      items.push_back(text(s));
    return items;
  }
  return std::visit([](const auto &x) { return YAML::Node(x); }, v.value);
}

YAML::Node check(ast::Effect expected, ast::Subject subject, const std::string &pattern) {
  YAML::Node item;
  item[ast::keyword(expected)] = ast::keyword(subject);
  item[subject == ast::Subject::Connect ? "host" : "path"] = text(pattern);
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
    YAML::Node tier = r.always ? fs["always"][ast::keyword(r.effect)] : fs[ast::keyword(r.effect)];
    tier[accessKey(r.accesses)].push_back(pathItem(r));
  }
  void put(const ast::NetRule &r) {
    YAML::Node net = node_["network"];
    (r.always ? net["always"][ast::keyword(r.effect)] : net[ast::keyword(r.effect)]).push_back(text(r.host.value));
  }
  void put(const ast::UnixSocketRule &r) { node_["unix-sockets"][ast::keyword(r.effect)].push_back(text(r.path.value)); }
  void put(const ast::DefaultStmt &d) { node_["defaults"][ast::keyword(d.subject)] = ast::keyword(d.value); }
  void put(const ast::LetStmt &l) { node_["let"][l.name.value] = text(l.value.value); }
  void put(const ast::IncludeStmt &i) { node_["include"].push_back(text(i.path.value)); }
  void put(const ast::SetStmt &s) { node_["set"][s.name.value] = optionValue(s.value); }
  void put(const ast::AssertStmt &a) { node_["assert"].push_back(check(a.expected, a.subject, a.pattern.value)); }
  void put(const ast::RequireStmt &r) { node_["require"].push_back(check(r.expected, r.subject, r.pattern.value)); }
  void put(const ast::ForbidStmt &f) {
    YAML::Node item;
    item[ast::keyword(f.subject)] = text(f.pattern.value);
    if (f.reason)
      item["because"] = text(f.reason->value);
    node_["forbid"].push_back(item);
  }
  void put(const ast::LockStmt &l) {
    for (ast::LockTarget t : l.targets)
      node_["lock"].push_back(t == ast::LockTarget::Network          ? "network"
                              : t == ast::LockTarget::FilesystemRead ? "filesystem-read"
                                                                     : "filesystem-write");
  }
  // One list item per block (docs/language-yaml.md, "git").
  void put(const ast::GitBlock &g) {
    YAML::Node block(YAML::NodeType::Map);
    for (const ast::GitItem &item : g.items) {
      if (auto *r = std::get_if<ast::GitRemote>(&item)) {
        if (!r->fetch) {
          block["remote"].push_back(text(r->url.value));
        } else {
          YAML::Node remote;
          remote["url"] = text(r->url.value);
          remote["fetch"] = true;
          block["remote"].push_back(remote);
        }
      } else if (auto *p = std::get_if<ast::GitPush>(&item)) {
        block["push"].push_back(text(p->pattern.value));
      } else if (auto *a = std::get_if<ast::GitAllow>(&item)) {
        block["allow"].push_back(ast::keyword(a->what));
      } else if (auto *t = std::get_if<ast::GitToken>(&item)) {
        block["token"][ast::keyword(t->source)] = text(t->value.value);
      } else if (auto *u = std::get_if<ast::GitUser>(&item)) {
        block["user"] = text(u->name.value);
      }
    }
    node_["git"].push_back(block);
  }
  void put(const ast::PlatformBlock &b) { Body(node_["on"][b.platform.value]).add(b.body); }
  void put(const ast::PolicyBlock &b) {
    node_["policy"] = text(b.name.value);
    add(b.body);
  }

  YAML::Node node_;
};

} // namespace

std::string yamlDocument(const ast::File &file) {
  YAML::Node root(YAML::NodeType::Map);
  Body(root).add(file.stmts);
  YAML::Emitter out;
  emit(out, root);
  return std::string(out.c_str()) + "\n";
}

} // namespace moat::convert
