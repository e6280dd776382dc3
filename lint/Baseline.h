// Baselines: the findings a repository has accepted for now, so `moat check`
// in CI reports only new ones. `--write-baseline=FILE` records the current
// findings; `--baseline=FILE` hides findings listed there.
//
// A finding is keyed by what it is about, not where it is: the rule id, the
// policy file (relative to the baseline file's directory), the message and
// the code of the line it points at (lint/FindingContent.h). Moving lines
// keeps a finding hidden; editing the offending rule (or anything the
// message names) shows it again. Equal keys are counted: a baseline that
// lists a key once hides one such finding, not every copy of it.
//
// The file is JSON, sorted, written atomically:
//   {"version": 1, "findings": [{"rule", "policy", "message", "code", "count"}]}
#pragma once
#include "compiler/diagnostics/Diagnostics.h"

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace moat::lint {

constexpr int64_t kBaselineVersion = 1;

struct BaselineKey {
  std::string rule, policy, message, code;
  friend bool operator<(const BaselineKey &a, const BaselineKey &b) {
    return std::tie(a.policy, a.rule, a.code, a.message) < std::tie(b.policy, b.rule, b.code, b.message);
  }
  friend bool operator==(const BaselineKey &a, const BaselineKey &b) {
    return a.rule == b.rule && a.policy == b.policy && a.message == b.message && a.code == b.code;
  }
};

class Baseline {
public:
  void add(const BaselineKey &key, unsigned count = 1) { counts_[key] += count; }
  // Hides one finding with this key if the baseline still has one left.
  bool consume(const BaselineKey &key);
  // The baseline file's text: deterministic (sorted keys and entries).
  std::string render() const;
  size_t size() const { return counts_.size(); }
  const std::map<BaselineKey, unsigned> &entries() const { return counts_; }

private:
  std::map<BaselineKey, unsigned> counts_;
};

// Reads and validates a baseline file (located errors: JSON syntax, unknown
// keys, wrong types, unknown rule ids, an unsupported version).
std::optional<Baseline> loadBaseline(const std::string &path, DiagnosticEngine &diags);
std::optional<Baseline> readBaseline(uint32_t buffer, DiagnosticEngine &diags);

} // namespace moat::lint
