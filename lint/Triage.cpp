#include "lint/Triage.h"

#include "compiler/layers/Layers.h"
#include "lint/FindingContent.h"
#include "lint/RelativePath.h"
#include "lint/Suppressions.h"

#include <set>

namespace moat::lint {

namespace {
Severity severityOf(RuleLevel level) {
  return level == RuleLevel::Error ? Severity::Error : level == RuleLevel::Warning ? Severity::Warning : Severity::Note;
}
} // namespace

bool Triage::addPolicy(const std::string &policyPath, const std::vector<uint32_t> &buffers,
                       const CheckConfig *config, const std::vector<Diagnostic> &diags, bool linted,
                       DiagnosticEngine &out) {
  InlineSuppressions inlineSuppressions;
  bool ok = true;
  for (uint32_t buffer : buffers)
    ok &= inlineSuppressions.read(comments_, buffer, out);
  std::set<std::string> off;
  if (config)
    for (const auto &[id, level] : config->rules)
      if (level == RuleLevel::Off)
        off.insert(id);

  for (const Diagnostic &d : diags) {
    if (!isSuppressibleRule(d.id)) {
      out.add(d);
      continue;
    }
    Diagnostic finding = d;
    if (config) {
      auto it = config->rules.find(d.id);
      if (it != config->rules.end()) {
        if (it->second == RuleLevel::Off)
          continue;
        finding.severity = severityOf(it->second);
      }
    }
    if (const InlineSuppression *s = inlineSuppressions.match(finding)) {
      suppressed_.push_back({std::move(finding), SuppressedFinding::Kind::InSource, s->reason});
      continue;
    }
    if (const ConfigIgnore *ig = config ? config->ignoreFor(finding.id, policyPath) : nullptr) {
      std::string why = fmt::format("{} ({}:{}: ignore '{}' for '{}')", ig->reason, config->file, ig->loc.line,
                                    ig->rule, ig->path);
      suppressed_.push_back({std::move(finding), SuppressedFinding::Kind::External, std::move(why)});
      continue;
    }
    std::string code = findingCode(comments_, finding);
    candidates_.push_back({std::move(finding), policyPath, std::move(code)});
  }
  if (linted)
    inlineSuppressions.reportUnused(out, off);
  return ok;
}

BaselineKey Triage::keyOf(const Candidate &c, const std::string &baselineDir) const {
  return BaselineKey{c.diag.id, relativePath(absoluteLexical(c.policyPath), baselineDir), c.diag.message, c.code};
}

Baseline Triage::current(const std::string &baselineFile) const {
  std::string dir = parentDirectory(baselineFile);
  Baseline b;
  for (const Candidate &c : candidates_)
    b.add(keyOf(c, dir));
  return b;
}

void Triage::finish(Baseline *baseline, const std::string &baselineFile, DiagnosticEngine &out) {
  std::string dir = baseline ? parentDirectory(baselineFile) : std::string();
  for (Candidate &c : candidates_) {
    if (baseline && baseline->consume(keyOf(c, dir)))
      suppressed_.push_back(
          {std::move(c.diag), SuppressedFinding::Kind::External, "listed in the baseline " + baselineFile});
    else
      out.add(std::move(c.diag));
  }
  candidates_.clear();
}

std::vector<Diagnostic> lintForTriage(const ir::Policy &policy, DiagnosticEngine &policyDiags,
                                      const LintOptions &options, bool runRules, DiagnosticEngine &direct) {
  if (runRules)
    runLint(policy, policyDiags, options);
  else
    for (const ir::ManagedViolation &v : policy.managedViolations)
      policyDiags.add(layers::violationDiagnostic(v, Severity::Error));
  std::vector<Diagnostic> triaged;
  for (const Diagnostic &d : policyDiags.diagnostics()) {
    if (d.kind == DiagKind::Finding && d.id == layers::kManagedViolationId)
      direct.add(d);
    else
      triaged.push_back(d);
  }
  return triaged;
}

} // namespace moat::lint
