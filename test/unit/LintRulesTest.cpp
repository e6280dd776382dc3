// The lint driver and the write-* rules over policies read from .moat text:
// the registry, the canonical model, locations (rule, default, disabled
// option), grouping, probing of directories, and configured $PATH entries.
#include "compiler/Frontend.h"
#include "TestScratch.h"
#include "lint/Context.h"
#include "lint/Lint.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <set>

using namespace moat;
using namespace moat::lint;

namespace {

struct Checked {
  SourceFiles files;
  DiagnosticEngine diags{files};
  std::optional<ir::Policy> policy;

  std::vector<Diagnostic> findings(std::string_view id) const {
    std::vector<Diagnostic> out;
    for (const Diagnostic &d : diags.diagnostics())
      if (d.kind == DiagKind::Finding && d.id == id)
        out.push_back(d);
    return out;
  }
};

std::unique_ptr<Checked> check(const std::string &text, const LintOptions &options = {}) {
  std::string path = test::scratchFile("lint-rules", ".moat", text);
  auto c = std::make_unique<Checked>();
  c->policy = loadPolicy(path, ir::Layer::SharedProject, c->diags);
  EXPECT_TRUE(c->policy && !c->diags.hasErrors()) << text;
  if (c->policy)
    runLint(*c->policy, c->diags, options);
  return c;
}

TEST(LintRegistry, UniqueIdsWithSummaries) {
  std::set<std::string> ids;
  for (const RuleInfo &r : lintRules()) {
    EXPECT_TRUE(ids.insert(r.id).second) << r.id;
    EXPECT_NE(std::string(r.summary), "");
    EXPECT_NE(r.check, nullptr);
    EXPECT_EQ(findLintRule(r.id), &r);
  }
  EXPECT_EQ(findLintRule("no-such-rule"), nullptr);
  for (const char *id : {"write-shell-startup", "write-path-dir", "write-git-exec", "write-agent-config",
                         "write-autostart"})
    EXPECT_TRUE(ids.count(id)) << id;
}

TEST(LintModel, HomeIsReportedProjectIsNot) {
  auto home = check("policy \"p\" {\n  allow write \"~\";\n}\n");
  auto paths = home->findings("write-path-dir");
  ASSERT_EQ(paths.size(), 1u);
  EXPECT_NE(paths[0].message.find("'~/.local/bin' is writable"), std::string::npos) << paths[0].message;
  EXPECT_EQ(paths[0].severity, Severity::Error);
  EXPECT_EQ(paths[0].loc.line, 2u);
  // ~/.bashrc is a built-in protection: not writable, not reported.
  for (const Diagnostic &d : home->findings("write-shell-startup"))
    EXPECT_EQ(d.message.find("'~/.bashrc'"), std::string::npos) << d.message;
  EXPECT_EQ(home->findings("write-autostart").size(), 1u);

  auto project = check("policy \"p\" {\n  allow write \"$CWD\";\n}\n");
  for (const Diagnostic &d : project->diags.diagnostics())
    EXPECT_EQ(d.id.rfind("write-", 0), std::string::npos) << d.message; // (read-secrets may report)
}

TEST(LintModel, DefaultWriteAllowPointsAtTheDefault) {
  auto c = check("policy \"p\" {\n  default read allow;\n  default write allow;\n}\n");
  auto f = c->findings("write-path-dir");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].loc.line, 3u);
  // Every user-level and system PATH directory is named in the one finding.
  EXPECT_NE(f[0].message.find("more"), std::string::npos);
}

TEST(LintModel, DisabledFilesystemIsOneFindingAtTheOption) {
  auto c = check("policy \"p\" {\n  set filesystem-disabled = true;\n}\n");
  for (const char *id : {"write-shell-startup", "write-path-dir", "write-git-exec", "write-agent-config",
                         "write-autostart"}) {
    auto f = c->findings(id);
    ASSERT_EQ(f.size(), 1u) << id;
    EXPECT_EQ(f[0].loc.line, 2u) << id;
    EXPECT_NE(f[0].message.find("not confined"), std::string::npos) << f[0].message;
  }
}

TEST(LintModel, ReopenedDenyCountsAsOpen) {
  auto c = check("policy \"p\" {\n  deny write \"~/.config\";\n  allow write \"~/.config/systemd\";\n}\n");
  auto f = c->findings("write-autostart");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].loc.line, 3u);
  EXPECT_NE(f[0].message.find("'~/.config/systemd/user'"), std::string::npos) << f[0].message;
}

TEST(LintModel, PlatformOnlyFindingsSaySo) {
  auto c = check("policy \"p\" {\n  on linux { allow write \"~/.local/bin\"; }\n}\n");
  auto f = c->findings("write-path-dir");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("(on Linux)"), std::string::npos) << f[0].message;
}

TEST(LintModel, ExactFileOnPathIsProbedByItsName) {
  auto c = check("policy \"p\" {\n  allow write file \"/usr/local/bin/deploy\";\n}\n");
  auto f = c->findings("write-path-dir");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("'/usr/local/bin/deploy' is writable"), std::string::npos) << f[0].message;
}

TEST(LintModel, GlobsOnlyCountForNamesThatRunCode) {
  EXPECT_TRUE(check("policy \"p\" {\n  allow write \"~/.config/autostart/*.log\";\n}\n")
                  ->findings("write-autostart")
                  .empty());
  EXPECT_EQ(check("policy \"p\" {\n  allow write \"~/.config/autostart/*.desktop\";\n}\n")
                ->findings("write-autostart")
                .size(),
            1u);
  // A glob of data files reaching a PATH directory names no command.
  EXPECT_TRUE(check("policy \"p\" {\n  allow write \"/usr/local/**/*.txt\";\n}\n")->findings("write-path-dir").empty());
}

TEST(LintModel, ConfiguredPathDirectories) {
  LintOptions options;
  options.extraPathDirs = {"/srv/tools/bin"};
  auto c = check("policy \"p\" {\n  allow write \"/srv/tools\";\n}\n", options);
  auto f = c->findings("write-path-dir");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("'/srv/tools/bin' is writable"), std::string::npos) << f[0].message;
  EXPECT_TRUE(check("policy \"p\" {\n  allow write \"/srv/tools\";\n}\n")->findings("write-path-dir").empty());

  options.extraPathDirs = {"relative/bin"};
  auto bad = check("policy \"p\" {\n  allow write \"/srv/tools\";\n}\n", options);
  auto e = bad->findings("write-path-dir");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].message.find("cannot check the configured $PATH"), std::string::npos) << e[0].message;
}

TEST(LintContextTest, InstantiateGlobComponents) {
  EXPECT_EQ(instantiate("*.desktop"), "x.desktop");
  EXPECT_EQ(instantiate("a?c"), "axc");
  EXPECT_EQ(instantiate("[!a]b"), "!b");
  EXPECT_EQ(instantiate("[k-m]"), "k");
  EXPECT_EQ(instantiate("\\*lit"), "*lit");
  EXPECT_EQ(instantiate("**"), std::nullopt);
}

TEST(LintContextTest, DisplayAndProbeNames) {
  auto c = check("policy \"p\" {\n  allow write file \"~/bin/tool\";\n  allow write \"~/**/*.sh\";\n"
                 "  allow write \"/srv\";\n}\n");
  ASSERT_TRUE(c->policy);
  std::string error;
  LintOptions options;
  auto ctx = LintContext::create(*c->policy, c->diags, options, error);
  ASSERT_TRUE(ctx) << error;
  EXPECT_EQ(ctx->display("/home/user/project/a"), "$CWD/a");
  EXPECT_EQ(ctx->display("/home/user/x"), "~/x");
  EXPECT_EQ(ctx->display("/home/username"), "/home/username");
  EXPECT_EQ(ctx->bind("~/.bashrc"), "/home/user/.bashrc");
  EXPECT_EQ(ctx->bind("$CWD/.env"), "/home/user/project/.env");
  EXPECT_EQ(ctx->writeProbeNames("/home/user/bin"), (std::vector<std::string>{"tool", "x.sh"}));
  EXPECT_EQ(ctx->writeProbeNames("/home/user/bin", true), (std::vector<std::string>{"tool"}));
  EXPECT_TRUE(ctx->writeProbeNames("/srv").empty()); // covers it whole: generic probes decide
  EXPECT_FALSE(ctx->projectWritable());
}

} // namespace

namespace {

TEST(LintReadSecrets, WarningWithoutEgressErrorWithIt) {
  auto offline = check("policy \"p\" {\n  default read allow;\n}\n");
  auto f = offline->findings("read-secrets");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Warning);
  EXPECT_TRUE(f[0].notes.empty());

  auto open = check("policy \"p\" {\n  allow connect \"pastebin.com\";\n}\n");
  f = open->findings("read-secrets");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  ASSERT_EQ(f[0].notes.size(), 1u);
  EXPECT_EQ(f[0].notes[0].loc.line, 2u);
  EXPECT_NE(f[0].message.find("'pastebin.com'"), std::string::npos) << f[0].message;
}

TEST(LintReadSecrets, AnyHostAndConfiguredHosts) {
  auto star = check("policy \"p\" {\n  allow connect \"*:443\";\n}\n");
  auto f = star->findings("read-secrets");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("connections to any host are open ('*:443' allows them)"), std::string::npos)
      << f[0].message;

  auto cidr = check("policy \"p\" {\n  allow connect \"0.0.0.0/0\";\n}\n");
  ASSERT_EQ(cidr->findings("read-secrets").size(), 1u);
  EXPECT_EQ(cidr->findings("read-secrets")[0].severity, Severity::Error);

  LintOptions options;
  options.extraExfilDomains = {"*.corp-share.example"};
  auto corp = check("policy \"p\" {\n  allow connect \"*.corp-share.example\";\n}\n", options);
  ASSERT_EQ(corp->findings("read-secrets").size(), 1u);
  EXPECT_EQ(corp->findings("read-secrets")[0].severity, Severity::Error);
  auto plain = check("policy \"p\" {\n  allow connect \"*.corp-share.example\";\n}\n");
  EXPECT_EQ(plain->findings("read-secrets")[0].severity, Severity::Warning);

  options.extraExfilDomains = {"bad host"};
  auto bad = check("policy \"p\" {\n  default read allow;\n}\n", options);
  auto b = bad->findings("read-secrets");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].severity, Severity::Error); // fail closed
  EXPECT_NE(b[0].message.find("cannot be checked"), std::string::npos) << b[0].message;
}

TEST(LintReadSecrets, HiddenSecretsAreClean) {
  auto c = check("policy \"p\" {\n  deny read \"~/.ssh\", \"~/.aws\", \"~/.gnupg\", \"~/.kube\", \"~/.docker\";\n"
                 "  deny read \"~/.config/gh\", \"~/.netrc\", \"~/.git-credentials\", \"$CWD/.env\";\n"
                 "  deny read \"~/.config/gcloud\", \"~/.azure\", \"~/.npmrc\", \"~/.pypirc\";\n"
                 "  default connect allow;\n}\n");
  EXPECT_TRUE(c->findings("read-secrets").empty());
}

} // namespace

namespace {

TEST(LintSockets, OpeningNamesTheRuleOrTheOption) {
  auto c = check("policy \"p\" {\n  allow unix-socket \"/var/run\";\n  deny unix-socket \"/var/run/docker.sock\";\n"
                 "  on macos { allow unix-socket \"/var/run/docker.sock\"; }\n}\n");
  ASSERT_TRUE(c->policy);
  std::string error;
  LintOptions options;
  auto ctx = LintContext::create(*c->policy, c->diags, options, error);
  ASSERT_TRUE(ctx) << error;
  // A deny beats every allow, on both platforms.
  EXPECT_FALSE(ctx->socketOpen("/var/run/docker.sock"));
  auto libvirt = ctx->socketOpen("/var/run/libvirt/libvirt-sock");
  ASSERT_TRUE(libvirt);
  EXPECT_EQ(libvirt->why, SocketOpening::Why::Rule);
  EXPECT_EQ(libvirt->loc.line, 2u);
  EXPECT_EQ(libvirt->where, "");
  EXPECT_FALSE(ctx->socketOpen("/run/docker.sock"));

  auto all = check("policy \"p\" {\n  set allow-all-unix-sockets = true;\n  on linux { allow unix-socket \"/tmp/x\"; }\n}\n");
  auto ctx2 = LintContext::create(*all->policy, all->diags, options, error);
  ASSERT_TRUE(ctx2) << error;
  auto o = ctx2->socketOpen("/tmp/x");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->why, SocketOpening::Why::Rule); // Linux: the rule; macOS: the option
  EXPECT_EQ(o->loc.line, 3u);
  auto other = ctx2->socketOpen("/run/docker.sock");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->why, SocketOpening::Why::AllowAll);
  EXPECT_EQ(other->loc.line, 2u);
}

TEST(LintSockets, RulesAndSeverities) {
  auto c = check("policy \"p\" {\n  allow unix-socket \"/run\";\n}\n");
  auto container = c->findings("unix-socket-container-runtime");
  ASSERT_EQ(container.size(), 1u);
  EXPECT_EQ(container[0].severity, Severity::Error);
  auto sensitive = c->findings("unix-socket-sensitive");
  ASSERT_EQ(sensitive.size(), 1u);
  EXPECT_EQ(sensitive[0].severity, Severity::Warning);
  auto broad = c->findings("unix-socket-broad");
  ASSERT_EQ(broad.size(), 1u); // one rule, reported once though it opens /run and /run/user/1000
  EXPECT_NE(broad[0].message.find("'/run' opens every socket in '/run'"), std::string::npos) << broad[0].message;

  auto disabled = check("policy \"p\" {\n  set sandbox-disabled = true;\n}\n");
  auto d = disabled->findings("unix-socket-container-runtime");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].message.find("(the sandbox is disabled)"), std::string::npos) << d[0].message;
  EXPECT_EQ(d[0].loc.line, 2u);
}

} // namespace
