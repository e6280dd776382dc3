// The command line as data: every subcommand, flag, value and positional
// argument that llvm::cl has registered, read once from the registry, so
// that --help, the man page and the shell completions cannot disagree.
// One renderer per output format turns it into text (ManPage.cpp,
// BashCompletion.cpp, ZshCompletion.cpp, FishCompletion.cpp, JsonReference.cpp).
#pragma once
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/raw_ostream.h>

#include <map>
#include <string>
#include <vector>

namespace moat::clidoc {

// One accepted value of a flag or positional, with what it means ("" if the
// registration gives no description).
struct Choice {
  std::string name;
  std::string help;
};

// What a shell should offer for a value.
enum class Completion { None, Files, Choices };

struct Flag {
  std::string spelling;  // "--format", "-o"
  std::string valueName; // "FILE", "text|json"; empty for a flag that takes no value
  std::string help;
  std::vector<Choice> choices;
  Completion completion = Completion::None;
  bool repeatable = false;
  bool required = false;
};

struct Positional {
  std::string name; // as the registration spells it: "POLICY...", "OLD NEW"
  std::vector<Choice> choices;
  Completion completion = Completion::Files;
  bool required = false;
};

struct Subcommand {
  std::string name;
  std::string description;
  std::vector<Flag> flags;
  std::vector<Positional> positionals;
  // What follows the options that llvm::cl does not parse (`run`: "-- CMD [ARG...]").
  std::string trailing;
};

// A paragraph of hand-written prose for the man page: `code` spans in
// backquotes; a non-empty `tag` makes it a tagged item (an exit code, a file).
struct Paragraph {
  std::string tag;
  std::string text;
};
struct ProseSection {
  std::string title; // "EXIT STATUS"
  std::vector<Paragraph> paragraphs;
};

struct CliReference {
  std::string program;
  std::string version;
  std::string summary; // one line, for NAME
  std::vector<Flag> globalFlags;
  std::vector<Subcommand> subcommands; // sorted by name
  // Prose the registry cannot know. `description` goes after SYNOPSIS, the
  // rest after the subcommands.
  std::vector<Paragraph> description;
  std::vector<ProseSection> sections;
};

// What the registry cannot say and the program can: values a plain string
// option accepts (build targets, rule ids), a better value name, the
// arguments after `--`.
struct ValueHint {
  std::string valueName;
  std::vector<Choice> choices;
};
struct RegistryHints {
  std::string program;
  std::string version;
  std::string summary;
  // Options in these categories are the program's; of LLVM's own only
  // --help and --version are kept.
  std::vector<const llvm::cl::OptionCategory *> categories;
  // Keyed "SUB:name" for one subcommand's option or positional (the
  // positional's name is its description, "explain:RULE-ID"), or "name" for
  // an option of that name in every subcommand.
  std::map<std::string, ValueHint> values;
  std::map<std::string, std::string> trailing; // subcommand -> text
};

// Reads llvm::cl's registry: the subcommands registered so far and their
// options, skipping hidden ones and LLVM's generic ones.
CliReference readRegistry(const RegistryHints &hints);

void renderMan(const CliReference &ref, llvm::raw_ostream &os);
void renderBash(const CliReference &ref, llvm::raw_ostream &os);
void renderZsh(const CliReference &ref, llvm::raw_ostream &os);
void renderFish(const CliReference &ref, llvm::raw_ostream &os);
void renderJson(const CliReference &ref, llvm::raw_ostream &os);

// "man", "bash", "zsh", "fish", "json"; false for anything else.
bool render(const std::string &format, const CliReference &ref, llvm::raw_ostream &os);
const char *formatNames();

// The usage line of a subcommand: "moat check [options] POLICY...".
std::string usageLine(const CliReference &ref, const Subcommand &sub);

} // namespace moat::clidoc
