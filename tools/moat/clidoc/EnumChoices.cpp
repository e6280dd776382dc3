// LLVM 14's cl::Option has no accessor for its parser, so the values of an
// enum option are reached through the two virtual calls it does have:
//  * getExtraOptionNames() lists the values of an enum parser, but only for
//    an option without a name (`-text` style). Blanking the public ArgStr for
//    the call (and restoring it; the registry's maps are not touched) gives
//    the exact names.
//  * printOptionInfo() is what --help prints, value descriptions included;
//    it writes to llvm::outs(), so stdout is pointed at a temporary file for
//    the call and the line of each known name is read back.
// Both are what --help itself uses, so the man page and completions say
// what --help says.
#include "tools/moat/clidoc/EnumChoices.h"

#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringRef.h>

#include <cstdio>
#include <unistd.h>

namespace moat::clidoc {
namespace {

std::vector<std::string> enumNames(llvm::cl::Option &option) {
  llvm::StringRef name = option.ArgStr;
  option.ArgStr = "";
  llvm::SmallVector<llvm::StringRef, 8> names;
  option.getExtraOptionNames(names);
  option.ArgStr = name;
  return {names.begin(), names.end()};
}

// What option.printOptionInfo() prints; "" if stdout cannot be redirected.
std::string helpText(llvm::cl::Option &option) {
  llvm::outs().flush();
  std::FILE *tmp = std::tmpfile();
  if (tmp == nullptr)
    return "";
  int saved = ::dup(STDOUT_FILENO);
  if (saved < 0 || ::dup2(::fileno(tmp), STDOUT_FILENO) < 0) {
    if (saved >= 0)
      ::close(saved);
    std::fclose(tmp);
    return "";
  }
  option.printOptionInfo(/*GlobalWidth=*/40);
  llvm::outs().flush();
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  std::string text;
  std::rewind(tmp);
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, tmp)) > 0;)
    text.append(buffer, n);
  std::fclose(tmp);
  return text;
}

// --help prints a value as "    =NAME" or "    =NAME   -   DESCRIPTION".
std::string descriptionOf(llvm::StringRef help, llvm::StringRef value) {
  llvm::SmallVector<llvm::StringRef, 16> lines;
  help.split(lines, '\n');
  for (llvm::StringRef line : lines) {
    llvm::StringRef rest = line.ltrim();
    if (!rest.consume_front("=") || !rest.consume_front(value))
      continue;
    if (!rest.empty() && rest.front() != ' ')
      continue; // "=text" is not "=textual"
    rest = rest.ltrim();
    if (rest.consume_front("-"))
      return rest.trim().str();
    return "";
  }
  return "";
}

} // namespace

std::vector<Choice> enumChoices(llvm::cl::Option &option) {
  std::vector<Choice> choices;
  std::vector<std::string> names = enumNames(option);
  if (names.empty())
    return choices;
  std::string help = helpText(option);
  for (const std::string &name : names)
    choices.push_back({name, descriptionOf(help, name)});
  return choices;
}

} // namespace moat::clidoc
