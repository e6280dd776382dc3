// read-secrets: credentials are readable; an error when the policy also
// lets data out, a warning otherwise (a secret that cannot leave today
// leaves with the next allowed domain).
// The private key of a TLS-termination CA (srt/Claude
// network.tlsTerminate.caKeyPath) is always an error when readable: with it
// the process mints certificates for any host that the tools trusting that
// CA accept (outside the sandbox too, where the CA is trusted there).
// Knowledge: lint/data/secrets.txt, lint/data/exfil-domains.txt.
// Docs: docs/rules/read-secrets.md.
#include "lint/rules/ReadSecrets.h"

#include "lint/Egress.h"
#include "lint/PathProbe.h"

#include <fmt/format.h>

namespace moat::lint {

namespace {

// The CA key path as written ("/etc/srt/ca.key", "~/ca.key", "certs/ca.key")
// in the knowledge form LintContext::bind takes; relative paths resolve
// against the launch directory, as srt resolves them.
std::string knowledgeForm(const std::string &path) {
  if (path.empty() || path[0] == '/' || path.rfind("~/", 0) == 0)
    return path;
  std::string rest = path.rfind("./", 0) == 0 ? path.substr(2) : path;
  return "$CWD/" + rest;
}

void checkCaKey(const LintContext &ctx, const RuleInfo &self) {
  const auto &key = ctx.policy().options.get(ir::OptionId::TlsCaKeyPath);
  const std::string *path = key ? std::get_if<std::string>(&key->value) : nullptr;
  if (!path || path->empty())
    return;
  std::string abs = ctx.bind(knowledgeForm(*path));
  auto open = ctx.fsOpen(abs, ir::Access::Read);
  if (!open)
    return;
  Diagnostic &d = ctx.report(
      self, Severity::Error, ctx.optionLoc(ir::OptionId::TlsCaKeyPath),
      fmt::format("'{}', the TLS-termination CA's private key, is readable{}: the process can mint a certificate "
                  "for any host that every tool trusting this CA accepts (outside the sandbox too, where the CA is "
                  "trusted there); deny reading it, or keep it outside every readable path",
                  ctx.display(abs), LintContext::platformSuffix(*open)));
  d.notes.push_back(LintContext::note(self, ctx.locate(open->decision, ir::Access::Read),
                                      open->decision.by == eval::DecidedBy::Rule
                                          ? "this rule lets the sandbox read it"
                                          : "reads are allowed by default: no rule denies this one"));
}

// A git block's `token file` is the credential moat run's git proxy
// attaches upstream so that the sandbox never holds it: readable inside, the
// block's whole point is lost (the sandbox pushes anywhere the token may,
// through any way out). Like any other secret: an error when data can
// leave (`egress`), a warning otherwise; at what lets it be read.
void checkGitTokenFiles(const LintContext &ctx, const RuleInfo &self, const std::optional<Egress> &egress) {
  for (const ir::GitBlock &block : ctx.policy().git) {
    if (!block.token || block.token->kind != ir::GitToken::Kind::File)
      continue;
    std::optional<std::string> abs = ctx.bindLiteral(block.token->file);
    if (!abs)
      continue; // an unbound root: reported as such by the commands that bind
    auto open = ctx.fsOpen(*abs, ir::Access::Read);
    if (!open)
      continue;
    bool byRule = open->decision.by == eval::DecidedBy::Rule;
    Diagnostic &d = ctx.report(
        self, egress ? Severity::Error : Severity::Warning, ctx.locate(open->decision, ir::Access::Read),
        fmt::format("'{}', the token file of a git block, is readable{}{}: moat run's git proxy keeps the token "
                    "out of the sandbox only if the sandbox cannot read the file; deny reading it{}",
                    ctx.display(*abs), LintContext::platformSuffix(*open),
                    byRule ? " by this rule" : " (reads are allowed by default)",
                    egress ? "; and the policy lets data out: " + egress->what : ""));
    d.notes.push_back(LintContext::note(self, block.token->loc, "the git block reads its token from here"));
    if (egress)
      d.notes.push_back(LintContext::note(self, egress->loc, "data can leave through here"));
  }
}

} // namespace

void checkReadSecrets(const LintContext &ctx, const RuleInfo &self) {
  ProbeOptions options;
  options.access = ir::Access::Read;
  options.policyNames = false; // a file the policy names inside ~/.ssh is not a key because of it
  std::optional<Egress> egress = findEgress(ctx);
  if (egress) {
    options.severity = Severity::Error;
    options.tail = "; and the policy lets data out: " + egress->what;
    options.note = std::pair{egress->loc, std::string("data can leave through here")};
  }
  reportOpen(ctx, self, secretPaths(), options);
  checkCaKey(ctx, self);
  checkGitTokenFiles(ctx, self, egress);
}

} // namespace moat::lint
