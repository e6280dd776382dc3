// moat explain RULE-ID: prints the rule's docs page.
#include "Cli.h"
#include "Subcommands.h"

#include "lint/RuleDocs.h"

namespace moat::cli {

llvm::cl::SubCommand ExplainSub("explain", "Print the documentation of a rule");

namespace {
llvm::cl::opt<std::string> RuleId(llvm::cl::Positional, llvm::cl::desc("RULE-ID"), llvm::cl::Required,
                                  llvm::cl::sub(ExplainSub), llvm::cl::cat(MoatCategory));
} // namespace

int runExplain() {
  if (auto page = lint::ruleDocs(RuleId)) {
    llvm::outs() << *page;
    return kExitOk;
  }
  llvm::errs() << "moat: error: no rule named '" << RuleId << "'; known rules:";
  for (std::string_view id : lint::documentedRules())
    llvm::errs() << " " << id;
  llvm::errs() << "\n";
  return kExitInputError;
}

} // namespace moat::cli
