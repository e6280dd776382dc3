// What `moat check` shows: each policy's diagnostics pass through, in order,
//  1. the config's `rules:` (off drops a rule's findings, a level sets their
//     severity),
//  2. inline suppressions (`# moat: ignore[...]`, lint/Suppressions.h),
//  3. the config's `ignore:` entries (lint/Config.h),
//  4. the baseline (lint/Baseline.h).
// The first of 2-4 that matches hides the finding; hidden findings are kept
// (SARIF reports them with `suppressions`) and counted in the summary. Only
// rule findings (isSuppressibleRule ids) are ever hidden: input errors and
// moat's own diagnostics always show.
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "lint/Baseline.h"
#include "lint/Config.h"
#include "lint/Lint.h"
#include "lint/SourceComments.h"

#include <string>
#include <vector>

namespace moat::lint {

struct SuppressedFinding {
  enum class Kind { InSource, External }; // SARIF suppression kinds
  Diagnostic diag;
  Kind kind = Kind::InSource;
  std::string justification;
};

class Triage {
public:
  explicit Triage(CommentIndex &comments) : comments_(comments) {}

  // Takes one policy's diagnostics (loading and lint). `buffers` are the
  // files it was read from (inline suppressions are read there; malformed
  // ones are reported to `out`). With `linted`, suppressions that hid
  // nothing are reported too. Shown diagnostics that no baseline can hide
  // go to `out` now; rule findings wait for finish(). Returns false if a
  // suppression comment had an error (an input error).
  bool addPolicy(const std::string &policyPath, const std::vector<uint32_t> &buffers, const CheckConfig *config,
                 const std::vector<Diagnostic> &diags, bool linted, DiagnosticEngine &out);

  // The findings a baseline written to `baselineFile` now would list.
  Baseline current(const std::string &baselineFile) const;

  // Hides the findings `baseline` (read from `baselineFile`) lists and
  // reports the rest to `out`. Call once, after every addPolicy.
  void finish(Baseline *baseline, const std::string &baselineFile, DiagnosticEngine &out);

  const std::vector<SuppressedFinding> &suppressed() const { return suppressed_; }

private:
  struct Candidate {
    Diagnostic diag;
    std::string policyPath;
    std::string code;
  };
  BaselineKey keyOf(const Candidate &c, const std::string &baselineDir) const;

  CommentIndex &comments_;
  std::vector<Candidate> candidates_;
  std::vector<SuppressedFinding> suppressed_;
};

// One loaded policy's findings as `moat check` triages them: the risk rules
// run over it (with `runRules` false only its managed violations are
// reported, as --no-lint does), then managed-violation findings go straight
// to `direct`, because a project cannot hide what breaks its organisation's
// policy through its suppressions, config or baseline, and everything else
// in `policyDiags` (loading diagnostics included) is returned for
// Triage::addPolicy. `moat check` and `moat report` share it.
std::vector<Diagnostic> lintForTriage(const ir::Policy &policy, DiagnosticEngine &policyDiags,
                                      const LintOptions &options, bool runRules, DiagnosticEngine &direct);

} // namespace moat::lint
