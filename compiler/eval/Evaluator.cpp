// The filesystem and unix-socket decisions of the reference evaluator. The
// network decision lives in EvaluatorNet.cpp.
#include "compiler/eval/Evaluator.h"

#include "compiler/eval/FsEvaluator.h"

namespace moat::eval {

Evaluator::Evaluator(const ir::Policy &policy, ir::Platform platform)
    : policy_(policy), platform_(platform) {}

Evaluator::~Evaluator() = default;

std::unique_ptr<Evaluator> Evaluator::create(const ir::Policy &policy, const Bindings &bindings,
                                             ir::Platform platform, std::string &error) {
  std::unique_ptr<Evaluator> ev(new Evaluator(policy, platform));
  ev->fs_ = FsEvaluator::create(policy, bindings, platform, error);
  if (!ev->fs_)
    return nullptr;
  std::vector<NetRuleView> netRules;
  for (const ir::NetRule &rule : policy.netRules) {
    bool applies = rule.platform == ir::Platform::Any || rule.platform == platform;
    netRules.push_back(NetRuleView{rule.effect, applies ? &rule.host : nullptr});
  }
  ev->net_ = NetDecider(std::move(netRules));
  for (const ir::UnixSocketRule &rule : policy.unixSockets) {
    std::string why;
    auto bound = bindPatternParts(policy, bindings, rule.path, why);
    std::optional<fs::PatternMatcher> matcher;
    if (bound)
      matcher = fs::PatternMatcher::compile(*bound, why);
    if (!matcher) {
      error = "cannot bind unix socket '" + rule.path.text() + "': " + why;
      return nullptr;
    }
    if (rule.platform == ir::Platform::Any || rule.platform == platform)
      ev->sockets_.emplace_back(&rule, std::move(*matcher));
  }
  return ev;
}

FsDecision Evaluator::decide(std::string_view path, ir::Access access) const {
  FsDecision d;
  if (policy_.options.flag(ir::OptionId::SandboxDisabled) ||
      policy_.options.flag(ir::OptionId::FilesystemDisabled)) {
    d.effect = ir::Effect::Allow;
    d.by = DecidedBy::Disabled;
    return d;
  }
  auto norm = fs::normaliseAbsolute(path);
  if (!norm) {
    d.effect = ir::Effect::Deny; // fail closed on a path we cannot interpret
    d.by = DecidedBy::Default;
    return d;
  }
  if (auto m = fs_->decide(fs::splitPath(*norm), access)) {
    d.effect = m->rule->effect;
    d.by = DecidedBy::Rule;
    d.rule = m->rule;
    return d;
  }
  d.effect = access == ir::Access::Read ? policy_.defaults.read : policy_.defaults.write;
  d.by = DecidedBy::Default;
  return d;
}

std::vector<const ir::FsRule *> Evaluator::matchingFsRules(std::string_view path,
                                                           ir::Access access) const {
  std::vector<const ir::FsRule *> out;
  auto norm = fs::normaliseAbsolute(path);
  if (!norm)
    return out;
  for (const FsMatch &m : fs_->matching(fs::splitPath(*norm), access))
    out.push_back(m.rule);
  return out;
}

bool Evaluator::unixSocketAllowed(std::string_view path) const {
  if (policy_.options.flag(ir::OptionId::SandboxDisabled))
    return true;
  auto norm = fs::normaliseAbsolute(path);
  if (!norm)
    return false;
  std::vector<std::string_view> parts = fs::splitPath(*norm);
  bool allowed = policy_.options.flag(ir::OptionId::AllowAllUnixSockets);
  for (const auto &[rule, matcher] : sockets_) {
    if (!matcher.matches(parts))
      continue;
    if (rule->effect == ir::Effect::Deny)
      return false; // an explicit deny beats every allow
    allowed = true;
  }
  return allowed;
}

} // namespace moat::eval
