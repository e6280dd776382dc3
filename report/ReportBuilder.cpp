#include "report/ReportBuilder.h"

#include "compiler/eval/Evaluator.h"
#include "compiler/ir/RuleText.h"
#include "report/Findings.h"
#include "report/FsTree.h"
#include "report/Network.h"
#include "report/Verdicts.h"

namespace moat::report {

namespace {
std::vector<std::pair<std::string, std::string>> optionsOf(const ir::Policy &policy, const SourceFiles &files) {
  std::vector<std::pair<std::string, std::string>> options;
  for (size_t k = 0; k < static_cast<size_t>(ir::OptionId::Count); ++k) {
    auto id = static_cast<ir::OptionId>(k);
    if (const auto &setting = policy.options.get(id))
      options.emplace_back(std::string("set ") + ir::optionInfo(id).name + " = " +
                               ir::optionValueText(setting->value),
                           locationText(files, setting->loc));
  }
  return options;
}
} // namespace

std::optional<Report> buildReport(ReportInputs in, std::string &error) {
  auto evaluator = eval::Evaluator::create(in.policy, in.bindings, in.platform, error);
  if (!evaluator)
    return std::nullopt;
  auto tree = buildFsTree(in.policy, *evaluator, in.bindings, in.platform, in.files, error);
  if (!tree)
    return std::nullopt;
  Report report;
  report.title = in.policy.name.empty() ? in.file : in.policy.name;
  report.inputs = std::move(in.inputs);
  report.runtime = ir::runtimeName(in.policy.runtime);
  report.platform = in.platform == ir::Platform::MacOS ? "macOS" : "Linux";
  for (const NamedRoot &r : policyRoots(in.policy, in.bindings))
    report.roots.emplace_back(r.name, r.path);
  report.options = optionsOf(in.policy, in.files);
  report.fsRoot = std::move(*tree);
  report.network = buildNetwork(in.policy, *evaluator, in.platform, in.files);
  report.docs = docsFor(in.findings);
  report.findings = std::move(in.findings);
  report.diff = std::move(in.diff);
  return report;
}

} // namespace moat::report
