#include "lint/Sarif.h"

#include "lint/FindingContent.h"
#include "lint/Lint.h"
#include "lint/RuleDocs.h"

#include <llvm/Support/JSON.h>

#include <algorithm>
#include <map>
#include <tuple>

namespace moat::lint {

namespace {

// SARIF's helpUri must be an absolute URI (format "uri" in the 2.1.0 schema),
// and moat has no canonical web address: the rule's page travels in the log
// as help.markdown instead (code-scanning UIs show it beside the alert),
// with help.text naming where the page lives and how to print it.
llvm::json::Object help(const RuleInfo &rule) {
  llvm::json::Object h{{"text", "docs/rules/" + std::string(rule.id) + ".md; `moat explain " +
                                    std::string(rule.id) + "` prints it"}};
  if (auto page = ruleDocs(rule.id))
    h["markdown"] = std::string(*page);
  return h;
}

const char *sarifLevel(Severity s) {
  return s == Severity::Error ? "error" : s == Severity::Warning ? "warning" : "note";
}

std::string utf8(std::string_view s) {
  llvm::StringRef ref(s.data(), s.size());
  return llvm::json::isUTF8(ref) ? ref.str() : llvm::json::fixUTF8(ref);
}

llvm::json::Object physicalLocation(const SourceFiles &files, SourceLoc loc) {
  return llvm::json::Object{{"artifactLocation", llvm::json::Object{{"uri", utf8(files.name(loc.buffer))}}},
                            {"region", llvm::json::Object{{"startLine", static_cast<int64_t>(loc.line)},
                                                          {"startColumn", static_cast<int64_t>(loc.col)}}}};
}

llvm::json::Object result(const SourceFiles &files, CommentIndex &comments, const Diagnostic &d,
                          const std::map<std::string, size_t> &ruleIndex) {
  llvm::json::Object r{{"ruleId", d.id},
                       {"level", sarifLevel(d.severity)},
                       {"message", llvm::json::Object{{"text", utf8(d.message)}}},
                       {"partialFingerprints",
                        llvm::json::Object{{"moatFindingHash/v1", findingFingerprint(comments, d)}}}};
  auto it = ruleIndex.find(d.id);
  if (it != ruleIndex.end())
    r["ruleIndex"] = static_cast<int64_t>(it->second);
  if (d.loc.valid())
    r["locations"] = llvm::json::Array{llvm::json::Object{{"physicalLocation", physicalLocation(files, d.loc)}}};
  // Notes with a place (the rule that decided first, the managed rule a
  // project rule breaks) become related locations, so a code-review UI can
  // link both ends of a finding.
  llvm::json::Array related;
  for (const Diagnostic &n : d.notes)
    if (n.loc.valid())
      related.push_back(llvm::json::Object{{"id", static_cast<int64_t>(related.size())},
                                           {"physicalLocation", physicalLocation(files, n.loc)},
                                           {"message", llvm::json::Object{{"text", utf8(n.message)}}}});
  if (!related.empty())
    r["relatedLocations"] = std::move(related);
  return r;
}

const char *suppressionKind(SuppressedFinding::Kind k) {
  return k == SuppressedFinding::Kind::InSource ? "inSource" : "external";
}

} // namespace

void emitSarif(const DiagnosticEngine &diags, llvm::raw_ostream &os,
               const std::vector<SuppressedFinding> &suppressed) {
  llvm::json::Array rules;
  std::map<std::string, size_t> ruleIndex;
  std::vector<const RuleInfo *> registered;
  for (const RuleInfo &rule : lintRules())
    registered.push_back(&rule);
  for (const RuleInfo &rule : settingsRules())
    registered.push_back(&rule);
  for (const RuleInfo *r : registered) {
    const RuleInfo &rule = *r;
    ruleIndex[rule.id] = rules.size();
    rules.push_back(llvm::json::Object{
        {"id", rule.id},
        {"shortDescription", llvm::json::Object{{"text", rule.summary}}},
        {"help", help(rule)},
        {"defaultConfiguration", llvm::json::Object{{"level", sarifLevel(rule.severity)}}}});
  }
  // Shown and hidden findings in one reading order.
  std::vector<std::pair<Diagnostic, const SuppressedFinding *>> all;
  for (const Diagnostic &d : diags.sorted())
    all.emplace_back(d, nullptr);
  for (const SuppressedFinding &s : suppressed)
    all.emplace_back(s.diag, &s);
  std::stable_sort(all.begin(), all.end(), [](const auto &a, const auto &b) {
    return std::tie(a.first.loc.buffer, a.first.loc.line, a.first.loc.col) <
           std::tie(b.first.loc.buffer, b.first.loc.line, b.first.loc.col);
  });
  CommentIndex comments(diags.files());
  llvm::json::Array results;
  for (const auto &[d, hidden] : all) {
    llvm::json::Object r = result(diags.files(), comments, d, ruleIndex);
    if (hidden)
      r["suppressions"] = llvm::json::Array{llvm::json::Object{
          {"kind", suppressionKind(hidden->kind)}, {"justification", utf8(hidden->justification)}}};
    results.push_back(std::move(r));
  }
  llvm::json::Object log{
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", llvm::json::Array{llvm::json::Object{
                   {"tool", llvm::json::Object{{"driver", llvm::json::Object{{"name", "moat"},
                                                                             {"version", "0.1.0"},
                                                                             {"rules", std::move(rules)}}}}},
                   {"results", std::move(results)}}}}};
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(log))) << "\n";
}

} // namespace moat::lint
