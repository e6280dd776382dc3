#include "report/Network.h"

#include "compiler/ir/GitText.h"
#include "compiler/ir/RuleText.h"
#include "compiler/verify/Witness.h"
#include "report/Verdicts.h"

namespace moat::report {

namespace {
bool applies(ir::Platform rule, ir::Platform on) { return rule == ir::Platform::Any || rule == on; }

// Any host at all: the default decides everything no rule covers, and
// `*`'s own decision is a rule's; an endpoint no rule covers shows it.
Verdict fallbackVerdict(const ir::Policy &policy, const eval::Evaluator &evaluator, ir::Platform platform,
                        const SourceFiles &files) {
  std::vector<const net::HostPattern *> covered;
  for (const ir::NetRule &r : policy.netRules)
    if (applies(r.platform, platform))
      covered.push_back(&r.host);
  if (auto uncovered = verify::findEndpoint({}, covered))
    return netVerdict(evaluator.decide(uncovered->host, uncovered->port), policy, files);
  // Every endpoint is covered by some rule: the default never decides, but
  // it is still what the policy says.
  eval::NetDecision d;
  d.by = eval::DecidedBy::Default;
  d.outcome = policy.defaults.connect == ir::NetDefault::Allow  ? eval::NetDecision::Outcome::Allow
              : policy.defaults.connect == ir::NetDefault::Ask ? eval::NetDecision::Outcome::Ask
                                                               : eval::NetDecision::Outcome::Deny;
  return netVerdict(d, policy, files);
}
} // namespace

NetworkSection buildNetwork(const ir::Policy &policy, const eval::Evaluator &evaluator, ir::Platform platform,
                            const SourceFiles &files) {
  NetworkSection section;
  for (const ir::NetRule &r : policy.netRules) {
    if (!applies(r.platform, platform))
      continue;
    NetEntry e;
    e.rule = ir::ruleText(r);
    e.location = locationText(files, r.prov.loc);
    e.layer = ir::layerName(r.prov.layer);
    e.effect = ir::effectName(r.effect);
    if (r.platform != ir::Platform::Any)
      e.platform = ir::platformName(r.platform);
    if (auto example = verify::findEndpoint({&r.host}, {})) {
      e.example = example->host.text() + ":" + std::to_string(example->port);
      e.atExample = netVerdict(evaluator.decide(example->host, example->port), policy, files);
    }
    section.rules.push_back(std::move(e));
  }
  section.fallback = fallbackVerdict(policy, evaluator, platform, files);
  for (const ir::UnixSocketRule &r : policy.unixSockets) {
    if (!applies(r.platform, platform))
      continue;
    section.sockets.push_back({std::string(ir::effectName(r.effect)) + " unix-socket " + ir::quoted(r.path.text()),
                               locationText(files, r.prov.loc), ir::layerName(r.prov.layer),
                               ir::effectName(r.effect)});
  }
  section.allSockets = policy.options.flag(ir::OptionId::AllowAllUnixSockets);
  for (const ir::GitBlock &block : policy.git)
    for (const ir::GitRemote &remote : block.remotes) {
      GitEntry g;
      g.remote = ir::gitRemoteText(remote);
      g.location = locationText(files, remote.loc);
      g.layer = ir::layerName(block.prov.layer);
      g.fetch = remote.fetch;
      if (remote.push)
        for (const ir::GitRefPattern &pattern : block.push)
          g.push.emplace_back(ir::gitPushText(pattern), locationText(files, pattern.loc));
      g.allowDelete = remote.push && block.allowDelete;
      g.allowForcePush = remote.push && block.allowForcePush;
      if (block.token)
        g.token = ir::gitTokenText(*block.token);
      section.git.push_back(std::move(g));
    }
  return section;
}

} // namespace moat::report
