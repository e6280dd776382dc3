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
