#include "lint/Suppressions.h"

#include "lint/Lint.h"

#include <llvm/ADT/StringRef.h>

#include <cctype>

namespace moat::lint {

namespace {

bool isBlank(char c) { return c == ' ' || c == '\t'; }
bool isWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

size_t skipBlanks(std::string_view s, size_t i) {
  while (i < s.size() && isBlank(s[i]))
    ++i;
  return i;
}

// The verifier reports failed asserts under this id (DESIGN.md).
constexpr std::string_view kAssertFailed = "assert-failed";

} // namespace

bool isSuppressibleRule(std::string_view id) { return id == kAssertFailed || findLintRule(id) != nullptr; }

std::string suggestRule(std::string_view id) {
  std::vector<std::string_view> known{kAssertFailed};
  for (const RuleInfo &rule : lintRules())
    known.push_back(rule.id);
  for (const RuleInfo &rule : settingsRules())
    known.push_back(rule.id);
  std::string_view best;
  unsigned bestDistance = 4; // a near miss: at most 3 edits
  for (std::string_view k : known) {
    unsigned d = llvm::StringRef(id.data(), id.size()).edit_distance(llvm::StringRef(k.data(), k.size()), true, bestDistance);
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  if (best.empty())
    return "; 'moat explain' with any id lists the rules";
  return "; did you mean '" + std::string(best) + "'?";
}

DirectiveParse parseSuppressionComment(std::string_view text) {
  DirectiveParse out;
  size_t i = skipBlanks(text, 0);
  if (text.substr(i, 5) != "moat:")
    return out;
  i = skipBlanks(text, i + 5);
  size_t wordStart = i;
  while (i < text.size() && isWordChar(text[i]))
    ++i;
  std::string_view word = text.substr(wordStart, i - wordStart);
  size_t afterWord = skipBlanks(text, i);
  bool bracket = afterWord < text.size() && text[afterWord] == '[';
  if (word != "ignore") {
    // `moat: other[...]` looks like a directive and is not one: say so
    // rather than let a finding stay unexpectedly visible without a word.
    if (!word.empty() && bracket) {
      out.isDirective = true;
      out.error = "unknown directive '" + std::string(word) + "' (the only one is 'ignore')";
      out.errorOffset = wordStart;
    }
    return out;
  }
  out.isDirective = true;
  if (!bracket) {
    out.error = "expected '[' and the rule ids after 'ignore'";
    out.errorOffset = afterWord;
    return out;
  }
  size_t close = text.find(']', afterWord + 1);
  if (close == std::string_view::npos) {
    out.error = "the rule ids have no closing ']'";
    out.errorOffset = afterWord;
    return out;
  }
  size_t pos = afterWord + 1;
  while (pos <= close) {
    size_t comma = text.find(',', pos);
    size_t end = comma == std::string_view::npos || comma > close ? close : comma;
    size_t s = skipBlanks(text, pos), e = end;
    while (e > s && isBlank(text[e - 1]))
      --e;
    if (s == e) {
      out.error = "an empty rule id in the list";
      out.errorOffset = s;
      return out;
    }
    std::string id(text.substr(s, e - s));
    for (const auto &[seen, offset] : out.ids)
      if (seen == id) {
        out.error = "'" + id + "' is listed twice";
        out.errorOffset = s;
        return out;
      }
    out.ids.emplace_back(std::move(id), s);
    pos = end + 1;
  }
  std::string_view reason = text.substr(close + 1);
  size_t rs = skipBlanks(reason, 0), re = reason.size();
  while (re > rs && isBlank(reason[re - 1]))
    --re;
  out.reason = std::string(reason.substr(rs, re - rs));
  bool hasWord = false;
  for (char c : out.reason)
    hasWord |= std::isalnum(static_cast<unsigned char>(c)) != 0;
  out.missingReason = !hasWord;
  return out;
}

bool InlineSuppressions::read(CommentIndex &comments, uint32_t buffer, DiagnosticEngine &diags) {
  bool allOk = true;
  const CommentScan &scan = comments.scan(buffer);
  for (const SourceComment &c : scan.comments()) {
    DirectiveParse p = parseSuppressionComment(c.text);
    if (!p.isDirective)
      continue;
    SourceLoc at{buffer, c.line, c.col};
    auto locAt = [&](size_t offset) { return SourceLoc{buffer, c.line, c.col + 1 + static_cast<uint32_t>(offset)}; };
    if (!p.error.empty()) {
      diags.report(DiagKind::MalformedSuppression, locAt(p.errorOffset), p.error);
      allOk = false;
      continue;
    }
    bool ok = true;
    for (const auto &[id, offset] : p.ids)
      if (!isSuppressibleRule(id)) {
        diags.report(DiagKind::UnknownRuleId, locAt(offset), id, suggestRule(id));
        ok = false;
      }
    if (p.missingReason) {
      diags.report(DiagKind::MissingReason, at,
                   "a suppression needs a reason after ']': '# moat: ignore[" + p.ids.front().first +
                       "] why this is acceptable'");
      ok = false;
    }
    if (!ok) {
      allOk = false;
      continue; // fail closed: a directive with an error hides nothing
    }
    InlineSuppression s;
    s.loc = at;
    s.targetLine = c.ownLine ? scan.nextCodeLine(c.line) : c.line;
    s.reason = std::move(p.reason);
    for (auto &[id, offset] : p.ids)
      s.rules.push_back({std::move(id), locAt(offset), false});
    all_.push_back(std::move(s));
  }
  return allOk;
}

const InlineSuppression *InlineSuppressions::match(const Diagnostic &d) {
  if (!d.loc.valid())
    return nullptr;
  const InlineSuppression *first = nullptr;
  for (InlineSuppression &s : all_) {
    if (s.loc.buffer != d.loc.buffer || s.targetLine != d.loc.line)
      continue;
    for (InlineSuppression::Rule &r : s.rules)
      if (r.id == d.id) {
        r.used = true;
        if (!first)
          first = &s;
      }
  }
  return first;
}

void InlineSuppressions::reportUnused(DiagnosticEngine &diags, const std::set<std::string> &quiet) const {
  for (const InlineSuppression &s : all_)
    for (const InlineSuppression::Rule &r : s.rules) {
      if (r.used || quiet.count(r.id))
        continue;
      std::string why = s.targetLine == 0
                            ? std::string("no code follows this comment")
                            : "no [" + r.id + "] finding is reported on line " + std::to_string(s.targetLine);
      diags.report(DiagKind::UnusedSuppression, r.loc, r.id, why);
    }
}

} // namespace moat::lint
