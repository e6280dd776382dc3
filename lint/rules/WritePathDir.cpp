// write-path-dir: a directory on $PATH is writable, so a planted program
// shadows a real command.
// Knowledge: lint/data/path-dirs.txt and path-commands.txt, plus the
// directories LintOptions::extraPathDirs adds. Docs: docs/rules/write-path-dir.md.
#include "lint/rules/WritePathDir.h"

#include "lint/PathProbe.h"

namespace moat::lint {

void checkWritePathDir(const LintContext &ctx, const RuleInfo &self) {
  std::vector<PathEntry> dirs = pathDirectories();
  std::vector<std::string_view> extra;
  std::vector<std::string> lines;
  for (const std::string &dir : ctx.options().extraPathDirs)
    lines.push_back(dir + (dir.size() > 1 && dir.back() == '/' ? "" : "/") +
                    " | it is on the configured $PATH, so a program placed there runs instead of the real command");
  for (const std::string &line : lines)
    extra.push_back(line);
  std::string error;
  if (!parsePathEntries(extra, dirs, error)) {
    // A configured directory that is not a path: say so, do not drop it.
    ctx.report(self, Severity::Error, ctx.defaultLoc({}), "cannot check the configured $PATH: " + error);
    return;
  }
  ProbeOptions options;
  options.extraProbes = pathCommands();
  options.literalNamesOnly = true;
  reportOpen(ctx, self, dirs, options);
}

} // namespace moat::lint
