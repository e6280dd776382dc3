#include "lint/PathProbe.h"

#include "lint/FindingGroups.h"

#include "compiler/fs/Glob.h"

#include <fmt/format.h>

namespace moat::lint {

namespace {

struct Hit {
  std::string path; // absolute path found writable
  bool created = false; // a probe inside a directory entry, not the entry itself
  FsOpening opening;
};

std::optional<Hit> probe(const LintContext &ctx, const PathEntry &e, const ProbeOptions &options) {
  std::string abs = ctx.bind(e.path);
  if (!e.directory) {
    if (auto o = ctx.fsOpen(abs, options.access, e.platform))
      return Hit{abs, false, *o};
    return std::nullopt;
  }
  // Names that run code: the caller's (command names), one per probe glob,
  // then the names the policy's own rules reach that a probe glob matches.
  std::vector<fs::ComponentGlob> globs, data;
  for (const std::string &g : e.probes) {
    std::string why;
    if (auto c = fs::ComponentGlob::compile(g, why))
      globs.push_back(std::move(*c));
  }
  for (const std::string &g : e.data) {
    std::string why;
    if (auto c = fs::ComponentGlob::compile(g, why))
      data.push_back(std::move(*c));
  }
  // Command names (write-path-dir) only where the entry's globs accept
  // them: `git` is no Docker CLI plugin.
  std::vector<std::string> names;
  for (const std::string &n : options.extraProbes)
    for (const fs::ComponentGlob &g : globs)
      if (g.matches(n)) {
        names.push_back(n);
        break;
      }
  for (const std::string &g : e.probes)
    if (auto n = instantiate(g))
      names.push_back(*n);
  size_t generic = names.size();
  std::vector<std::string> reached;
  if (options.policyNames)
    reached = ctx.writeProbeNames(abs, options.literalNamesOnly);
  for (std::string &n : reached) {
    bool isData = false; // the tool's own data directory, not a command
    for (const fs::ComponentGlob &g : data)
      isData |= g.matches(n);
    for (const fs::ComponentGlob &g : globs)
      if (!isData && g.matches(n)) {
        names.push_back(std::move(n));
        break;
      }
  }
  for (size_t i = 0; i < names.size(); ++i) {
    std::string path = abs + "/" + names[i];
    if (auto o = ctx.fsOpen(path, options.access, e.platform))
      return Hit{path, i < generic, *o};
  }
  return std::nullopt;
}

} // namespace

void reportOpen(const LintContext &ctx, const RuleInfo &rule, const std::vector<PathEntry> &entries,
                const ProbeOptions &options) {
  // One finding per rule that opens entries (and platform): the first entry
  // is explained, the others are named. A policy that opens `~` gets one
  // finding per rule kind, not dozens.
  bool reading = options.access == ir::Access::Read;
  const char *adjective = reading ? "readable" : "writable";
  Severity severity = options.severity.value_or(rule.severity);
  FindingGroups groups;
  // Per group (in creation order): "moat run closes this" for its first
  // path, when the policy is judged by another runtime (Context.h).
  std::vector<std::optional<Diagnostic>> closes;
  bool projectOpen = ctx.projectWritable();
  for (const PathEntry &e : entries) {
    if (e.project && projectOpen)
      continue;
    auto hit = probe(ctx, e, options);
    if (!hit)
      continue;
    SourceLoc loc = ctx.locate(hit->opening.decision, options.access);
    if (hit->opening.decision.by == eval::DecidedBy::Disabled) {
      // Nothing is confined: one finding says so instead of one per entry.
      Diagnostic &d = ctx.report(rule, severity, loc,
                                 fmt::format("'{}' and every other such path are {} because the filesystem is "
                                             "not confined: {}{}",
                                             e.path, adjective, e.why, options.tail));
      if (options.note)
        d.notes.push_back(LintContext::note(rule, options.note->first, options.note->second));
      return;
    }
    std::string where = LintContext::platformSuffix(hit->opening);
    std::string name = hit->created || !e.directory ? e.path : ctx.display(hit->path);
    groups.add(loc, where, name, [&] {
      closes.push_back(ctx.moatClosesNote(rule, loc, hit->path, options.access, hit->opening));
      if (hit->created)
        return fmt::format("'{}' is {}{} ('{}' can be {}): {}", name, adjective, where, ctx.display(hit->path),
                           reading ? "read" : "created", e.why);
      return fmt::format("'{}' is {}{}: {}", name, adjective, where, e.why);
    });
  }
  for (size_t i = 0; i < groups.groups().size(); ++i) {
    const FindingGroups::Group &g = groups.groups()[i];
    Diagnostic &d = ctx.report(rule, severity, g.loc, g.message() + options.tail);
    if (options.note)
      d.notes.push_back(LintContext::note(rule, options.note->first, options.note->second));
    if (i < closes.size() && closes[i])
      d.notes.push_back(std::move(*closes[i]));
  }
}

} // namespace moat::lint
