#include "PolicyLoading.h"

#include "Cli.h"

#include "compiler/Frontend.h"
#include "compiler/sema/RuntimeSemantics.h"
#include "lint/Context.h"

#include <llvm/ADT/StringRef.h>

namespace moat::cli {

std::optional<eval::Bindings> modelBindings(const std::vector<std::string> &defines) {
  eval::Bindings bindings;
  std::string error;
  for (auto [name, value] :
       {std::pair{"HOME", lint::kModelHome}, {"CWD", lint::kModelCwd}, {"TMPDIR", lint::kModelTmp}})
    bindings.define(name, value, error);
  if (!applyDefines(defines, bindings))
    return std::nullopt;
  return bindings;
}

std::optional<ir::Policy> loadCleanPolicy(const std::string &path, DiagnosticEngine &diags) {
  unsigned before = diags.inputErrorCount(); // settings findings do not make a policy unclean
  auto policy = loadPolicy(path, ir::Layer::SharedProject, diags);
  if (!policy || diags.inputErrorCount() != before)
    return std::nullopt;
  return policy;
}

std::optional<ir::Policy> judgeByRuntime(ir::Policy &policy, ir::Runtime runtime,
                                         std::optional<ir::Platform> platform, const eval::Bindings &bindings) {
  ir::Platform on = platform ? *platform
                    : runtime == ir::Runtime::Moat ? ir::Platform::Any
                                                   : sema::writtenForPlatform(policy);
  if (runtime == ir::Runtime::Moat) {
    sema::applyRuntime(policy, runtime, on, bindings);
    return std::nullopt;
  }
  ir::Policy twin = policy;
  twin.runtimePlatform = on;
  sema::applyRuntime(policy, runtime, on, bindings);
  return twin;
}

bool definesAreUsed(const std::vector<std::string> &defines,
                    llvm::ArrayRef<const ir::Policy *> policies, DiagnosticEngine &diags) {
  for (llvm::StringRef define : defines) {
    std::string name = define.split('=').first.str();
    if (name == "~" || name == "HOME" || name == "CWD" || name == "TMPDIR")
      continue;
    bool named = false;
    for (const ir::Policy *policy : policies)
      named |= policy->variables.count(name) != 0;
    if (!named) {
      diags.report(DiagKind::UnusedDefine, SourceLoc{}, name);
      return false;
    }
  }
  return true;
}

} // namespace moat::cli
