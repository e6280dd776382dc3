#include "lint/WriteProbe.h"

#include <fmt/format.h>

namespace moat::lint {

namespace {

struct Hit {
  std::string path; // absolute path found writable
  bool created = false; // a probe inside a directory entry, not the entry itself
  FsOpening opening;
};

std::optional<Hit> probe(const LintContext &ctx, const PathEntry &e, const std::vector<std::string> &extra) {
  std::string abs = ctx.bind(e.path);
  if (!e.directory) {
    if (auto o = ctx.fsOpen(abs, ir::Access::Write, e.platform))
      return Hit{abs, false, *o};
    return std::nullopt;
  }
  // Generic names first (they show that the whole directory is open), then
  // names that rules reaching into the directory make writable.
  std::vector<std::string> names = extra;
  names.insert(names.end(), e.probes.begin(), e.probes.end());
  size_t generic = names.size();
  for (std::string &n : ctx.writeProbeNames(abs))
    names.push_back(std::move(n));
  for (size_t i = 0; i < names.size(); ++i) {
    std::string path = abs + "/" + names[i];
    if (auto o = ctx.fsOpen(path, ir::Access::Write, e.platform))
      return Hit{path, i < generic, *o};
  }
  return std::nullopt;
}

} // namespace

void reportWritable(const LintContext &ctx, const RuleInfo &rule, const std::vector<PathEntry> &entries,
                    const std::vector<std::string> &extraProbes) {
  bool projectOpen = ctx.projectWritable();
  for (const PathEntry &e : entries) {
    if (e.project && projectOpen)
      continue;
    auto hit = probe(ctx, e, extraProbes);
    if (!hit)
      continue;
    SourceLoc loc = ctx.locate(hit->opening.decision, ir::Access::Write);
    std::string where = LintContext::platformSuffix(hit->opening);
    if (hit->opening.decision.by == eval::DecidedBy::Disabled) {
      // Nothing is confined: one finding says so instead of one per entry.
      ctx.report(rule, loc,
                 fmt::format("'{}' and every other such path are writable because the filesystem is not "
                             "confined: {}",
                             e.path, e.why));
      return;
    }
    if (!e.directory)
      ctx.report(rule, loc, fmt::format("'{}' is writable{}: {}", e.path, where, e.why));
    else if (hit->created)
      ctx.report(rule, loc,
                 fmt::format("'{}' is writable{} ('{}' can be created): {}", e.path, where,
                             ctx.display(hit->path), e.why));
    else
      ctx.report(rule, loc, fmt::format("'{}' is writable{}: {}", ctx.display(hit->path), where, e.why));
  }
}

} // namespace moat::lint
