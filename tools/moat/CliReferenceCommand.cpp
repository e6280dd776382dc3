// The hidden entry point behind the man page and completions. It only
// supplies what the registry cannot know (values of plain string options,
// the command after `moat run --`) and writes the rendering; the walk and
// the renderers are tools/moat/clidoc.
#include "CliReferenceCommand.h"
#include "Cli.h"
#include "Subcommands.h"

#include "backends/Backend.h"
#include "backends/convert/Convert.h"
#include "compiler/support/AtomicFile.h"
#include "lint/RuleDocs.h"
#include "tools/moat/clidoc/CliReference.h"
#include "tools/moat/clidoc/ManProse.h"

#include <llvm/ADT/StringRef.h>

namespace moat::cli {
namespace {

clidoc::RegistryHints moatHints() {
  clidoc::RegistryHints hints;
  hints.program = "moat";
  hints.version = MOAT_VERSION;
  hints.summary = "one policy, checked, compiled to every sandbox";
  for (const llvm::cl::OptionCategory *c : optionCategories())
    hints.categories.push_back(c);
  clidoc::ValueHint targets{"TARGET", {}};
  for (const backends::Target &t : backends::targets())
    targets.choices.push_back({t.name, t.summary});
  hints.values["build:target"] = targets;
  clidoc::ValueHint formats{"FORMAT", {}};
  llvm::SmallVector<llvm::StringRef, 4> names;
  llvm::StringRef(convert::formatNames()).split(names, ", ");
  for (llvm::StringRef name : names)
    formats.choices.push_back({name.str(), ""});
  hints.values["convert:to"] = formats;
  clidoc::ValueHint rules{"", {}};
  for (std::string_view id : lint::documentedRules())
    rules.choices.push_back({std::string(id), ""});
  hints.values["explain:RULE-ID"] = rules;
  hints.values["define"] = {"NAME=PATH", {}};
  hints.values["query:batch"] = {"FILE", {}};
  hints.trailing["run"] = "-- CMD [ARG...]";
  return hints;
}

int usage(const std::string &problem) {
  llvm::errs() << "moat: error: " << problem << "\nusage: moat __cli-reference --format="
               << clidoc::formatNames() << " [-o FILE]\n";
  return kExitInputError;
}

} // namespace

int cliReferenceMain(int argc, char **argv) {
  std::string format, output;
  for (int i = 2; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    if (arg.consume_front("--format="))
      format = arg.str();
    else if (arg == "-o" && i + 1 < argc)
      output = argv[++i];
    else
      return usage("unexpected argument '" + arg.str() + "'");
  }
  if (format.empty())
    return usage("--format is required");
  clidoc::CliReference ref = clidoc::readRegistry(moatHints());
  ref.description = clidoc::moatDescription();
  ref.sections = clidoc::moatSections();
  std::string text;
  llvm::raw_string_ostream os(text);
  if (!clidoc::render(format, ref, os))
    return usage("unknown format '" + format + "'");
  os.flush();
  if (output.empty()) {
    llvm::outs() << text;
    return kExitOk;
  }
  if (std::optional<std::string> error = writeFileAtomically(output, text)) {
    llvm::errs() << "moat: error: cannot write '" << output << "': " << *error << "\n";
    return kExitInputError;
  }
  return kExitOk;
}

} // namespace moat::cli
