// libFuzzer target: the .moat formatter (parse::formatMoat). For any input
// that parses, aborts unless
//   - it formats (a parseable file always has a canonical form),
//   - the formatted text parses to the same AST (locations aside),
//   - formatting is idempotent: format(format(x)) == format(x),
//   - formatting never reports an error on its own output.
#include "AstText.h"

#include "compiler/diagnostics/Emitters.h"
#include "compiler/parse/Parser.h"

#include <llvm/Support/raw_ostream.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

[[noreturn]] void fail(const char *what, const moat::DiagnosticEngine &diags, const std::string &a,
                       const std::string &b) {
  std::string out;
  llvm::raw_string_ostream os(out);
  moat::emitText(diags, os, /*color=*/false);
  os.flush();
  std::fprintf(stderr, "fuzz_fmt: %s\n--- first ---\n%s\n--- second ---\n%s\n--- diagnostics ---\n%s\n",
               what, a.c_str(), b.c_str(), out.c_str());
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace moat;
  SourceFiles files;
  DiagnosticEngine diags(files);
  std::string input(reinterpret_cast<const char *>(data), size);
  uint32_t original = files.addBuffer("fuzz.moat", input);
  auto ast = parse::parseMoat(original, diags);
  if (!ast)
    return 0;
  std::string before = fuzz::astText(*ast);

  auto once = parse::formatMoat(original, diags);
  if (!once)
    fail("a file that parses does not format", diags, input, "");
  uint32_t formatted = files.addBuffer("fuzz.formatted.moat", *once);
  auto reparsed = parse::parseMoat(formatted, diags);
  if (!reparsed)
    fail("the formatted text does not parse", diags, input, *once);
  std::string after = fuzz::astText(*reparsed);
  if (after != before)
    fail("formatting changed the AST", diags, before, after);

  auto twice = parse::formatMoat(formatted, diags);
  if (!twice)
    fail("the formatted text does not format", diags, *once, "");
  if (*twice != *once)
    fail("formatting is not idempotent", diags, *once, *twice);
  if (diags.hasErrors())
    fail("formatting reported an error", diags, input, *once);
  return 0;
}
