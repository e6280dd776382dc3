// A location-free rendering of an AST, so two parses of differently laid out
// text (a file and its formatted form) can be compared for meaning. Strings
// are printed with every byte escaped that is not printable ASCII, so the
// comparison is exact and a mismatch is readable in the crash log.
#pragma once
#include "compiler/ast/Ast.h"
#include "compiler/ast/Keywords.h"

#include <cstdio>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace moat::fuzz {

inline void appendQuoted(std::string &out, const std::string &s) {
  out += '"';
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  out += '"';
}


inline void appendStmts(std::string &out, const std::vector<ast::Stmt> &stmts, int depth);

template <typename> inline constexpr bool kNotPrinted = false;

inline void appendStmt(std::string &out, const ast::Stmt &stmt, int depth) {
  out.append(static_cast<size_t>(depth) * 2, ' ');
  std::visit(
      [&](const auto &n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, ast::FsRule>) {
          out += n.always ? "always " : "";
          out += ast::keyword(n.effect);
          for (ast::Access a : n.accesses) {
            out += ' ';
            out += ast::keyword(a);
          }
          out += n.exactFile ? " file " : " ";
          appendQuoted(out, n.pattern.value);
          if (n.reason) {
            out += " because ";
            appendQuoted(out, n.reason->value);
          }
        } else if constexpr (std::is_same_v<T, ast::NetRule>) {
          out += n.always ? "always " : "";
          out += ast::keyword(n.effect);
          out += " connect ";
          appendQuoted(out, n.host.value);
        } else if constexpr (std::is_same_v<T, ast::UnixSocketRule>) {
          out += ast::keyword(n.effect);
          out += " unix-socket ";
          appendQuoted(out, n.path.value);
        } else if constexpr (std::is_same_v<T, ast::DefaultStmt>) {
          out += "default ";
          out += ast::keyword(n.subject);
          out += ' ';
          out += ast::keyword(n.value);
        } else if constexpr (std::is_same_v<T, ast::LetStmt>) {
          out += "let ";
          appendQuoted(out, n.name.value);
          out += " = ";
          appendQuoted(out, n.value.value);
        } else if constexpr (std::is_same_v<T, ast::IncludeStmt>) {
          out += "include ";
          appendQuoted(out, n.path.value);
        } else if constexpr (std::is_same_v<T, ast::SetStmt>) {
          out += "set ";
          appendQuoted(out, n.name.value);
          out += " = ";
          const auto &v = n.value.value;
          if (auto *b = std::get_if<bool>(&v)) {
            out += *b ? "true" : "false";
          } else if (auto *i = std::get_if<int64_t>(&v)) {
            out += "int:" + std::to_string(*i);
          } else if (auto *s = std::get_if<std::string>(&v)) {
            appendQuoted(out, *s);
          } else if (auto *l = std::get_if<std::vector<std::string>>(&v)) {
            out += '[';
            for (const std::string &s : *l) {
              appendQuoted(out, s);
              out += ',';
            }
            out += ']';
          }
        } else if constexpr (std::is_same_v<T, ast::AssertStmt>) {
          out += "assert ";
          out += ast::keyword(n.expected);
          out += ' ';
          out += ast::keyword(n.subject);
          out += ' ';
          appendQuoted(out, n.pattern.value);
        } else if constexpr (std::is_same_v<T, ast::LockStmt>) {
          out += "lock";
          for (ast::LockTarget t : n.targets)
            out += t == ast::LockTarget::Network          ? " network"
                   : t == ast::LockTarget::FilesystemRead ? " filesystem-read"
                                                          : " filesystem-write";
        } else if constexpr (std::is_same_v<T, ast::RequireStmt>) {
          out += "require ";
          out += ast::keyword(n.expected);
          out += ' ';
          out += ast::keyword(n.subject);
          out += ' ';
          appendQuoted(out, n.pattern.value);
        } else if constexpr (std::is_same_v<T, ast::ForbidStmt>) {
          out += "forbid ";
          out += n.subject == ast::ForbidSubject::Read      ? "read"
                 : n.subject == ast::ForbidSubject::Write   ? "write"
                 : n.subject == ast::ForbidSubject::Connect ? "connect"
                                                            : "unix-socket";
          out += ' ';
          appendQuoted(out, n.pattern.value);
          if (n.reason) {
            out += " because ";
            appendQuoted(out, n.reason->value);
          }
        } else if constexpr (std::is_same_v<T, ast::GitBlock>) {
          out += "git {\n";
          for (const ast::GitItem &item : n.items) {
            out.append(static_cast<size_t>(depth + 1) * 2, ' ');
            if (auto *r = std::get_if<ast::GitRemote>(&item)) {
              out += "remote ";
              appendQuoted(out, r->url.value);
              out += r->fetch ? " fetch" : "";
            } else if (auto *p = std::get_if<ast::GitPush>(&item)) {
              out += "push ";
              appendQuoted(out, p->pattern.value);
            } else if (auto *a = std::get_if<ast::GitAllow>(&item)) {
              out += "allow ";
              out += ast::keyword(a->what);
            } else if (auto *t = std::get_if<ast::GitToken>(&item)) {
              out += "token ";
              out += ast::keyword(t->source);
              out += ' ';
              appendQuoted(out, t->value.value);
            } else if (auto *u = std::get_if<ast::GitUser>(&item)) {
              out += "user ";
              appendQuoted(out, u->name.value);
            }
            out += '\n';
          }
          out.append(static_cast<size_t>(depth) * 2, ' ');
          out += '}';
        } else if constexpr (std::is_same_v<T, ast::PlatformBlock>) {
          out += "on ";
          appendQuoted(out, n.platform.value);
          out += " {\n";
          appendStmts(out, n.body, depth + 1);
          out.append(static_cast<size_t>(depth) * 2, ' ');
          out += '}';
        } else if constexpr (std::is_same_v<T, ast::PolicyBlock>) {
          out += "policy ";
          appendQuoted(out, n.name.value);
          out += " {\n";
          appendStmts(out, n.body, depth + 1);
          out.append(static_cast<size_t>(depth) * 2, ' ');
          out += '}';
        } else {
          static_assert(kNotPrinted<T>, "AstText: a statement kind is not printed (fuzz_fmt would not compare it)");
        }
      },
      stmt.node);
  out += '\n';
}

inline void appendStmts(std::string &out, const std::vector<ast::Stmt> &stmts, int depth) {
  for (const ast::Stmt &s : stmts)
    appendStmt(out, s, depth);
}

inline std::string astText(const ast::File &file) {
  std::string out;
  appendStmts(out, file.stmts, 0);
  return out;
}

} // namespace moat::fuzz
