#include "lint/Baseline.h"

#include "compiler/import/DocTree.h"
#include "lint/Suppressions.h"

#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/JSON.h>

namespace moat::lint {

using import::DocNode;

bool Baseline::consume(const BaselineKey &key) {
  auto it = counts_.find(key);
  if (it == counts_.end() || it->second == 0)
    return false;
  --it->second;
  return true;
}

namespace {
std::string utf8(const std::string &s) { return llvm::json::isUTF8(s) ? s : llvm::json::fixUTF8(s); }
} // namespace

std::string Baseline::render() const {
  llvm::json::Array findings;
  for (const auto &[key, count] : counts_) {
    if (count == 0)
      continue;
    findings.push_back(llvm::json::Object{{"rule", key.rule},
                                          {"policy", utf8(key.policy)},
                                          {"message", utf8(key.message)},
                                          {"code", utf8(key.code)},
                                          {"count", static_cast<int64_t>(count)}});
  }
  llvm::json::Object doc{{"version", kBaselineVersion}, {"findings", std::move(findings)}};
  std::string out;
  llvm::raw_string_ostream os(out);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(doc))) << "\n";
  os.flush();
  return out;
}

std::optional<Baseline> readBaseline(uint32_t buffer, DiagnosticEngine &diags) {
  unsigned before = diags.errorCount();
  auto doc = import::readJson(buffer, diags);
  if (!doc)
    return std::nullopt;
  if (!import::expectObject(*doc, "the baseline", diags))
    return std::nullopt;
  Baseline baseline;
  import::ObjectReader top(*doc, "a baseline", diags);
  const DocNode *version = top.get("version");
  if (!version) {
    diags.report(DiagKind::MissingKey, doc->loc, "version", "a baseline");
  } else if (auto v = import::expectInt(*version, "version", diags); v && *v != kBaselineVersion) {
    diags.report(DiagKind::InvalidValue, version->loc, "version",
                 fmt::format("this moat reads baseline version {}, not {}; write it again with --write-baseline",
                             kBaselineVersion, *v));
  }
  const DocNode *findings = top.get("findings");
  if (!findings) {
    diags.report(DiagKind::MissingKey, doc->loc, "findings", "a baseline");
  } else if (findings->kind != DocNode::Kind::Array) {
    diags.report(DiagKind::WrongType, findings->loc, "findings", "an array", findings->kindName());
  } else {
    for (const DocNode &item : findings->items) {
      if (!import::expectObject(item, "findings[]", diags))
        continue;
      import::ObjectReader r(item, "a baseline finding", diags);
      BaselineKey key;
      bool ok = true;
      for (auto [name, field] : {std::pair<const char *, std::string *>{"rule", &key.rule},
                                 {"policy", &key.policy},
                                 {"message", &key.message},
                                 {"code", &key.code}}) {
        const DocNode *n = r.get(name);
        if (!n) {
          diags.report(DiagKind::MissingKey, item.loc, name, "a baseline finding");
          ok = false;
        } else if (const std::string *s = import::expectString(*n, name, diags)) {
          *field = *s;
        } else {
          ok = false;
        }
      }
      if (ok && !isSuppressibleRule(key.rule)) {
        diags.report(DiagKind::UnknownRuleId, r.get("rule")->loc, key.rule, suggestRule(key.rule));
        ok = false;
      }
      int64_t count = 0;
      if (const DocNode *n = r.get("count")) {
        if (auto c = import::expectInt(*n, "count", diags)) {
          count = *c;
          if (count < 1 || count > 1000000) {
            diags.report(DiagKind::InvalidValue, n->loc, "count", "expected a count from 1 to 1000000");
            ok = false;
          }
        } else {
          ok = false;
        }
      } else {
        diags.report(DiagKind::MissingKey, item.loc, "count", "a baseline finding");
        ok = false;
      }
      ok &= r.finish();
      if (ok)
        baseline.add(key, static_cast<unsigned>(count));
    }
  }
  top.finish();
  if (diags.errorCount() != before)
    return std::nullopt;
  return baseline;
}

std::optional<Baseline> loadBaseline(const std::string &path, DiagnosticEngine &diags) {
  std::string error;
  auto buffer = diags.files().load(path, error);
  if (!buffer) {
    diags.report(DiagKind::FileUnreadable, SourceLoc{}, path, error);
    return std::nullopt;
  }
  return readBaseline(*buffer, diags);
}

} // namespace moat::lint
