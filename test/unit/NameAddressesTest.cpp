// Names that are addresses (compiler/net/NameAddresses.h): `localhost` and
// names under `.localhost` are 127.0.0.1 and ::1, so a deny on either
// address denies them, in the evaluator's decision (NetDecider), in the
// verifier's asserts and in the squid plan; no other name is affected.
#include "backends/squid/SquidPlan.h"
#include "compiler/eval/Evaluator.h"
#include "compiler/eval/NetDecide.h"
#include "compiler/net/NameAddresses.h"

#include <gtest/gtest.h>

using namespace moat;

namespace {

net::CanonicalHost host(const char *text) {
  std::string error;
  auto h = net::canonicaliseHost(text, error);
  EXPECT_TRUE(h) << text << ": " << error;
  return h.value_or(net::CanonicalHost{});
}

net::HostPattern pattern(const char *text) {
  std::string error;
  auto p = net::parseHostPattern(text, error);
  EXPECT_TRUE(p) << text << ": " << error;
  return p.value_or(net::HostPattern{});
}

ir::Policy policyOf(std::initializer_list<std::pair<ir::Effect, const char *>> rules) {
  ir::Policy p;
  for (const auto &[effect, text] : rules) {
    ir::NetRule r;
    r.effect = effect;
    r.host = pattern(text);
    p.netRules.push_back(r);
  }
  p.defaults.connect = ir::NetDefault::Deny;
  return p;
}

// "allow"/"deny" + the deciding rule's pattern, or "default".
std::string decide(const ir::Policy &p, const char *h, uint16_t port) {
  std::vector<eval::NetRuleView> views;
  for (const ir::NetRule &r : p.netRules)
    views.push_back({r.effect, &r.host});
  eval::NetDecider decider(std::move(views));
  auto i = decider.decide(host(h), port);
  if (!i)
    return "default";
  const ir::NetRule &r = p.netRules[*i];
  return std::string(r.effect == ir::Effect::Deny ? "deny " : "allow ") + r.host.text();
}

} // namespace

TEST(NameAddresses, OnlyTheLoopbackNamesAreKnown) {
  EXPECT_EQ(net::knownAddressesOf(host("localhost")).size(), 2u);
  EXPECT_EQ(net::knownAddressesOf(host("LocalHost.")).size(), 2u);
  EXPECT_EQ(net::knownAddressesOf(host("dev.localhost")).size(), 2u);
  EXPECT_TRUE(net::knownAddressesOf(host("localhost.com")).empty());
  EXPECT_TRUE(net::knownAddressesOf(host("mylocalhost")).empty());
  EXPECT_TRUE(net::knownAddressesOf(host("127.0.0.1")).empty());
  auto a = net::knownAddressesOf(host("localhost"));
  EXPECT_EQ(a[0].text(), "127.0.0.1");
  EXPECT_EQ(a[1].text(), "[::1]");
}

TEST(NameAddresses, ADenyOnTheAddressDeniesTheName) {
  ir::Policy p = policyOf({{ir::Effect::Allow, "localhost"}, {ir::Effect::Deny, "127.0.0.1"}});
  EXPECT_EQ(decide(p, "localhost", 8080), "deny 127.0.0.1");
  EXPECT_EQ(decide(p, "127.0.0.1", 8080), "deny 127.0.0.1");
  // Ports: the deny holds only where its ports are.
  ir::Policy ports = policyOf({{ir::Effect::Allow, "localhost"}, {ir::Effect::Deny, "127.0.0.0/8:22"}});
  EXPECT_EQ(decide(ports, "localhost", 22), "deny 127.0.0.0/8:22");
  EXPECT_EQ(decide(ports, "localhost", 80), "allow localhost");
  // Either address is enough (the client picks one).
  ir::Policy v6 = policyOf({{ir::Effect::Allow, "*.localhost"}, {ir::Effect::Deny, "[::1]"}});
  EXPECT_EQ(decide(v6, "app.localhost", 443), "deny [::1]");
  // An address range without loopback, or another name, changes nothing.
  ir::Policy other = policyOf({{ir::Effect::Allow, "localhost"}, {ir::Effect::Allow, "example.com"},
                               {ir::Effect::Deny, "10.0.0.0/8"}});
  EXPECT_EQ(decide(other, "localhost", 80), "allow localhost");
  EXPECT_EQ(decide(other, "example.com", 80), "allow example.com");
  ir::Policy byName = policyOf({{ir::Effect::Allow, "example.com"}, {ir::Effect::Deny, "127.0.0.1"}});
  EXPECT_EQ(decide(byName, "example.com", 80), "allow example.com");
}

TEST(NameAddresses, NamesDeniedWithAnAddressPattern) {
  auto n = net::namesDeniedWith(pattern("127.0.0.0/8:80-90"));
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[0].text(), "localhost:80-90");
  EXPECT_EQ(n[1].text(), "*.localhost:80-90");
  EXPECT_EQ(net::namesDeniedWith(pattern("[::]/0")).size(), 2u);
  EXPECT_EQ(net::namesDeniedWith(pattern("0.0.0.0/0")).size(), 2u);
  EXPECT_TRUE(net::namesDeniedWith(pattern("10.0.0.1")).empty());
  EXPECT_TRUE(net::namesDeniedWith(pattern("localhost")).empty());
  EXPECT_TRUE(net::namesDeniedWith(pattern("*")).empty()); // `*` matches the names itself
}

TEST(NameAddresses, SquidWritesTheNamesNextToTheAddressDeny) {
  ir::Policy p = policyOf({{ir::Effect::Allow, "localhost"}, {ir::Effect::Deny, "127.0.0.1:5432"}});
  SourceFiles files;
  DiagnosticEngine diags(files);
  auto plan = backends::squid::planSquid(p, backends::squid::Clients::All, diags);
  ASSERT_TRUE(plan);
  std::vector<std::string> denied;
  for (const auto &r : plan->rules)
    if (r.effect == ir::Effect::Deny && !r.domain.empty())
      denied.push_back(std::string(r.kind == net::HostPattern::Kind::Subdomains ? "." : "") + r.domain + ":" +
                       r.ports.text());
  EXPECT_EQ(denied, (std::vector<std::string>{"localhost:5432", ".localhost:5432"}));
  // Denies come before allows in the plan: the name deny is seen first.
  EXPECT_EQ(plan->rules.back().effect, ir::Effect::Allow);
}
