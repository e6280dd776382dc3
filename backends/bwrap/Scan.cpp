#include "backends/bwrap/Scan.h"

#include <algorithm>
#include <string_view>

namespace moat::backends::bwrap {

namespace {

bool isLiteralComponent(const std::string &c) { return c != "**" && !fs::hasGlobChars(c); }

class Walker {
public:
  Walker(const Disk &disk, const std::vector<GlobRule> &globs, const WalkRequest &request, WalkFindings &out)
      : disk_(disk), globs_(globs), request_(request), out_(out) {}

  void run() {
    Disk::Info info = disk_.lstat(request_.root);
    if (info.type == Disk::Type::Missing)
      return;
    for (std::string_view c : splitComponents(request_.root))
      components_.emplace_back(c);
    visit(request_.root, info);
  }

private:
  static std::vector<std::string_view> splitComponents(std::string_view path) {
    std::vector<std::string_view> out;
    size_t start = 1;
    while (start < path.size()) {
      size_t slash = path.find('/', start);
      if (slash == std::string_view::npos)
        slash = path.size();
      if (slash > start)
        out.push_back(path.substr(start, slash - start));
      start = slash + 1;
    }
    return out;
  }

  void visit(const std::string &path, const Disk::Info &info) {
    ++out_.entries;
    std::vector<std::string_view> parts(components_.begin(), components_.end());
    std::string_view name = parts.empty() ? std::string_view() : parts.back();
    // Every match is reported, also beneath another match of the same
    // glob: a glob matching a path itself outranks a more specific rule that
    // covers it from an ancestor (docs/semantics.md, "Specificity"), so
    // `/r/h/hooks/hooks` under `allow "/r/h/hooks"` needs a mount of its own.
    for (size_t i = 0; i < request_.globs.size(); ++i) {
      const GlobRule &g = globs_[request_.globs[i]];
      if ((g.lastLiteral.empty() || g.lastLiteral == name) && g.full.matches(parts, 0, false))
        out_.matches.emplace_back(request_.globs[i], path);
      if (g.parent && info.type == Disk::Type::Dir &&
          (g.parentLastLiteral.empty() || g.parentLastLiteral == name) && g.parent->matches(parts, 0, false))
        out_.anchors.emplace_back(request_.globs[i], path);
    }
    if (info.type == Disk::Type::File && request_.writable && info.nlink > 1)
      out_.hardLinks.push_back({path, info});
    if (info.type == Disk::Type::Dir)
      visitChildren(path);
  }

  void visitChildren(const std::string &path) {
    // The kernel's own trees: nothing a policy protects lives there, and
    // the sandbox gets its own /proc and /dev.
    if (path == "/proc" || path == "/sys" || path == "/dev")
      return;
    auto entries = disk_.listEntries(path);
    if (!entries) {
      if (request_.writable)
        out_.unreadable.push_back(path);
      return;
    }
    for (const Disk::Entry &e : *entries) {
      std::string child = joinPath(path, e.name);
      // lstat only where the walk needs more than the type: unknown types,
      // and the link count of files in a writable tree.
      Disk::Info info;
      info.type = e.type;
      if (e.type == Disk::Type::Missing || (e.type == Disk::Type::File && request_.writable))
        info = disk_.lstat(child);
      if (info.type == Disk::Type::Missing)
        continue; // removed while we looked
      components_.push_back(e.name);
      visit(child, info);
      components_.pop_back();
    }
  }

  const Disk &disk_;
  const std::vector<GlobRule> &globs_;
  const WalkRequest &request_;
  WalkFindings &out_;
  std::vector<std::string> components_;
};

} // namespace

std::optional<GlobRule> compileGlobRule(const ir::FsRule &rule, const fs::PathPattern &bound, std::string &error) {
  auto full = fs::PathGlob::compile(bound.components, error);
  if (!full)
    return std::nullopt;
  GlobRule g{&rule, "/", std::move(*full), "", std::nullopt, "", ""};
  size_t i = 0;
  for (; i < bound.components.size() && isLiteralComponent(bound.components[i]); ++i)
    g.prefix = joinPath(g.prefix, fs::unescapeGlobLiteral(bound.components[i]));
  const std::vector<std::string> &c = bound.components;
  if (!c.empty() && isLiteralComponent(c.back())) {
    g.lastLiteral = fs::unescapeGlobLiteral(c.back());
    size_t after = c.size() - i; // components after the literal prefix
    if (after >= 2 && c[i] == "**" && std::all_of(c.begin() + i + 1, c.end(), isLiteralComponent))
      for (size_t j = i + 1; j < c.size(); ++j)
        g.fixedTail += (g.fixedTail.empty() ? "" : "/") + fs::unescapeGlobLiteral(c[j]);
    // Only a parent glob whose last name is literal (`/**/.git` for
    // `/**/.git/hooks`) anchors. One ending in a wildcard matches every
    // directory beneath it (`/**` for `/**/.bashrc`, `/**/.git/modules/**`
    // for `/**/.git/modules/**/hooks`: every object directory of a
    // submodule), and a placeholder in each would make the plan grow with
    // the host; a fixed tail is placed in ~ and the launch directory instead.
    if (after >= 2 && isLiteralComponent(c[c.size() - 2])) {
      std::vector<std::string> parentParts(c.begin(), c.end() - 1);
      g.parent = fs::PathGlob::compile(parentParts, error);
      if (!g.parent)
        return std::nullopt;
      g.parentLastLiteral = fs::unescapeGlobLiteral(parentParts.back());
    }
  }
  return g;
}

void walk(const Disk &disk, const std::vector<GlobRule> &globs, const WalkRequest &request, WalkFindings &findings) {
  Walker(disk, globs, request, findings).run();
}

} // namespace moat::backends::bwrap
