// libFuzzer target: sandbox-runtime settings JSON, once through the whole
// `moat check` path (detection, reader, sema, evaluator) and once straight
// into the srt importer. Invariants: see FuzzPolicy.h.
#include "FuzzPolicy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  moat::fuzz::fuzzPolicyBuffer("srt-settings.json", data, size);
  moat::fuzz::fuzzImporter("srt-settings.json", data, size,
                           [](uint32_t buffer, moat::DiagnosticEngine &diags) {
                             return moat::import::importSrt(buffer, diags);
                           });
  return 0;
}
