// Reads llvm::cl's registry into a CliReference. A subcommand or option that
// is registered later (a new XxxCommand.cpp) appears without a change here.
#include "tools/moat/clidoc/CliReference.h"
#include "tools/moat/clidoc/EnumChoices.h"

#include <llvm/ADT/STLExtras.h>

#include <algorithm>
#include <cctype>

namespace moat::clidoc {
namespace {

namespace cl = llvm::cl;

// Of LLVM's own options only these two are for users; --help-list,
// --print-options and the like are LLVM's debugging aids.
bool isKeptGenericOption(llvm::StringRef name) { return name == "help" || name == "version"; }

bool isProgramOption(const cl::Option &option, const RegistryHints &hints) {
  return llvm::any_of(option.Categories,
                      [&](const cl::OptionCategory *c) { return llvm::is_contained(hints.categories, c); });
}

const ValueHint *hintFor(const RegistryHints &hints, llvm::StringRef sub, llvm::StringRef name) {
  auto it = hints.values.find((sub + ":" + name).str());
  if (it == hints.values.end())
    it = hints.values.find(name.str());
  return it == hints.values.end() ? nullptr : &it->second;
}

bool isRepeatable(const cl::Option &option) {
  cl::NumOccurrencesFlag n = option.getNumOccurrencesFlag();
  return n == cl::ZeroOrMore || n == cl::OneOrMore;
}

bool isRequired(const cl::Option &option) {
  cl::NumOccurrencesFlag n = option.getNumOccurrencesFlag();
  return n == cl::Required || n == cl::OneOrMore;
}

// A value named FILE, PATH, DIR or OUT (or "POLICY-FILE") is a path;
// "NAME=PATH" is not.
bool namesAPath(llvm::StringRef valueName) {
  return valueName == "PATH" || valueName == "DIR" || valueName == "OUT" || valueName.endswith("FILE");
}

std::string joined(const std::vector<Choice> &choices, const char *separator) {
  std::string out;
  for (const Choice &c : choices)
    out += (out.empty() ? "" : separator) + c.name;
  return out;
}

std::string upper(llvm::StringRef text) {
  std::string out = text.str();
  for (char &c : out)
    c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

Flag flagOf(cl::Option &option, llvm::StringRef sub, const RegistryHints &hints) {
  Flag flag;
  flag.spelling = (option.ArgStr.size() == 1 ? "-" : "--") + option.ArgStr.str();
  flag.help = option.HelpStr.str();
  flag.repeatable = isRepeatable(option);
  flag.required = isRequired(option);
  // A bool option's value is optional (--no-lint, --no-lint=false): it is a switch.
  if (option.getValueExpectedFlag() != cl::ValueRequired)
    return flag;
  flag.choices = enumChoices(option);
  const ValueHint *hint = hintFor(hints, sub, option.ArgStr);
  if (flag.choices.empty() && hint != nullptr)
    flag.choices = hint->choices;
  if (hint != nullptr && !hint->valueName.empty())
    flag.valueName = hint->valueName;
  else if (!option.ValueStr.empty())
    flag.valueName = option.ValueStr.str();
  else if (!flag.choices.empty() && hint == nullptr)
    flag.valueName = joined(flag.choices, "|");
  else
    flag.valueName = upper(option.ArgStr);
  flag.completion = !flag.choices.empty()          ? Completion::Choices
                    : namesAPath(flag.valueName) ? Completion::Files
                                                 : Completion::None;
  return flag;
}

std::vector<Flag> flagsOf(cl::SubCommand &sub, const RegistryHints &hints) {
  std::vector<Flag> flags;
  for (auto &entry : sub.OptionsMap) {
    cl::Option &option = *entry.second;
    // The map also holds an option under its aliases' names; take it once.
    if (entry.getKey() != option.ArgStr || option.getOptionHiddenFlag() != cl::NotHidden)
      continue;
    if (!isProgramOption(option, hints) && !isKeptGenericOption(option.ArgStr))
      continue;
    flags.push_back(flagOf(option, sub.getName(), hints));
  }
  // --help last; the rest by name, as --help sorts them.
  std::sort(flags.begin(), flags.end(), [](const Flag &a, const Flag &b) {
    bool aGeneric = a.spelling == "--help" || a.spelling == "--version";
    bool bGeneric = b.spelling == "--help" || b.spelling == "--version";
    if (aGeneric != bGeneric)
      return bGeneric;
    return a.spelling.substr(a.spelling.find_first_not_of('-')) <
           b.spelling.substr(b.spelling.find_first_not_of('-'));
  });
  return flags;
}

Positional positionalOf(cl::Option &option, llvm::StringRef sub, const RegistryHints &hints) {
  Positional positional;
  positional.name = option.HelpStr.empty() ? upper(option.ValueStr) : option.HelpStr.str();
  positional.required = isRequired(option);
  if (const ValueHint *hint = hintFor(hints, sub, positional.name)) {
    positional.choices = hint->choices;
    positional.completion = Completion::Choices;
  }
  return positional;
}

} // namespace

CliReference readRegistry(const RegistryHints &hints) {
  CliReference ref;
  ref.program = hints.program;
  ref.version = hints.version;
  ref.summary = hints.summary;
  // Asking for the top level's options first also makes LLVM register its
  // common ones (--help, --version).
  cl::getRegisteredOptions(*cl::TopLevelSubCommand);
  ref.globalFlags = flagsOf(*cl::TopLevelSubCommand, hints);
  for (cl::SubCommand *sub : cl::getRegisteredSubcommands()) {
    // The top level and "all subcommands" have no name; a name starting with
    // '_' would be an internal entry point.
    if (sub->getName().empty() || sub->getName().startswith("_"))
      continue;
    Subcommand s;
    s.name = sub->getName().str();
    s.description = sub->getDescription().str();
    s.flags = flagsOf(*sub, hints);
    for (cl::Option *option : sub->PositionalOpts)
      if (option->getOptionHiddenFlag() == cl::NotHidden)
        s.positionals.push_back(positionalOf(*option, sub->getName(), hints));
    if (sub->ConsumeAfterOpt != nullptr)
      s.positionals.push_back(positionalOf(*sub->ConsumeAfterOpt, sub->getName(), hints));
    if (auto it = hints.trailing.find(s.name); it != hints.trailing.end())
      s.trailing = it->second;
    ref.subcommands.push_back(std::move(s));
  }
  std::sort(ref.subcommands.begin(), ref.subcommands.end(),
            [](const Subcommand &a, const Subcommand &b) { return a.name < b.name; });
  return ref;
}

std::string usageLine(const CliReference &ref, const Subcommand &sub) {
  std::string line = ref.program + " " + sub.name + " [options]";
  for (const Positional &p : sub.positionals)
    line += " " + p.name;
  if (!sub.trailing.empty())
    line += " " + sub.trailing;
  return line;
}

} // namespace moat::clidoc
