// The squid target: the fragment's shape on fixed policies, its warnings and
// refusals, and a differential test that runs the written fragment through a
// model of the Squid 5 access rules it uses (documented ACL semantics:
// dstdomain, dst, port, method, ssl::server_name; first match wins) and
// compares every decision with the reference evaluator's.
#include "backends/squid/SquidPlan.h"
#include "backends/squid/SquidTarget.h"
#include "compiler/Frontend.h"
#include "compiler/eval/Evaluator.h"
#include "compiler/sema/Sema.h"

#include "TestModel.h"

#include <gtest/gtest.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/ADT/StringRef.h>

#include <map>
#include <random>
#include <regex>
#include <sstream>

using namespace moat;
using namespace moat::backends;

namespace {

// One policy text through the front end and the squid target.
struct SquidBuild {
  SourceFiles files;
  DiagnosticEngine diags{files};
  std::optional<ir::Policy> policy;
  std::string output;

  explicit SquidBuild(const std::string &text, const std::string &format = "") {
    uint32_t buffer = files.addBuffer("p.moat", text);
    auto file = readPolicyBuffer(buffer, diags);
    if (!file)
      return;
    sema::IncludeReader none = [](const std::string &, SourceLoc) {
      return std::optional<ast::File>();
    };
    policy = sema::analyse(*file, none, sema::SemaOptions{}, diags);
    if (!policy || diags.hasErrors()) {
      policy.reset();
      return;
    }
    BuildOptions options;
    options.format = format;
    BuildResult result;
    squid::build(*policy, options, diags, result);
    output = result.output;
  }
  std::string messages() const {
    std::string out;
    for (const Diagnostic &d : diags.diagnostics())
      out += fmt::format("{}:{}: {} [{}]\n", d.loc.line, d.loc.col, d.message, d.id);
    return out;
  }
  size_t count(const char *id, unsigned line = 0) const {
    size_t n = 0;
    for (const Diagnostic &d : diags.diagnostics())
      if (d.id == id && (line == 0 || d.loc.line == line))
        ++n;
    return n;
  }
  bool has(const std::string &line) const {
    return output.find("\n" + line + "\n") != std::string::npos;
  }
  // Index of a whole line in the output (npos when absent), for order checks.
  size_t at(const std::string &line) const { return output.find("\n" + line + "\n"); }
};

// ---------------------------------------------------------------------------
// A model of the Squid directives the fragment uses.

struct Request {
  net::CanonicalHost host; // as Squid holds it after parsing the URL
  uint16_t port = 80;
  bool connect = false;
  std::optional<std::string> sni; // TLS client hello server name (lowercase)
};

class SquidModel {
public:
  explicit SquidModel(const std::string &text) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#')
        continue;
      llvm::SmallVector<llvm::StringRef, 8> w;
      llvm::StringRef(line).split(w, ' ', -1, false);
      std::vector<std::string> words(w.begin(), w.end());
      if (words[0] == "acl") {
        Acl acl;
        acl.type = words[2];
        for (size_t i = 3; i < words.size(); ++i)
          if (words[i] != "-n" && words[i] != "--client-requested")
            acl.values.push_back(words[i]);
          else
            acl.flags.push_back(words[i]);
        ADD_FAILURE_IF(acls_.count(words[1]), "acl defined twice: " + line);
        acls_[words[1]] = acl;
      } else if (words[0] == "http_access" || words[0] == "ssl_bump") {
        Rule r{words[1], {}};
        r.conds.assign(words.begin() + 2, words.end());
        (words[0] == "http_access" ? http_ : bump_).push_back(r);
      } else {
        ADD_FAILURE() << "unexpected directive: " << line;
      }
    }
  }

  // "allow"/"deny"; "" when no line matched (the fragment must end with a
  // rule that always matches).
  std::string httpAccess(const Request &r) const { return first(http_, r, false); }
  // Squid's ssl_bump decision at step 2 (after peeking at the client hello).
  std::string sslBump(const Request &r) const { return first(bump_, r, true); }
  bool firstBumpIsPeekAtStep1() const {
    return !bump_.empty() && bump_[0].action == "peek" && bump_[0].conds.size() == 1 &&
           acls_.count(bump_[0].conds[0]) && acls_.at(bump_[0].conds[0]).type == "at_step" &&
           acls_.at(bump_[0].conds[0]).values == std::vector<std::string>{"SslBump1"};
  }

private:
  static void ADD_FAILURE_IF(bool cond, const std::string &why) {
    if (cond)
      ADD_FAILURE() << why;
  }
  struct Acl {
    std::string type;
    std::vector<std::string> flags, values;
  };
  struct Rule {
    std::string action;
    std::vector<std::string> conds;
  };

  static bool domainMatch(const std::string &value, const std::string &name) {
    if (!value.empty() && value[0] == '.') // Squid: the domain and all below it
      return name == value.substr(1) ||
             (name.size() > value.size() && name.compare(name.size() - value.size(),
                                                         value.size(), value) == 0);
    return name == value;
  }
  static bool cidrMatch(const std::string &value, const net::CanonicalHost &host) {
    std::string error;
    auto p = net::parseHostPattern(value.find(':') != std::string::npos
                                       ? "[" + value.substr(0, value.find('/')) + "]" +
                                             value.substr(value.find('/'))
                                       : value,
                                   error);
    EXPECT_TRUE(p) << value << ": " << error;
    if (!p)
      return false;
    // Squid holds IPv4 addresses as ::ffff:a.b.c.d, so an IPv6 range covers
    // the IPv4 hosts it maps (checked against Squid 5.7), as moat's does.
    return p->matches(host, 1);
  }
  static bool portMatch(const std::string &value, uint16_t port) {
    llvm::StringRef lo, hi;
    std::tie(lo, hi) = llvm::StringRef(value).split('-');
    unsigned l = 0, h = 0;
    EXPECT_FALSE(lo.getAsInteger(10, l)) << value;
    if (hi.empty())
      h = l;
    else
      EXPECT_FALSE(hi.getAsInteger(10, h)) << value;
    return port >= l && port <= h;
  }
  // The server name ssl::server_name --client-requested computes: the SNI,
  // else the CONNECT target.
  static std::string serverName(const Request &r) {
    if (r.sni)
      return *r.sni;
    return r.host.kind == net::CanonicalHost::Kind::IPv4 ? r.host.ip.text() : r.host.text();
  }

  bool aclMatch(const std::string &name, const Request &r, bool tls) const {
    if (name == "all")
      return true;
    auto it = acls_.find(name);
    EXPECT_NE(it, acls_.end()) << "undefined acl " << name;
    if (it == acls_.end())
      return false;
    const Acl &a = it->second;
    for (const std::string &v : a.values) {
      bool hit = false;
      if (a.type == "dstdomain") {
        EXPECT_EQ(a.flags, std::vector<std::string>{"-n"}) << name;
        hit = r.host.kind == net::CanonicalHost::Kind::Name && domainMatch(v, r.host.name);
      } else if (a.type == "dst") {
        EXPECT_EQ(a.flags, std::vector<std::string>{"-n"}) << name;
        hit = r.host.kind != net::CanonicalHost::Kind::Name && cidrMatch(v, r.host);
      } else if (a.type == "port") {
        hit = portMatch(v, r.port);
      } else if (a.type == "method") {
        hit = v == "CONNECT" && r.connect;
      } else if (a.type == "ssl::server_name") {
        EXPECT_TRUE(tls) << name << " used outside ssl_bump";
        hit = domainMatch(v, serverName(r));
      } else if (a.type == "ssl::server_name_regex") {
        hit = std::regex_search(serverName(r), std::regex(v));
      } else if (a.type == "at_step") {
        hit = false; // the model evaluates step 2 only
      } else {
        ADD_FAILURE() << "unknown acl type " << a.type;
      }
      if (hit)
        return true;
    }
    return false;
  }

  std::string first(const std::vector<Rule> &rules, const Request &r, bool tls) const {
    for (const Rule &rule : rules) {
      bool all = true;
      for (const std::string &c : rule.conds) {
        bool negate = c[0] == '!';
        if (aclMatch(negate ? c.substr(1) : c, r, tls) == negate) {
          all = false;
          break;
        }
      }
      if (all)
        return rule.action;
    }
    return "";
  }

  std::map<std::string, Acl> acls_;
  std::vector<Rule> http_, bump_;
};

net::CanonicalHost host(const char *text) {
  std::string error;
  auto h = net::canonicaliseHost(text, error);
  EXPECT_TRUE(h) << text << ": " << error;
  return h.value_or(net::CanonicalHost{});
}

Request get(const char *h, uint16_t port) { return Request{host(h), port, false, std::nullopt}; }
Request tunnel(const char *h, uint16_t port, std::optional<std::string> sni) {
  return Request{host(h), port, true, std::move(sni)};
}

// ---------------------------------------------------------------------------
// Fixed cases

TEST(SquidTarget, StrictSubdomainsExcludeTheBareName) {
  SquidBuild b("policy \"p\" {\n  allow connect \"*.example.com\";\n}\n");
  ASSERT_TRUE(b.policy) << b.messages();
  EXPECT_TRUE(b.has("acl moat_r1_dom dstdomain -n .example.com")) << b.output;
  EXPECT_TRUE(b.has("acl moat_r1_dom_bare dstdomain -n example.com")) << b.output;
  EXPECT_TRUE(b.has("http_access allow moat_r1_dom !moat_r1_dom_bare")) << b.output;
  EXPECT_TRUE(b.has("ssl_bump splice moat_r1_sni !moat_r1_sni_bare")) << b.output;
  SquidModel m(b.output);
  EXPECT_EQ(m.httpAccess(get("a.example.com", 80)), "allow");
  EXPECT_EQ(m.httpAccess(get("b.a.example.com", 80)), "allow");
  EXPECT_EQ(m.httpAccess(get("example.com", 80)), "deny");
  EXPECT_EQ(m.httpAccess(get("notexample.com", 80)), "deny");
}

TEST(SquidTarget, DenyLinesComeBeforeAllowLines) {
  SquidBuild b("policy \"p\" {\n  allow connect \"*.example.com\";\n"
               "  deny connect \"bad.example.com\";\n}\n");
  ASSERT_TRUE(b.policy) << b.messages();
  // The deny is numbered first whatever its place in the source.
  EXPECT_TRUE(b.has("acl moat_r1_dom dstdomain -n bad.example.com")) << b.output;
  size_t deny = b.at("http_access deny moat_r1_dom");
  size_t allow = b.at("http_access allow moat_r2_dom !moat_r2_dom_bare");
  ASSERT_NE(deny, std::string::npos) << b.output;
  ASSERT_NE(allow, std::string::npos) << b.output;
  EXPECT_LT(deny, allow);
  EXPECT_LT(b.at("ssl_bump terminate moat_r1_sni"), b.at("ssl_bump splice moat_r2_sni !moat_r2_sni_bare"));
  SquidModel m(b.output);
  EXPECT_EQ(m.httpAccess(get("bad.example.com", 443)), "deny");
  EXPECT_EQ(m.httpAccess(get("good.example.com", 443)), "allow");
}

TEST(SquidTarget, PortsAddressesAndIPv6) {
  SquidBuild b("policy \"p\" {\n"
               "  allow connect \"api.example.com:443\";\n"
               "  allow connect \"10.20.0.0/16:8000-8100\";\n"
               "  allow connect \"[2001:db8::]/32:443\";\n"
               "  deny connect \"[fd00::1]\";\n"
               "}\n");
  ASSERT_TRUE(b.policy) << b.messages();
  EXPECT_TRUE(b.has("acl moat_r1_dst dst -n fd00::1/128")) << b.output;
  EXPECT_TRUE(b.has("acl moat_r2_dom dstdomain -n api.example.com")) << b.output;
  EXPECT_TRUE(b.has("acl moat_r2_port port 443")) << b.output;
  EXPECT_TRUE(b.has("acl moat_r3_dst dst -n 10.20.0.0/16")) << b.output;
  EXPECT_TRUE(b.has("acl moat_r3_port port 8000-8100")) << b.output;
  EXPECT_TRUE(b.has("acl moat_r4_dst dst -n 2001:db8::/32")) << b.output;
  // CONNECT goes only to ports some allow rule allows, merged and sorted.
  EXPECT_TRUE(b.has("acl moat_connect_ports port 443 8000-8100")) << b.output;
  EXPECT_TRUE(b.has("http_access deny moat_connect !moat_connect_ports")) << b.output;
  // An allowed address is spliced only when the client named no host.
  EXPECT_TRUE(b.has("ssl_bump splice moat_r3_dst moat_sni_address moat_r3_port")) << b.output;
  SquidModel m(b.output);
  EXPECT_EQ(m.httpAccess(tunnel("api.example.com", 443, "api.example.com")), "allow");
  EXPECT_EQ(m.httpAccess(tunnel("api.example.com", 80, std::nullopt)), "deny");
  EXPECT_EQ(m.httpAccess(get("10.20.3.4", 8050)), "allow");
  EXPECT_EQ(m.httpAccess(get("0x0a140304", 8050)), "allow"); // same address, odd spelling
  EXPECT_EQ(m.httpAccess(get("10.20.3.4", 443)), "deny");
  EXPECT_EQ(m.httpAccess(get("[2001:db8::5]", 443)), "allow");
  EXPECT_EQ(m.httpAccess(get("[fd00::1]", 443)), "deny");
  EXPECT_EQ(m.sslBump(tunnel("10.20.3.4", 8050, std::nullopt)), "splice");
  EXPECT_EQ(m.sslBump(tunnel("10.20.3.4", 8050, "evil.example.org")), "terminate");
  EXPECT_EQ(m.sslBump(tunnel("api.example.com", 443, "evil.example.org")), "terminate");
  EXPECT_EQ(m.sslBump(tunnel("api.example.com", 443, "api.example.com")), "splice");
}

TEST(SquidTarget, NamesNeverMatchAddressesSoIPLiteralsAreDenied) {
  SquidBuild b("policy \"p\" {\n  allow connect \"localhost\";\n}\n");
  ASSERT_TRUE(b.policy) << b.messages();
  // -n: no reverse lookup, the REFERENCE.md pitfall (127.0.0.1 -> localhost).
  EXPECT_TRUE(b.has("acl moat_r1_dom dstdomain -n localhost")) << b.output;
  SquidModel m(b.output);
  EXPECT_EQ(m.httpAccess(get("localhost", 80)), "allow");
  for (const char *ip : {"127.0.0.1", "127.1", "0x7f000001", "2130706433", "[::ffff:127.0.0.1]",
                         "[::1]"})
    EXPECT_EQ(m.httpAccess(get(ip, 80)), "deny") << ip;
}

TEST(SquidTarget, AskDefaultBecomesDenyWithAWarning) {
  SquidBuild b("policy \"p\" {\n  default connect ask;\n  allow connect \"a.example\";\n}\n");
  ASSERT_TRUE(b.policy) << b.messages();
  EXPECT_EQ(b.count("unenforceable-rule", 2), 1u) << b.messages();
  EXPECT_TRUE(b.has("http_access deny all")) << b.output;
  EXPECT_TRUE(b.has("ssl_bump terminate all")) << b.output;
}

TEST(SquidTarget, AllowDefaultEndsWithAllow) {
  SquidBuild b("policy \"p\" {\n  default connect allow;\n  deny connect \"*:25\";\n"
               "  allow connect \"a.example:443\";\n}\n");
  ASSERT_TRUE(b.policy) << b.messages();
  EXPECT_EQ(b.count("unenforceable-rule"), 0u) << b.messages();
  EXPECT_TRUE(b.has("http_access deny moat_r1_port")) << b.output;
  EXPECT_TRUE(b.output.find("moat_connect_ports") == std::string::npos) << b.output;
  EXPECT_TRUE(b.has("http_access allow all")) << b.output;
  EXPECT_TRUE(b.has("ssl_bump splice all")) << b.output;
  SquidModel m(b.output);
  EXPECT_EQ(m.httpAccess(get("mail.example", 25)), "deny");
  EXPECT_EQ(m.httpAccess(get("other.example", 80)), "allow");
}

TEST(SquidTarget, DisabledSandboxAllowsEverything) {
  SquidBuild b("policy \"p\" {\n  set sandbox-disabled = true;\n  deny connect \"x.example\";\n}\n");
  ASSERT_TRUE(b.policy) << b.messages();
  EXPECT_TRUE(b.has("http_access allow all")) << b.output;
  EXPECT_TRUE(b.output.find("http_access deny") == std::string::npos) << b.output;
}

TEST(SquidTarget, PlatformRulesOnAProxyForEveryClient) {
  const std::string text = "policy \"p\" {\n"
                           "  allow connect \"a.example\";\n"
                           "  on linux { allow connect \"l.example\"; }\n"
                           "  on macos { deny connect \"a.example:22\"; }\n"
                           "}\n";
  SquidBuild all(text);
  ASSERT_TRUE(all.policy) << all.messages();
  EXPECT_EQ(all.count("unenforceable-rule", 3), 1u) << all.messages(); // allow left out
  EXPECT_EQ(all.count("unenforceable-rule", 4), 1u) << all.messages(); // deny for everyone
  EXPECT_TRUE(all.output.find("l.example") == std::string::npos) << all.output;
  SquidModel ma(all.output);
  EXPECT_EQ(ma.httpAccess(get("a.example", 22)), "deny");

  SquidBuild linux(text, "linux");
  ASSERT_TRUE(linux.policy);
  EXPECT_EQ(linux.count("unenforceable-rule"), 0u) << linux.messages();
  SquidModel ml(linux.output);
  EXPECT_EQ(ml.httpAccess(get("l.example", 80)), "allow");
  EXPECT_EQ(ml.httpAccess(get("a.example", 22)), "allow");

  SquidBuild macos(text, "macos");
  ASSERT_TRUE(macos.policy);
  SquidModel mm(macos.output);
  EXPECT_EQ(mm.httpAccess(get("l.example", 80)), "deny");
  EXPECT_EQ(mm.httpAccess(get("a.example", 22)), "deny");
}

TEST(SquidTarget, UnknownFormatIsRefused) {
  SquidBuild b("policy \"p\" {\n  allow connect \"a.example\";\n}\n", "bsd");
  EXPECT_EQ(b.count("unknown-format"), 1u) << b.messages();
  EXPECT_TRUE(b.output.empty());
}

TEST(SquidTarget, WholeFamiliesAreWrittenAsTwoHalves) {
  // Squid refuses a /0 ("use 'all'"), and `all` would cover both families.
  SquidBuild b("policy \"p\" {\n  deny connect \"0.0.0.0/0:25\";\n"
               "  allow connect \"[::]/0\";\n}\n");
  ASSERT_TRUE(b.policy) << b.messages();
  EXPECT_TRUE(b.has("acl moat_r1_dst dst -n 0.0.0.0/1 128.0.0.0/1")) << b.output;
  // (r2 and r3 are the loopback names the 0.0.0.0/0 deny also denies.)
  EXPECT_TRUE(b.has("acl moat_r4_dst dst -n ::/1 8000::/1")) << b.output;
  EXPECT_EQ(b.count("unenforceable-rule"), 0u) << b.messages();
  SquidModel m(b.output);
  EXPECT_EQ(m.httpAccess(get("10.1.2.3", 25)), "deny");
  EXPECT_EQ(m.httpAccess(get("10.1.2.3", 80)), "allow"); // [::]/0 maps every IPv4 host
  EXPECT_EQ(m.httpAccess(get("[2001:db8::1]", 25)), "allow");
  EXPECT_EQ(m.httpAccess(get("example.com", 80)), "deny");
}

TEST(SquidTarget, OutputIsDeterministicAndIgnoresPaths) {
  const std::string text = "policy \"p\" {\n  allow write \"/tmp\";\n"
                           "  allow connect \"b.example\", \"*.a.example:443\";\n"
                           "  deny connect \"10.0.0.0/8\";\n}\n";
  SquidBuild a(text), b(text);
  ASSERT_TRUE(a.policy) << a.messages();
  EXPECT_EQ(a.output, b.output);
  EXPECT_TRUE(a.output.find("/tmp") == std::string::npos) << a.output;
  EXPECT_EQ(a.count("unenforceable-rule"), 0u) << a.messages();
}

// A name that could break out of its ACL value never reaches the output,
// even if a bug upstream let it into the IR.
TEST(SquidTarget, RefusesUnsafeHostsDefensively) {
  for (const char *bad : {"evil.example\nhttp_access allow all", "Upper.example", "-n",
                          "a..b", ".a", "a b", ""}) {
    ir::Policy policy;
    ir::NetRule rule;
    rule.effect = ir::Effect::Allow;
    rule.host.kind = net::HostPattern::Kind::Exact;
    rule.host.domain = bad;
    policy.netRules.push_back(rule);
    SourceFiles files;
    DiagnosticEngine diags(files);
    BuildResult result;
    squid::build(policy, BuildOptions{}, diags, result);
    EXPECT_TRUE(diags.hasErrors()) << bad;
    EXPECT_TRUE(result.output.empty()) << bad;
  }
}

TEST(SquidPlan, SafeNames) {
  for (const char *ok : {"a", "example.com", "a-b.c_d.example", "xn--bcher-kva.example", "1a.b"})
    EXPECT_TRUE(squid::isSquidSafeName(ok)) << ok;
  for (const char *bad : {"", ".", ".a", "a.", "a..b", "-a.b", "a.-b", "A.b", "a b", "a\tb",
                          "a/b", "a:b", "a\\b", "a\"b", "a#b"})
    EXPECT_FALSE(squid::isSquidSafeName(bad)) << bad;
}

// ---------------------------------------------------------------------------
// Random policies x probes: the model of Squid decides as the evaluator does.

TEST(SquidDifferential, FragmentDecidesLikeTheEvaluator) {
  const char *hosts[] = {"example.com",  "a.example.com", "*.example.com", "*.a.example.com",
                         "localhost",    "*",             "10.0.0.0/8",    "10.1.2.3",
                         "127.0.0.1",    "[::1]",         "[fd00::]/8",    "192.168.0.0/16",
                         "xn--bcher-kva.example", "[2001:db8::]/32", "[::]/64",
                         "0.0.0.0/0", "[::]/0"};
  const char *ports[] = {"", ":443", ":80", ":8000-8100", ":1-1024"};
  const char *probes[] = {"example.com", "a.example.com", "b.a.example.com", "localhost",
                          "10.1.2.3",    "10.200.0.1",    "127.0.0.1",       "::1",
                          "fd00::5",     "192.168.7.7",   "0x7f000001",      "other.org",
                          "xn--bcher-kva.example", "2001:db8::9", "::ffff:10.1.2.3"};
  const char *snis[] = {"example.com", "a.example.com", "b.a.example.com", "localhost",
                        "other.org"};
  const uint16_t probePorts[] = {22, 80, 443, 8050, 1024, 65535};
  const char *defaults[] = {"deny", "ask", "allow"};
  unsigned seed = test::testSeed(0x5eed5c1d);
  std::mt19937 rng(seed);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };

  eval::Bindings bindings = test::modelBindings();
  std::string error;

  size_t compared = 0, tunnels = 0;
  for (int round = 0; round < 150; ++round) {
    std::string text = "policy \"r\" {\n  default connect " + std::string(defaults[pick(3)]) + ";\n";
    size_t rules = 1 + pick(7);
    for (size_t i = 0; i < rules; ++i)
      text += fmt::format("  {} connect \"{}{}\";\n", pick(3) == 0 ? "deny" : "allow",
                          hosts[pick(std::size(hosts))], ports[pick(std::size(ports))]);
    text += "}\n";
    SquidBuild b(text, "linux");
    if (!b.policy || b.output.empty())
      continue; // a random rule may contradict another
    SquidModel m(b.output);
    EXPECT_TRUE(m.firstBumpIsPeekAtStep1()) << b.output;
    auto ev = eval::Evaluator::create(*b.policy, bindings, ir::Platform::Linux, error);
    ASSERT_TRUE(ev) << error;
    for (const char *probe : probes) {
      for (uint16_t port : probePorts) {
        net::CanonicalHost h = host(probe);
        auto want = ev->decide(h, port).outcome == eval::NetDecision::Outcome::Allow ? "allow"
                                                                                       : "deny";
        for (bool connect : {false, true}) {
          Request req{h, port, connect, std::nullopt};
          std::string got = m.httpAccess(req);
          ASSERT_EQ(got, want) << text << b.output << probe << ":" << port
                               << (connect ? " CONNECT" : " GET");
          ++compared;
          if (!connect || got != "allow")
            continue;
          // A tunnel Squid let through: spliced only when the server name
          // in the client hello is allowed too (no SNI: the target counts).
          for (size_t s = 0; s <= std::size(snis); ++s) {
            std::optional<std::string> sni;
            if (s < std::size(snis))
              sni = snis[s];
            std::string bump = m.sslBump(Request{h, port, true, sni});
            bool allowed = sni ? ev->decide(host(sni->c_str()), port).outcome ==
                                     eval::NetDecision::Outcome::Allow
                               : true;
            ASSERT_EQ(bump, allowed ? "splice" : "terminate")
                << text << b.output << probe << ":" << port << " SNI "
                << (sni ? *sni : "(none)");
            ++tunnels;
          }
        }
      }
    }
  }
  EXPECT_GT(compared, 5000u);
  EXPECT_GT(tunnels, 1000u);
}

} // namespace
