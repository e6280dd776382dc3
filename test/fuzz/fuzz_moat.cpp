// libFuzzer target: a .moat buffer through the parser, sema (includes
// refused) and the evaluator. Invariants: see FuzzPolicy.h.
#include "FuzzPolicy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  moat::fuzz::fuzzPolicyBuffer("fuzz.moat", data, size);
  return 0;
}
