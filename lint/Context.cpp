#include "lint/Context.h"

#include "lint/Background.h"

#include "compiler/fs/Glob.h"
#include "compiler/fs/PathPattern.h"

#include <cstdlib>
#include <set>

namespace moat::lint {

LintContext::LintContext(const ir::Policy &policy, DiagnosticEngine &diags, const LintOptions &options)
    : policy_(policy), diags_(diags), options_(options) {}

LintContext::~LintContext() = default;

void LintContext::setBackground(std::unique_ptr<BackgroundFindings> background) {
  background_ = std::move(background);
}

std::unique_ptr<LintContext> LintContext::create(const ir::Policy &policy, DiagnosticEngine &diags,
                                                 const LintOptions &options, std::string &error) {
  std::unique_ptr<LintContext> ctx(new LintContext(policy, diags, options));
  for (auto [name, value] : {std::pair{"HOME", kModelHome}, {"CWD", kModelCwd}, {"TMPDIR", kModelTmp}})
    if (!ctx->bindings_.define(name, value, error))
      return nullptr;
  ctx->linux_ = eval::Evaluator::create(policy, ctx->bindings_, ir::Platform::Linux, error);
  if (!ctx->linux_)
    return nullptr;
  ctx->macos_ = eval::Evaluator::create(policy, ctx->bindings_, ir::Platform::MacOS, error);
  if (!ctx->macos_)
    return nullptr;
  ctx->platforms_ = policy.runtimePlatform;
  if (options.moatTwin) {
    ctx->twinLinux_ = eval::Evaluator::create(*options.moatTwin, ctx->bindings_, ir::Platform::Linux, error);
    ctx->twinMacos_ = eval::Evaluator::create(*options.moatTwin, ctx->bindings_, ir::Platform::MacOS, error);
    if (!ctx->twinLinux_ || !ctx->twinMacos_)
      return nullptr;
  }
  for (const ir::FsRule &rule : policy.fsRules) {
    if (rule.effect != ir::Effect::Allow || rule.access != ir::Access::Write)
      continue;
    auto bound = eval::bindPatternParts(policy, ctx->bindings_, rule.pattern, error);
    if (!bound)
      return nullptr;
    ctx->allowWrites_.push_back(std::move(*bound));
  }
  for (const ir::UnixSocketRule &rule : policy.unixSockets) {
    if (rule.effect != ir::Effect::Allow)
      continue;
    auto bound = eval::bindPatternParts(policy, ctx->bindings_, rule.path, error);
    std::optional<fs::PatternMatcher> matcher;
    if (bound)
      matcher = fs::PatternMatcher::compile(*bound, error);
    if (!matcher)
      return nullptr;
    ctx->socketAllows_.emplace_back(&rule, std::move(*matcher));
  }
  return ctx;
}

std::string LintContext::bind(std::string_view knowledgePath) const {
  std::string error;
  auto abs = eval::resolveQueryPath(policy_, bindings_, knowledgePath, error);
  if (!abs) { // knowledge paths are validated when the lists load
    std::fprintf(stderr, "moat: internal error: knowledge path '%.*s': %s\n",
                 static_cast<int>(knowledgePath.size()), knowledgePath.data(), error.c_str());
    std::abort();
  }
  return *abs;
}

std::optional<std::string> LintContext::bindLiteral(const fs::PathPattern &pattern) const {
  if (pattern.isGlob())
    return std::nullopt;
  std::string error;
  return eval::bindPattern(policy_, bindings_, pattern, error);
}

std::string LintContext::display(std::string_view absPath) const {
  auto under = [&](std::string_view root) {
    return absPath.substr(0, root.size()) == root &&
           (absPath.size() == root.size() || absPath[root.size()] == '/');
  };
  if (under(kModelCwd))
    return "$CWD" + std::string(absPath.substr(std::string_view(kModelCwd).size()));
  if (under(kModelHome))
    return "~" + std::string(absPath.substr(std::string_view(kModelHome).size()));
  return std::string(absPath);
}

namespace {
// The first platform (Linux, then macOS, among `platforms`) on which `open`
// returns a decision, and whether every platform considered opens it too.
template <typename Opening, typename Open>
std::optional<Opening> firstOpening(const eval::Evaluator &onLinux, const eval::Evaluator &onMacos,
                                    ir::Platform platforms, Open open) {
  std::optional<Opening> first;
  bool every = true;
  for (auto [platform, ev] : {std::pair{ir::Platform::Linux, &onLinux}, {ir::Platform::MacOS, &onMacos}}) {
    if (platforms != ir::Platform::Any && platforms != platform)
      continue;
    auto decision = open(*ev);
    if (!decision) {
      every = false;
      continue;
    }
    if (!first)
      first = Opening{platform, true, *decision};
  }
  if (first)
    first->everyPlatform = every;
  return first;
}
} // namespace

std::optional<FsOpening> LintContext::fsOpen(std::string_view absPath, ir::Access access,
                                             ir::Platform platforms) const {
  if (platforms_ != ir::Platform::Any && platforms != ir::Platform::Any && platforms != platforms_)
    return std::nullopt; // a question about a platform the runtime is not judged on
  if (platforms == ir::Platform::Any)
    platforms = platforms_;
  return firstOpening<FsOpening>(*linux_, *macos_, platforms,
                                 [&](const eval::Evaluator &ev) -> std::optional<eval::FsDecision> {
                                   eval::FsDecision d = ev.decide(absPath, access);
                                   if (d.effect != ir::Effect::Allow)
                                     return std::nullopt;
                                   return d;
                                 });
}

bool LintContext::projectWritable() const {
  return fsOpen(std::string(kModelCwd) + "/moat-probe", ir::Access::Write).has_value();
}

std::optional<std::string> instantiate(std::string_view component) {
  if (component == "**")
    return std::nullopt;
  std::string error;
  auto tokens = fs::parseGlobComponent(component, error);
  if (!tokens)
    return std::nullopt;
  std::string name;
  for (const fs::GlobToken &t : *tokens) {
    switch (t.kind) {
    case fs::GlobToken::Kind::Literal:
      name += static_cast<char>(t.byte);
      break;
    case fs::GlobToken::Kind::AnyRun:
      name += 'x';
      break;
    case fs::GlobToken::Kind::AnyByte:
      name += 'x';
      break;
    case fs::GlobToken::Kind::Class: {
      bool found = false;
      for (int c = 0x21; c < 0x7f && !found; ++c)
        if (c != '/' && t.matchesByte(static_cast<unsigned char>(c))) {
          name += static_cast<char>(c);
          found = true;
        }
      if (!found)
        return std::nullopt;
      break;
    }
    }
  }
  if (name.empty() || name == "." || name == "..")
    name = "x" + name;
  return name;
}

std::vector<std::string> LintContext::writeProbeNames(std::string_view absDir, bool literalOnly) const {
  std::vector<std::string_view> dir = fs::splitPath(absDir);
  std::set<std::string> names;
  for (const fs::PathPattern &p : allowWrites_) {
    bool doubleStar = false;
    for (const std::string &c : p.components)
      doubleStar |= p.isGlob() && c == "**";
    if (!doubleStar && p.components.size() <= dir.size())
      continue; // it covers the whole directory or lies elsewhere: generic probes decide
    bool leads = true;
    for (size_t i = 0; i < dir.size() && i < p.components.size() && leads; ++i) {
      const std::string &c = p.components[i];
      if (p.isGlob() && fs::hasGlobChars(c))
        break; // a wildcard on the way may lead anywhere
      leads = (p.isGlob() ? fs::unescapeGlobLiteral(c) : c) == dir[i];
    }
    if (!leads)
      continue;
    std::optional<std::string> name;
    if (!p.isGlob())
      name = p.components[dir.size()];
    else if (!doubleStar && !fs::hasGlobChars(p.components[dir.size()]))
      name = fs::unescapeGlobLiteral(p.components[dir.size()]);
    else if (literalOnly)
      continue;
    else if (doubleStar)
      name = instantiate(p.components.back());
    else
      name = instantiate(p.components[dir.size()]);
    if (name)
      names.insert(*name);
  }
  return std::vector<std::string>(names.begin(), names.end());
}

SourceLoc LintContext::fileStart() const {
  if (policy_.sourceFiles.empty())
    return {};
  const llvm::SourceMgr &mgr = diags_.files().mgr();
  for (unsigned b = 1; b <= mgr.getNumBuffers(); ++b)
    if (diags_.files().name(b) == policy_.sourceFiles.front())
      return SourceLoc{b, 1, 1};
  return {};
}

SourceLoc LintContext::defaultLoc(SourceLoc setAt) const {
  if (setAt.valid())
    return setAt;
  if (policy_.nameLoc.valid())
    return policy_.nameLoc;
  return fileStart();
}

SourceLoc LintContext::optionLoc(ir::OptionId id) const {
  const auto &setting = policy_.options.get(id);
  if (setting && setting->loc.valid())
    return setting->loc;
  return defaultLoc({});
}

SourceLoc LintContext::locate(const eval::FsDecision &d, ir::Access access) const {
  switch (d.by) {
  case eval::DecidedBy::Rule:
    if (d.rule && d.rule->prov.loc.valid())
      return d.rule->prov.loc;
    return defaultLoc({});
  case eval::DecidedBy::Disabled:
    if (policy_.options.flag(ir::OptionId::SandboxDisabled))
      return optionLoc(ir::OptionId::SandboxDisabled);
    return optionLoc(ir::OptionId::FilesystemDisabled);
  case eval::DecidedBy::Default:
    break;
  }
  return defaultLoc(access == ir::Access::Read ? policy_.defaults.readLoc : policy_.defaults.writeLoc);
}

Diagnostic &LintContext::report(const RuleInfo &rule, SourceLoc loc, std::string message) const {
  return report(rule, rule.severity, loc, std::move(message));
}

Diagnostic &LintContext::report(const RuleInfo &rule, Severity severity, SourceLoc loc, std::string message) const {
  return diags_.add(Diagnostic{DiagKind::Finding, severity, rule.id, loc, std::move(message), {}});
}

Diagnostic LintContext::note(const RuleInfo &rule, SourceLoc loc, std::string message) {
  return Diagnostic{DiagKind::Finding, Severity::Note, rule.id, loc, std::move(message), {}};
}

std::optional<NetOpening> LintContext::connectOpen(const net::CanonicalHost &host, uint16_t port) const {
  return firstOpening<NetOpening>(*linux_, *macos_, platforms_,
                                  [&](const eval::Evaluator &ev) -> std::optional<eval::NetDecision> {
                                    eval::NetDecision d = ev.decide(host, port);
                                    if (d.outcome == eval::NetDecision::Outcome::Deny)
                                      return std::nullopt;
                                    return d;
                                  });
}

std::optional<SocketOpening> LintContext::socketOpen(std::string_view absPath, ir::Platform platforms) const {
  if (platforms_ != ir::Platform::Any && platforms != ir::Platform::Any && platforms != platforms_)
    return std::nullopt;
  if (platforms == ir::Platform::Any)
    platforms = platforms_;
  std::optional<SocketOpening> first;
  bool both = true;
  for (auto [platform, ev] : {std::pair{ir::Platform::Linux, linux_.get()}, {ir::Platform::MacOS, macos_.get()}}) {
    if (platforms != ir::Platform::Any && platforms != platform)
      continue;
    if (!ev->unixSocketAllowed(absPath)) {
      both = false;
      continue;
    }
    if (first)
      continue;
    SocketOpening o;
    auto norm = fs::normaliseAbsolute(absPath);
    std::vector<std::string_view> parts = norm ? fs::splitPath(*norm) : std::vector<std::string_view>{};
    if (policy_.options.flag(ir::OptionId::SandboxDisabled)) {
      o.why = SocketOpening::Why::Disabled;
      o.loc = optionLoc(ir::OptionId::SandboxDisabled);
    } else {
      for (const auto &[rule, matcher] : socketAllows_)
        if ((rule->platform == ir::Platform::Any || rule->platform == platform) && matcher.matches(parts)) {
          o.rule = rule;
          o.loc = rule->prov.loc.valid() ? rule->prov.loc : defaultLoc({});
          break;
        }
      if (!o.rule) {
        o.why = SocketOpening::Why::AllowAll;
        o.loc = optionLoc(ir::OptionId::AllowAllUnixSockets);
      }
    }
    o.where = platform == ir::Platform::MacOS ? " (on macOS)" : " (on Linux)";
    first = o;
  }
  if (first && both)
    first->where.clear();
  return first;
}

SourceLoc LintContext::locate(const eval::NetDecision &d) const {
  switch (d.by) {
  case eval::DecidedBy::Rule:
    if (d.rule && d.rule->prov.loc.valid())
      return d.rule->prov.loc;
    return defaultLoc({});
  case eval::DecidedBy::Disabled:
    return optionLoc(ir::OptionId::SandboxDisabled);
  case eval::DecidedBy::Default:
    break;
  }
  return defaultLoc(policy_.defaults.connectLoc);
}

std::string LintContext::platformSuffix(const FsOpening &o) {
  if (o.everyPlatform)
    return "";
  return o.platform == ir::Platform::MacOS ? " (on macOS)" : " (on Linux)";
}

} // namespace moat::lint
