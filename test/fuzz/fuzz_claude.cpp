// libFuzzer target: Claude Code settings JSON, once through the whole
// `moat check` path (detection, reader, sema, evaluator) and once straight
// into the Claude importer. Invariants: see FuzzPolicy.h.
#include "FuzzPolicy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  moat::fuzz::fuzzPolicyBuffer("/proj/.claude/settings.json", data, size);
  moat::fuzz::fuzzImporter("/proj/.claude/settings.json", data, size,
                           [](uint32_t buffer, moat::DiagnosticEngine &diags) {
                             return moat::import::importClaude(buffer, "/proj/.claude", diags);
                           });
  return 0;
}
