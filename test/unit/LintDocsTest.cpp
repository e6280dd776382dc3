#include "compiler/diagnostics/Diagnostics.h"
#include "lint/Lint.h"
#include "lint/RuleDocs.h"

#include <gtest/gtest.h>

TEST(LintDocs, EveryRegisteredRuleHasItsPageCompiledIn) {
  for (const moat::lint::RuleInfo &rule : moat::lint::lintRules()) {
    auto page = moat::lint::ruleDocs(rule.id);
    ASSERT_TRUE(page) << rule.id;
    EXPECT_EQ(page->rfind("# " + std::string(rule.id), 0), 0u) << rule.id << " page starts with its id";
  }
}

// Every id moat can print (docs/rules/README.md, "Every printable id"): the
// front end's diagnostic kinds, the lint rules, the settings findings and
// lint-model. Warnings and findings have a page of their own; errors and
// notes may share a family page.
TEST(LintDocs, EveryPrintableIdHasAPage) {
  std::vector<std::pair<std::string, bool>> ids; // id, needs its own page
  for (moat::DiagKind k : moat::allDiagKinds()) {
    const moat::DiagKindInfo &info = moat::diagKindInfo(k);
    ids.emplace_back(info.id, info.severity == moat::Severity::Warning);
  }
  for (const moat::lint::RuleInfo &rule : moat::lint::lintRules())
    ids.emplace_back(rule.id, true);
  for (const moat::lint::RuleInfo &rule : moat::lint::settingsRules())
    ids.emplace_back(rule.id, true);
  ids.emplace_back("lint-model", true);
  for (const auto &[id, own] : ids) {
    auto page = moat::lint::ruleDocs(id);
    ASSERT_TRUE(page) << id << " has no docs page (docs/rules/" << id << ".md or a family page listing it)";
    if (own) {
      EXPECT_EQ(page->rfind("# " + id, 0), 0u) << id << " needs a page of its own that starts with '# " << id << "'";
    }
  }
}

TEST(LintDocs, FamilyPagesAreFoundByEveryMember) {
  auto page = moat::lint::ruleDocs("json-syntax");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->rfind("# Syntax errors", 0), 0u) << "printed without its ids line";
  EXPECT_FALSE(moat::lint::ruleDocs("no-such-id"));
  EXPECT_FALSE(moat::lint::ruleDocs("json")); // a prefix of a member is no member
}
