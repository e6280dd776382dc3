// lock / require / forbid: the AST the parser builds and the IR sema makes of
// them (compiler/parse/AstBuilder.cpp, compiler/sema/Sema.cpp).
#include "compiler/parse/Parser.h"
#include "compiler/sema/Sema.h"

#include <gtest/gtest.h>

using namespace moat;

namespace {

struct Analysed {
  SourceFiles files;
  DiagnosticEngine diags{files};
  std::optional<ast::File> file;
  std::optional<ir::Policy> policy;
};

std::unique_ptr<Analysed> analyse(const std::string &text, ir::Layer layer) {
  auto a = std::make_unique<Analysed>();
  uint32_t buffer = a->files.addBuffer("m.moat", text);
  a->file = parse::parseMoat(buffer, a->diags);
  if (!a->file)
    return a;
  sema::SemaOptions options;
  options.layer = layer;
  a->policy = sema::analyse(*a->file, nullptr, options, a->diags);
  return a;
}

TEST(LayersSyntax, StatementsBuildTheirAst) {
  auto a = analyse("lock filesystem write, read;\n"
                   "require allow connect \"pypi.org\";\n"
                   "forbid unix-socket \"/a.sock\", \"/b.sock\" because \"daemons\";\n",
                   ir::Layer::Managed);
  ASSERT_TRUE(a->file);
  const auto &s = a->file->stmts;
  ASSERT_EQ(s.size(), 4u); // one forbid per pattern
  const auto &lock = std::get<ast::LockStmt>(s[0].node);
  ASSERT_EQ(lock.targets.size(), 2u);
  EXPECT_EQ(lock.targets[0], ast::LockTarget::FilesystemWrite);
  EXPECT_EQ(lock.targets[1], ast::LockTarget::FilesystemRead);
  const auto &req = std::get<ast::RequireStmt>(s[1].node);
  EXPECT_EQ(req.expected, ast::Effect::Allow);
  EXPECT_EQ(req.subject, ast::Subject::Connect);
  EXPECT_EQ(req.pattern.value, "pypi.org");
  EXPECT_EQ(req.pattern.loc.col, 23u);
  const auto &f2 = std::get<ast::ForbidStmt>(s[3].node);
  EXPECT_EQ(f2.subject, ast::ForbidSubject::UnixSocket);
  EXPECT_EQ(f2.pattern.value, "/b.sock");
  ASSERT_TRUE(f2.reason);
  EXPECT_EQ(f2.reason->value, "daemons");
  EXPECT_EQ(f2.loc.line, 3u);
}

TEST(LayersSyntax, SemaFillsTheManagedParts) {
  auto a = analyse("lock network;\nlock filesystem read, write;\nrequire deny read \"~/.ssh/**\";\n"
                   "forbid connect \"*.pastebin.com\";\nforbid write \"~/.local/bin\";\n",
                   ir::Layer::Managed);
  ASSERT_TRUE(a->policy) << (a->diags.diagnostics().empty() ? "" : a->diags.diagnostics()[0].message);
  EXPECT_TRUE(a->diags.diagnostics().empty());
  const ir::Policy &p = *a->policy;
  EXPECT_TRUE(p.options.flag(ir::OptionId::LockNetwork));
  EXPECT_TRUE(p.options.flag(ir::OptionId::LockFilesystemRead));
  ASSERT_TRUE(p.lockFilesystemWrite);
  EXPECT_EQ(p.lockFilesystemWrite->line, 2u);
  ASSERT_EQ(p.requirements.size(), 1u);
  EXPECT_TRUE(p.asserts.empty()); // a requirement is not the policy's own assert
  EXPECT_EQ(p.requirements[0].prov.layer, ir::Layer::Managed);
  ASSERT_EQ(p.forbids.size(), 2u);
  EXPECT_EQ(p.forbids[0].subject, ir::ForbidSubject::Connect);
  EXPECT_EQ(p.forbids[0].host.text(), "*.pastebin.com");
  EXPECT_EQ(p.forbids[1].subject, ir::ForbidSubject::Write);
  EXPECT_EQ(p.forbids[1].path.root, "HOME");
}

TEST(LayersSyntax, OutsideTheManagedLayerOneWarningPerStatement) {
  auto a = analyse("forbid connect \"a.example\", \"b.example\";\nlock network;\n", ir::Layer::SharedProject);
  ASSERT_TRUE(a->policy);
  ASSERT_EQ(a->diags.diagnostics().size(), 2u);
  EXPECT_EQ(a->diags.diagnostics()[0].id, "managed-only");
  EXPECT_EQ(a->diags.diagnostics()[1].loc.line, 2u);
  EXPECT_EQ(a->policy->forbids.size(), 2u); // still validated and kept
}

TEST(LayersSyntax, InvalidPatternsAreLocatedErrors) {
  auto a = analyse("forbid connect \"*.\";\nforbid read \"$NOPE/x\";\nrequire deny write \"\";\n", ir::Layer::Managed);
  EXPECT_FALSE(a->policy);
  ASSERT_EQ(a->diags.errorCount(), 3u);
  EXPECT_EQ(a->diags.diagnostics()[0].id, "invalid-host");
  EXPECT_EQ(a->diags.diagnostics()[1].id, "unknown-variable");
  EXPECT_EQ(a->diags.diagnostics()[2].loc.line, 3u);
}

TEST(LayersSyntax, ALockCannotBeUnsetBeside) {
  auto a = analyse("set lock-filesystem-read = false;\nlock filesystem read;\n", ir::Layer::Managed);
  EXPECT_FALSE(a->policy);
  ASSERT_GE(a->diags.diagnostics().size(), 1u);
  EXPECT_EQ(a->diags.diagnostics()[0].id, "conflicting-rule");
}

TEST(LayersSyntax, KeywordsStayUsableAsNames) {
  auto a = analyse("let network = \"~/net\";\nallow write \"$network\";\n", ir::Layer::SharedProject);
  ASSERT_TRUE(a->policy);
  EXPECT_TRUE(a->policy->variables.count("network"));
}

} // namespace
