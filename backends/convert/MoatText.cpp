// moatStatements: AST -> .moat source, one statement per line.
//
// Everything an importer can put into the AST has a .moat spelling except
// two srt flags, and neither changes what moat enforces for one file:
//  * FsRule::yieldsToSamePathAllow: the importer already dropped each
//    denyRead an allowRead of the same path beats (ImportBuilder::finish),
//    so in the file alone the rule is an ordinary deny;
//  * NetRule::resolvedAddressesOnly: moat's semantics deny those addresses
//    outright (ir::NetRule), which is what `deny connect` says.
// The second is named in the rule's comment, as is a default or option the
// runtime implies for a key the file left out, which the .moat file now
// says explicitly. Strings go through ir::quoted, so every one parses back.
#include "backends/convert/MoatText.h"

#include "compiler/ast/Keywords.h"
#include "compiler/ir/RuleText.h"

#include <fmt/format.h>

namespace moat::convert {

namespace {

std::string because(const std::optional<ast::Str> &reason) {
  return reason ? " because " + ir::quoted(reason->value) : "";
}

// The JSON string literal a located rule was imported from, or "" when the
// location does not start one (the rule was implied by a key).
std::string entryAt(const SourceFiles &files, SourceLoc loc) {
  if (!loc.valid())
    return "";
  std::string_view line = files.lineText(loc);
  size_t start = loc.col - 1;
  if (start >= line.size() || line[start] != '"')
    return "";
  for (size_t i = start + 1; i < line.size(); ++i) {
    if (line[i] == '\\')
      ++i;
    else if (line[i] == '"')
      return std::string(line.substr(start, i - start + 1));
  }
  return "";
}

class Writer {
public:
  explicit Writer(const SourceFiles &files) : files_(files) {}
  std::string take() { return std::move(out_); }

  void body(const std::vector<ast::Stmt> &stmts) {
    for (const ast::Stmt &s : stmts)
      std::visit([this](const auto &node) { stmt(node); }, s.node);
  }

private:
  // The provenance comment of an imported statement (none for .moat/YAML
  // input, whose statements are their own source).
  // `written`: the rule's own pattern as .moat quotes it, to leave out an
  // entry that says the same.
  void from(const std::string &origin, SourceLoc loc, const std::string &note = "",
            const std::string &written = "") {
    if (origin.empty() && note.empty())
      return;
    std::string where = origin.empty() ? "" : "from " + origin;
    // Only an element of a list is an entry; any other origin is a key.
    std::string entry = !origin.empty() && origin.back() == ']' ? entryAt(files_, loc) : "";
    if (!entry.empty() && entry != written)
      where += ": " + entry;
    if (!origin.empty() && loc.valid())
      where += fmt::format(", line {}", loc.line);
    if (!note.empty())
      where += (where.empty() ? "" : "; ") + note;
    line("# " + where);
  }
  void line(const std::string &text) { out_ += text + "\n"; }

  void stmt(const ast::FsRule &r) {
    from(r.origin, r.loc, "", ir::quoted(r.pattern.value));
    std::string accesses;
    for (ast::Access a : r.accesses)
      accesses += std::string(accesses.empty() ? "" : ", ") + ast::keyword(a);
    line(fmt::format("{}{} {} {}{}{};", r.always ? "always " : "", ast::keyword(r.effect), accesses,
                     r.exactFile ? "file " : "", ir::quoted(r.pattern.value), because(r.reason)));
  }
  void stmt(const ast::NetRule &r) {
    from(r.origin, r.loc,
         r.resolvedAddressesOnly ? "srt checks only resolved addresses; moat denies these outright" : "",
         ir::quoted(r.host.value));
    line(fmt::format("{}{} connect {};", r.always ? "always " : "", ast::keyword(r.effect), ir::quoted(r.host.value)));
  }
  void stmt(const ast::UnixSocketRule &r) {
    from(r.origin, r.loc, "", ir::quoted(r.path.value));
    line(fmt::format("{} unix-socket {};", ast::keyword(r.effect), ir::quoted(r.path.value)));
  }
  void stmt(const ast::DefaultStmt &d) {
    from("", d.loc, d.implied ? "the runtime's default when the file does not say" : "");
    line(fmt::format("default {} {};", ast::keyword(d.subject), ast::keyword(d.value)));
  }
  void stmt(const ast::LetStmt &l) { line(fmt::format("let {} = {};", l.name.value, ir::quoted(l.value.value))); }
  void stmt(const ast::IncludeStmt &i) { line(fmt::format("include {};", ir::quoted(i.path.value))); }
  void stmt(const ast::SetStmt &s) {
    from("", s.loc, s.implied ? "the runtime's default when the file does not say" : "");
    line(fmt::format("set {} = {};", s.name.value, ir::optionValueText(s.value.value)));
  }
  void stmt(const ast::AssertStmt &a) {
    line(fmt::format("assert {} {} {};", ast::keyword(a.expected), ast::keyword(a.subject), ir::quoted(a.pattern.value)));
  }
  void stmt(const ast::RequireStmt &r) {
    line(fmt::format("require {} {} {};", ast::keyword(r.expected), ast::keyword(r.subject), ir::quoted(r.pattern.value)));
  }
  void stmt(const ast::ForbidStmt &f) {
    line(fmt::format("forbid {} {}{};", ast::keyword(f.subject), ir::quoted(f.pattern.value), because(f.reason)));
  }
  void stmt(const ast::LockStmt &l) {
    std::string fsTargets;
    for (ast::LockTarget t : l.targets) {
      if (t == ast::LockTarget::Network)
        line("lock network;");
      else
        fsTargets += std::string(fsTargets.empty() ? "" : ", ") +
                     (t == ast::LockTarget::FilesystemRead ? "read" : "write");
    }
    if (!fsTargets.empty())
      line("lock filesystem " + fsTargets + ";");
  }
  void stmt(const ast::GitBlock &g) {
    from(g.origin, g.loc);
    line("git {");
    for (const ast::GitItem &item : g.items) {
      if (auto *r = std::get_if<ast::GitRemote>(&item))
        line(fmt::format("  remote {}{};", ir::quoted(r->url.value), r->fetch ? " fetch" : ""));
      else if (auto *p = std::get_if<ast::GitPush>(&item))
        line(fmt::format("  push {};", ir::quoted(p->pattern.value)));
      else if (auto *a = std::get_if<ast::GitAllow>(&item))
        line(fmt::format("  allow {};", ast::keyword(a->what)));
      else if (auto *t = std::get_if<ast::GitToken>(&item))
        line(fmt::format("  token {} {};", ast::keyword(t->source), ir::quoted(t->value.value)));
      else if (auto *u = std::get_if<ast::GitUser>(&item))
        line(fmt::format("  user {};", ir::quoted(u->name.value)));
    }
    line("}");
  }
  void stmt(const ast::PlatformBlock &b) {
    line("on " + b.platform.value + " {");
    body(b.body);
    line("}");
  }
  void stmt(const ast::PolicyBlock &b) {
    line("policy " + ir::quoted(b.name.value) + " {");
    body(b.body);
    line("}");
  }

  const SourceFiles &files_;
  std::string out_;
};

} // namespace

std::string moatStatements(const ast::File &file, const SourceFiles &files) {
  Writer w(files);
  w.body(file.stmts);
  return w.take();
}

} // namespace moat::convert
