// read-secrets: credentials are readable; an error when the policy also
// lets data out, a warning otherwise (a secret that cannot leave today
// leaves with the next allowed domain).
// Knowledge: lint/data/secrets.txt, lint/data/exfil-domains.txt.
// Docs: docs/rules/read-secrets.md.
#include "lint/rules/ReadSecrets.h"

#include "lint/Egress.h"
#include "lint/PathProbe.h"

namespace moat::lint {

void checkReadSecrets(const LintContext &ctx, const RuleInfo &self) {
  ProbeOptions options;
  options.access = ir::Access::Read;
  options.policyNames = false; // a file the policy names inside ~/.ssh is not a key because of it
  if (auto egress = findEgress(ctx)) {
    options.severity = Severity::Error;
    options.tail = "; and the policy lets data out: " + egress->what;
    options.note = std::pair{egress->loc, std::string("data can leave through here")};
  }
  reportOpen(ctx, self, secretPaths(), options);
}

} // namespace moat::lint
