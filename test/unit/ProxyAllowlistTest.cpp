// The proxy allowlist: built from the IR, written, loaded back strictly, and
// deciding exactly as the reference evaluator does for random policies and
// random endpoints (the proxy and `moat query` must never disagree).
#include "backends/proxy/ProxyAllowlist.h"
#include "backends/proxy/ProxyTarget.h"
#include "compiler/Frontend.h"
#include "compiler/eval/Evaluator.h"
#include "compiler/sema/Sema.h"

#include "TestModel.h"

#include <gtest/gtest.h>

#include <random>

using namespace moat;
using namespace moat::backends;
using proxy::AllowlistDecision;
using proxy::ProxyAllowlist;

namespace {

struct Loaded {
  SourceFiles files;
  DiagnosticEngine diags{files};
  std::optional<ir::Policy> policy;

  explicit Loaded(const std::string &text, const std::string &name = "p.moat") {
    uint32_t buffer = files.addBuffer(name, text);
    auto file = readPolicyBuffer(buffer, diags);
    if (!file)
      return;
    sema::IncludeReader none = [](const std::string &, SourceLoc) {
      return std::optional<ast::File>();
    };
    policy = sema::analyse(*file, none, sema::SemaOptions{}, diags);
    if (diags.hasErrors())
      policy.reset();
  }
  std::string errors() const {
    std::string out;
    for (const Diagnostic &d : diags.diagnostics())
      out += d.id + ": " + d.message + "\n";
    return out;
  }
};

std::string buildProxy(Loaded &l, const std::string &format = "") {
  BuildOptions options;
  options.format = format;
  BuildResult result;
  proxy::build(*l.policy, options, l.diags, result);
  EXPECT_FALSE(l.diags.hasErrors()) << l.errors();
  return result.output;
}

ProxyAllowlist load(const std::string &text) {
  std::string error;
  auto list = proxy::loadAllowlist(text, "allowlist.json", error);
  EXPECT_TRUE(list.has_value()) << error << "\n" << text;
  return list.value_or(ProxyAllowlist{});
}

std::string loadError(const std::string &text) {
  std::string error;
  auto list = proxy::loadAllowlist(text, "allowlist.json", error);
  EXPECT_FALSE(list.has_value()) << text;
  return error;
}

net::CanonicalHost host(const std::string &text) {
  std::string error;
  auto h = net::canonicaliseHost(text, error);
  EXPECT_TRUE(h.has_value()) << text << ": " << error;
  return h.value_or(net::CanonicalHost{});
}

const char *kMinimal = R"({"default": "deny", "format": "moat-proxy-allowlist", "platform": "linux",
  "policy": "p", "rules": [], "version": 1})";

} // namespace

TEST(ProxyAllowlist, WritesEveryHostKindAndReadsItBack) {
  Loaded l(R"(policy "net" {
    default connect ask;
    allow connect "registry.npmjs.org", "*.github.com:443", "10.20.0.0/16:8000-8100";
    allow connect "[2001:db8::1]:22", "127.0.0.1";
    deny connect "*:25", "169.254.169.254", "[fd00::]/8";
    on macos { allow connect "apple.com"; }
    on linux { deny connect "evil.example.com"; }
    allow write "$CWD";
    allow unix-socket "/run/a.sock";
  })");
  ASSERT_TRUE(l.policy) << l.errors();
  std::string text = buildProxy(l);
  EXPECT_NE(text.find("\"format\": \"moat-proxy-allowlist\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"default\": \"ask\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"host\": \"10.20.0.0/16:8000-8100\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"source\": \"p.moat:3:5\""), std::string::npos) << text;
  // Only the network: no paths, no sockets; the macOS rule is not Linux's.
  EXPECT_EQ(text.find("/run/a.sock"), std::string::npos) << text;
  EXPECT_EQ(text.find("apple.com"), std::string::npos) << text;
  EXPECT_NE(text.find("evil.example.com"), std::string::npos) << text;
  ProxyAllowlist list = load(text);
  EXPECT_EQ(list.platform, ir::Platform::Linux);
  EXPECT_EQ(list.policy, "net");
  EXPECT_EQ(list.defaultDecision, ir::NetDefault::Ask);
  ASSERT_EQ(list.rules.size(), 9u);
  EXPECT_EQ(list.rules[1].host.text(), "*.github.com:443");

  std::string mac = buildProxy(l, "macos");
  EXPECT_NE(mac.find("apple.com"), std::string::npos) << mac;
  EXPECT_EQ(mac.find("evil.example.com"), std::string::npos) << mac;
  EXPECT_EQ(load(mac).platform, ir::Platform::MacOS);
}

TEST(ProxyAllowlist, DecidesLikeTheEvaluatorOnFixedCases) {
  Loaded l(R"(policy "p" {
    allow connect "*.example.com", "10.0.0.0/8:443";
    deny connect "bad.example.com", "10.9.9.9";
  })");
  ASSERT_TRUE(l.policy) << l.errors();
  ProxyAllowlist list = load(buildProxy(l));
  eval::NetDecider decider = list.decider();
  auto outcome = [&](const char *h, uint16_t port) { return list.decide(decider, host(h), port).outcome; };
  EXPECT_EQ(outcome("a.example.com", 80), AllowlistDecision::Outcome::Allow);
  EXPECT_EQ(outcome("example.com", 80), AllowlistDecision::Outcome::Deny);
  EXPECT_EQ(outcome("bad.example.com", 443), AllowlistDecision::Outcome::Deny);
  EXPECT_EQ(outcome("10.1.2.3", 443), AllowlistDecision::Outcome::Allow);
  EXPECT_EQ(outcome("10.1.2.3", 80), AllowlistDecision::Outcome::Deny);
  EXPECT_EQ(outcome("10.9.9.9", 443), AllowlistDecision::Outcome::Deny);
  // Encoded IPs are canonicalised before matching, as in the evaluator.
  EXPECT_EQ(outcome("0x0a010203", 443), AllowlistDecision::Outcome::Allow);
  AllowlistDecision d = list.decide(decider, host("bad.example.com"), 443);
  ASSERT_NE(d.rule, nullptr);
  EXPECT_EQ(d.rule->host.text(), "bad.example.com");
  EXPECT_EQ(d.rule->source, "p.moat:3:5");
}

TEST(ProxyAllowlist, DisabledSandboxAllowsEverything) {
  Loaded l(R"(policy "p" { set sandbox-disabled = true; deny connect "x.example.com"; })");
  ASSERT_TRUE(l.policy) << l.errors();
  ProxyAllowlist list = load(buildProxy(l));
  EXPECT_TRUE(list.rules.empty());
  EXPECT_EQ(list.decide(list.decider(), host("x.example.com"), 443).outcome, AllowlistDecision::Outcome::Allow);
}

TEST(ProxyAllowlist, OutputIsDeterministic) {
  Loaded l(R"(policy "p" { allow connect "b.example.com", "a.example.com"; deny connect "*:25"; })");
  ASSERT_TRUE(l.policy) << l.errors();
  std::string first = buildProxy(l);
  EXPECT_EQ(first, buildProxy(l));
  // Keys sorted, policy order of rules kept.
  EXPECT_LT(first.find("\"default\""), first.find("\"format\""));
  EXPECT_LT(first.find("b.example.com"), first.find("a.example.com"));
  EXPECT_EQ(first.back(), '\n');
}

TEST(ProxyAllowlist, UnknownFormatIsRefused) {
  Loaded l(R"(policy "p" { allow connect "a.example.com"; })");
  ASSERT_TRUE(l.policy) << l.errors();
  BuildOptions options;
  options.format = "windows";
  BuildResult result;
  proxy::build(*l.policy, options, l.diags, result);
  ASSERT_TRUE(l.diags.hasErrors());
  EXPECT_EQ(l.diags.diagnostics().back().id, "unknown-format");
  EXPECT_TRUE(result.output.empty());
}

TEST(ProxyAllowlistLoader, AcceptsTheMinimalFile) {
  ProxyAllowlist list = load(kMinimal);
  EXPECT_TRUE(list.rules.empty());
  EXPECT_EQ(list.decide(list.decider(), host("a.example.com"), 443).outcome, AllowlistDecision::Outcome::Deny);
}

TEST(ProxyAllowlistLoader, RefusesWhatItDoesNotKnow) {
  // Each problem is named with its location and diagnostic id.
  EXPECT_NE(loadError(R"({"format": "moat-proxy-allowlist", "version": 2, "platform": "linux",
      "policy": "p", "default": "deny", "rules": []})")
                .find("invalid value for 'version': this moat reads version 1 only, not 2 "
                      "[invalid-value]"),
            std::string::npos);
  EXPECT_NE(loadError(R"({"format": "squid", "version": 1})").find("[invalid-value]"),
            std::string::npos);
  EXPECT_NE(loadError(R"({"version": 1})").find("'format' is required"), std::string::npos);
  EXPECT_NE(loadError(R"({"default": "deny", "format": "moat-proxy-allowlist", "platform": "linux",
      "policy": "p", "rules": [], "version": 1, "extra": true})")
                .find("unknown key 'extra'"),
            std::string::npos);
  EXPECT_NE(loadError(R"({"default": "deny", "format": "moat-proxy-allowlist", "platform": "linux",
      "policy": "p", "rules": [{"effect": "allow", "host": "a.example.com", "port": 1}],
      "version": 1})")
                .find("unknown key 'port' in rules[0]"),
            std::string::npos);
  EXPECT_NE(loadError(R"({"default": "deny", "format": "moat-proxy-allowlist", "platform": "linux",
      "policy": "p", "rules": [{"effect": "allow", "host": "exa*mple.com"}], "version": 1})")
                .find("[invalid-host]"),
            std::string::npos);
  EXPECT_NE(loadError(R"({"default": "deny", "format": "moat-proxy-allowlist", "platform": "linux",
      "policy": "p", "rules": [{"effect": "maybe", "host": "a.example.com"}], "version": 1})")
                .find("invalid value for 'rules[0].effect'"),
            std::string::npos);
  EXPECT_NE(loadError(R"({"default": "prompt", "format": "moat-proxy-allowlist", "platform": "linux",
      "policy": "p", "rules": [], "version": 1})")
                .find("'default'"),
            std::string::npos);
  EXPECT_NE(loadError(R"({"default": "deny", "format": "moat-proxy-allowlist", "platform": "bsd",
      "policy": "p", "rules": [], "version": 1})")
                .find("'platform'"),
            std::string::npos);
  EXPECT_NE(loadError(R"({"default": "deny", "format": "moat-proxy-allowlist", "platform": "linux",
      "policy": "p", "rules": {}, "version": 1})")
                .find("[wrong-type]"),
            std::string::npos);
  EXPECT_NE(loadError(R"({"default": "deny", "format": "moat-proxy-allowlist", "platform": "linux",
      "policy": "p", "rules": [{"host": "a.example.com"}], "version": 1})")
                .find("'effect' is required in rules[0]"),
            std::string::npos);
  // A repeated key would let two readers see two different lists.
  EXPECT_NE(loadError(R"({"default": "deny", "default": "allow", "format": "moat-proxy-allowlist",
      "platform": "linux", "policy": "p", "rules": [], "version": 1})")
                .find("[duplicate-key]"),
            std::string::npos);
  EXPECT_NE(loadError(R"({"version": 1.0, "format": "moat-proxy-allowlist"})").find("[wrong-type]"),
            std::string::npos);
  EXPECT_NE(loadError("{\"format\": \"moat-proxy-allowlist\",").find("[json-syntax]"),
            std::string::npos);
  EXPECT_NE(loadError("[]").find("[wrong-type]"), std::string::npos);
  EXPECT_NE(loadError("").find("[json-syntax]"), std::string::npos);
}

// Random policies x random endpoints: the loaded allowlist decides exactly as
// the evaluator does, outcome and deciding rule alike, on both platforms.
TEST(ProxyAllowlistDifferential, LoaderAgreesWithTheEvaluator) {
  const char *hosts[] = {"example.com", "a.example.com", "*.example.com", "*.a.example.com",
                         "localhost",   "intranet",      "*",             "10.0.0.0/8",
                         "10.1.2.3",    "127.0.0.1",     "[::1]",         "[fd00::]/8",
                         "[::]/64",     "192.168.0.0/16", "xn--bcher-kva.example"};
  const char *ports[] = {"", ":443", ":80", ":8000-8100", ":1-1024"};
  const char *probes[] = {"example.com",  "a.example.com", "b.a.example.com", "localhost",
                          "intranet",     "10.1.2.3",      "10.200.0.1",      "127.0.0.1",
                          "::1",          "fd00::5",       "192.168.7.7",     "0x7f000001",
                          "other.org",    "xn--bcher-kva.example", "::ffff:10.1.2.3"};
  const uint16_t probePorts[] = {22, 80, 443, 8050, 1024, 65535};
  const char *defaults[] = {"deny", "ask", "allow"};
  unsigned seed = test::testSeed(0x5eed0001);
  std::mt19937 rng(seed);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };

  eval::Bindings bindings = test::modelBindings();
  std::string error;

  size_t compared = 0;
  for (int round = 0; round < 200; ++round) {
    std::string text = "policy \"r\" {\n  default connect " + std::string(defaults[pick(3)]) + ";\n";
    size_t rules = 1 + pick(8);
    for (size_t i = 0; i < rules; ++i) {
      std::string rule = std::string(pick(2) ? "allow" : "deny") + " connect \"" + hosts[pick(std::size(hosts))];
      rule += std::string(ports[pick(std::size(ports))]) + "\";";
      switch (pick(4)) {
      case 0:
        text += "  on linux { " + rule + " }\n";
        break;
      case 1:
        text += "  on macos { " + rule + " }\n";
        break;
      default:
        text += "  " + rule + "\n";
      }
    }
    if (pick(10) == 0)
      text += "  set sandbox-disabled = true;\n";
    text += "}\n";
    Loaded l(text);
    if (!l.policy)
      continue; // a random rule may contradict another (conflicting-rule)
    for (ir::Platform platform : {ir::Platform::Linux, ir::Platform::MacOS}) {
      std::string out = buildProxy(l, platform == ir::Platform::Linux ? "linux" : "macos");
      ProxyAllowlist list = load(out);
      eval::NetDecider decider = list.decider();
      auto ev = eval::Evaluator::create(*l.policy, bindings, platform, error);
      ASSERT_TRUE(ev) << error;
      for (const char *probe : probes) {
        for (uint16_t port : probePorts) {
          net::CanonicalHost h = host(probe);
          eval::NetDecision want = ev->decide(h, port);
          AllowlistDecision got = list.decide(decider, h, port);
          ASSERT_EQ(static_cast<int>(got.outcome), static_cast<int>(want.outcome))
              << "seed " << seed << " round " << round << " " << probe << ":" << port << "\n"
              << text << out;
          if (want.rule) {
            ASSERT_NE(got.rule, nullptr) << "seed " << seed << "\n" << text;
            EXPECT_EQ(got.rule->host, want.rule->host) << "seed " << seed << "\n" << text;
          } else {
            EXPECT_EQ(got.rule, nullptr) << "seed " << seed << "\n" << text;
          }
          ++compared;
        }
      }
    }
  }
  EXPECT_GT(compared, 20000u) << "seed " << seed;
}
