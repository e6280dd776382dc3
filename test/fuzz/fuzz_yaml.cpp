// libFuzzer target: a YAML policy buffer through the YAML reader, sema and
// the evaluator. Invariants: see FuzzPolicy.h.
#include "FuzzPolicy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  moat::fuzz::fuzzPolicyBuffer("fuzz.yaml", data, size);
  return 0;
}
