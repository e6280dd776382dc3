// The bwrap target's driver: the rules and the disk become plan requests, the
// planner (MountPlan.cpp) turns them into mounts, and what bubblewrap cannot
// express becomes `unenforceable-rule` warnings. See docs/backends.md.
#include "backends/bwrap/Bwrap.h"

#include "backends/bwrap/Disk.h"
#include "backends/bwrap/MountPlan.h"
#include "backends/bwrap/Render.h"
#include "backends/bwrap/Scan.h"

#include <llvm/Support/JSON.h>

#include <algorithm>
#include <map>
#include <set>

namespace moat::backends::bwrap {

bool knownFormat(const std::string &format) {
  return format.empty() || format == "args" || format == "json" || format == "shell";
}

namespace {

// Protected names that are directories when they exist: a placeholder for
// one is an empty read-only directory (so tools that later create files in
// it on the host still can), for anything else it is an empty file.
bool directoryName(std::string_view name) {
  static const char *const names[] = {".vscode", ".idea", "hooks", "commands", "agents", "fish", "git"};
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

std::string baseName(const std::string &path) { return path.substr(path.rfind('/') + 1); }

const char *reasonId(TightenReason r) {
  switch (r) {
  case TightenReason::WriteWithoutRead: return "write-without-read";
  case TightenReason::DirectoryAndContents: return "directory-and-contents";
  case TightenReason::SymlinkTarget: return "symlink-target";
  case TightenReason::SymlinkInWritableDir: return "symlink-in-writable-directory";
  case TightenReason::HardLink: return "hard-link";
  case TightenReason::Unreadable: return "unreadable-directory";
  case TightenReason::CannotCreate: return "cannot-create";
  case TightenReason::PlaceholderDirectory: return "placeholder-directory";
  case TightenReason::NamesDecidedByGlob: return "names-decided-by-glob";
  }
  return "";
}

const char *reasonText(TightenReason r) {
  switch (r) {
  case TightenReason::WriteWithoutRead:
    return "bwrap cannot grant write access without read access, so writes are refused where reads are denied";
  case TightenReason::DirectoryAndContents:
    return "a bwrap mount covers a directory and its contents alike, so where the two are decided differently "
           "the stricter decision applies to both";
  case TightenReason::SymlinkTarget:
    return "bwrap mounts act on the file a path leads to, so where a symbolic link and its target are decided "
           "differently the stricter decision applies";
  case TightenReason::SymlinkInWritableDir:
    return "a symbolic link on the way to a write-protected path sits in a writable directory; bwrap cannot "
           "protect the link itself, so that directory is made read-only";
  case TightenReason::HardLink:
    return "files with more than one hard link in a writable tree are made read-only, since another name of "
           "the same file may be protected";
  case TightenReason::Unreadable:
    return "directories moat cannot read in a writable tree are made read-only, since protected paths inside "
           "cannot be found";
  case TightenReason::CannotCreate:
    return "bwrap cannot create a path whose parent the sandbox cannot write, so writes there are refused";
  case TightenReason::PlaceholderDirectory:
    return "a missing directory above a protected path becomes an empty read-only placeholder (bwrap cannot pin "
           "a directory that does not exist yet), so nothing can be created in it";
  case TightenReason::NamesDecidedByGlob:
    return "a glob decides some names in this directory differently from others, and bwrap cannot mount by "
           "name pattern, so names that do not exist yet get the stricter decision";
  }
  return "";
}

class Builder {
public:
  Builder(const Disk &disk, const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags,
          BuildResult &result)
      : policy_(policy), options_(options), diags_(diags), result_(result), disk_(&disk) {}

  void run(Plan *planOut) {
    if (!knownFormat(options_.format)) {
      diags_.report(DiagKind::UnknownFormat, SourceLoc{}, "bwrap", options_.format, "args, json, shell");
      return;
    }
    std::string error;
    ev_ = eval::Evaluator::create(policy_, options_.bindings, ir::Platform::Linux, error);
    if (!ev_) {
      diags_.report(DiagKind::UnboundRoot, SourceLoc{}, error);
      return;
    }
    // With the filesystem unconfined there is nothing to mount but /.
    if (ev_->decide("/", ir::Access::Read).by != eval::DecidedBy::Disabled) {
      collectRules();
      scan();
      addProcEntries();
    }
    if (diags_.hasErrors())
      return;
    Plan plan = planMounts(*ev_, *disk_, requests_);
    for (const std::string &e : plan.errors)
      diags_.report(DiagKind::BackendRefused, SourceLoc{}, e);
    if (!plan.errors.empty())
      return;
    reportTightenings(plan);
    reportGlobs(plan);
    reportNetwork();
    reportHardLinks();
    reportOptions();
    render(plan);
    if (planOut)
      *planOut = std::move(plan);
  }

private:
  bool onLinux(ir::Platform p) const { return p == ir::Platform::Any || p == ir::Platform::Linux; }

  bool genericallyAllowed(const std::string &path, ir::Access access) const {
    for (const std::string &probe : genericChildNames())
      if (ev_->decide(joinPath(path, probe), access).effect != ir::Effect::Allow)
        return false;
    return true;
  }

  std::optional<std::string> rootValue(const char *name) const {
    std::string error;
    auto v = eval::resolveRoot(policy_, options_.bindings, name, error);
    if (!v || v->empty())
      return std::nullopt;
    return v;
  }

  void notApplied(const ir::FsRule &rule, const std::string &path) {
    if (isWithin(path, "/dev"))
      diags_.report(DiagKind::UnenforceableRule, rule.prov.loc,
                    "'" + rule.pattern.text() + "' is under /dev: the sandbox gets its own /dev with a few "
                    "device nodes and never sees the host's, so bwrap does not apply this rule");
    else
      diags_.report(DiagKind::UnenforceableRule, rule.prov.loc,
                    "'" + rule.pattern.text() + "' names processes under /proc: in the sandbox /proc shows "
                    "only the sandbox's own processes, so bwrap does not apply this rule");
  }

  void collectRules() {
    for (const ir::FsRule &rule : policy_.fsRules) {
      if (!onLinux(rule.platform))
        continue;
      std::string error;
      // The evaluator has bound and compiled every rule already; should that
      // ever differ here, the rule must not be dropped silently.
      auto bound = eval::bindPatternParts(policy_, options_.bindings, rule.pattern, error);
      if (!bound) {
        diags_.report(DiagKind::BackendRefused, rule.prov.loc, "cannot bind '" + rule.pattern.text() + "': " + error);
        continue;
      }
      if (bound->isGlob()) {
        auto g = compileGlobRule(rule, *bound, error);
        if (!g) {
          diags_.report(DiagKind::BackendRefused, rule.prov.loc, "'" + rule.pattern.text() + "': " + error);
          continue;
        }
        // A glob right under /proc can match /proc/PID.
        if (isWithin(g->prefix, "/dev") || namesProcess(g->prefix) || g->prefix == "/proc") {
          notApplied(rule, g->prefix);
          continue;
        }
        globs_.push_back(std::move(*g));
        continue;
      }
      std::string path = "/";
      for (const std::string &c : bound->components)
        path = joinPath(path, c);
      if (isWithin(path, "/dev") || namesProcess(path)) {
        notApplied(rule, path);
        continue;
      }
      unsigned why = PlanRequest::Rule;
      if (directoryName(baseName(path)))
        why |= PlanRequest::DirectoryPlaceholder;
      requests_.push_back({path, why});
      literalPaths_.push_back(path);
    }
  }

  std::string physical(const std::string &path) const {
    std::string error;
    auto r = resolvePhysical(*disk_, path, error);
    return r ? r->physical : path;
  }

  void addWalk(const std::string &root, const std::vector<size_t> &globs, bool writable) {
    std::string phys = physical(root);
    for (WalkRequest &w : walks_) {
      if (w.root != phys)
        continue;
      for (size_t g : globs)
        if (std::find(w.globs.begin(), w.globs.end(), g) == w.globs.end())
          w.globs.push_back(g);
      w.writable |= writable;
      return;
    }
    walks_.push_back(WalkRequest{phys, globs, writable});
  }

  void scan() {
    std::vector<size_t> writeGlobs;
    for (size_t i = 0; i < globs_.size(); ++i)
      if (globs_[i].rule->access == ir::Access::Write)
        writeGlobs.push_back(i);
    // The writable trees: where write-protecting globs, hard links and
    // unreadable directories matter.
    std::vector<std::string> roots;
    for (const std::string &p : literalPaths_)
      if (genericallyAllowed(p, ir::Access::Write))
        roots.push_back(p);
    if (genericallyAllowed("/", ir::Access::Write))
      roots.push_back("/");
    for (const GlobRule &g : globs_)
      if (g.rule->access == ir::Access::Write && g.rule->effect == ir::Effect::Allow)
        roots.push_back(g.prefix);
    std::sort(roots.begin(), roots.end());
    std::vector<std::string> outer;
    for (const std::string &r : roots)
      if (std::none_of(outer.begin(), outer.end(), [&](const std::string &o) { return isWithin(r, o); }))
        outer.push_back(r);
    for (const std::string &r : outer)
      addWalk(r, writeGlobs, true);
    writeTrees_ = !outer.empty();
    for (size_t i = 0; i < globs_.size(); ++i)
      if (globs_[i].rule->access == ir::Access::Read)
        addWalk(globs_[i].prefix, {i}, false);
    WalkFindings found;
    for (const WalkRequest &w : walks_)
      walk(*disk_, globs_, w, found);
    for (const auto &[g, path] : found.matches) {
      requests_.push_back({path, PlanRequest::GlobMatch});
      ++matchCount_[g];
    }
    auto protecting = [&](size_t g) {
      return globs_[g].rule->effect == ir::Effect::Deny && globs_[g].rule->access == ir::Access::Write;
    };
    auto placeholder = [&](size_t g, const std::string &path) {
      std::string existing = parentPath(path);
      while (existing != "/" && disk_->lstat(existing).type == Disk::Type::Missing)
        existing = parentPath(existing);
      if (!disk_->userCanCreateIn(existing))
        return; // nobody in the sandbox can create it either (Disk.h)
      if (globs_[g].rule->prov.layer == ir::Layer::Builtin)
        builtinPlaceholders_.insert(path);
      unsigned why = PlanRequest::Placeholder;
      if (directoryName(baseName(path)))
        why |= PlanRequest::DirectoryPlaceholder;
      requests_.push_back({path, why});
    };
    for (const auto &[g, dir] : found.anchors)
      if (protecting(g))
        placeholder(g, joinPath(dir, globs_[g].lastLiteral));
    // A protected path with a fixed tail (`/**/.mcp.json`,
    // `/**/.claude/settings.json`) is read from ~ (shell and tool startup
    // files) and from the launch directory (project config that agents,
    // editors, git and direnv load): there it gets a placeholder whether or
    // not its parent exists. Where the sandbox cannot write, the planner
    // leaves the request alone. Anywhere else the plan only covers what
    // exists (and the anchors above): one placeholder per directory would
    // make the plan grow with the host, so those are left to the launcher's
    // sweep at exit.
    std::vector<std::string> homeAndCwd;
    for (const char *root : {"HOME", "CWD"})
      if (auto dir = rootValue(root))
        homeAndCwd.push_back(*dir);
    // Except inside a repository that does not exist: a read-only `.git`
    // placeholder would make `git init` fail there, and a new repository's
    // hooks and config are what the launcher's exit sweep judges.
    auto missingRepository = [&](const std::string &dir, const std::string &tail) {
      return tail.rfind(".git/", 0) == 0 && disk_->lstat(joinPath(dir, ".git")).type == Disk::Type::Missing;
    };
    for (size_t g = 0; g < globs_.size(); ++g)
      if (protecting(g) && !globs_[g].fixedTail.empty())
        for (const std::string &dir : homeAndCwd)
          if (isWithin(dir, globs_[g].prefix) && !missingRepository(dir, globs_[g].fixedTail))
            placeholder(g, joinPath(dir, globs_[g].fixedTail));
    addHardLinks(found);
    for (const std::string &s : found.unreadable)
      requests_.push_back({s, PlanRequest::Unreadable});
  }

  // Hard links: one file under several names, and a mount cannot tell them
  // apart. Writing a writable name changes the file under every name, so a
  // file that is write-protected under another name is made read-only under
  // the names found in the writable trees. The other names checked are those
  // found in the scan and the protected paths the plan knows of (rule paths,
  // glob matches, placeholder candidates such as ~/.bashrc); a mount per
  // hard-linked file would be unaffordable (bwrap's setup time grows
  // quadratically with mounts, and a local git clone has thousands).
  void addHardLinks(const WalkFindings &found) {
    using Id = std::pair<uint64_t, uint64_t>;
    std::map<Id, std::vector<const WalkFindings::HardLink *>> groups;
    for (const WalkFindings::HardLink &h : found.hardLinks)
      groups[{h.info.dev, h.info.ino}].push_back(&h);
    if (groups.empty())
      return;
    auto protectedName = [&](const std::string &path) {
      return ev_->decide(path, ir::Access::Write).effect != ir::Effect::Allow;
    };
    std::set<Id> protectedFiles;
    for (const PlanRequest &r : requests_) {
      Disk::Info info = disk_->lstat(r.path);
      if (info.type == Disk::Type::File && info.nlink > 1 && groups.count({info.dev, info.ino}) &&
          protectedName(r.path))
        protectedFiles.insert({info.dev, info.ino});
    }
    for (const auto &[id, names] : groups) {
      bool isProtected = protectedFiles.count(id) != 0 ||
                         std::any_of(names.begin(), names.end(), [&](auto *h) { return protectedName(h->path); });
      if (isProtected) {
        for (const WalkFindings::HardLink *h : names)
          requests_.push_back({h->path, PlanRequest::HardLink});
      } else if (names.size() < names.front()->info.nlink) {
        sharedFiles_ += names.size();
      }
    }
  }

  // When the policy denies reading /proc, the sandbox's own /proc still has
  // the system-wide files (cpuinfo, mounts, sys, ...): hide each one.
  void addProcEntries() {
    eval::FsDecision d = ev_->decide("/proc/" + genericChildNames()[0], ir::Access::Read);
    if (d.effect == ir::Effect::Allow)
      return;
    auto names = disk_->list("/proc");
    if (!names)
      return;
    for (const std::string &n : *names)
      if (!namesProcess("/proc/" + n))
        requests_.push_back({"/proc/" + n, PlanRequest::ProcEntry});
    SourceLoc loc = d.rule ? d.rule->prov.loc : policy_.defaults.readLoc;
    diags_.report(DiagKind::UnenforceableRule, loc,
                  "the sandbox's /proc is its own, with only its own processes: bwrap hides the system-wide "
                  "entries the policy denies, but /proc/self and the sandbox's /proc/PID stay readable");
  }

  std::string ruleText(const ir::FsRule *rule) const {
    if (!rule)
      return "default";
    if (rule->prov.layer == ir::Layer::Builtin || !rule->prov.loc.valid())
      return "builtin";
    const SourceLoc &l = rule->prov.loc;
    return std::string(diags_.files().name(l.buffer)) + ":" + std::to_string(l.line) + ":" + std::to_string(l.col);
  }

  void reportTightenings(const Plan &plan) {
    // One warning per (reason, rule): a rule can cover thousands of paths.
    std::map<std::pair<int, const ir::FsRule *>, std::vector<const Tightening *>> groups;
    for (const Tightening &t : plan.tightenings) {
      groups[{static_cast<int>(t.reason), t.rule}].push_back(&t);
      report_.tightened.push_back({t.path, ir::accessName(t.access), t.subtree ? "subtree" : "path",
                                   reasonId(t.reason), ruleText(t.rule)});
    }
    for (const auto &[key, list] : groups) {
      const Tightening &first = *list.front();
      SourceLoc loc = first.rule ? first.rule->prov.loc
                                 : (first.access == ir::Access::Read ? policy_.defaults.readLoc
                                                                      : policy_.defaults.writeLoc);
      std::string where;
      for (size_t i = 0; i < list.size() && i < 3; ++i) {
        where += i ? ", " : "";
        where += std::string(ir::accessName(list[i]->access)) + " '" + list[i]->path + "'" +
                 (list[i]->subtree ? " and beneath" : "");
      }
      if (list.size() > 3)
        where += " and " + std::to_string(list.size() - 3) + " more";
      diags_.report(DiagKind::UnenforceableRule, loc, std::string(reasonText(first.reason)) + ": refused: " + where);
    }
  }

  void reportGlobs(const Plan &plan) {
    size_t builtinGlobs = 0, builtinMatches = 0;
    for (size_t g = 0; g < globs_.size(); ++g) {
      const ir::FsRule &rule = *globs_[g].rule;
      // A glob that protects from writes matters only where writes are allowed.
      if (rule.access == ir::Access::Write && rule.effect == ir::Effect::Deny && !writeTrees_)
        continue;
      report_.uncovered.push_back({rule.pattern.text(), ir::accessName(rule.access), ir::effectName(rule.effect),
                                   ruleText(&rule)});
      if (rule.prov.layer == ir::Layer::Builtin) {
        ++builtinGlobs;
        builtinMatches += matchCount_[g];
        continue;
      }
      const char *verb = rule.effect == ir::Effect::Deny ? (rule.access == ir::Access::Read ? "hide" : "protect")
                                                         : (rule.access == ir::Access::Read ? "expose" : "open for writing");
      diags_.report(DiagKind::UnenforceableRule, rule.prov.loc,
                    "'" + rule.pattern.text() + "' is a glob: bwrap can only " + verb +
                        " the paths it matches now (" + std::to_string(matchCount_[g]) +
                        "); paths created later are not covered");
    }
    // A placeholder is for a built-in protection when it is one of their
    // paths or a missing directory above one (`$CWD/.claude` for
    // `$CWD/.claude/settings.json`).
    size_t builtinPlaceholders = 0;
    for (const std::string &p : plan.placeholders)
      builtinPlaceholders += std::any_of(builtinPlaceholders_.begin(), builtinPlaceholders_.end(),
                                         [&](const std::string &b) { return isWithin(b, p); });
    if (builtinGlobs)
      diags_.report(DiagKind::UnenforceableRule, SourceLoc{},
                    "moat's built-in protections are globs: bwrap can only protect what exists now in the writable "
                    "trees (" + std::to_string(builtinMatches) + " matching paths, " +
                        std::to_string(builtinPlaceholders) +
                        " placeholders for missing ones in ~, the launch directory and existing .git, .claude, "
                        ".ssh and .config directories); a protected path created later elsewhere, such as the "
                        "hooks of a new repository in a subdirectory, is not covered (moat run sweeps the "
                        "writable trees for them at exit)");
  }

  void reportNetwork() {
    size_t allows = 0;
    SourceLoc loc;
    for (const ir::NetRule &r : policy_.netRules)
      if (onLinux(r.platform) && r.effect == ir::Effect::Allow && allows++ == 0)
        loc = r.prov.loc;
    bool open = policy_.defaults.connect != ir::NetDefault::Deny || policy_.options.flag(ir::OptionId::SandboxDisabled);
    if (!allows && !open)
      return;
    if (!loc.valid())
      loc = policy_.defaults.connectLoc;
    std::string what = allows ? std::to_string(allows) + " allow rule" + (allows == 1 ? "" : "s") : "";
    if (open)
      what += std::string(what.empty() ? "" : " and ") + "the default for other hosts";
    diags_.report(DiagKind::UnenforceableRule, loc,
                  "the bwrap target gives the sandbox an empty network namespace (--unshare-net), so the "
                  "connections this policy allows (" + what + ") are refused until moat's proxy carries them");
  }

  void reportHardLinks() {
    if (sharedFiles_ == 0)
      return;
    diags_.report(DiagKind::UnenforceableRule, SourceLoc{},
                  std::to_string(sharedFiles_) + " file" + (sharedFiles_ == 1 ? "" : "s") +
                      " in the writable trees also " + (sharedFiles_ == 1 ? "has" : "have") +
                      " names outside them (hard links, as in a local git clone or a pnpm store): writing "
                      "one changes the file under every name, and bwrap mounts cannot tell names apart");
  }

  void reportOptions() {
    if (policy_.options.flag(ir::OptionId::WeakerNestedSandbox))
      diags_.report(DiagKind::UnenforceableRule, policy_.options.get(ir::OptionId::WeakerNestedSandbox)->loc,
                    "weaker-nested-sandbox is not honoured: the bwrap target disables nested user namespaces "
                    "(--disable-userns), so no sandbox can run inside this one");
  }

  // Paths found on disk may be any bytes but NUL; JSON strings must be UTF-8,
  // and a path quietly repaired would name another file.
  bool jsonCanCarry(const std::vector<ArgGroup> &groups) {
    std::vector<const std::string *> texts;
    for (const ArgGroup &g : groups)
      for (const std::string &a : g)
        texts.push_back(&a);
    for (const JsonReport::Tightened &t : report_.tightened)
      texts.push_back(&t.path);
    for (const JsonReport::Uncovered &u : report_.uncovered)
      texts.push_back(&u.pattern);
    for (const std::string *t : texts)
      if (!llvm::json::isUTF8(*t)) {
        diags_.report(DiagKind::BackendRefused, SourceLoc{},
                      "'" + llvm::json::fixUTF8(*t) +
                          "' is not valid UTF-8, which JSON cannot carry: use --format=args or --format=shell");
        return false;
      }
    return true;
  }

  void render(const Plan &plan) {
    std::vector<ArgGroup> groups = argumentGroups(plan);
    if (options_.format == "json") {
      if (!jsonCanCarry(groups))
        return;
      result_.output = renderJson(groups, plan, report_);
    }
    if (options_.format == "shell")
      result_.output = renderShell(groups);
    if (options_.format.empty() || options_.format == "args")
      result_.output = renderNul(groups);
    if (!plan.placeholders.empty()) {
      std::string line = "bwrap will create " + std::to_string(plan.placeholders.size()) +
                         " empty placeholder" + (plan.placeholders.size() == 1 ? "" : "s") +
                         " on the host at launch (they keep protected paths from being created):";
      for (size_t i = 0; i < plan.placeholders.size() && i < 5; ++i)
        line += " " + plan.placeholders[i];
      if (plan.placeholders.size() > 5)
        line += " and " + std::to_string(plan.placeholders.size() - 5) + " more";
      result_.advice.push_back(line);
    }
  }

  const ir::Policy &policy_;
  const BuildOptions &options_;
  DiagnosticEngine &diags_;
  BuildResult &result_;
  const Disk *disk_;
  std::unique_ptr<eval::Evaluator> ev_;
  bool writeTrees_ = false;
  std::vector<GlobRule> globs_;
  std::vector<PlanRequest> requests_;
  std::vector<std::string> literalPaths_;
  std::vector<WalkRequest> walks_;
  std::map<size_t, size_t> matchCount_;
  size_t sharedFiles_ = 0;
  std::set<std::string> builtinPlaceholders_;
  JsonReport report_;
};

} // namespace

void buildOn(const Disk &disk, const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags,
             BuildResult &result, Plan *plan) {
  Builder(disk, policy, options, diags, result).run(plan);
}

void build(const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags, BuildResult &result) {
  buildOn(*realDisk(), policy, options, diags, result);
}

} // namespace moat::backends::bwrap
