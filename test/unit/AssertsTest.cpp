// Asserts decided over all paths and endpoints (compiler/verify/Asserts.h),
// over policies read from .moat text: counterexamples and what decided them
// (rule, default, built-in protection, disabled option), `ask`, platform
// blocks, --define-style bindings, and the shadowed-rule lint check that
// shares the decision procedure.
#include "compiler/Frontend.h"
#include "TestScratch.h"
#include "compiler/verify/Asserts.h"
#include "lint/Lint.h"

#include "TestModel.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <fstream>

using namespace moat;

namespace {

struct Loaded {
  SourceFiles files;
  DiagnosticEngine diags{files};
  std::optional<ir::Policy> policy;
};

std::unique_ptr<Loaded> load(const std::string &text) {
  std::string path = test::scratchFile("asserts", ".moat", text);
  auto l = std::make_unique<Loaded>();
  l->policy = loadPolicy(path, ir::Layer::SharedProject, l->diags);
  EXPECT_TRUE(l->policy && !l->diags.hasErrors()) << text;
  return l;
}

eval::Bindings model(const char *cwd = "/home/user/project") {
  return test::modelBindings(cwd);
}

std::vector<verify::AssertOutcome> decide(const Loaded &l, const eval::Bindings &b = model()) {
  std::string error;
  auto out = verify::checkAsserts(*l.policy, b, error);
  EXPECT_TRUE(out) << error;
  return out.value_or(std::vector<verify::AssertOutcome>{});
}

std::string policyText(const std::string &body) { return "policy \"p\" {\n" + body + "}\n"; }

TEST(Asserts, HoldsAndFailsWithACounterexample) {
  auto l = load(policyText("  deny read \"~/.ssh\";\n"
                           "  allow read file \"~/.ssh/known_hosts\";\n"
                           "  assert deny read \"~/.ssh/id_*\";\n"
                           "  assert deny read \"~/.ssh/**\";\n"));
  auto out = decide(*l);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(out[0].holds);
  ASSERT_FALSE(out[1].holds);
  EXPECT_EQ(out[1].path, "/home/user/.ssh/known_hosts");
  EXPECT_TRUE(out[1].everyPlatform);
  ASSERT_EQ(out[1].fs.by, eval::DecidedBy::Rule);
  EXPECT_EQ(out[1].fs.rule->prov.loc.line, 3u);
  auto b = model();
  EXPECT_EQ(verify::counterexampleText(b, out[1]), "~/.ssh/known_hosts is readable");
  Diagnostic d = verify::assertFailure(*l->policy, b, out[1]);
  EXPECT_EQ(d.id, "assert-failed");
  EXPECT_EQ(d.severity, Severity::Error);
  EXPECT_EQ(d.message, "assertion 'deny read \"~/.ssh/**\"' fails: ~/.ssh/known_hosts is readable");
  EXPECT_EQ(d.loc.line, 5u);
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].message, "allowed by this rule");
  EXPECT_EQ(d.notes[0].loc.line, 3u);
}

TEST(Asserts, DefaultsDecide) {
  auto l = load(policyText("  default read allow;\n  assert deny read \"~/.aws\";\n  assert allow write \"/tmp/x\";\n"));
  auto out = decide(*l);
  ASSERT_EQ(out.size(), 2u);
  ASSERT_FALSE(out[0].holds);
  EXPECT_EQ(out[0].path, "/home/user/.aws");
  EXPECT_EQ(out[0].fs.by, eval::DecidedBy::Default);
  EXPECT_EQ(verify::decidedByText(*l->policy, out[0]), "the default read allow decides it");
  Diagnostic d = verify::assertFailure(*l->policy, model(), out[0]);
  EXPECT_EQ(d.notes[0].loc.line, 2u); // at `default read allow`
  ASSERT_FALSE(out[1].holds);
  EXPECT_EQ(verify::counterexampleText(model(), out[1]), "/tmp/x is not writable");
  EXPECT_EQ(verify::assertFailure(*l->policy, model(), out[1]).notes[0].loc.valid(), false); // implicit default
}

TEST(Asserts, BuiltInProtectionsCount) {
  auto l = load(policyText("  allow write \"$CWD\";\n"
                           "  assert deny write \"$CWD/**/.git/hooks/**\";\n"
                           "  assert allow write \"$CWD/src\";\n"));
  auto out = decide(*l);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(out[0].holds);
  ASSERT_FALSE(out[1].holds);
  EXPECT_EQ(out[1].fs.by, eval::DecidedBy::Rule);
  EXPECT_FALSE(out[1].fs.rule->prov.loc.valid());
  EXPECT_EQ(verify::decidedByText(*l->policy, out[1]).rfind("denied by the built-in protection 'always deny write", 0),
            0u)
      << verify::decidedByText(*l->policy, out[1]);
  // The shortest counterexample is reported: one component below $CWD/src.
  EXPECT_EQ(std::count(out[1].path.begin(), out[1].path.end(), '/'), 5) << out[1].path;
}

TEST(Asserts, GlobSubjectsCoverDescendants) {
  // A glob subject covers what is beneath its matches: `$CWD/*.key` covers
  // $CWD/a.key/x, which the allow of the whole project decides.
  auto l = load(policyText("  default read deny;\n  allow read \"$CWD\";\n  deny read \"$CWD/**/*.key\";\n"
                           "  assert deny read \"$CWD/**/*.key\";\n  assert allow read \"$CWD/src\";\n"));
  auto out = decide(*l);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(out[0].holds);
  ASSERT_FALSE(out[1].holds);
  EXPECT_EQ(out[1].path, "/home/user/project/src/x.key");
}

TEST(Asserts, ConnectAndAsk) {
  auto l = load(policyText("  default connect ask;\n"
                           "  allow connect \"registry.npmjs.org:443\";\n"
                           "  deny connect \"*.internal\";\n"
                           "  assert allow connect \"registry.npmjs.org:443\";\n"
                           "  assert allow connect \"registry.npmjs.org\";\n"
                           "  assert deny connect \"*.internal\";\n"
                           "  assert deny connect \"github.com\";\n"));
  auto out = decide(*l);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_TRUE(out[0].holds);
  ASSERT_FALSE(out[1].holds); // other ports are asked about
  ASSERT_TRUE(out[1].endpoint);
  EXPECT_EQ(out[1].net.outcome, eval::NetDecision::Outcome::Ask);
  EXPECT_EQ(out[1].endpoint->port, 1);
  EXPECT_EQ(verify::counterexampleText(model(), out[1]), "registry.npmjs.org:1 is only asked about, not allowed");
  EXPECT_TRUE(out[2].holds);
  ASSERT_FALSE(out[3].holds); // an ask is not a deny
  EXPECT_EQ(verify::counterexampleText(model(), out[3]), "github.com:443 is asked about, not denied");
  EXPECT_EQ(verify::decidedByText(*l->policy, out[3]), "the default connect ask decides it");
}

TEST(Asserts, DenyBeatsAllowForConnect) {
  auto l = load(policyText("  allow connect \"*.example.com\";\n  deny connect \"bad.example.com\";\n"
                           "  assert allow connect \"*.example.com\";\n  assert deny connect \"*.example.com:80\";\n"));
  auto out = decide(*l);
  ASSERT_EQ(out.size(), 2u);
  ASSERT_FALSE(out[0].holds);
  EXPECT_EQ(out[0].endpoint->host.text(), "bad.example.com");
  EXPECT_EQ(out[0].net.rule->prov.loc.line, 3u);
  ASSERT_FALSE(out[1].holds);
  EXPECT_EQ(out[1].endpoint->host.text(), "x.example.com");
  EXPECT_EQ(out[1].endpoint->port, 80);
}

TEST(Asserts, PlatformBlocks) {
  auto l = load(policyText("  on linux { deny read \"/opt/secret\"; }\n"
                           "  assert deny read \"/opt/secret\";\n"
                           "  on linux { assert deny read \"/opt/secret\"; }\n"
                           "  on macos { assert allow read \"/opt/secret\"; }\n"));
  auto out = decide(*l);
  ASSERT_EQ(out.size(), 3u);
  ASSERT_FALSE(out[0].holds);
  EXPECT_EQ(out[0].platform, ir::Platform::MacOS);
  EXPECT_FALSE(out[0].everyPlatform);
  EXPECT_EQ(verify::counterexampleText(model(), out[0]), "/opt/secret is readable (on macOS)");
  EXPECT_TRUE(out[1].holds);
  EXPECT_TRUE(out[2].holds);
}

TEST(Asserts, BindingsMoveTheSubject) {
  auto l = load(policyText("  deny read \"/srv/keys\";\n  assert deny read \"$CWD/keys\";\n"));
  EXPECT_FALSE(decide(*l)[0].holds);
  EXPECT_TRUE(decide(*l, model("/srv"))[0].holds);
  auto out = decide(*l);
  EXPECT_EQ(verify::counterexampleText(model(), out[0]), "$CWD/keys is readable");
}

TEST(Asserts, DisabledConfinement) {
  auto l = load(policyText("  set filesystem-disabled = true;\n  deny read \"~/.ssh\";\n"
                           "  assert deny read \"~/.ssh\";\n  assert allow write \"/etc\";\n"));
  auto out = decide(*l);
  ASSERT_FALSE(out[0].holds);
  EXPECT_EQ(out[0].fs.by, eval::DecidedBy::Disabled);
  EXPECT_EQ(verify::decidedByText(*l->policy, out[0]), "filesystem confinement is disabled by this option");
  EXPECT_EQ(verify::assertFailure(*l->policy, model(), out[0]).notes[0].loc.line, 2u);
  EXPECT_TRUE(out[1].holds);
}

TEST(Asserts, UnboundRootIsAnError) {
  auto l = load(policyText("  assert deny read \"~/.ssh\";\n"));
  eval::Bindings none;
  std::string error;
  EXPECT_FALSE(verify::checkAsserts(*l->policy, none, error));
  EXPECT_NE(error.find("has no value"), std::string::npos) << error;
}

TEST(Asserts, TooComplexIsAnErrorNotAPass) {
  std::string glob = "/d/*a" + std::string(40, '?');
  auto l = load(policyText("  allow read \"" + glob + "\";\n  assert deny read \"" + glob + "\";\n"));
  std::string error;
  EXPECT_FALSE(verify::checkAsserts(*l->policy, model(), error));
  EXPECT_NE(error.find("too complex"), std::string::npos) << error;
}

TEST(Asserts, DisplayPath) {
  auto b = model();
  EXPECT_EQ(verify::displayPath(b, "/home/user/project/a"), "$CWD/a");
  EXPECT_EQ(verify::displayPath(b, "/home/user/project"), "$CWD");
  EXPECT_EQ(verify::displayPath(b, "/home/user/.ssh"), "~/.ssh");
  EXPECT_EQ(verify::displayPath(b, "/home/username"), "/home/username");
  EXPECT_EQ(verify::displayPath(b, "/etc"), "/etc");
}

// ---- shadowed-rule (same procedure, through the lint driver) ---------------

std::vector<Diagnostic> shadowed(const std::string &body) {
  auto l = load(policyText(body));
  lint::runLint(*l->policy, l->diags);
  std::vector<Diagnostic> out;
  for (const Diagnostic &d : l->diags.diagnostics())
    if (d.id == "shadowed-rule")
      out.push_back(d);
  return out;
}

TEST(ShadowedRule, GlobCoveredByTwoSubtrees) {
  auto f = shadowed("  allow read \"/srv/a\";\n  allow read \"/srv/b\";\n  deny read \"/srv/[ab]\";\n");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].loc.line, 4u);
  EXPECT_EQ(f[0].notes.size(), 2u);
  EXPECT_TRUE(shadowed("  allow read \"/srv/a\";\n  deny read \"/srv/[abc]\";\n").empty());
}

TEST(ShadowedRule, AlwaysTierAndBuiltIns) {
  auto f = shadowed("  allow write \"~/.bashrc\";\n  allow write \"$CWD\";\n");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].loc.line, 2u);
  EXPECT_NE(f[0].message.find("built-in protection 'always deny write \"/**/.bashrc\"'"), std::string::npos)
      << f[0].message;
  ASSERT_EQ(f[0].notes.size(), 1u);
  EXPECT_FALSE(f[0].notes[0].loc.valid());
}

TEST(ShadowedRule, OnlyWhenShadowedOnEveryPlatform) {
  EXPECT_TRUE(shadowed("  on linux { always deny read \"/opt\" because \"x\"; }\n  allow read \"/opt/x\";\n").empty());
  EXPECT_EQ(shadowed("  on linux { always deny read \"/opt\" because \"x\"; }\n"
                     "  on macos { always deny read \"/opt\" because \"x\"; }\n  allow read \"/opt/x\";\n")
                .size(),
            1u);
}

TEST(ShadowedRule, NetworkDenyWins) {
  auto f = shadowed("  allow connect \"a.example.com:443\";\n  deny connect \"*.example.com\";\n"
                    "  deny connect \"a.example.com\";\n  allow connect \"example.com\";\n");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].loc.line, 2u); // the allow under the wildcard deny
  EXPECT_EQ(f[1].loc.line, 4u); // the later, narrower deny
  // Two denies that cover each other in pieces: only the later is reported.
  auto g = shadowed("  deny connect \"a.com:1-10\";\n  deny connect \"a.com:5-20\";\n  deny connect \"a.com:1-20\";\n");
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].loc.line, 4u);
}

TEST(ShadowedRule, RulesThatDecideSomethingAreQuiet) {
  EXPECT_TRUE(shadowed("  allow write \"$CWD\";\n  deny write \"$CWD/.env\";\n  allow write file \"$CWD/.env/x\";\n"
                       "  deny read \"~\";\n  allow read \"~/src\";\n  deny read \"~/src/**/*.pem\";\n"
                       "  allow connect \"*.example.com\";\n  deny connect \"bad.example.com\";\n")
                  .empty());
}

TEST(ShadowedRule, TenThousandRulesAreDecidedExactly) {
  std::string body = "  allow write \"$CWD\";\n";
  for (int i = 0; i < 10000; ++i) {
    switch (i % 4) {
    case 0:
      body += "  allow write \"$CWD/t" + std::to_string(i % 97) + "/pkg" + std::to_string(i) + "/build\";\n";
      break;
    case 1:
      body += "  deny read \"~/data/t" + std::to_string(i % 89) + "/set" + std::to_string(i) + "\";\n";
      break;
    case 2:
      body += "  deny write \"$CWD/t" + std::to_string(i % 97) + "/pkg" + std::to_string(i) + "/**/*.lock\";\n";
      break;
    default:
      body += "  deny write file \"$CWD/t" + std::to_string(i % 97) + "/pkg" + std::to_string(i - 3) +
              "/build/.bashrc\";\n";
    }
  }
  auto f = shadowed(body);
  // Every `deny write file .../build/.bashrc` repeats a built-in protection.
  // (Time is bench/run.py's business, not a unit test's.)
  EXPECT_EQ(f.size(), 2500u);
}

} // namespace
