// What the settings importer tests (srt, Claude Code) share: the imported
// file with its diagnostics, and lookups of the statements it produced.
// Each test file derives its own `Import` that calls its importer.
#pragma once
#include "compiler/ast/Ast.h"
#include "compiler/diagnostics/Diagnostics.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace moat::test_support {

class ImportedFile {
public:
  SourceFiles files;
  DiagnosticEngine diags{files};
  std::optional<ast::File> file;

  ImportedFile() = default;
  ImportedFile(const ImportedFile &) = delete;
  ImportedFile &operator=(const ImportedFile &) = delete;

  // The diagnostic ids, space-separated, in report order.
  std::string ids() const {
    std::string out;
    for (const Diagnostic &d : diags.diagnostics())
      out += (out.empty() ? "" : " ") + d.id;
    return out;
  }
  std::string messages() const {
    std::string out;
    for (const Diagnostic &d : diags.diagnostics())
      out += d.message + "\n";
    return out;
  }
  const Diagnostic &diag(size_t i = 0) const { return diags.diagnostics().at(i); }

  // Every statement of kind T, in file order.
  template <typename T> std::vector<const T *> all() const {
    std::vector<const T *> out;
    if (!file)
      return out;
    for (const ast::Stmt &s : file->stmts)
      if (auto *n = std::get_if<T>(&s.node))
        out.push_back(n);
    return out;
  }
  // The first rule whose origin (the importer's note of the key it came
  // from) is `origin`, or nullptr.
  const ast::FsRule *fs(const std::string &origin) const { return byOrigin<ast::FsRule>(origin); }
  const ast::NetRule *net(const std::string &origin) const { return byOrigin<ast::NetRule>(origin); }
  const ast::SetStmt *set(const std::string &name) const {
    for (auto *s : all<ast::SetStmt>())
      if (s->name.value == name)
        return s;
    return nullptr;
  }

private:
  template <typename Rule> const Rule *byOrigin(const std::string &origin) const {
    for (auto *r : all<Rule>())
      if (r->origin == origin)
        return r;
    return nullptr;
  }
};

// Passes when `loc` is valid and at line:col.
inline ::testing::AssertionResult at(const SourceLoc &loc, uint32_t line, uint32_t col) {
  if (loc.valid() && loc.line == line && loc.col == col)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "at " << loc.line << ":" << loc.col << ", expected " << line
                                       << ":" << col;
}

} // namespace moat::test_support
