// libFuzzer target: the verifier's exact emptiness procedures
// (compiler/verify/Witness.h) against brute force.
// Input: lines, each one pattern:
//   +PATTERN / -PATTERN   a path pattern to lie in / to avoid ("f:" before
//                         the pattern makes it an exact file)
//   @HOST / !HOST         a host pattern to lie in / to avoid
// Besides "no crash", it aborts when
//   - a findPath / findEndpoint witness is not a member (checked with the
//     evaluator's matchers), is not normalised or not canonical;
//   - findPath or findEndpoint claims "empty" while enumeration over the
//     patterns' own names (plus invented ones) finds a member;
//   - findDecidedAgainst (the first include as the subject, the excludes as
//     rules of alternating effect) gives a path that is not decided against
//     the expectation, or claims none while enumeration finds one.
// Path searches run with a budget (as moat's own callers do); one that runs
// out answers nothing and is not compared.
#include "compiler/fs/Glob.h"
#include "compiler/verify/Witness.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

using namespace moat;

namespace {

[[noreturn]] void fail(const char *what, std::string_view input, const std::string &detail) {
  std::string shown;
  for (unsigned char c : input) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      shown += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      shown += buf;
    }
  }
  std::fprintf(stderr, "fuzz_witness: %s\ninput: %s\ndetail: %s\n", what, shown.c_str(), detail.c_str());
  std::abort();
}

constexpr size_t kMaxPatterns = 4;

// Names worth enumerating: every literal the patterns spell, invented ones,
// and an instance of each glob component (`*` as "x").
std::vector<std::string> namesOf(const std::vector<fs::PathPattern> &patterns) {
  std::set<std::string> names{"x", "y", "xx", ".x"};
  for (const fs::PathPattern &p : patterns)
    for (const std::string &c : p.components) {
      if (c == "**")
        continue;
      std::string name = p.isGlob() ? fs::unescapeGlobLiteral(c) : c;
      if (!p.isGlob() || !fs::hasGlobChars(c)) {
        names.insert(name);
        continue;
      }
      std::string error;
      if (auto tokens = fs::parseGlobComponent(c, error)) {
        std::string inst;
        for (const fs::GlobToken &t : *tokens)
          inst += t.kind == fs::GlobToken::Kind::Literal ? static_cast<char>(t.byte) : 'x';
        names.insert(inst);
      }
    }
  std::vector<std::string> out;
  for (const std::string &n : names)
    if (!n.empty() && n != "." && n != ".." && n.find('/') == std::string::npos && n.size() < 16)
      out.push_back(n);
  if (out.size() > 12)
    out.resize(12);
  return out;
}

void checkPaths(const std::vector<fs::PathPattern> &inc, const std::vector<fs::PathPattern> &exc,
                std::string_view input) {
  std::vector<fs::PatternMatcher> im, em;
  std::string error;
  for (const auto &p : inc) {
    auto m = fs::PatternMatcher::compile(p, error);
    if (!m)
      return;
    im.push_back(std::move(*m));
  }
  for (const auto &p : exc) {
    auto m = fs::PatternMatcher::compile(p, error);
    if (!m)
      return;
    em.push_back(std::move(*m));
  }
  std::vector<fs::PathPattern> all = inc;
  all.insert(all.end(), exc.begin(), exc.end());
  std::vector<std::string> names = namesOf(all);
  std::vector<std::vector<std::string_view>> paths{{}};
  for (const std::string &a : names) {
    paths.push_back({a});
    for (const std::string &b : names) {
      paths.push_back({a, b});
      for (const std::string &c : names)
        paths.push_back({a, b, c});
    }
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
  bool brute = false;
  for (const auto &path : paths)
    brute = brute || member(path);

  std::vector<const fs::PathPattern *> ip, ep;
  for (const auto &p : inc)
    ip.push_back(&p);
  for (const auto &p : exc)
    ep.push_back(&p);
  // A bounded search: pathological globs may exhaust it, and an exhausted
  // search answers nothing (the callers fail closed), so there is nothing
  // to compare then.
  verify::SearchBudget budget{200000, false};
  auto w = verify::findPath(ip, ep, budget);
  if (budget.exhausted) {
  } else if (w) {
    auto norm = fs::normaliseAbsolute(*w);
    if (!norm || *norm != *w)
      fail("findPath witness is not normalised", input, *w);
    if (!member(fs::splitPath(*w)))
      fail("findPath witness is not a member", input, *w);
  } else if (brute) {
    fail("findPath claims empty, enumeration found a member", input, "");
  }

  // The same patterns as a decision: the first include is the subject, the
  // excludes compete as rules (deny, allow, deny, ...), default allow.
  std::vector<verify::DecidingRule> rules;
  for (size_t i = 0; i < exc.size(); ++i)
    rules.push_back({&exc[i], i % 2 ? ir::Effect::Allow : ir::Effect::Deny});
  auto against = [&](const std::vector<std::string_view> &path) {
    if (!im[0].matches(path))
      return false;
    for (size_t i = 0; i < em.size(); ++i)
      if (em[i].matches(path))
        return rules[i].effect != ir::Effect::Deny;
    return true; // the default (allow) is not deny
  };
  bool bruteAgainst = false;
  for (const auto &path : paths)
    bruteAgainst = bruteAgainst || against(path);
  verify::SearchBudget budget2{200000, false};
  auto d = verify::findDecidedAgainst(inc[0], rules, ir::Effect::Deny, ir::Effect::Allow, budget2);
  if (budget2.exhausted) {
  } else if (d) {
    if (!against(fs::splitPath(*d)))
      fail("findDecidedAgainst witness is decided as expected", input, *d);
  } else if (bruteAgainst) {
    fail("findDecidedAgainst claims none, enumeration found one", input, "");
  }
}

void checkEndpoints(const std::vector<net::HostPattern> &inc, const std::vector<net::HostPattern> &exc,
                    std::string_view input) {
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
  // Hosts and ports that tell the patterns apart.
  std::vector<net::CanonicalHost> hosts;
  std::set<uint16_t> ports{1, 443, 65535};
  auto addHost = [&](const std::string &text) {
    std::string error;
    if (auto h = net::canonicaliseHost(text, error))
      hosts.push_back(*h);
  };
  addHost("x.invalid");
  for (const auto *list : {&inc, &exc})
    for (const net::HostPattern &p : *list) {
      for (unsigned q : {unsigned(p.ports.lo), unsigned(p.ports.hi), unsigned(p.ports.lo) - 1,
                         unsigned(p.ports.hi) + 1})
        if (q >= 1 && q <= 65535)
          ports.insert(static_cast<uint16_t>(q));
      if (p.kind == net::HostPattern::Kind::Exact || p.kind == net::HostPattern::Kind::Subdomains) {
        addHost(p.domain);
        addHost("x." + p.domain);
        addHost("y." + p.domain);
      } else if (p.kind == net::HostPattern::Kind::Cidr) {
        net::CanonicalHost h;
        h.kind = p.network.v6 ? net::CanonicalHost::Kind::IPv6 : net::CanonicalHost::Kind::IPv4;
        h.ip = p.network;
        hosts.push_back(h);
      }
    }
  auto w = verify::findEndpoint(ip, ep);
  if (w) {
    std::string error;
    std::string text = w->host.kind == net::CanonicalHost::Kind::IPv6 ? w->host.ip.text() : w->host.text();
    auto again = net::canonicaliseHost(text, error);
    if (!again || !(*again == w->host))
      fail("findEndpoint witness is not canonical", input, w->host.text());
    if (w->port == 0 || !member(w->host, w->port))
      fail("findEndpoint witness is not a member", input, w->host.text() + ":" + std::to_string(w->port));
    return;
  }
  for (const auto &h : hosts)
    for (uint16_t port : ports)
      if (member(h, port))
        fail("findEndpoint claims empty, enumeration found a member", input, h.text() + ":" + std::to_string(port));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 512)
    return 0;
  std::string_view input(reinterpret_cast<const char *>(data), size);
  std::vector<fs::PathPattern> inc, exc;
  std::vector<net::HostPattern> hinc, hexc;
  size_t start = 0;
  while (start <= input.size()) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos)
      end = input.size();
    std::string_view line = input.substr(start, end - start);
    start = end + 1;
    if (line.size() < 2)
      continue;
    char kind = line[0];
    std::string_view text = line.substr(1);
    std::string error;
    if (kind == '+' || kind == '-') {
      bool exact = text.substr(0, 2) == "f:";
      if (exact)
        text.remove_prefix(2);
      if (text.empty() || text[0] != '/')
        continue; // bound patterns only
      auto p = fs::parsePathPattern(text, exact, "", error);
      auto &list = kind == '+' ? inc : exc;
      if (p && list.size() < kMaxPatterns)
        list.push_back(std::move(*p));
    } else if (kind == '@' || kind == '!') {
      auto p = net::parseHostPattern(text, error);
      auto &list = kind == '@' ? hinc : hexc;
      if (p && list.size() < kMaxPatterns)
        list.push_back(std::move(*p));
    }
  }
  if (!inc.empty())
    checkPaths(inc, exc, input);
  if (!hinc.empty() || !hexc.empty())
    checkEndpoints(hinc, hexc, input);
  return 0;
}
