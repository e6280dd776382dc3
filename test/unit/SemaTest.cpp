#include "compiler/sema/BuiltinProtections.h"
#include "compiler/sema/Sema.h"

#include <gtest/gtest.h>

using namespace moat;

namespace {

ast::Str str(std::string s) { return ast::Str{std::move(s), SourceLoc{}}; }

ast::Stmt fsRule(ast::Effect e, ast::Access a, std::string path, bool always = false, std::string reason = "") {
  ast::FsRule r;
  r.effect = e;
  r.accesses = {a};
  r.pattern = str(std::move(path));
  r.always = always;
  if (!reason.empty())
    r.reason = str(reason);
  return ast::Stmt{r};
}

ast::Stmt let(std::string name, std::string value) {
  return ast::Stmt{ast::LetStmt{str(std::move(name)), str(std::move(value)), {}}};
}

struct Harness {
  SourceFiles files;
  DiagnosticEngine diags{files};
  std::optional<ir::Policy> run(std::vector<ast::Stmt> stmts, ast::SourceKind kind = ast::SourceKind::Moat) {
    ast::File file;
    file.path = "t.moat";
    file.kind = kind;
    file.stmts = std::move(stmts);
    return sema::analyse(file, nullptr, sema::SemaOptions{}, diags);
  }
};

} // namespace

TEST(BuiltinProtections, EveryEntryParsesAndIsAnAlwaysDenyWrite) {
  auto rules = sema::builtinProtections(ir::Options{});
  ASSERT_GE(rules.size(), 30u);
  for (const ir::FsRule &r : rules) {
    EXPECT_EQ(r.effect, ir::Effect::Deny);
    EXPECT_EQ(r.access, ir::Access::Write);
    EXPECT_EQ(r.tier, ir::Tier::Always);
    EXPECT_EQ(r.prov.layer, ir::Layer::Builtin);
    EXPECT_EQ(r.pattern.root, "");
  }
}

TEST(BuiltinProtections, AllowGitConfigLiftsOnlyGitConfig) {
  ir::Options options;
  auto before = sema::builtinProtections(options);
  options.set(ir::OptionId::AllowGitConfig, ir::OptionSetting{true, {}});
  auto after = sema::builtinProtections(options);
  auto isGitConfig = [](const ir::FsRule &r) {
    const std::string text = r.pattern.text();
    return text.find("/.git/") != std::string::npos && text.size() >= 7 &&
           text.compare(text.size() - 7, 7, "/config") == 0;
  };
  size_t gitConfigs = 0;
  for (const ir::FsRule &r : before)
    gitConfigs += isGitConfig(r);
  EXPECT_GE(gitConfigs, 1u);
  EXPECT_EQ(after.size(), before.size() - gitConfigs);
  for (const ir::FsRule &r : after)
    EXPECT_FALSE(isGitConfig(r)) << r.pattern.text();
}

TEST(Sema, RulesGetTiersAccessesAndBuiltinsFirst) {
  Harness h;
  ast::FsRule both;
  both.effect = ast::Effect::Allow;
  both.accesses = {ast::Access::Read, ast::Access::Write};
  both.pattern = str("$TMPDIR");
  auto p = h.run({ast::Stmt{both}, fsRule(ast::Effect::Deny, ast::Access::Write, "~/.config", true)});
  ASSERT_TRUE(p) << h.diags.diagnostics().front().message;
  size_t builtins = sema::builtinProtections(ir::Options{}).size();
  ASSERT_EQ(p->fsRules.size(), builtins + 3);
  EXPECT_EQ(p->fsRules[builtins].access, ir::Access::Read);
  EXPECT_EQ(p->fsRules[builtins + 1].access, ir::Access::Write);
  EXPECT_EQ(p->fsRules[builtins + 2].tier, ir::Tier::Always);
  EXPECT_EQ(p->fsRules[builtins + 2].pattern.root, "HOME");
}

TEST(Sema, AlwaysAllowNeedsAReason) {
  Harness h;
  EXPECT_FALSE(h.run({fsRule(ast::Effect::Allow, ast::Access::Write, "$CWD/.vscode", true)}));
  Harness ok;
  auto p = ok.run({fsRule(ast::Effect::Allow, ast::Access::Write, "$CWD/.vscode", true, "shared settings")});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->fsRules.back().reason, "shared settings");
}

TEST(Sema, VariablesStaySymbolic) {
  Harness h;
  auto p = h.run({let("out", "$CWD/build"), fsRule(ast::Effect::Allow, ast::Access::Write, "$out/x")});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->fsRules.back().pattern.root, "out");
  ASSERT_EQ(p->variables.count("out"), 1u);
  EXPECT_EQ(p->variables.at("out").value.root, "CWD");
}

TEST(Sema, RelativePathsAreErrorsInMoatButCwdRelativeInSrt) {
  Harness moat;
  EXPECT_FALSE(moat.run({fsRule(ast::Effect::Allow, ast::Access::Write, "build")}));
  Harness srt;
  auto p = srt.run({fsRule(ast::Effect::Allow, ast::Access::Write, "build")}, ast::SourceKind::Srt);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->fsRules.back().pattern.root, "CWD");
  EXPECT_EQ(p->fsRules.back().pattern.text(), "$CWD/build");
}

// srt accepts a file that allows and denies the same thing and the deny
// wins: a warning finding that keeps both rules (docs/rules/conflicting-rule.md).
TEST(Sema, ConflictsAreFindingsAndRepeatsAreWarnings) {
  Harness conflict;
  auto c = conflict.run({fsRule(ast::Effect::Allow, ast::Access::Read, "/a"),
                         fsRule(ast::Effect::Deny, ast::Access::Read, "/a")});
  ASSERT_TRUE(c);
  EXPECT_EQ(conflict.diags.inputErrorCount(), 0u);
  ASSERT_EQ(conflict.diags.diagnostics().size(), 1u);
  EXPECT_EQ(conflict.diags.diagnostics()[0].id, "conflicting-rule");
  EXPECT_EQ(conflict.diags.diagnostics()[0].severity, Severity::Warning);
  size_t kept = 0;
  for (const ir::FsRule &r : c->fsRules)
    kept += r.prov.layer != ir::Layer::Builtin && r.pattern.text() == "/a";
  EXPECT_EQ(kept, 2u);
  Harness repeat;
  auto p = repeat.run({fsRule(ast::Effect::Allow, ast::Access::Read, "/a"),
                       fsRule(ast::Effect::Allow, ast::Access::Read, "/a/")});
  ASSERT_TRUE(p);
  EXPECT_EQ(repeat.diags.diagnostics().size(), 1u);
  EXPECT_EQ(repeat.diags.diagnostics()[0].severity, Severity::Warning);
}

TEST(Sema, PlatformBlocksTagRules) {
  Harness h;
  ast::PlatformBlock on;
  on.platform = str("macos");
  on.body.push_back(fsRule(ast::Effect::Allow, ast::Access::Read, "/System"));
  auto p = h.run({ast::Stmt{on}});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->fsRules.back().platform, ir::Platform::MacOS);
}

TEST(Sema, OptionsAreTypeChecked) {
  Harness h;
  ast::SetStmt good{str("allow-local-binding"), ast::OptionValue{true, {}}, {}};
  ast::SetStmt bad{str("allow-pty"), ast::OptionValue{int64_t{1}, {}}, {}};
  EXPECT_FALSE(h.run({ast::Stmt{good}, ast::Stmt{bad}}));
  EXPECT_EQ(h.diags.errorCount(), 1u);
}
