// Parse tree -> ast::File, and parseMoat. The Session hands over each
// statement's parse tree while it is alive (it is freed before the next
// statement is parsed); the builder walks it through the generated context
// accessors (typed, no antlrcpp::Any) and keeps open blocks on a stack.
// Checks that need the whole statement (a modifier that does not fit the rule
// kind, an integer that does not fit, ",," in a list) are made here, located
// at the offending token.
#include "compiler/ast/Keywords.h"
#include "compiler/parse/Parser.h"
#include "compiler/parse/Session.h"
#include "compiler/parse/Strings.h"

#include <llvm/Support/Path.h>

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>

namespace moat::parse {

using antlr4::tree::TerminalNode;
using moatgen::MoatParser;

namespace {

// A tree without syntax errors always has the nodes the grammar requires;
// this guards the invariant so that a bug fails closed instead of crashing.
template <typename T> T *need(T *node) {
  if (!node)
    throw std::logic_error("malformed parse tree");
  return node;
}

class AstBuilder : public StatementSink {
public:
  AstBuilder(Session &s, ast::File &file) : s_(s), errors_(s.errors()), file_(file) {}

  // Blocks arrive as a header (kind Open), their statements, and a '}'
  // (kind Close): an open block waits on the stack until it is closed.
  void statement(MoatParser::StatementContext *c, StatementSpan::Kind kind) override {
    if (kind == StatementSpan::Close) {
      if (open_.empty())
        return; // reported by the Session
      ast::Stmt done = std::move(open_.back());
      open_.pop_back();
      body().push_back(std::move(done));
    } else if (auto *p = c->policyHeader()) {
      if (kind == StatementSpan::Open)
        open_.push_back({ast::PolicyBlock{str(p->STRING()), {}, loc(p)}});
    } else if (auto *p = c->platformHeader()) {
      if (kind == StatementSpan::Open)
        open_.push_back({ast::PlatformBlock{name(p->name()), {}, loc(p)}});
    } else if (auto *g = c->gitHeader()) {
      if (kind == StatementSpan::Open) {
        checkGitBlockPlace(g);
        open_.push_back({ast::GitBlock{{}, loc(g), {}}});
      }
    } else if (ast::GitBlock *git = innermostGit()) {
      gitItem(c, *git);
    } else {
      simple(c, body());
    }
    if (kind == StatementSpan::Open && innermostGit(1))
      errors_.report(s_.begin(c->getStart()), DiagKind::SyntaxError,
                     "a git block holds only remote, push, allow, token and user statements, not "
                     "another block");
  }

private:
  // The statement list new statements go to: the innermost open block's.
  std::vector<ast::Stmt> &body() {
    if (open_.empty())
      return file_.stmts;
    if (auto *p = std::get_if<ast::PolicyBlock>(&open_.back().node))
      return p->body;
    if (auto *p = std::get_if<ast::PlatformBlock>(&open_.back().node))
      return p->body;
    return misplaced_; // a block inside a git block: reported, then dropped
  }

  // The git block statements go to, when the innermost open block (skipping
  // `skip` blocks from the innermost) is one.
  ast::GitBlock *innermostGit(size_t skip = 0) {
    if (open_.size() <= skip)
      return nullptr;
    return std::get_if<ast::GitBlock>(&open_[open_.size() - 1 - skip].node);
  }

  // A git block applies on every platform and stands once, at file or
  // policy level: git access has no per-platform meaning to the proxy.
  void checkGitBlockPlace(MoatParser::GitHeaderContext *g) {
    for (const ast::Stmt &o : open_) {
      if (std::holds_alternative<ast::PlatformBlock>(o.node)) {
        errors_.report(s_.begin(g->getStart()), DiagKind::SyntaxError,
                       "a git block cannot stand inside an 'on' block: the git proxy applies it "
                       "on every platform");
        return;
      }
      if (std::holds_alternative<ast::GitBlock>(o.node))
        return; // reported as a block inside a git block
    }
  }

  // A statement inside `git { }`: only the git statements fit there.
  void gitItem(MoatParser::StatementContext *c, ast::GitBlock &git) {
    if (auto *r = c->gitRemoteStmt()) {
      git.items.push_back(ast::GitRemote{str(r->STRING()), r->KW_FETCH() != nullptr, loc(r)});
    } else if (auto *p = c->gitPushStmt()) {
      for (TerminalNode *sn : need(p->stringList())->STRING())
        git.items.push_back(ast::GitPush{str(sn), loc(p)});
    } else if (auto *t = c->gitTokenStmt()) {
      ast::GitTokenSource source =
          need(t->tokenSource())->KW_ENV() ? ast::GitTokenSource::Env : ast::GitTokenSource::File;
      git.items.push_back(ast::GitToken{source, str(t->STRING()), loc(t)});
    } else if (auto *u = c->gitUserStmt()) {
      git.items.push_back(ast::GitUser{str(u->STRING()), loc(u)});
    } else if (auto *allow = gitAllow(c)) {
      git.items.push_back(ast::GitAllow{gitPermission(allow), loc(c)});
    } else if (auto *r = c->ruleStmt();
               r && dynamic_cast<MoatParser::GitAllowBodyContext *>(need(r->ruleBody()))) {
      rule(r, misplaced_); // `deny delete;`, `always allow delete;`: rule() says why not
    } else if (!c->blockEnd()) {
      errors_.report(s_.begin(c->getStart()), DiagKind::SyntaxError,
                     "a git block holds only remote, push, allow delete, allow force-push, token "
                     "and user statements; put this statement outside the block");
    }
  }

  // `allow delete;` / `allow force-push;` as written inside a git block
  // (`deny`, `always` or a rule outside a git block are reported by rule()).
  static MoatParser::GitPermissionContext *gitAllow(MoatParser::StatementContext *c) {
    MoatParser::RuleStmtContext *r = c->ruleStmt();
    if (!r || r->KW_ALWAYS() || !need(r->effect())->KW_ALLOW())
      return nullptr;
    auto *body = dynamic_cast<MoatParser::GitAllowBodyContext *>(need(r->ruleBody()));
    return body ? need(body->gitPermission()) : nullptr;
  }
  static ast::GitPermission gitPermission(MoatParser::GitPermissionContext *p) {
    return p->KW_DELETE() ? ast::GitPermission::Delete : ast::GitPermission::ForcePush;
  }

  SourceLoc loc(antlr4::Token *t) const { return s_.loc(t); }
  SourceLoc loc(antlr4::ParserRuleContext *c) const { return s_.loc(c->getStart()); }

  ast::Str str(TerminalNode *node) {
    antlr4::Token *t = need(node)->getSymbol();
    std::vector<StringProblem> problems; // already reported by the token scan
    return ast::Str{decodeStringLiteral(s_.spelling(t), problems), loc(t)};
  }
  ast::Str name(MoatParser::NameContext *c) {
    need(c);
    return ast::Str{std::string(s_.spelling(c->getStart())), loc(c)};
  }

  void simple(MoatParser::StatementContext *c, std::vector<ast::Stmt> &out) {
    if (auto *r = c->ruleStmt()) {
      rule(r, out);
    } else if (auto *d = c->defaultStmt()) {
      out.push_back(
          {ast::DefaultStmt{subject(d->subject()), defaultValue(d->defaultValue()), loc(d)}});
    } else if (auto *l = c->letStmt()) {
      out.push_back({ast::LetStmt{name(l->name()), str(l->STRING()), loc(l)}});
    } else if (auto *i = c->includeStmt()) {
      out.push_back({ast::IncludeStmt{str(i->STRING()), loc(i)}});
    } else if (auto *st = c->setStmt()) {
      ast::Str optName = name(st->name());
      ast::OptionValue v = value(need(st->value()), optName.value);
      out.push_back({ast::SetStmt{std::move(optName), std::move(v), loc(st)}});
    } else if (auto *a = c->assertStmt()) {
      out.push_back(
          {ast::AssertStmt{effect(a->effect()), subject(a->subject()), str(a->STRING()), loc(a)}});
    } else if (auto *lk = c->lockStmt()) {
      out.push_back({lock(lk)});
    } else if (auto *rq = c->requireStmt()) {
      out.push_back({ast::RequireStmt{effect(rq->effect()), subject(rq->subject()), str(rq->STRING()),
                                      loc(rq)}});
    } else if (auto *fb = c->forbidStmt()) {
      forbid(fb, out);
    } else if (c->gitRemoteStmt() || c->gitPushStmt() || c->gitTokenStmt() || c->gitUserStmt()) {
      errors_.report(s_.begin(c->getStart()), DiagKind::SyntaxError,
                     fmt::format("'{}' belongs inside a git {{ }} block", s_.spelling(c->getStart())));
    } else {
      need<MoatParser::StatementContext>(nullptr);
    }
  }

  static ast::Effect effect(MoatParser::EffectContext *c) {
    return need(c)->KW_ALLOW() ? ast::Effect::Allow : ast::Effect::Deny;
  }
  static ast::Subject subject(MoatParser::SubjectContext *c) {
    if (need(c)->KW_READ())
      return ast::Subject::Read;
    return c->KW_WRITE() ? ast::Subject::Write : ast::Subject::Connect;
  }
  ast::LockStmt lock(MoatParser::LockStmtContext *c) {
    ast::LockStmt out;
    out.loc = loc(c);
    MoatParser::LockTargetContext *target = need(c->lockTarget());
    if (dynamic_cast<MoatParser::LockNetworkContext *>(target)) {
      out.targets.push_back(ast::LockTarget::Network);
    } else if (auto *fs = dynamic_cast<MoatParser::LockFilesystemContext *>(target)) {
      for (MoatParser::AccessContext *a : fs->access())
        out.targets.push_back(need(a)->KW_READ() ? ast::LockTarget::FilesystemRead
                                                 : ast::LockTarget::FilesystemWrite);
    } else {
      need<MoatParser::LockTargetContext>(nullptr);
    }
    return out;
  }

  // One AST statement per pattern, as for rules.
  void forbid(MoatParser::ForbidStmtContext *c, std::vector<ast::Stmt> &out) {
    MoatParser::ForbidSubjectContext *s = need(c->forbidSubject());
    ast::ForbidSubject subject = s->KW_READ()      ? ast::ForbidSubject::Read
                                 : s->KW_WRITE()   ? ast::ForbidSubject::Write
                                 : s->KW_CONNECT() ? ast::ForbidSubject::Connect
                                                   : ast::ForbidSubject::UnixSocket;
    std::optional<ast::Str> reason;
    if (auto *b = c->becauseClause())
      reason = str(b->STRING());
    for (TerminalNode *sn : need(c->stringList())->STRING())
      out.push_back({ast::ForbidStmt{subject, str(sn), reason, loc(c)}});
  }

  static ast::DefaultValue defaultValue(MoatParser::DefaultValueContext *c) {
    if (need(c)->KW_ALLOW())
      return ast::DefaultValue::Allow;
    return c->KW_DENY() ? ast::DefaultValue::Deny : ast::DefaultValue::Ask;
  }

  // One AST rule per string of the list, each with the string's own location
  // and the statement's location as the rule's.
  void rule(MoatParser::RuleStmtContext *c, std::vector<ast::Stmt> &out) {
    const bool always = c->KW_ALWAYS() != nullptr;
    const ast::Effect eff = effect(c->effect());
    const SourceLoc at = loc(c);
    MoatParser::RuleBodyContext *body = need(c->ruleBody());
    if (auto *fs = dynamic_cast<MoatParser::FsBodyContext *>(body)) {
      std::vector<ast::Access> accesses;
      for (MoatParser::AccessContext *a : fs->access())
        accesses.push_back(need(a)->KW_READ() ? ast::Access::Read : ast::Access::Write);
      std::optional<ast::Str> reason;
      if (auto *b = fs->becauseClause())
        reason = str(b->STRING());
      for (TerminalNode *sn : need(fs->stringList())->STRING()) {
        ast::FsRule r;
        r.always = always;
        r.effect = eff;
        r.accesses = accesses;
        r.exactFile = fs->KW_FILE() != nullptr;
        r.pattern = str(sn);
        r.reason = reason;
        r.loc = at;
        out.push_back({std::move(r)});
      }
    } else if (auto *net = dynamic_cast<MoatParser::NetBodyContext *>(body)) {
      rejectReason(net->becauseClause(), "connect");
      for (TerminalNode *sn : need(net->stringList())->STRING())
        out.push_back({ast::NetRule{always, eff, str(sn), at, {}}});
    } else if (auto *sock = dynamic_cast<MoatParser::SocketBodyContext *>(body)) {
      if (always)
        errors_.report(s_.begin(c->KW_ALWAYS()->getSymbol()), DiagKind::SyntaxError,
                       "'always' applies to read, write and connect rules; unix-socket rules "
                       "have no tiers");
      rejectReason(sock->becauseClause(), "unix-socket");
      for (TerminalNode *sn : need(sock->stringList())->STRING())
        out.push_back({ast::UnixSocketRule{eff, str(sn), at, {}}});
    } else if (auto *git = dynamic_cast<MoatParser::GitAllowBodyContext *>(body)) {
      // Only `allow delete;` / `allow force-push;` directly in a git block
      // reach here otherwise (gitItem); everything else is a mistake.
      const char *what = ast::keyword(gitPermission(need(git->gitPermission())));
      if (always || eff == ast::Effect::Deny)
        errors_.report(s_.begin(c->getStart()), DiagKind::SyntaxError,
                       fmt::format("a git block refuses {0} unless it says 'allow {0};', which is "
                                   "the only form of this statement",
                                   what));
      else
        errors_.report(s_.begin(c->getStart()), DiagKind::SyntaxError,
                       fmt::format("'allow {}' belongs inside a git {{ }} block", what));
    } else {
      need<MoatParser::RuleBodyContext>(nullptr);
    }
  }

  void rejectReason(MoatParser::BecauseClauseContext *b, const char *kind) {
    if (b)
      errors_.report(s_.begin(b->getStart()), DiagKind::SyntaxError,
                     fmt::format("'because' gives the reason for a read or write rule; {} rules "
                                 "take no reason",
                                 kind));
  }

  ast::OptionValue value(MoatParser::ValueContext *c, const std::string &optName) {
    ast::OptionValue v;
    v.loc = loc(c);
    if (dynamic_cast<MoatParser::TrueValueContext *>(c)) {
      v.value = true;
    } else if (dynamic_cast<MoatParser::FalseValueContext *>(c)) {
      v.value = false;
    } else if (auto *i = dynamic_cast<MoatParser::IntValueContext *>(c)) {
      std::string_view digits = s_.spelling(need(i->INT())->getSymbol());
      int64_t n = 0;
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (ec != std::errc() || ptr != digits.data() + digits.size())
        errors_.report(s_.begin(i->INT()->getSymbol()), DiagKind::InvalidValue, optName,
                       fmt::format("{} does not fit in a 64-bit integer", digits));
      v.value = n;
    } else if (auto *sv = dynamic_cast<MoatParser::StringValueContext *>(c)) {
      v.value = str(sv->STRING()).value;
    } else if (auto *l = dynamic_cast<MoatParser::ListValueContext *>(c)) {
      std::vector<std::string> items;
      bool lastWasComma = false;
      for (antlr4::tree::ParseTree *child : l->children) {
        auto *tn = dynamic_cast<TerminalNode *>(child);
        if (!tn)
          continue;
        size_t type = tn->getSymbol()->getType();
        if (type == MoatParser::COMMA) {
          if (lastWasComma)
            errors_.report(s_.begin(tn->getSymbol()), DiagKind::SyntaxError,
                           "two ',' in a row; a list item is missing");
          lastWasComma = true;
        } else {
          lastWasComma = false;
          if (type == MoatParser::STRING)
            items.push_back(str(tn).value);
        }
      }
      v.value = std::move(items);
    } else {
      need<MoatParser::ValueContext>(nullptr);
    }
    return v;
  }

  Session &s_;
  ErrorCollector &errors_;
  ast::File &file_;
  std::vector<ast::Stmt> open_; // open blocks, outermost first
  std::vector<ast::Stmt> misplaced_; // blocks opened inside a git block (reported)
};

} // namespace

std::optional<ParsedMoat> parseChecked(uint32_t buffer, DiagnosticEngine &diags) {
  ParsedMoat out;
  out.session = std::make_unique<Session>(buffer, diags);
  Session &s = *out.session;
  std::string internalError;
  bool ok = false;
  try {
    AstBuilder builder(s, out.file);
    ok = s.run(&builder);
  } catch (const std::bad_alloc &) {
    internalError = "out of memory while parsing";
  } catch (const std::exception &e) {
    internalError = std::string("internal parser error: ") + e.what();
  } catch (...) {
    internalError = "internal parser error";
  }
  size_t reported = s.errors().flush(diags, s.lines());
  if (!internalError.empty()) {
    diags.report(DiagKind::SyntaxError, SourceLoc{buffer, 1, 1}, internalError);
    return std::nullopt;
  }
  if (!ok || reported != 0)
    return std::nullopt;

  std::string path(diags.files().name(buffer));
  out.file.path = path;
  std::string dir(llvm::sys::path::parent_path(path));
  out.file.baseDir = dir.empty() ? "." : dir;
  out.file.buffer = buffer;
  out.file.kind = ast::SourceKind::Moat;
  return out;
}

std::optional<ast::File> parseMoat(uint32_t buffer, DiagnosticEngine &diags) {
  auto parsed = parseChecked(buffer, diags);
  if (!parsed)
    return std::nullopt;
  return std::move(parsed->file);
}

} // namespace moat::parse
