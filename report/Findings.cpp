#include "report/Findings.h"

#include "lint/Config.h"
#include "lint/FoldRepeats.h"
#include "lint/Lint.h"
#include "lint/RuleDocs.h"
#include "lint/SourceComments.h"
#include "report/Verdicts.h"

#include <set>

namespace moat::report {

std::optional<CheckedFindings> checkFindings(const std::string &policyPath, const ir::Policy &policy,
                                             const ir::Policy *twin, const std::vector<Diagnostic> &loading,
                                             const std::vector<uint32_t> &buffers, const lint::CivilDate &today,
                                             DiagnosticEngine &errors) {
  SourceFiles &files = errors.files();
  std::optional<lint::CheckConfig> config;
  if (std::optional<std::string> configFile = lint::findConfigFor(policyPath))
    if (!(config = lint::loadCheckConfig(*configFile, today, errors)))
      return std::nullopt;
  DiagnosticEngine policyDiags(files);
  for (const Diagnostic &d : loading)
    policyDiags.add(d);
  lint::LintOptions options = config ? config->lint : lint::LintOptions{};
  options.moatTwin = twin;
  DiagnosticEngine out(files);
  std::vector<Diagnostic> triaged = lint::lintForTriage(policy, policyDiags, options, true, out);
  lint::CommentIndex comments(files);
  lint::Triage triage(comments);
  bool ok = triage.addPolicy(policyPath, buffers, config ? &*config : nullptr, triaged, true, out);
  triage.finish(nullptr, "", out);
  if (!ok || out.hasInputErrors()) {
    for (const Diagnostic &d : out.diagnostics())
      if (d.kind != DiagKind::Finding)
        errors.add(d);
    return std::nullopt;
  }
  DiagnosticEngine sorted(files);
  for (const Diagnostic &d : out.diagnostics())
    sorted.add(d);
  return CheckedFindings{lint::foldRepeats(sorted.sorted()), triage.suppressed()};
}

namespace {
Finding toFinding(const Diagnostic &d, const SourceFiles &files) {
  Finding f;
  f.severity = severityName(d.severity);
  f.id = d.id;
  f.location = locationText(files, d.loc);
  f.message = d.message;
  for (const Diagnostic &n : d.notes)
    f.notes.push_back({locationText(files, n.loc), n.message});
  return f;
}
} // namespace

std::vector<Finding> toFindings(const CheckedFindings &checked, const SourceFiles &files) {
  std::vector<Finding> findings;
  for (const Diagnostic &d : checked.shown)
    findings.push_back(toFinding(d, files));
  for (const lint::SuppressedFinding &s : checked.suppressed) {
    Finding f = toFinding(s.diag, files);
    f.suppressed = true;
    f.justification = s.justification;
    findings.push_back(std::move(f));
  }
  return findings;
}

std::vector<RuleDoc> docsFor(const std::vector<Finding> &findings) {
  std::set<std::string> ids;
  for (const Finding &f : findings)
    ids.insert(f.id);
  std::vector<RuleDoc> docs;
  for (const std::string &id : ids)
    if (auto page = lint::ruleDocs(id))
      docs.push_back({id, std::string(*page)});
  return docs;
}

} // namespace moat::report
