// findPath and findEndpoint against brute force, over thousands of seeded
// random pattern sets on a small alphabet:
//  (a) a witness is a member: in every include, in no exclude (checked with
//      the evaluator's own matchers, fs::PatternMatcher and
//      net::HostPattern::matches);
//  (b) paths: when enumeration of every path up to depth 3 over a small name
//      set finds a member, findPath finds one no deeper (it returns the
//      shortest); so "empty" is never claimed for a non-empty set;
//  (c) endpoints: the enumeration is complete (it covers every combination
//      of the patterns' predicates: names of up to three labels over the
//      pattern labels plus fresh ones, every address of the small ranges and
//      one outside, ports at every range boundary), so the two must agree
//      exactly.
#include "compiler/verify/Witness.h"

#include "compiler/fs/Glob.h"
#include "RandomPattern.h"

#include <gtest/gtest.h>

#include <random>

using namespace moat;

namespace {

// ---- paths --------------------------------------------------------------

const char *const kGlobs[] = {"*", "?", "a*", "*b", "[ab]", "[!a]", "?a", "**", "**"};

fs::PathPattern randomPattern(std::mt19937 &rng) { return moat::testing::randomPattern(rng, kGlobs); }

std::vector<std::string> bruteNames() {
  std::vector<std::string> names;
  const std::string alpha = "abx";
  for (char c : alpha)
    names.push_back(std::string(1, c));
  for (char c : alpha)
    for (char d : alpha)
      names.push_back(std::string{c, d});
  for (char c : alpha)
    for (char d : alpha)
      for (char e : alpha)
        names.push_back(std::string{c, d, e});
  return names;
}

TEST(WitnessDifferential, PathsAgainstEnumeration) {
  const std::vector<std::string> names = bruteNames();
  // Every path of depth <= 2 over the names, and depth 3 over the shorter ones.
  std::vector<std::vector<std::string_view>> paths{{}};
  for (const std::string &a : names) {
    paths.push_back({a});
    for (const std::string &b : names) {
      paths.push_back({a, b});
      if (a.size() <= 2 && b.size() <= 1)
        for (const std::string &c : names)
          if (c.size() <= 2)
            paths.push_back({a, b, c});
    }
  }
  std::mt19937 rng(20240601);
  unsigned agreeEmpty = 0, agreeFound = 0, deeper = 0;
  for (int round = 0; round < 6000; ++round) {
    std::vector<fs::PathPattern> inc, exc;
    int ni = 1 + static_cast<int>(rng() % 2), ne = static_cast<int>(rng() % 4);
    for (int i = 0; i < ni; ++i)
      inc.push_back(randomPattern(rng));
    for (int i = 0; i < ne; ++i)
      exc.push_back(randomPattern(rng));
    std::vector<const fs::PathPattern *> ip, ep;
    std::vector<fs::PatternMatcher> im, em;
    std::string error;
    for (const auto &p : inc) {
      ip.push_back(&p);
      im.push_back(*fs::PatternMatcher::compile(p, error));
    }
    for (const auto &p : exc) {
      ep.push_back(&p);
      em.push_back(*fs::PatternMatcher::compile(p, error));
    }
    auto member = [&](const std::vector<std::string_view> &path) {
      for (const auto &m : im)
        if (!m.matches(path))
          return false;
      for (const auto &m : em)
        if (m.matches(path))
          return false;
      return true;
    };
    std::optional<size_t> bruteDepth;
    for (const auto &path : paths)
      if (member(path) && (!bruteDepth || path.size() < *bruteDepth))
        bruteDepth = path.size();

    std::string desc;
    for (const auto &p : inc)
      desc += " +" + p.text() + (p.form == fs::PatternForm::Exact ? "(file)" : "");
    for (const auto &p : exc)
      desc += " -" + p.text() + (p.form == fs::PatternForm::Exact ? "(file)" : "");

    auto w = verify::findPath(ip, ep);
    if (w) {
      auto norm = fs::normaliseAbsolute(*w);
      ASSERT_TRUE(norm && *norm == *w) << "not normalised: " << *w << desc;
      std::vector<std::string_view> parts = fs::splitPath(*w);
      ASSERT_TRUE(member(parts)) << "not a member: " << *w << desc;
      if (bruteDepth) {
        ASSERT_LE(parts.size(), *bruteDepth) << "not the shortest: " << *w << desc;
        ++agreeFound;
      } else {
        ++deeper; // a member outside the enumerated names or depth
      }
    } else {
      ASSERT_FALSE(bruteDepth) << "claimed empty, but enumeration found a member at depth " << *bruteDepth
                               << desc;
      ++agreeEmpty;
    }
  }
  // The generator must exercise both answers.
  EXPECT_GT(agreeEmpty, 1500u);
  EXPECT_GT(agreeFound, 1500u);
  EXPECT_LT(deeper, 600u);
}

TEST(WitnessDifferential, DecisionsAgainstEnumeration) {
  // findDecidedAgainst: a path of the subject whose first covering rule
  // (or the default) has the other effect, against the same enumeration.
  const std::vector<std::string> names = bruteNames();
  std::vector<std::vector<std::string_view>> paths{{}};
  for (const std::string &a : names) {
    paths.push_back({a});
    for (const std::string &b : names) {
      paths.push_back({a, b});
      if (a.size() <= 2 && b.size() <= 1)
        for (const std::string &c : names)
          if (c.size() <= 2)
            paths.push_back({a, b, c});
    }
  }
  std::mt19937 rng(99);
  unsigned agreeEmpty = 0, agreeFound = 0;
  for (int round = 0; round < 4000; ++round) {
    fs::PathPattern subject = randomPattern(rng);
    std::vector<fs::PathPattern> rules;
    std::vector<ir::Effect> effects;
    int n = static_cast<int>(rng() % 5);
    for (int i = 0; i < n; ++i) {
      rules.push_back(randomPattern(rng));
      effects.push_back(rng() % 2 ? ir::Effect::Allow : ir::Effect::Deny);
    }
    ir::Effect expected = rng() % 2 ? ir::Effect::Allow : ir::Effect::Deny;
    ir::Effect def = rng() % 2 ? ir::Effect::Allow : ir::Effect::Deny;
    std::string error;
    fs::PatternMatcher sm = *fs::PatternMatcher::compile(subject, error);
    std::vector<fs::PatternMatcher> rm;
    std::vector<verify::DecidingRule> list;
    for (size_t i = 0; i < rules.size(); ++i) {
      rm.push_back(*fs::PatternMatcher::compile(rules[i], error));
      list.push_back(verify::DecidingRule{&rules[i], effects[i]});
    }
    auto against = [&](const std::vector<std::string_view> &path) {
      if (!sm.matches(path))
        return false;
      for (size_t i = 0; i < rm.size(); ++i)
        if (rm[i].matches(path))
          return effects[i] != expected;
      return def != expected;
    };
    std::optional<size_t> bruteDepth;
    for (const auto &path : paths)
      if (against(path) && (!bruteDepth || path.size() < *bruteDepth))
        bruteDepth = path.size();
    std::string desc = " subject " + subject.text() + (subject.form == fs::PatternForm::Exact ? "(file)" : "");
    for (size_t i = 0; i < rules.size(); ++i)
      desc += std::string(" ") + ir::effectName(effects[i]) + " " + rules[i].text() +
              (rules[i].form == fs::PatternForm::Exact ? "(file)" : "");
    desc += std::string(" expected ") + ir::effectName(expected) + " default " + ir::effectName(def);

    auto w = verify::findDecidedAgainst(subject, list, expected, def);
    if (w) {
      std::vector<std::string_view> parts = fs::splitPath(*w);
      ASSERT_TRUE(against(parts)) << "not a counterexample: " << *w << desc;
      if (bruteDepth) {
        ASSERT_LE(parts.size(), *bruteDepth) << "not the shortest: " << *w << desc;
        ++agreeFound;
      }
    } else {
      ASSERT_FALSE(bruteDepth) << "claimed none, enumeration found one at depth " << *bruteDepth << desc;
      ++agreeEmpty;
    }
  }
  EXPECT_GT(agreeEmpty, 800u);
  EXPECT_GT(agreeFound, 800u);
}

// ---- endpoints ------------------------------------------------------------

const char *const kHostPatterns[] = {
    "*", "a", "b", "a.a", "b.a", "*.a", "*.b", "*.a.a", "*.b.a",
    "10.0.0.0/29", "10.0.0.0/30", "10.0.0.4/30", "10.0.0.2/31", "10.0.0.5", "10.0.0.7",
    "[2001:db8::]/126", "[2001:db8::]/127", "[2001:db8::3]", "[::]/64", "[::ffff:10.0.0.0]/125"};
const char *const kPorts[] = {"", "", "", ":1-3", ":2-5", ":4", ":5-6", ":443"};

std::vector<net::CanonicalHost> bruteHosts() {
  std::vector<std::string> texts;
  const std::string labels[] = {"a", "b", "x", "y"};
  for (const auto &l1 : labels) {
    texts.push_back(l1);
    for (const auto &l2 : labels) {
      texts.push_back(l1 + "." + l2);
      for (const auto &l3 : labels)
        texts.push_back(l1 + "." + l2 + "." + l3);
    }
  }
  for (int i = 0; i <= 8; ++i)
    texts.push_back("10.0.0." + std::to_string(i));
  for (int i = 0; i <= 4; ++i)
    texts.push_back("2001:db8::" + std::to_string(i));
  for (const char *t : {"1.2.3.4", "::1", "2001:db9::1"})
    texts.push_back(t);
  std::vector<net::CanonicalHost> hosts;
  for (const std::string &t : texts) {
    std::string error;
    auto h = net::canonicaliseHost(t, error);
    EXPECT_TRUE(h) << t << ": " << error;
    if (h)
      hosts.push_back(*h);
  }
  return hosts;
}

TEST(WitnessDifferential, EndpointsAgainstEnumeration) {
  const std::vector<net::CanonicalHost> hosts = bruteHosts();
  const uint16_t ports[] = {1, 2, 3, 4, 5, 6, 7, 100, 443, 65535};
  std::mt19937 rng(7);
  unsigned empty = 0, found = 0;
  for (int round = 0; round < 4000; ++round) {
    auto random = [&] {
      std::string text = std::string(kHostPatterns[rng() % std::size(kHostPatterns)]) +
                         kPorts[rng() % std::size(kPorts)];
      std::string error;
      auto p = net::parseHostPattern(text, error);
      EXPECT_TRUE(p) << text << ": " << error;
      return p.value_or(net::HostPattern{});
    };
    std::vector<net::HostPattern> inc, exc;
    int ni = static_cast<int>(rng() % 3), ne = static_cast<int>(rng() % 5);
    for (int i = 0; i < ni; ++i)
      inc.push_back(random());
    for (int i = 0; i < ne; ++i)
      exc.push_back(random());
    std::vector<const net::HostPattern *> ip, ep;
    for (const auto &p : inc)
      ip.push_back(&p);
    for (const auto &p : exc)
      ep.push_back(&p);
    auto member = [&](const net::CanonicalHost &h, uint16_t port) {
      for (const auto &p : inc)
        if (!p.matches(h, port))
          return false;
      for (const auto &p : exc)
        if (p.matches(h, port))
          return false;
      return true;
    };
    bool brute = false;
    for (const auto &h : hosts)
      for (uint16_t port : ports)
        brute |= member(h, port);
    std::string desc;
    for (const auto &p : inc)
      desc += " +" + p.text();
    for (const auto &p : exc)
      desc += " -" + p.text();

    auto w = verify::findEndpoint(ip, ep);
    if (w) {
      std::string error;
      auto again = net::canonicaliseHost(w->host.kind == net::CanonicalHost::Kind::IPv6
                                             ? w->host.ip.text()
                                             : w->host.text(),
                                         error);
      ASSERT_TRUE(again && *again == w->host) << "not canonical: " << w->host.text() << desc;
      ASSERT_GE(w->port, 1) << desc;
      ASSERT_TRUE(member(w->host, w->port)) << "not a member: " << w->host.text() << ":" << w->port << desc;
      ASSERT_TRUE(brute) << "enumeration found nothing, findEndpoint " << w->host.text() << desc;
      ++found;
    } else {
      ASSERT_FALSE(brute) << "claimed empty, enumeration disagrees" << desc;
      ++empty;
    }
  }
  EXPECT_GT(empty, 400u);
  EXPECT_GT(found, 1000u);
}

} // namespace
