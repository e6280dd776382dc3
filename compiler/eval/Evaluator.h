// The reference evaluator: the executable definition of moat's semantics
// (docs/semantics.md). `moat query` exposes it; every backend is tested
// against it; the proxy matches hosts with the same code.
#pragma once
#include "compiler/eval/Bindings.h"
#include "compiler/eval/NetDecide.h"
#include "compiler/fs/Glob.h"
#include "compiler/ir/Policy.h"
#include "compiler/net/Host.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace moat::eval {

enum class DecidedBy { Rule, Default, Disabled };

struct FsDecision {
  ir::Effect effect = ir::Effect::Deny;
  DecidedBy by = DecidedBy::Default;
  const ir::FsRule *rule = nullptr; // when by == Rule
};

struct NetDecision {
  // Ask only when the default decided and the default is `ask`.
  enum class Outcome { Allow, Deny, Ask } outcome = Outcome::Deny;
  DecidedBy by = DecidedBy::Default;
  const ir::NetRule *rule = nullptr;
};

class FsEvaluator; // compiled path matcher (fs rules bound to absolute paths)

// A policy with every root bound, for one platform; answers queries. The
// policy must outlive it.
class Evaluator {
public:
  static std::unique_ptr<Evaluator> create(const ir::Policy &policy, const Bindings &bindings,
                                           ir::Platform platform, std::string &error);
  ~Evaluator();

  // `path` must be absolute; it is normalised lexically (no symlinks). A
  // relative path or one with control characters is denied (by Default):
  // callers validate queries first to report a proper error.
  FsDecision decide(std::string_view path, ir::Access access) const;
  // Every rule that matches, in decision order (the first decides); empty
  // when the default decides. For `moat query`/explain and the verifier.
  std::vector<const ir::FsRule *> matchingFsRules(std::string_view path, ir::Access access) const;
  NetDecision decide(const net::CanonicalHost &host, uint16_t port) const;
  // Unix sockets: a matching deny rule refuses; else allowed when the
  // allow-all-unix-sockets option is set or a matching rule allows it;
  // else refused (the default is none). sandbox-disabled allows all.
  bool unixSocketAllowed(std::string_view path) const;

  const ir::Policy &policy() const { return policy_; }

private:
  Evaluator(const ir::Policy &policy, ir::Platform platform);
  const ir::Policy &policy_;
  ir::Platform platform_;
  std::unique_ptr<FsEvaluator> fs_;
  NetDecider net_; // the rules that apply on platform_
  // Bound unix-socket rules that apply on platform_, in policy order.
  std::vector<std::pair<const ir::UnixSocketRule *, fs::PatternMatcher>> sockets_;
};

} // namespace moat::eval
