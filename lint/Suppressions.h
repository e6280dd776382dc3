// Inline suppressions: a comment `# moat: ignore[rule-id] reason` in a .moat
// or YAML policy hides that rule's findings on one line.
//
//  * A comment after code hides findings reported on its own line; a comment
//    on a line of its own hides findings on the next line that holds code
//    (blank lines and other comments in between are skipped), so several
//    suppressions can be stacked above one rule.
//  * `ignore[a, b]` names several rules. Every id must be a rule moat can
//    report (isSuppressibleRule); the reason after `]` is required. A
//    directive with any error hides nothing (and is an error).
//  * A comment whose text starts with `moat:` followed by a word and `[` is a
//    directive; `moat: ignore` is the only one. Other comments are prose.
//  * An id that hides no finding is reported (`unused-suppression`), so stale
//    suppressions do not accumulate.
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "lint/SourceComments.h"

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace moat::lint {

// Ids a suppression, config or baseline may name: every lint rule, plus the
// verifier's `assert-failed`.
bool isSuppressibleRule(std::string_view id);
// "; did you mean 'x'?" for a near miss, or "" (for unknown-rule-id).
std::string suggestRule(std::string_view id);

struct InlineSuppression {
  struct Rule {
    std::string id;
    SourceLoc loc;
    bool used = false;
  };
  SourceLoc loc;           // the '#'
  uint32_t targetLine = 0; // the line whose findings it hides; 0 = none follows
  std::vector<Rule> rules;
  std::string reason;
};

// One comment's text (after the '#') read as a directive. `isDirective` is
// false for prose. Offsets are 0-based into the text. A directive is usable
// when `error` is empty and `missingReason` false (ids are checked by the
// caller, which knows the rule registry).
struct DirectiveParse {
  bool isDirective = false;
  std::string error;        // malformed (empty when fine)
  size_t errorOffset = 0;
  bool missingReason = false;
  std::vector<std::pair<std::string, size_t>> ids; // id, offset into text
  std::string reason;
};
DirectiveParse parseSuppressionComment(std::string_view text);

// The inline suppressions of a set of buffers (one policy and its includes).
class InlineSuppressions {
public:
  // Reads the directives of `buffer`, reporting malformed ones, unknown ids
  // and missing reasons to `diags`; false if there was any.
  bool read(CommentIndex &comments, uint32_t buffer, DiagnosticEngine &diags);
  // The first suppression that hides `d` (every matching one is marked used),
  // or nullptr.
  const InlineSuppression *match(const Diagnostic &d);
  // Reports every id that hid nothing, except ids in `quiet` (rules the
  // config turns off).
  void reportUnused(DiagnosticEngine &diags, const std::set<std::string> &quiet) const;
  const std::vector<InlineSuppression> &all() const { return all_; }

private:
  std::vector<InlineSuppression> all_;
};

} // namespace moat::lint
