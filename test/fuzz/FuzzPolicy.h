// Shared driver of the policy fuzz targets (fuzz_moat, fuzz_srt, fuzz_claude,
// fuzz_yaml): one input buffer through the same path `moat check` takes
// (content detection, reader, sema), then the reference evaluator on what
// survives. Beyond "no crash, no sanitizer report" it checks the front end's
// fail-closed contract and aborts when it is broken:
//   - a reader or sema that returns nothing must have reported an error,
//   - one that returns a result must not have reported one,
//   - every error carries a location inside a registered buffer,
//   - every diagnostic renders (text and JSON) without crashing.
#pragma once
#include "compiler/Frontend.h"
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/diagnostics/Emitters.h"
#include "compiler/eval/Bindings.h"
#include "compiler/eval/Evaluator.h"
#include "compiler/import/Importers.h"
#include "compiler/sema/Sema.h"

#include <llvm/Support/raw_ostream.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

namespace moat::fuzz {

// Prints why the input broke an invariant and aborts, so libFuzzer keeps the
// input as a crash.
[[noreturn]] inline void violation(const char *what, const DiagnosticEngine &diags) {
  std::fprintf(stderr, "moat fuzz invariant violated: %s\n", what);
  std::string out;
  llvm::raw_string_ostream os(out);
  emitText(diags, os, /*color=*/false);
  os.flush();
  std::fprintf(stderr, "%s\n", out.c_str());
  std::abort();
}

// Checks the reader/sema contract after one phase: `produced` says whether
// the phase returned a value; input errors counted from `errorsBefore`. A
// finding with error severity (invalid-entry, misplaced-setting) is about
// what a readable file means: the phase still returns its result, so only
// input errors (DiagnosticEngine::inputErrorCount) decide.
inline void checkPhase(const char *phase, bool produced, unsigned errorsBefore,
                       const DiagnosticEngine &diags) {
  bool newErrors = diags.inputErrorCount() != errorsBefore;
  if (!produced && !newErrors) {
    std::fprintf(stderr, "phase: %s\n", phase);
    violation("phase failed without reporting an error (fails open or silent)", diags);
  }
  if (produced && newErrors) {
    std::fprintf(stderr, "phase: %s\n", phase);
    violation("phase reported an error but still returned a result", diags);
  }
}

inline void checkLocations(const DiagnosticEngine &diags) {
  const SourceFiles &files = diags.files();
  for (const Diagnostic &d : diags.diagnostics()) {
    if (d.severity != Severity::Error)
      continue;
    if (!d.loc.valid() || d.loc.line == 0 || d.loc.col == 0 || files.name(d.loc.buffer).empty())
      violation("an error without a source location", diags);
  }
}

// Exercises both emitters (caret lines, JSON escaping of hostile bytes).
inline void renderDiagnostics(const DiagnosticEngine &diags) {
  std::string out;
  llvm::raw_string_ostream os(out);
  emitText(diags, os, /*color=*/true);
  emitJson(diags, os);
  os.flush();
}

// A few queries against a policy that analysed cleanly, on one platform
// (chosen by the caller from the input, so both get exercised; building an
// evaluator is the costliest step of an execution).
inline void queryPolicy(const ir::Policy &policy, ir::Platform platform) {
  eval::Bindings bindings;
  std::string error;
  // Fixed, valid values: define() failing here is a bug in Bindings.
  if (!bindings.define("HOME", "/home/u", error) || !bindings.define("CWD", "/home/u/proj", error) ||
      !bindings.define("TMPDIR", "/tmp", error)) {
    std::fprintf(stderr, "Bindings::define refused a valid value: %s\n", error.c_str());
    std::abort();
  }
  {
    auto ev = eval::Evaluator::create(policy, bindings, platform, error);
    if (!ev)
      return; // e.g. a `let` whose value needs a root with no binding
    static const char *const kPaths[] = {
        "/",          "/home/u/.ssh/id_rsa", "/home/u/proj/src/main.c", "/home/u/.bashrc",
        "/tmp/x",     "/home/u/proj/.git/hooks/pre-commit", "/etc/passwd",
        "/var/run/docker.sock"};
    for (const char *p : kPaths) {
      (void)ev->decide(p, ir::Access::Read);
      (void)ev->decide(p, ir::Access::Write);
      (void)ev->matchingFsRules(p, ir::Access::Write);
      (void)ev->unixSocketAllowed(p);
    }
    static const char *const kHosts[] = {"registry.npmjs.org", "127.0.0.1", "[::1]",
                                         "a.b.example.com", "169.254.169.254"};
    for (const char *h : kHosts) {
      std::string herr;
      if (auto host = net::canonicaliseHost(h, herr)) {
        (void)ev->decide(*host, 443);
        (void)ev->decide(*host, 1);
      }
    }
  }
}

// Refuses every include: fuzz inputs must not read the fuzzer's filesystem.
inline sema::IncludeReader refusingIncludeReader(DiagnosticEngine &diags) {
  return [&diags](const std::string &path, SourceLoc from) -> std::optional<ast::File> {
    diags.report(DiagKind::FileUnreadable, from, path, "includes are disabled while fuzzing");
    return std::nullopt;
  };
}

// The whole pipeline on one buffer named `name` (the extension steers
// content detection exactly as it does for `moat check`).
inline void fuzzPolicyBuffer(const char *name, const uint8_t *data, size_t size) {
  SourceFiles files;
  DiagnosticEngine diags(files);
  uint32_t buffer =
      files.addBuffer(name, std::string(reinterpret_cast<const char *>(data), size));
  auto file = readPolicyBuffer(buffer, diags);
  checkPhase("readPolicyBuffer", file.has_value(), 0, diags);
  if (file) {
    unsigned before = diags.inputErrorCount();
    sema::SemaOptions options;
    auto policy = sema::analyse(*file, refusingIncludeReader(diags), options, diags);
    checkPhase("sema::analyse", policy.has_value(), before, diags);
    if (policy)
      queryPolicy(*policy, size % 2 ? ir::Platform::Linux : ir::Platform::MacOS);
  }
  checkLocations(diags);
  renderDiagnostics(diags);
}

// One importer called directly on the buffer, whatever its top-level keys
// say, so srt input reaches the srt importer's schema checks even when
// content detection would have picked the Claude reader (and vice versa).
template <typename Import>
void fuzzImporter(const char *name, const uint8_t *data, size_t size, Import import) {
  SourceFiles files;
  DiagnosticEngine diags(files);
  uint32_t buffer =
      files.addBuffer(name, std::string(reinterpret_cast<const char *>(data), size));
  std::optional<ast::File> file = import(buffer, diags);
  checkPhase("importer", file.has_value(), 0, diags);
  checkLocations(diags);
  renderDiagnostics(diags);
}

} // namespace moat::fuzz
