// See YamlGit.h.
#include "compiler/import/YamlGit.h"

#include <fmt/format.h>

namespace moat::import {

namespace {

using Kind = DocNode::Kind;

std::vector<const DocNode *> listItems(const DocNode &n) {
  std::vector<const DocNode *> items;
  if (n.kind == Kind::Array)
    for (const DocNode &item : n.items)
      items.push_back(&item);
  else
    items.push_back(&n);
  return items;
}

std::string join(const std::string &where, const char *key) { return where + "." + key; }

class Reader {
public:
  Reader(const std::string &where, DiagnosticEngine &diags) : where_(where), diags_(diags) {}

  std::optional<ast::GitBlock> run(const DocNode &item) {
    ObjectReader r(item, where_, diags_);
    const DocNode *remote = r.get("remote");
    const DocNode *push = r.get("push");
    const DocNode *allow = r.get("allow");
    const DocNode *token = r.get("token");
    const DocNode *user = r.get("user");
    ok_ = r.finish();
    block_.loc = item.loc;
    if (remote)
      remotes(*remote, join(where_, "remote"));
    if (push)
      for (const DocNode *p : listItems(*push))
        if (const std::string *s = expectString(*p, join(where_, "push") + "[]", diags_))
          block_.items.push_back(ast::GitPush{ast::Str{*s, p->loc}, p->loc});
        else
          ok_ = false;
    if (allow)
      permissions(*allow, join(where_, "allow"));
    if (token)
      tokenSource(*token, join(where_, "token"));
    if (user) {
      if (const std::string *s = expectString(*user, join(where_, "user"), diags_))
        block_.items.push_back(ast::GitUser{ast::Str{*s, user->loc}, user->loc});
      else
        ok_ = false;
    }
    if (!ok_)
      return std::nullopt;
    return std::move(block_);
  }

private:
  // Items: "URL" (no fetch) or {url: URL, fetch: true|false}.
  void remotes(const DocNode &n, const std::string &where) {
    for (const DocNode *item : listItems(n)) {
      if (item->kind == Kind::String) {
        block_.items.push_back(ast::GitRemote{ast::Str{item->string, item->loc}, false, item->loc});
        continue;
      }
      if (item->kind != Kind::Object) {
        diags_.report(DiagKind::WrongType, item->loc, where + "[]", "a URL or a {url: ..., fetch: true} mapping",
                      item->kindName());
        ok_ = false;
        continue;
      }
      ObjectReader r(*item, where + "[]", diags_);
      const DocNode *url = r.get("url");
      const DocNode *fetch = r.get("fetch");
      ok_ = r.finish() && ok_;
      if (!url) {
        diags_.report(DiagKind::MissingKey, item->loc, "url", where + "[]");
        ok_ = false;
        continue;
      }
      const std::string *s = expectString(*url, where + "[].url", diags_);
      std::optional<bool> f = fetch ? expectBool(*fetch, where + "[].fetch", diags_) : std::optional<bool>(false);
      if (!s || !f) {
        ok_ = false;
        continue;
      }
      block_.items.push_back(ast::GitRemote{ast::Str{*s, url->loc}, *f, item->loc});
    }
  }

  // `allow: [delete, force-push]` (or one of them).
  void permissions(const DocNode &n, const std::string &where) {
    for (const DocNode *item : listItems(n)) {
      const std::string *s = expectString(*item, where + "[]", diags_);
      if (!s) {
        ok_ = false;
      } else if (*s == "delete" || *s == "force-push") {
        block_.items.push_back(
            ast::GitAllow{*s == "delete" ? ast::GitPermission::Delete : ast::GitPermission::ForcePush, item->loc});
      } else {
        diags_.report(DiagKind::InvalidValue, item->loc, where, fmt::format("expected delete or force-push, not '{}'", *s));
        ok_ = false;
      }
    }
  }

  // `token: {env: NAME}` or `token: {file: PATH}`: exactly one.
  void tokenSource(const DocNode &n, const std::string &where) {
    if (!expectObject(n, where, diags_)) {
      ok_ = false;
      return;
    }
    ObjectReader r(n, where, diags_);
    const DocNode *env = r.get("env");
    const DocNode *file = r.get("file");
    ok_ = r.finish() && ok_;
    if (env && file) {
      diags_.report(DiagKind::InvalidValue, r.keyLoc("file"), join(where, "file"),
                    "a token comes from either 'env' or 'file', not both");
      ok_ = false;
      return;
    }
    if (!env && !file) {
      diags_.report(DiagKind::MissingKey, n.loc, "env' or 'file", where);
      ok_ = false;
      return;
    }
    const DocNode &v = env ? *env : *file;
    const std::string *s = expectString(v, join(where, env ? "env" : "file"), diags_);
    if (!s) {
      ok_ = false;
      return;
    }
    block_.items.push_back(ast::GitToken{env ? ast::GitTokenSource::Env : ast::GitTokenSource::File,
                                         ast::Str{*s, v.loc}, n.loc});
  }

  const std::string &where_;
  DiagnosticEngine &diags_;
  ast::GitBlock block_;
  bool ok_ = true;
};

} // namespace

std::optional<ast::GitBlock> yamlGitBlock(const DocNode &item, const std::string &where, DiagnosticEngine &diags) {
  return Reader(where, diags).run(item);
}

} // namespace moat::import
