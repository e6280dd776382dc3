// Where a pattern sits in a Seatbelt profile: below a parameter or at an
// absolute path. Roots stay symbolic as long as possible:
//
//   ""                      absolute
//   a name given --define   its value, spliced in at build time
//   a `let` variable        its default's anchor plus the default's components
//                           (variables are fixed at build time: their default,
//                           or --define)
//   HOME, CWD, TMPDIR       a Seatbelt parameter: (param "HOME"), bound by
//                           `sandbox-exec -D HOME=...` at launch
//
// The placed pattern keeps everything the IR's decision order needs that does
// not depend on a parameter's value (SbplOrder.h explains why that suffices).
#pragma once
#include "backends/Backend.h"
#include "compiler/fs/PathPattern.h"
#include "compiler/fs/Specificity.h"
#include "compiler/ir/Policy.h"

#include <optional>
#include <string>
#include <vector>

namespace moat::backends::sbpl {

struct Anchor {
  std::string param;              // "" = absolute
  std::vector<std::string> names; // plain names after the parameter (or after "/")
};

std::optional<Anchor> resolveAnchor(const ir::Policy &policy, const BuildOptions &options,
                                    const std::string &root, std::string &why);

struct PlacedPattern {
  std::string param; // "" = absolute
  // Root "", the anchor's names (glob-escaped for globs) then the pattern's
  // components, the pattern's form: the pattern relative to the parameter.
  fs::PathPattern relative;
  std::vector<std::string> prefix; // unescaped leading literal names of `relative`
  fs::Specificity spec;            // of `relative`
  unsigned prefixBytes = 0;        // bytes of `prefix`

  size_t restComponents() const { return relative.components.size() - prefix.size(); }
  unsigned restLiteralBytes() const { return spec.literalBytes - prefixBytes; }
  // A glob whose components after the prefix are all `**` means exactly the
  // subtree of its prefix.
  bool isSubtreeGlob() const;
};

std::optional<PlacedPattern> placePattern(const ir::Policy &policy, const BuildOptions &options,
                                          const fs::PathPattern &pattern, std::string &why);

} // namespace moat::backends::sbpl
