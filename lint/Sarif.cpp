#include "lint/Sarif.h"

#include "lint/Lint.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/SHA256.h>

#include <map>

namespace moat::lint {

namespace {

// Relative to the repository root: each rule's page lives beside the code.
const char *kDocsBase = "docs/rules/";

const char *sarifLevel(Severity s) {
  return s == Severity::Error ? "error" : s == Severity::Warning ? "warning" : "note";
}

std::string utf8(std::string_view s) {
  llvm::StringRef ref(s.data(), s.size());
  return llvm::json::isUTF8(ref) ? ref.str() : llvm::json::fixUTF8(ref);
}

// Keyed by what the finding is about, not where: the rule, the message (it
// names the path or host) and the trimmed source line. Moving the line, or
// editing unrelated lines, keeps the fingerprint.
std::string fingerprint(const SourceFiles &files, const Diagnostic &d) {
  llvm::SHA256 hash;
  hash.update(d.id);
  hash.update(llvm::StringRef("\0", 1));
  hash.update(d.message);
  hash.update(llvm::StringRef("\0", 1));
  if (d.loc.valid()) {
    std::string_view line = files.lineText(d.loc);
    hash.update(llvm::StringRef(line.data(), line.size()).trim());
  }
  return llvm::toHex(hash.final(), /*LowerCase=*/true).substr(0, 32);
}

llvm::json::Object result(const SourceFiles &files, const Diagnostic &d,
                          const std::map<std::string, size_t> &ruleIndex) {
  llvm::json::Object r{{"ruleId", d.id},
                       {"level", sarifLevel(d.severity)},
                       {"message", llvm::json::Object{{"text", utf8(d.message)}}},
                       {"partialFingerprints",
                        llvm::json::Object{{"moatFindingHash/v1", fingerprint(files, d)}}}};
  auto it = ruleIndex.find(d.id);
  if (it != ruleIndex.end())
    r["ruleIndex"] = static_cast<int64_t>(it->second);
  if (d.loc.valid()) {
    r["locations"] = llvm::json::Array{llvm::json::Object{
        {"physicalLocation",
         llvm::json::Object{{"artifactLocation", llvm::json::Object{{"uri", utf8(files.name(d.loc.buffer))}}},
                            {"region", llvm::json::Object{{"startLine", static_cast<int64_t>(d.loc.line)},
                                                          {"startColumn", static_cast<int64_t>(d.loc.col)}}}}}}};
  }
  return r;
}

} // namespace

void emitSarif(const DiagnosticEngine &diags, llvm::raw_ostream &os) {
  llvm::json::Array rules;
  std::map<std::string, size_t> ruleIndex;
  for (const RuleInfo &rule : lintRules()) {
    ruleIndex[rule.id] = rules.size();
    rules.push_back(llvm::json::Object{
        {"id", rule.id},
        {"shortDescription", llvm::json::Object{{"text", rule.summary}}},
        {"helpUri", std::string(kDocsBase) + rule.id + ".md"},
        {"defaultConfiguration", llvm::json::Object{{"level", sarifLevel(rule.severity)}}}});
  }
  llvm::json::Array results;
  for (const Diagnostic &d : diags.sorted())
    results.push_back(result(diags.files(), d, ruleIndex));
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
