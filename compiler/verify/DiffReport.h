// Printing a `moat diff` result: text for people (one line per region,
// grouped by direction, then a summary line) and JSON for tools.
#pragma once
#include "compiler/diagnostics/SourceFiles.h"
#include "compiler/verify/Diff.h"

#include <llvm/Support/raw_ostream.h>

#include <string>

namespace moat::verify {

struct DiffReportContext {
  const SourceFiles &files;
  const ir::Policy &before;
  const ir::Policy &after;
  std::string home; // bound HOME and CWD: paths under them print as ~/... and $CWD/...
  std::string cwd;
};

// "/home/user/project/a" -> "$CWD/a", "/home/user/.bashrc" -> "~/.bashrc".
std::string displayPath(const DiffReportContext &ctx, const std::string &absPath);

// "deny by built-in protection `always deny write "/**/.bashrc"`",
// "allow by new.moat:7:3 `allow write "~"`", "deny by default",
// "allow by option sandbox-disabled (set at a.moat:3:3)".
std::string describeDecider(const DiffReportContext &ctx, const Decider &d, DiffAccess access, bool after);

// A region's example access: "$CWD/.vscode/settings.json", "example.com:443".
std::string witnessText(const DiffReportContext &ctx, const DiffRegion &r);
// "option allow-pty: false → true", "option excluded-commands: adds \"docker\"".
std::string optionLine(const OptionChange &c);
// "git remote "https://github.com/o/r": adds push "refs/heads/*"",
// "git remote "https://github.com/o/r": removed".
std::string gitLine(const GitChange &c);

void printDiffText(const DiffReportContext &ctx, const PolicyDiff &diff, llvm::raw_ostream &os);
void printDiffJson(const DiffReportContext &ctx, const PolicyDiff &diff, llvm::raw_ostream &os);

} // namespace moat::verify
