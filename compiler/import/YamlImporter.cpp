// importYaml: the YAML spelling of the moat model (docs/language-yaml.md)
// into the same AST the .moat parser builds. The importer only checks shape:
// keys, types and the few enumerations the schema fixes (allow/deny/ask,
// read/write/connect). Paths, hosts, variable names, option names and
// platform names are validated by sema, exactly as for .moat input.
//
// Mappings are walked in document order, so statements (and diagnostics)
// come out in the order they were written; sema does not depend on it.
#include "compiler/import/DocTree.h"
#include "compiler/import/Importers.h"
#include "compiler/import/YamlGit.h"

#include <initializer_list>
#include <string_view>

namespace moat::import {

namespace {

using ast::Stmt;
using Kind = DocNode::Kind;

class YamlImporter {
public:
  explicit YamlImporter(DiagnosticEngine &diags) : diags_(diags) {}

  std::optional<ast::File> run(const DocNode &root, uint32_t buffer) {
    unsigned before = diags_.errorCount();
    ast::File file;
    file.buffer = buffer;
    file.kind = ast::SourceKind::Yaml;
    file.path = std::string(diags_.files().name(buffer));
    if (root.kind == Kind::Null)
      return file; // an empty document is an empty policy, as an empty .moat file is
    if (!expectObject(root, "the top level", diags_))
      return std::nullopt;

    // Includes stay outside the policy block, as in `include "x"; policy "p" {...}`.
    std::vector<Stmt> body;
    std::optional<ast::PolicyBlock> block;
    for (size_t i = 0; i < root.members.size(); ++i) {
      const auto &[key, value] = root.members[i];
      if (key == "policy") {
        if (const std::string *s = expectString(value, "policy", diags_)) {
          block.emplace();
          block->name = ast::Str{*s, value.loc};
          block->loc = root.keyLocs[i];
        }
      } else if (key == "include") {
        includes(value, "include", file.stmts);
      } else {
        bodyMember(key, value, root.keyLocs[i], "", body);
      }
    }
    if (block) {
      block->body = std::move(body);
      file.stmts.push_back(Stmt{std::move(*block)});
    } else {
      for (Stmt &s : body)
        file.stmts.push_back(std::move(s));
    }
    if (diags_.errorCount() != before)
      return std::nullopt;
    return file;
  }

private:
  static std::string join(const std::string &prefix, const std::string &key) {
    return prefix.empty() ? key : prefix + "." + key;
  }
  static std::string indexed(const std::string &where, size_t i) {
    return where + "[" + std::to_string(i) + "]";
  }

  // Visits the members of `obj` in document order: known keys go to `visit`,
  // the others are reported where they are written.
  template <typename Visit>
  void eachMember(const DocNode &obj, const std::string &where, std::initializer_list<std::string_view> known,
                  Visit &&visit) {
    for (size_t i = 0; i < obj.members.size(); ++i) {
      const auto &[key, value] = obj.members[i];
      bool isKnown = false;
      for (std::string_view k : known)
        isKnown = isKnown || key == k;
      if (isKnown)
        visit(key, value, obj.keyLocs[i]);
      else
        diags_.report(DiagKind::UnknownKey, obj.keyLocs[i], key, where);
    }
  }

  // Wherever a list is expected, one item may stand for a one-item list.
  static std::vector<const DocNode *> listItems(const DocNode &n) {
    std::vector<const DocNode *> items;
    if (n.kind == Kind::Array)
      for (const DocNode &item : n.items)
        items.push_back(&item);
    else
      items.push_back(&n);
    return items;
  }

  // One key of a policy body (the top level or an `on` block); anything
  // that is not a statement-bearing key is unknown there.
  void bodyMember(const std::string &key, const DocNode &value, SourceLoc keyLoc, const std::string &prefix,
                  std::vector<Stmt> &out) {
    std::string where = join(prefix, key);
    if (key == "include")
      includes(value, where, out);
    else if (key == "let")
      lets(value, where, out);
    else if (key == "defaults")
      defaults(value, where, out);
    else if (key == "filesystem")
      filesystem(value, where, out);
    else if (key == "network")
      network(value, where, out);
    else if (key == "unix-sockets")
      unixSockets(value, where, out);
    else if (key == "set")
      options(value, where, out);
    else if (key == "on")
      platforms(value, where, out);
    else if (key == "assert")
      asserts(value, where, out);
    else if (key == "lock")
      locks(value, where, out);
    else if (key == "require")
      requireList(value, where, out);
    else if (key == "forbid")
      forbids(value, where, out);
    else if (key == "git" && prefix.empty())
      gitBlocks(value, where, out);
    else if (key == "git")
      diags_.report(DiagKind::UnsupportedSetting, keyLoc, where,
                    "a git block stands at the top level: the git proxy applies it on every platform");
    else
      diags_.report(DiagKind::UnknownKey, keyLoc, key, prefix.empty() ? "the YAML policy" : prefix);
  }

  // A string, or a list of strings; each becomes one Str.
  std::vector<ast::Str> strings(const DocNode &n, const std::string &where) {
    std::vector<ast::Str> out;
    if (n.kind != Kind::String && n.kind != Kind::Array) {
      diags_.report(DiagKind::WrongType, n.loc, where, "a string or a list of strings", n.kindName());
      return out;
    }
    for (const DocNode *item : listItems(n))
      if (const std::string *s = expectString(*item, where + "[]", diags_))
        out.push_back(ast::Str{*s, item->loc});
    return out;
  }

  void includes(const DocNode &n, const std::string &where, std::vector<Stmt> &out) {
    for (ast::Str &s : strings(n, where)) {
      ast::IncludeStmt inc;
      inc.loc = s.loc;
      inc.path = std::move(s);
      out.push_back(Stmt{std::move(inc)});
    }
  }

  void lets(const DocNode &n, const std::string &where, std::vector<Stmt> &out) {
    if (!expectObject(n, where, diags_))
      return;
    for (size_t i = 0; i < n.members.size(); ++i) {
      const auto &[name, value] = n.members[i];
      SourceLoc keyLoc = n.keyLocs[i];
      const std::string *s = expectString(value, join(where, name), diags_);
      if (!s)
        continue;
      ast::LetStmt let;
      let.name = ast::Str{name, keyLoc};
      let.value = ast::Str{*s, value.loc};
      let.loc = keyLoc;
      out.push_back(Stmt{std::move(let)});
    }
  }

  void defaults(const DocNode &n, const std::string &where, std::vector<Stmt> &out) {
    if (!expectObject(n, where, diags_))
      return;
    eachMember(n, where, {"read", "write", "connect"}, [&](const std::string &key, const DocNode &v, SourceLoc keyLoc) {
      std::string name = join(where, key);
      const std::string *s = expectString(v, name, diags_);
      if (!s)
        return;
      ast::DefaultStmt d;
      d.subject = key == "read" ? ast::Subject::Read : key == "write" ? ast::Subject::Write : ast::Subject::Connect;
      d.loc = keyLoc;
      if (*s == "allow")
        d.value = ast::DefaultValue::Allow;
      else if (*s == "deny")
        d.value = ast::DefaultValue::Deny;
      else if (*s == "ask")
        d.value = ast::DefaultValue::Ask; // sema refuses it for read and write, as for .moat
      else {
        diags_.report(DiagKind::InvalidValue, v.loc, name, fmt::format("expected allow, deny or ask, not '{}'", *s));
        return;
      }
      out.push_back(Stmt{d});
    });
  }

  // ---- filesystem ---------------------------------------------------------------

  // {allow: ACCESSES, deny: ACCESSES, always: {allow: ACCESSES, deny: ACCESSES}}
  void filesystem(const DocNode &n, const std::string &where, std::vector<Stmt> &out) {
    if (!expectObject(n, where, diags_))
      return;
    eachMember(n, where, {"allow", "deny", "always"}, [&](const std::string &key, const DocNode &v, SourceLoc) {
      std::string inner = join(where, key);
      if (key != "always") {
        fsAccessMap(v, inner, false, key == "allow" ? ast::Effect::Allow : ast::Effect::Deny, out);
        return;
      }
      if (!expectObject(v, inner, diags_))
        return;
      eachMember(v, inner, {"allow", "deny"}, [&](const std::string &effect, const DocNode &e, SourceLoc) {
        fsAccessMap(e, join(inner, effect), true, effect == "allow" ? ast::Effect::Allow : ast::Effect::Deny, out);
      });
    });
  }

  // ACCESSES: {read: PATHS, write: PATHS, read-write: PATHS}
  void fsAccessMap(const DocNode &n, const std::string &where, bool always, ast::Effect effect,
                   std::vector<Stmt> &out) {
    if (!expectObject(n, where, diags_))
      return;
    eachMember(n, where, {"read", "write", "read-write"}, [&](const std::string &key, const DocNode &v, SourceLoc) {
      std::vector<ast::Access> accesses;
      if (key != "write")
        accesses.push_back(ast::Access::Read);
      if (key != "read")
        accesses.push_back(ast::Access::Write);
      fsPathList(v, join(where, key), always, effect, accesses, out);
    });
  }

  // Items: "PATH", {path: PATH, because: WHY} or {file: PATH, because: WHY}.
  void fsPathList(const DocNode &n, const std::string &where, bool always, ast::Effect effect,
                  const std::vector<ast::Access> &accesses, std::vector<Stmt> &out) {
    if (n.kind != Kind::String && n.kind != Kind::Array && n.kind != Kind::Object) {
      diags_.report(DiagKind::WrongType, n.loc, where, "a path or a list of paths", n.kindName());
      return;
    }
    std::vector<const DocNode *> items = listItems(n);
    for (size_t i = 0; i < items.size(); ++i) {
      const DocNode &item = *items[i];
      ast::FsRule rule;
      rule.always = always;
      rule.effect = effect;
      rule.accesses = accesses;
      rule.loc = item.loc;
      if (item.kind == Kind::String) {
        rule.pattern = ast::Str{item.string, item.loc};
      } else if (item.kind == Kind::Object) {
        if (!fsItemObject(item, n.kind == Kind::Array ? indexed(where, i) : where, rule))
          continue;
      } else {
        diags_.report(DiagKind::WrongType, item.loc, where + "[]",
                      "a path or a {path: ..., because: ...} mapping", item.kindName());
        continue;
      }
      out.push_back(Stmt{std::move(rule)});
    }
  }

  bool fsItemObject(const DocNode &item, const std::string &where, ast::FsRule &rule) {
    ObjectReader r(item, where, diags_);
    const DocNode *path = r.get("path");
    const DocNode *file = r.get("file");
    const DocNode *because = r.get("because");
    bool ok = r.finish();
    if (path && file) {
      diags_.report(DiagKind::InvalidValue, r.keyLoc("file"), join(where, "file"),
                    "give either 'path' (the path and everything beneath it) or 'file' "
                    "(exactly that path), not both");
      return false;
    }
    if (!path && !file) {
      diags_.report(DiagKind::MissingKey, item.loc, "path' or 'file", where);
      return false;
    }
    const DocNode *p = path ? path : file;
    const std::string *s = expectString(*p, join(where, path ? "path" : "file"), diags_);
    if (!s)
      return false;
    rule.exactFile = file != nullptr;
    rule.pattern = ast::Str{*s, p->loc};
    if (because) {
      const std::string *why = expectString(*because, join(where, "because"), diags_);
      if (!why)
        return false;
      rule.reason = ast::Str{*why, because->loc};
    }
    return ok;
  }

  // ---- network and unix sockets -------------------------------------------------

  // {allow: HOSTS, deny: HOSTS, always: {allow: HOSTS, deny: HOSTS}}
  void network(const DocNode &n, const std::string &where, std::vector<Stmt> &out) {
    if (!expectObject(n, where, diags_))
      return;
    eachMember(n, where, {"allow", "deny", "always"}, [&](const std::string &key, const DocNode &v, SourceLoc) {
      std::string inner = join(where, key);
      if (key != "always") {
        hosts(v, inner, false, key == "allow" ? ast::Effect::Allow : ast::Effect::Deny, out);
        return;
      }
      if (!expectObject(v, inner, diags_))
        return;
      eachMember(v, inner, {"allow", "deny"}, [&](const std::string &effect, const DocNode &e, SourceLoc) {
        hosts(e, join(inner, effect), true, effect == "allow" ? ast::Effect::Allow : ast::Effect::Deny, out);
      });
    });
  }

  void hosts(const DocNode &n, const std::string &where, bool always, ast::Effect effect,
             std::vector<Stmt> &out) {
    for (ast::Str &s : strings(n, where)) {
      ast::NetRule rule;
      rule.always = always;
      rule.effect = effect;
      rule.loc = s.loc;
      rule.host = std::move(s);
      out.push_back(Stmt{std::move(rule)});
    }
  }

  void unixSockets(const DocNode &n, const std::string &where, std::vector<Stmt> &out) {
    if (!expectObject(n, where, diags_))
      return;
    eachMember(n, where, {"allow", "deny"}, [&](const std::string &key, const DocNode &v, SourceLoc) {
      for (ast::Str &s : strings(v, join(where, key))) {
        ast::UnixSocketRule rule;
        rule.effect = key == "allow" ? ast::Effect::Allow : ast::Effect::Deny;
        rule.loc = s.loc;
        rule.path = std::move(s);
        out.push_back(Stmt{std::move(rule)});
      }
    });
  }

  // ---- options, platforms, asserts ----------------------------------------------

  void options(const DocNode &n, const std::string &where, std::vector<Stmt> &out) {
    if (!expectObject(n, where, diags_))
      return;
    for (size_t i = 0; i < n.members.size(); ++i) {
      const auto &[name, value] = n.members[i];
      std::string key = join(where, name);
      ast::SetStmt set;
      set.name = ast::Str{name, n.keyLocs[i]};
      set.loc = n.keyLocs[i];
      set.value.loc = value.loc;
      if (value.kind == Kind::Bool) {
        set.value.value = value.boolean;
      } else if (value.kind == Kind::Number && value.isInteger) {
        set.value.value = value.integer;
      } else if (value.kind == Kind::String) {
        set.value.value = value.string;
      } else if (value.kind == Kind::Array) {
        auto items = expectStringArray(value, key, diags_);
        if (!items)
          continue;
        std::vector<std::string> list;
        for (const DocNode *item : *items)
          list.push_back(item->string);
        set.value.value = std::move(list);
      } else {
        diags_.report(DiagKind::WrongType, value.loc, key,
                      "true, false, an integer, a string or a list of strings", value.kindName());
        continue;
      }
      out.push_back(Stmt{std::move(set)});
    }
  }

  void platforms(const DocNode &n, const std::string &where, std::vector<Stmt> &out) {
    if (!expectObject(n, where, diags_))
      return;
    for (size_t i = 0; i < n.members.size(); ++i) {
      const auto &[name, body] = n.members[i];
      std::string blockWhere = join(where, name);
      if (!expectObject(body, blockWhere, diags_))
        continue;
      ast::PlatformBlock block;
      block.platform = ast::Str{name, n.keyLocs[i]}; // sema checks the name
      block.loc = n.keyLocs[i];
      for (size_t k = 0; k < body.members.size(); ++k)
        bodyMember(body.members[k].first, body.members[k].second, body.keyLocs[k], blockWhere, block.body);
      out.push_back(Stmt{std::move(block)});
    }
  }

  // Calls each(item, where) for every mapping of a list of mappings (one
  // mapping alone is a list of one).
  template <typename Each>
  void mappings(const DocNode &n, const std::string &where, const char *what, Each each) {
    if (n.kind != Kind::Array && n.kind != Kind::Object) {
      diags_.report(DiagKind::WrongType, n.loc, where, what, n.kindName());
      return;
    }
    std::vector<const DocNode *> items = listItems(n);
    for (size_t i = 0; i < items.size(); ++i) {
      const DocNode &item = *items[i];
      std::string itemWhere = n.kind == Kind::Array ? indexed(where, i) : where;
      if (expectObject(item, itemWhere, diags_))
        each(item, itemWhere);
    }
  }

  // Items: {allow|deny: read|write, path: P} or {allow|deny: connect, host: H}.
  void asserts(const DocNode &n, const std::string &where, std::vector<Stmt> &out) {
    mappings(n, where, "a list of asserts", [&](const DocNode &item, const std::string &itemWhere) {
      if (auto a = assertItem(item, itemWhere))
        out.push_back(Stmt{std::move(*a)});
    });
  }

  // `require`: the items of `assert`, over the effective policy of every layer.
  void requireList(const DocNode &n, const std::string &where, std::vector<Stmt> &out) {
    mappings(n, where, "a list of requires", [&](const DocNode &item, const std::string &itemWhere) {
      if (auto a = assertItem(item, itemWhere))
        out.push_back(Stmt{ast::RequireStmt{a->expected, a->subject, std::move(a->pattern), a->loc}});
    });
  }

  // `lock: [network, filesystem-read, filesystem-write]` (or one of them).
  void locks(const DocNode &n, const std::string &where, std::vector<Stmt> &out) {
    std::vector<ast::Str> names = strings(n, where);
    if (names.empty())
      return;
    ast::LockStmt lock;
    lock.loc = n.loc;
    for (const ast::Str &name : names) {
      if (name.value == "network")
        lock.targets.push_back(ast::LockTarget::Network);
      else if (name.value == "filesystem-read")
        lock.targets.push_back(ast::LockTarget::FilesystemRead);
      else if (name.value == "filesystem-write")
        lock.targets.push_back(ast::LockTarget::FilesystemWrite);
      else {
        diags_.report(DiagKind::InvalidValue, name.loc, where,
                      fmt::format("expected network, filesystem-read or filesystem-write, not '{}'", name.value));
        return;
      }
    }
    out.push_back(Stmt{std::move(lock)});
  }

  // Items: {read|write|connect|unix-socket: P or [P...], because: R}.
  void forbids(const DocNode &n, const std::string &where, std::vector<Stmt> &out) {
    static const std::pair<const char *, ast::ForbidSubject> kSubjects[] = {
        {"read", ast::ForbidSubject::Read},
        {"write", ast::ForbidSubject::Write},
        {"connect", ast::ForbidSubject::Connect},
        {"unix-socket", ast::ForbidSubject::UnixSocket}};
    mappings(n, where, "a list of forbids", [&](const DocNode &item, const std::string &itemWhere) {
      ObjectReader r(item, itemWhere, diags_);
      const DocNode *because = r.get("because");
      const DocNode *patterns = nullptr;
      const char *subjectKey = nullptr;
      ast::ForbidSubject subject = ast::ForbidSubject::Write;
      for (const auto &[key, value] : kSubjects) {
        const DocNode *v = r.get(key);
        if (!v)
          continue;
        if (patterns) {
          diags_.report(DiagKind::InvalidValue, r.keyLoc(key), join(itemWhere, key),
                        fmt::format("a forbid names one of read, write, connect or unix-socket, not both "
                                    "'{}' and '{}'",
                                    subjectKey, key));
          return;
        }
        patterns = v;
        subjectKey = key;
        subject = value;
      }
      bool ok = r.finish();
      if (!patterns) {
        diags_.report(DiagKind::MissingKey, item.loc, "read', 'write', 'connect' or 'unix-socket", itemWhere);
        return;
      }
      std::optional<ast::Str> reason;
      if (because) {
        const std::string *text = expectString(*because, join(itemWhere, "because"), diags_);
        if (!text)
          return;
        reason = ast::Str{*text, because->loc};
      }
      std::vector<ast::Str> list = strings(*patterns, join(itemWhere, subjectKey));
      if (!ok)
        return;
      for (ast::Str &p : list)
        out.push_back(Stmt{ast::ForbidStmt{subject, std::move(p), reason, item.loc}});
    });
  }

  // Items: one mapping per block (YamlGit.h).
  void gitBlocks(const DocNode &n, const std::string &where, std::vector<Stmt> &out) {
    mappings(n, where, "a list of git blocks", [&](const DocNode &item, const std::string &itemWhere) {
      if (auto block = yamlGitBlock(item, itemWhere, diags_))
        out.push_back(Stmt{std::move(*block)});
    });
  }

  std::optional<ast::AssertStmt> assertItem(const DocNode &item, const std::string &where) {
    ObjectReader r(item, where, diags_);
    const DocNode *allow = r.get("allow");
    const DocNode *deny = r.get("deny");
    const DocNode *path = r.get("path");
    const DocNode *host = r.get("host");
    bool ok = r.finish();
    if (allow && deny) {
      diags_.report(DiagKind::InvalidValue, r.keyLoc("deny"), join(where, "deny"),
                    "an assert expects either 'allow' or 'deny', not both");
      return std::nullopt;
    }
    if (!allow && !deny) {
      diags_.report(DiagKind::MissingKey, item.loc, "allow' or 'deny", where);
      return std::nullopt;
    }
    const DocNode &effectNode = allow ? *allow : *deny;
    std::string effectKey = join(where, allow ? "allow" : "deny");
    const std::string *access = expectString(effectNode, effectKey, diags_);
    if (!access)
      return std::nullopt;
    ast::AssertStmt a;
    a.expected = allow ? ast::Effect::Allow : ast::Effect::Deny;
    a.loc = item.loc;
    if (*access == "read")
      a.subject = ast::Subject::Read;
    else if (*access == "write")
      a.subject = ast::Subject::Write;
    else if (*access == "connect")
      a.subject = ast::Subject::Connect;
    else {
      diags_.report(DiagKind::InvalidValue, effectNode.loc, effectKey,
                    fmt::format("expected read, write or connect, not '{}'", *access));
      return std::nullopt;
    }
    bool connect = a.subject == ast::Subject::Connect;
    const char *wantKey = connect ? "host" : "path";
    const DocNode *want = connect ? host : path;
    const DocNode *wrong = connect ? path : host;
    if (wrong) {
      const char *wrongKey = connect ? "path" : "host";
      diags_.report(DiagKind::InvalidValue, r.keyLoc(wrongKey), join(where, wrongKey),
                    fmt::format("a '{}' assert names a '{}', not a '{}'", *access, wantKey, wrongKey));
      return std::nullopt;
    }
    if (!want) {
      diags_.report(DiagKind::MissingKey, item.loc, wantKey, where);
      return std::nullopt;
    }
    const std::string *s = expectString(*want, join(where, wantKey), diags_);
    if (!s || !ok)
      return std::nullopt;
    a.pattern = ast::Str{*s, want->loc};
    return a;
  }

  DiagnosticEngine &diags_;
};

} // namespace

std::optional<ast::File> importYaml(uint32_t buffer, DiagnosticEngine &diags) {
  std::optional<DocNode> root = readYaml(buffer, diags);
  if (!root)
    return std::nullopt;
  return YamlImporter(diags).run(*root, buffer);
}

} // namespace moat::import
