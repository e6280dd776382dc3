// The seccomp target over hand-built IR: when the policy keeps unix sockets
// possible (the evaluator's condition, asked for "some path" on Linux), the
// output formats, and the refusal of an unknown format.
#include "backends/seccomp/BpfInterpreter.h"
#include "backends/seccomp/FilterBuilder.h"
#include "backends/seccomp/FilterCheck.h"
#include "backends/seccomp/RuntimeFilter.h"
#include "backends/seccomp/SeccompTarget.h"
#include "backends/seccomp/UnixSockets.h"

#include <gtest/gtest.h>

using namespace moat;
using namespace moat::backends;

namespace {

fs::PathPattern pat(std::string_view text) {
  std::string error;
  auto p = fs::parsePathPattern(text, false, "", error);
  EXPECT_TRUE(p.has_value()) << text << ": " << error;
  return p.value_or(fs::PathPattern{});
}

ir::UnixSocketRule sock(ir::Effect effect, std::string_view path,
                        ir::Platform platform = ir::Platform::Any) {
  ir::UnixSocketRule r;
  r.effect = effect;
  r.path = pat(path);
  r.platform = platform;
  r.prov.loc = SourceLoc{1, 7, 3};
  return r;
}

void setFlag(ir::Policy &p, ir::OptionId id, bool value = true) {
  p.options.set(id, ir::OptionSetting{value, SourceLoc{1, 2, 5}});
}

struct Built {
  BuildResult result;
  std::vector<Diagnostic> diags;
};

Built buildWith(const ir::Policy &policy, std::string format = "") {
  SourceFiles files;
  files.addBuffer("policy.moat", "x\nx\nx\nx\nx\nx\nx\n");
  DiagnosticEngine diags(files);
  BuildOptions options;
  options.format = std::move(format);
  Built b;
  seccomp::build(policy, options, diags, b.result);
  b.diags = diags.diagnostics();
  return b;
}

uint32_t socketVerdict(const std::string &bpf, uint64_t family) {
  const seccomp::Arch &x86 = seccomp::targetArches().front();
  seccomp::SeccompData d;
  d.nr = *seccomp::syscallNumber(x86, "socket");
  d.arch = x86.auditArch;
  d.args[0] = family;
  d.args[1] = 1; // SOCK_STREAM
  std::string error;
  auto r = seccomp::runSeccompBpf(bpf, d, error);
  EXPECT_TRUE(r.has_value()) << error;
  return r.value_or(0);
}

} // namespace

using seccomp::UnixSocketScope;

UnixSocketScope scopeOf(const ir::Policy &p) { return seccomp::unixSocketsAllowed(p).scope; }

TEST(SeccompUnixSockets, NoneByDefault) {
  ir::Policy p;
  EXPECT_EQ(scopeOf(p), UnixSocketScope::None);
  p.unixSockets.push_back(sock(ir::Effect::Deny, "/var/run/docker.sock"));
  EXPECT_EQ(scopeOf(p), UnixSocketScope::None);
}

TEST(SeccompUnixSockets, AnAllowRuleForLinuxAllowsSomePaths) {
  ir::Policy p;
  p.unixSockets.push_back(sock(ir::Effect::Allow, "/run/user/1000/bus"));
  auto v = seccomp::unixSocketsAllowed(p);
  EXPECT_EQ(v.scope, UnixSocketScope::SomePaths);
  EXPECT_EQ(v.loc, (SourceLoc{1, 7, 3}));
  EXPECT_NE(v.why.find("/run/user/1000/bus"), std::string::npos) << v.why;

  ir::Policy mac;
  mac.unixSockets.push_back(sock(ir::Effect::Allow, "/tmp/x.sock", ir::Platform::MacOS));
  EXPECT_EQ(scopeOf(mac), UnixSocketScope::None);
  ir::Policy linux;
  linux.unixSockets.push_back(sock(ir::Effect::Allow, "/tmp/x.sock", ir::Platform::Linux));
  EXPECT_EQ(scopeOf(linux), UnixSocketScope::SomePaths);
  // An allow of every path is all of them, until a deny takes one out.
  ir::Policy every;
  every.unixSockets.push_back(sock(ir::Effect::Allow, "/**"));
  EXPECT_EQ(scopeOf(every), UnixSocketScope::AllPaths);
  every.unixSockets.push_back(sock(ir::Effect::Deny, "/run/docker.sock"));
  EXPECT_EQ(scopeOf(every), UnixSocketScope::SomePaths);
}

TEST(SeccompUnixSockets, OptionsDecideLikeTheEvaluator) {
  ir::Policy all;
  setFlag(all, ir::OptionId::AllowAllUnixSockets);
  auto v = seccomp::unixSocketsAllowed(all);
  EXPECT_EQ(v.scope, UnixSocketScope::AllPaths);
  EXPECT_EQ(v.loc, (SourceLoc{1, 2, 5}));
  // A deny of one path leaves the others allowed: only some paths now.
  all.unixSockets.push_back(sock(ir::Effect::Deny, "/var/run/docker.sock"));
  v = seccomp::unixSocketsAllowed(all);
  EXPECT_EQ(v.scope, UnixSocketScope::SomePaths);
  EXPECT_EQ(v.loc, (SourceLoc{1, 2, 5}));
  EXPECT_NE(v.why.find("but denies '/var/run/docker.sock'"), std::string::npos) << v.why;
  // A deny of every path beats every allow (a deny wins there).
  for (const char *everything : {"/", "/**", "/*"}) {
    ir::Policy p;
    setFlag(p, ir::OptionId::AllowAllUnixSockets);
    p.unixSockets.push_back(sock(ir::Effect::Allow, "/run/a.sock"));
    p.unixSockets.push_back(sock(ir::Effect::Deny, everything));
    EXPECT_EQ(scopeOf(p), UnixSocketScope::None) << everything;
  }
  // ... but not a macOS-only one, nor one under a symbolic root.
  ir::Policy p;
  p.unixSockets.push_back(sock(ir::Effect::Allow, "/run/a.sock"));
  p.unixSockets.push_back(sock(ir::Effect::Deny, "/", ir::Platform::MacOS));
  p.unixSockets.push_back(sock(ir::Effect::Deny, "~/**"));
  EXPECT_EQ(scopeOf(p), UnixSocketScope::SomePaths);
  // A macOS-only deny does not make allow-all partial.
  ir::Policy macDeny;
  setFlag(macDeny, ir::OptionId::AllowAllUnixSockets);
  macDeny.unixSockets.push_back(sock(ir::Effect::Deny, "/run/docker.sock", ir::Platform::MacOS));
  EXPECT_EQ(scopeOf(macDeny), UnixSocketScope::AllPaths);
  // An explicit false is not set.
  ir::Policy off;
  setFlag(off, ir::OptionId::AllowAllUnixSockets, false);
  EXPECT_EQ(scopeOf(off), UnixSocketScope::None);
  // sandbox-disabled: the evaluator allows every socket before any rule.
  ir::Policy disabled;
  setFlag(disabled, ir::OptionId::SandboxDisabled);
  disabled.unixSockets.push_back(sock(ir::Effect::Deny, "/"));
  EXPECT_EQ(scopeOf(disabled), UnixSocketScope::AllPaths);
}

TEST(SeccompRuntimeFilter, BrokersConnectOnlyWhenSomePathsAreAllowed) {
  auto runtime = [](const ir::Policy &p) {
    std::string error;
    auto f = seccomp::buildRuntimeFilter(p, error);
    EXPECT_TRUE(f.has_value()) << error;
    return f.value_or(seccomp::RuntimeFilter{});
  };
  const seccomp::Arch &x86 = seccomp::targetArches().front();
  auto connectVerdict = [&](const std::string &bpf) {
    seccomp::SeccompData d;
    d.nr = *seccomp::syscallNumber(x86, "connect");
    d.arch = x86.auditArch;
    std::string error;
    return seccomp::runSeccompBpf(bpf, d, error).value_or(0);
  };
  ir::Policy none;
  seccomp::RuntimeFilter r = runtime(none);
  EXPECT_FALSE(r.brokerUnixConnect);
  EXPECT_EQ(socketVerdict(r.filter.bpf, 1), seccomp::kRetErrno | 1);
  EXPECT_EQ(connectVerdict(r.filter.bpf), seccomp::kRetAllow);
  // The standalone filter is the same program.
  EXPECT_EQ(buildWith(none).result.output, r.filter.bpf);

  ir::Policy some;
  some.unixSockets.push_back(sock(ir::Effect::Allow, "/run/user/1000/bus"));
  r = runtime(some);
  EXPECT_TRUE(r.brokerUnixConnect);
  EXPECT_EQ(socketVerdict(r.filter.bpf, 1), seccomp::kRetAllow); // SOCK_STREAM in socketVerdict
  EXPECT_EQ(connectVerdict(r.filter.bpf), seccomp::kRetUserNotif);
  EXPECT_NE(r.filter.pfc.find("action 0x7fc00000;"), std::string::npos);

  ir::Policy all;
  setFlag(all, ir::OptionId::AllowAllUnixSockets);
  r = runtime(all);
  EXPECT_FALSE(r.brokerUnixConnect);
  EXPECT_EQ(connectVerdict(r.filter.bpf), seccomp::kRetAllow);
  EXPECT_EQ(buildWith(all).result.output, r.filter.bpf);
}

TEST(SeccompTarget, DefaultFormatIsTheBpfProgram) {
  ir::Policy p;
  Built b = buildWith(p);
  EXPECT_TRUE(b.diags.empty());
  ASSERT_FALSE(b.result.output.empty());
  EXPECT_EQ(b.result.output.size() % 8, 0u);
  EXPECT_EQ(socketVerdict(b.result.output, 1), seccomp::kRetErrno | 1);
  EXPECT_EQ(buildWith(p, "bpf").result.output, b.result.output);
  ASSERT_EQ(b.result.advice.size(), 1u);
  EXPECT_NE(b.result.advice[0].find("--seccomp"), std::string::npos);
}

TEST(SeccompTarget, AllUnixSocketsAllowedAreExplained) {
  ir::Policy p;
  setFlag(p, ir::OptionId::AllowAllUnixSockets);
  Built b = buildWith(p);
  EXPECT_TRUE(b.diags.empty());
  EXPECT_EQ(socketVerdict(b.result.output, 1), seccomp::kRetAllow);
  EXPECT_EQ(socketVerdict(b.result.output, 40), seccomp::kRetErrno | 1);
  ASSERT_EQ(b.result.advice.size(), 2u);
  EXPECT_NE(b.result.advice[0].find("socket(AF_UNIX) stays allowed because the policy sets "
                                    "allow-all-unix-sockets (policy.moat:2:5)"),
            std::string::npos)
      << b.result.advice[0];
}

TEST(SeccompTarget, SomeUnixSocketPathsAreRefusedAllAndReported) {
  ir::Policy p;
  p.unixSockets.push_back(sock(ir::Effect::Allow, "/run/user/1000/bus"));
  Built b = buildWith(p);
  ASSERT_EQ(b.diags.size(), 1u);
  EXPECT_EQ(b.diags[0].id, "unenforceable-rule");
  EXPECT_EQ(b.diags[0].severity, Severity::Warning);
  EXPECT_EQ(b.diags[0].loc, (SourceLoc{1, 7, 3}));
  EXPECT_NE(b.diags[0].message.find("enforced by `moat run`"), std::string::npos) << b.diags[0].message;
  EXPECT_NE(b.diags[0].message.find("refuses every unix socket"), std::string::npos) << b.diags[0].message;
  EXPECT_EQ(socketVerdict(b.result.output, 1), seccomp::kRetErrno | 1);
  ASSERT_EQ(b.result.advice.size(), 1u); // only how to load it

  // The launcher's form, for review.
  Built r = buildWith(p, "runtime-pfc");
  EXPECT_TRUE(r.diags.empty());
  EXPECT_NE(r.result.output.find("action 0x7fc00000;"), std::string::npos);
  ASSERT_EQ(r.result.advice.size(), 1u);
  EXPECT_NE(r.result.advice[0].find("notification listener"), std::string::npos);
}

TEST(SeccompTarget, PfcFormatIsText) {
  ir::Policy p;
  Built b = buildWith(p, "pfc");
  EXPECT_TRUE(b.diags.empty());
  EXPECT_EQ(b.result.output.rfind("#\n# pseudo filter code start", 0), 0u);
  EXPECT_TRUE(b.result.advice.empty());
}

TEST(SeccompTarget, UnknownFormatIsRefused) {
  ir::Policy p;
  Built b = buildWith(p, "x86_64");
  ASSERT_EQ(b.diags.size(), 1u);
  EXPECT_EQ(b.diags[0].id, "unknown-format");
  EXPECT_EQ(b.diags[0].severity, Severity::Error);
  EXPECT_EQ(b.diags[0].message, "the seccomp target has no output format 'x86_64' (it has: bpf, pfc, runtime-pfc)");
  EXPECT_TRUE(b.result.output.empty());
}

TEST(SeccompTarget, OptionsItCannotHonourAreReportedAsTightened) {
  ir::Policy disabled;
  setFlag(disabled, ir::OptionId::SandboxDisabled);
  Built b = buildWith(disabled);
  ASSERT_EQ(b.diags.size(), 1u);
  EXPECT_EQ(b.diags[0].id, "unenforceable-rule");
  EXPECT_EQ(b.diags[0].severity, Severity::Warning);
  EXPECT_EQ(b.diags[0].loc, (SourceLoc{1, 2, 5}));
  EXPECT_NE(b.diags[0].message.find("sandbox-disabled"), std::string::npos);
  // Still a program: unix sockets open (as the evaluator says), the rest shut.
  EXPECT_EQ(socketVerdict(b.result.output, 1), seccomp::kRetAllow);
  EXPECT_EQ(socketVerdict(b.result.output, 40), seccomp::kRetErrno | 1);

  ir::Policy nested;
  setFlag(nested, ir::OptionId::WeakerNestedSandbox);
  b = buildWith(nested);
  ASSERT_EQ(b.diags.size(), 1u);
  EXPECT_EQ(b.diags[0].id, "unenforceable-rule");
  EXPECT_NE(b.diags[0].message.find("weaker-nested-sandbox is not honoured"), std::string::npos);
  EXPECT_FALSE(b.result.output.empty());

  ir::Policy off; // set to false: nothing to report
  setFlag(off, ir::OptionId::WeakerNestedSandbox, false);
  setFlag(off, ir::OptionId::SandboxDisabled, false);
  EXPECT_TRUE(buildWith(off).diags.empty());
}
