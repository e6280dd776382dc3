// "moat run closes this": when `moat check` judges an srt or Claude Code
// file by its own runtime, a finding about what that runtime leaves open
// says whether moat's semantics (the same file plus moat's built-in
// protections, without srt's Linux mount mechanics) deny the same access,
// and which rule does. The twin policy is built once per check
// (LintOptions::moatTwin); this only asks its evaluator.
#include "lint/Context.h"

#include "compiler/ir/RuleText.h"
#include "compiler/net/NameAddresses.h"
#include "compiler/sema/RuntimeProtections.h"

#include <fmt/format.h>

namespace moat::lint {

namespace {
bool startsWith(const std::string &s, std::string_view prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// Why the runtime differs here, from what decided on each side.
// `macosDenies`: the runtime's own macOS rules (no scan depth) deny it.
std::string gapReason(const ir::Policy &policy, std::string_view absPath, const eval::FsDecision &runtime,
                      const eval::FsDecision &moat, ir::Platform platform, bool macosDenies) {
  if (runtime.by == eval::DecidedBy::Rule && runtime.rule &&
      startsWith(runtime.rule->prov.origin, "write bind re-exposes"))
    return "its write bind re-exposes what denyRead hides";
  if (moat.by == eval::DecidedBy::Rule && moat.rule && moat.rule->prov.layer == ir::Layer::Builtin) {
    std::string_view cwd = kModelCwd;
    bool underCwd = absPath.substr(0, cwd.size()) == cwd && absPath.size() > cwd.size() && absPath[cwd.size()] == '/';
    int64_t depth = policy.options.number(ir::OptionId::MandatoryDenySearchDepth);
    if (!policy.options.get(ir::OptionId::MandatoryDenySearchDepth) || depth < 1)
      depth = sema::kSrtDefaultSearchDepth;
    if (!underCwd)
      return platform == ir::Platform::MacOS
                 ? std::string("its mandatory denies hold only under the launch directory")
                 : fmt::format("its mandatory denies hold only under the launch directory, to depth {}", depth);
    if (platform == ir::Platform::Linux && macosDenies)
      return fmt::format("on Linux its mandatory denies reach only to depth {} below the launch directory", depth);
    return "its mandatory denies do not name it";
  }
  if (moat.by == eval::DecidedBy::Rule && moat.rule && moat.rule->pattern.isGlob())
    return moat.rule->access == ir::Access::Write ? "it skips write globs on Linux"
                                                  : "it skips read-deny globs that start with a wildcard on Linux";
  return "";
}
} // namespace

std::optional<Diagnostic> LintContext::moatClosesNote(const RuleInfo &rule, SourceLoc at, std::string_view absPath,
                                                      ir::Access access, const FsOpening &opening) const {
  if (!twinLinux_ || policy_.runtime == ir::Runtime::Moat)
    return std::nullopt;
  const eval::Evaluator &twin = opening.platform == ir::Platform::MacOS ? *twinMacos_ : *twinLinux_;
  eval::FsDecision moat = twin.decide(absPath, access);
  if (moat.effect == ir::Effect::Allow)
    return std::nullopt;
  std::string by;
  SourceLoc loc = at;
  if (moat.by == eval::DecidedBy::Rule && moat.rule) {
    by = (moat.rule->prov.layer == ir::Layer::Builtin ? "built-in protection " : "") + ir::ruleText(*moat.rule);
    if (moat.rule->prov.loc.valid())
      loc = moat.rule->prov.loc;
  } else {
    by = std::string("the default: ") + ir::accessName(access) + " deny";
  }
  bool macosDenies = macos_->decide(absPath, access).effect == ir::Effect::Deny;
  std::string reason = gapReason(policy_, absPath, opening.decision, moat, opening.platform, macosDenies);
  return note(rule, loc,
              fmt::format("{} leaves '{}' {}{}; moat run closes this: {}", ir::runtimeName(policy_.runtime),
                          display(absPath), access == ir::Access::Read ? "readable" : "writable",
                          reason.empty() ? "" : " (" + reason + ")", by));
}

std::optional<Diagnostic> LintContext::moatClosesConnectNote(const RuleInfo &rule, SourceLoc at,
                                                             const net::CanonicalHost &host, uint16_t port,
                                                             const NetOpening &opening) const {
  if (!twinLinux_ || policy_.runtime == ir::Runtime::Moat)
    return std::nullopt;
  const eval::Evaluator &twin = opening.platform == ir::Platform::MacOS ? *twinMacos_ : *twinLinux_;
  eval::NetDecision moat = twin.decide(host, port);
  if (moat.outcome != eval::NetDecision::Outcome::Deny)
    return std::nullopt;
  std::string by = "the default: connect deny";
  SourceLoc loc = at;
  std::string reason;
  if (moat.by == eval::DecidedBy::Rule && moat.rule) {
    by = ir::ruleText(*moat.rule);
    if (moat.rule->prov.loc.valid())
      loc = moat.rule->prov.loc;
    if (moat.rule->resolvedAddressesOnly)
      reason = net::isLoopbackName(host) ? " (its deniedResolvedAddresses never binds a loopback name)"
                                         : " (its deniedResolvedAddresses never binds an IP-literal host)";
  }
  return note(rule, loc,
              fmt::format("{} lets '{}:{}' through{}; moat run closes this: {}", ir::runtimeName(policy_.runtime),
                          host.text(), port, reason, by));
}

} // namespace moat::lint
