// Random bound path patterns for the differential tests that check the
// verifier against enumeration (WitnessDifferentialTest,
// MatchClassDifferentialTest): up to three components over a few short
// literals and the caller's globs, in the shape a policy read gives
// (consecutive `**` merged).
#pragma once
#include "compiler/fs/PathPattern.h"

#include <llvm/ADT/ArrayRef.h>

#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace moat::testing {

inline fs::PathPattern randomPattern(std::mt19937 &rng, llvm::ArrayRef<const char *> globs) {
  static const char *const kLiterals[] = {"a", "b", "ab"};
  std::uniform_int_distribution<int> len(0, 3), coin(0, 2);
  fs::PathPattern p;
  int n = len(rng);
  bool glob = false;
  for (int i = 0; i < n; ++i) {
    if (coin(rng) == 0) {
      p.components.push_back(globs[rng() % globs.size()]);
      glob = true;
    } else {
      p.components.push_back(kLiterals[rng() % std::size(kLiterals)]);
    }
  }
  if (glob) {
    p.form = fs::PatternForm::Glob;
    std::vector<std::string> merged;
    for (const std::string &c : p.components)
      if (!(c == "**" && !merged.empty() && merged.back() == "**"))
        merged.push_back(c);
    p.components = merged;
  } else {
    p.form = coin(rng) == 0 ? fs::PatternForm::Exact : fs::PatternForm::Subtree;
  }
  return p;
}

} // namespace moat::testing
