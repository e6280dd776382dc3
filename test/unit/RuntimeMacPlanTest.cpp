// The portable half of `moat run` on macOS (runtime/MacSandboxPlan.h), here
// on Linux since no macOS machine builds this project: the profile lets the
// command reach only the proxy's port and decides files like the policy,
// the sandbox-exec command line, the proxy environment with the session
// token, the refusals (the sbpl target's pass through as errors, never a
// weaker profile), and resolving the roots' symbolic links.
#include "runtime/MacSandboxPlan.h"

#include "compiler/Frontend.h"
#include "compiler/sema/Sema.h"
#include "sbpl/SbplModel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <climits>
#include <sys/stat.h>
#include <unistd.h>

using namespace moat;
using namespace moat::runtime;

namespace {

constexpr uint16_t kPort = 49152;
const std::string kToken(64, 'a');

struct Planned {
  SourceFiles files;
  DiagnosticEngine diags{files};
  std::optional<ir::Policy> policy;
  std::optional<MacSandboxPlan> plan;
  std::optional<sbpltest::Profile> profile;

  std::string messages() const {
    std::string out;
    for (const Diagnostic &d : diags.diagnostics())
      out += d.id + ": " + d.message + "\n";
    return out;
  }
  bool connects(const std::string &ip) const {
    return sbpltest::allows(*profile, {"network-outbound", sbpltest::Query::Subject::Ip, ip}, {});
  }
  bool allows(const char *op, const std::string &path) const {
    return sbpltest::allowsPath(*profile, op, path, {});
  }
  std::vector<std::string> env(const std::string &name) const {
    std::vector<std::string> out;
    for (const std::string &e : plan->environment)
      if (e.compare(0, name.size() + 1, name + "=") == 0)
        out.push_back(e.substr(name.size() + 1));
    return out;
  }
};

MacSandboxRequest defaultRequest() {
  MacSandboxRequest r;
  std::string error;
  EXPECT_TRUE(r.bindings.define("HOME", "/Users/u", error));
  EXPECT_TRUE(r.bindings.define("CWD", "/Users/u/proj", error));
  EXPECT_TRUE(r.bindings.define("TMPDIR", "/private/var/folders/x/T", error));
  r.command = {"git", "push"};
  r.proxyPort = kPort;
  r.proxyToken = kToken;
  r.environment = {"PATH=/usr/bin:/bin", "HTTP_PROXY=http://evil.example:8080", "LANG=C"};
  return r;
}

std::unique_ptr<Planned> plan(const std::string &text, MacSandboxRequest request = defaultRequest()) {
  auto p = std::make_unique<Planned>();
  uint32_t buffer = p->files.addBuffer("t.moat", text);
  auto file = readPolicyBuffer(buffer, p->diags);
  EXPECT_TRUE(file) << p->messages();
  if (file)
    p->policy = sema::analyse(*file, nullptr, sema::SemaOptions{}, p->diags);
  EXPECT_TRUE(p->policy) << p->messages();
  if (!p->policy)
    return p;
  request.policy = &*p->policy;
  p->plan = planMacSandbox(request, p->diags);
  if (p->plan) {
    std::string error;
    p->profile = sbpltest::readProfile(p->plan->profile, error);
    EXPECT_TRUE(p->profile) << error;
  }
  return p;
}

const char *const kAgent = "policy \"p\" {\n  allow write \"$CWD\", \"$TMPDIR\";\n  deny read \"~/.ssh\";\n"
                           "  allow connect \"github.com\";\n}\n";

TEST(RuntimeMacPlan, OutboundOnlyToTheProxyPort) {
  auto p = plan(kAgent);
  ASSERT_TRUE(p->plan) << p->messages();
  ASSERT_TRUE(p->profile);
  EXPECT_TRUE(p->connects("localhost:" + std::to_string(kPort)));
  EXPECT_FALSE(p->connects("localhost:3128")); // the sbpl target's own default port
  EXPECT_FALSE(p->connects("localhost:22"));
  EXPECT_FALSE(p->connects("*:443"));
  EXPECT_FALSE(sbpltest::allowsUnixSocket(*p->profile, "/var/run/docker.sock", {}));
  // One outbound allowance, nothing else.
  size_t rules = 0;
  for (const sbpltest::Rule &r : p->profile->rules)
    if (r.allow && std::count(r.operations.begin(), r.operations.end(), "network-outbound"))
      ++rules;
  EXPECT_EQ(rules, 1u) << p->plan->profile;
}

TEST(RuntimeMacPlan, ThePolicysProxyPortsGiveWayToTheLaunchersProxy) {
  auto p = plan("policy \"p\" {\n  allow connect \"github.com\";\n  set http-proxy-port = 8080;\n}\n");
  ASSERT_TRUE(p->plan) << p->messages();
  EXPECT_TRUE(p->connects("localhost:" + std::to_string(kPort)));
  EXPECT_FALSE(p->connects("localhost:8080"));
}

TEST(RuntimeMacPlan, NoHostAllowedMeansNoOutboundAtAll) {
  auto p = plan("policy \"p\" {\n  allow write \"$CWD\";\n}\n");
  ASSERT_TRUE(p->plan) << p->messages();
  EXPECT_FALSE(p->connects("localhost:" + std::to_string(kPort)));
  // The environment still names the proxy: a tool gets a refusal, not a
  // direct connection attempt.
  EXPECT_EQ(p->env("HTTPS_PROXY").size(), 1u);
}

TEST(RuntimeMacPlan, FilesDecideLikeThePolicyWithTheRootsSplicedIn) {
  auto p = plan(kAgent);
  ASSERT_TRUE(p->plan) << p->messages();
  EXPECT_TRUE(p->profile->params.empty()) << "no sandbox-exec -D parameter is passed";
  EXPECT_TRUE(p->allows("file-write-data", "/Users/u/proj/main.c"));
  EXPECT_TRUE(p->allows("file-write-data", "/private/var/folders/x/T/a"));
  EXPECT_FALSE(p->allows("file-write-data", "/Users/u/other"));
  EXPECT_FALSE(p->allows("file-read-data", "/Users/u/.ssh/id_ed25519"));
  EXPECT_TRUE(p->allows("file-read-data", "/Users/u/proj/main.c"));
  // Built-in protections, at any depth.
  EXPECT_FALSE(p->allows("file-write-data", "/Users/u/.bashrc"));
  EXPECT_FALSE(p->allows("file-write-data", "/Users/u/proj/.git/hooks/pre-commit"));
  EXPECT_FALSE(p->allows("file-write-data", "/Users/u/proj/a/b/c/.git/config"));
  EXPECT_FALSE(p->allows("file-write-data", "/Users/u/proj/.vscode/tasks.json"));
}

TEST(RuntimeMacPlan, SandboxExecCommandLine) {
  auto p = plan(kAgent);
  ASSERT_TRUE(p->plan) << p->messages();
  std::vector<std::string> expected = {"/usr/bin/sandbox-exec", "-p", p->plan->profile, "git", "push"};
  EXPECT_EQ(p->plan->argv, expected);
}

TEST(RuntimeMacPlan, EnvironmentPointsAtTheProxyWithTheToken) {
  auto p = plan(kAgent);
  ASSERT_TRUE(p->plan) << p->messages();
  std::string http = "http://moat:" + kToken + "@127.0.0.1:" + std::to_string(kPort);
  std::string socks = "socks5h://moat:" + kToken + "@127.0.0.1:" + std::to_string(kPort);
  for (const char *name : {"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "npm_config_proxy"})
    EXPECT_EQ(p->env(name), std::vector<std::string>{http}) << name;
  for (const char *name : {"ALL_PROXY", "all_proxy"})
    EXPECT_EQ(p->env(name), std::vector<std::string>{socks}) << name;
  EXPECT_EQ(p->env("NO_PROXY"), std::vector<std::string>{"localhost,127.0.0.1,::1"});
  // The launcher's own variables stay; its proxy is replaced, not doubled.
  EXPECT_EQ(p->env("PATH"), std::vector<std::string>{"/usr/bin:/bin"});
  EXPECT_EQ(p->env("LANG"), std::vector<std::string>{"C"});
}

TEST(RuntimeMacPlan, RefusesAPolicyThatSwitchesTheSandboxOff) {
  auto p = plan("policy \"p\" {\n  set sandbox-disabled = true;\n}\n");
  EXPECT_FALSE(p->plan);
  EXPECT_TRUE(p->diags.hasErrors());
  EXPECT_NE(p->messages().find("switches the sandbox off"), std::string::npos) << p->messages();
}

TEST(RuntimeMacPlan, TheSbplTargetsRefusalsPassThroughAsErrors) {
  // A quote inside a glob cannot be written in a Seatbelt regex: the target
  // refuses, and so does the launcher (never a profile without the rule).
  auto p = plan("policy \"p\" {\n  deny read \"/a/*\\\"x\";\n}\n");
  EXPECT_FALSE(p->plan);
  EXPECT_NE(p->messages().find("backend-refused: cannot write"), std::string::npos) << p->messages();
  EXPECT_NE(p->messages().find("launch-failed: the policy cannot be enforced"), std::string::npos)
      << p->messages();
}

TEST(RuntimeMacPlan, TheSbplTargetsTighteningsStayWarnings) {
  auto p = plan("policy \"p\" {\n  set allow-apple-events = true;\n}\n");
  ASSERT_TRUE(p->plan) << p->messages();
  EXPECT_FALSE(p->diags.hasErrors());
  EXPECT_NE(p->messages().find("unenforceable-rule"), std::string::npos) << p->messages();
}

TEST(RuntimeMacPlan, RefusesWhatItCannotStartSafely) {
  MacSandboxRequest unbound = defaultRequest();
  unbound.bindings = {};
  std::string error;
  ASSERT_TRUE(unbound.bindings.define("HOME", "/Users/u", error));
  ASSERT_TRUE(unbound.bindings.define("CWD", "/Users/u/proj", error));
  auto p = plan(kAgent, unbound);
  EXPECT_FALSE(p->plan);
  EXPECT_NE(p->messages().find("'$TMPDIR' has no value"), std::string::npos) << p->messages();

  MacSandboxRequest option = defaultRequest();
  option.command = {"-n", "x"};
  EXPECT_FALSE(plan(kAgent, option)->plan);

  MacSandboxRequest empty = defaultRequest();
  empty.command.clear();
  EXPECT_FALSE(plan(kAgent, empty)->plan);

  MacSandboxRequest noPort = defaultRequest();
  noPort.proxyPort = 0;
  EXPECT_FALSE(plan(kAgent, noPort)->plan);

  MacSandboxRequest badToken = defaultRequest();
  badToken.proxyToken = "a@b";
  EXPECT_FALSE(plan(kAgent, badToken)->plan);
}

TEST(RuntimeMacPlan, PhysicalBindingsResolveLinksAndKeepMissingTails) {
  char dir[] = "/tmp/moat-macplan-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  std::string real = std::string(dir) + "/real";
  std::string link = std::string(dir) + "/link";
  ASSERT_EQ(::mkdir(real.c_str(), 0700), 0);
  ASSERT_EQ(::symlink(real.c_str(), link.c_str()), 0);
  eval::Bindings given;
  std::string error;
  ASSERT_TRUE(given.define("TMPDIR", link, error));
  ASSERT_TRUE(given.define("CWD", link + "/not/yet", error));
  ASSERT_TRUE(given.define("HOME", "/", error));
  auto physical = physicalBindings(given, error);
  ASSERT_TRUE(physical) << error;
  char resolved[PATH_MAX];
  ASSERT_NE(::realpath(real.c_str(), resolved), nullptr);
  EXPECT_EQ(physical->lookup("TMPDIR"), std::string(resolved));
  EXPECT_EQ(physical->lookup("CWD"), std::string(resolved) + "/not/yet");
  EXPECT_EQ(physical->lookup("HOME"), "/");

  std::string loop = std::string(dir) + "/loop";
  ASSERT_EQ(::symlink(loop.c_str(), loop.c_str()), 0);
  eval::Bindings looped;
  ASSERT_TRUE(looped.define("HOME", loop + "/x", error));
  EXPECT_FALSE(physicalBindings(looped, error));
  EXPECT_NE(error.find("cannot resolve $HOME"), std::string::npos) << error;

  ::unlink(loop.c_str());
  ::unlink(link.c_str());
  ::rmdir(real.c_str());
  ::rmdir(dir);
}

} // namespace
