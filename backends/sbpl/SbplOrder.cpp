#include "backends/sbpl/SbplOrder.h"

#include <algorithm>
#include <queue>

namespace moat::backends::sbpl {

namespace {

constexpr unsigned kFirst = 1, kSecond = 2;

bool isExact(const PlacedPattern &p) { return p.relative.form == fs::PatternForm::Exact; }

// Does `seq` occur in `in` at `at`?
bool occursAt(const std::vector<std::string> &in, size_t at, const std::vector<std::string> &seq) {
  if (at + seq.size() > in.size())
    return false;
  return std::equal(seq.begin(), seq.end(), in.begin() + static_cast<std::ptrdiff_t>(at));
}

bool endsWith(const std::vector<std::string> &in, const std::vector<std::string> &tail) {
  return tail.size() <= in.size() && occursAt(in, in.size() - tail.size(), tail);
}

// The IR's decision between two rules whose bound literal prefixes are the
// same string: every key after the prefix, then deny, then the earlier rule.
unsigned samePrefixWinner(const OrderItem &a, const OrderItem &b) {
  const PlacedPattern &x = *a.pattern, &y = *b.pattern;
  auto cmp = [](size_t u, size_t v) { return u < v ? -1 : u > v ? 1 : 0; };
  int c = cmp(x.spec.formRank, y.spec.formRank);
  if (!c)
    c = cmp(x.restComponents(), y.restComponents());
  if (!c)
    c = cmp(x.restLiteralBytes(), y.restLiteralBytes());
  if (!c)
    c = cmp(y.spec.doubleStars, x.spec.doubleStars);
  if (c)
    return c > 0 ? kFirst : kSecond;
  if (a.effect != b.effect)
    return a.effect == ir::Effect::Deny ? kFirst : kSecond;
  return a.index < b.index ? kFirst : kSecond;
}

// Both below the same anchor: the relative patterns compare like the bound
// ones. They can both match a path only if one prefix extends the other
// (and an exact pattern matches nothing longer than itself).
unsigned sameAnchorWinners(const OrderItem &a, const OrderItem &b) {
  const PlacedPattern &x = *a.pattern, &y = *b.pattern;
  const auto &px = x.prefix, &py = y.prefix;
  bool compatible = px.size() <= py.size() ? occursAt(py, 0, px) : occursAt(px, 0, py);
  if (!compatible)
    return 0;
  if (isExact(x) && py.size() > px.size())
    return 0;
  if (isExact(y) && px.size() > py.size())
    return 0;
  if (int c = fs::compareSpecificity(x.spec, y.spec))
    return c > 0 ? kFirst : kSecond;
  if (a.effect != b.effect)
    return a.effect == ir::Effect::Deny ? kFirst : kSecond;
  return a.index < b.index ? kFirst : kSecond;
}

// `a` absolute (its prefix is the whole bound prefix), `b` below a parameter
// of any depth d >= 1.
unsigned absoluteVsParam(const OrderItem &a, const OrderItem &b) {
  const PlacedPattern &x = *a.pattern, &y = *b.pattern;
  const auto &pa = x.prefix, &pb = y.prefix;
  unsigned out = 0;
  // a deeper: b's bound prefix (d names, then pb) is a proper prefix of pa,
  // so pb occurs in pa at some d >= 1 and ends before pa does.
  if (!isExact(y))
    for (size_t d = 1; d + pb.size() < pa.size(); ++d)
      if (occursAt(pa, d, pb)) {
        out |= kFirst;
        break;
      }
  // b deeper: always possible (the parameter's value can be pa plus more),
  // unless a matches only pa itself.
  if (!isExact(x))
    out |= kSecond;
  // Equally deep: the parameter is pa's first d names and pb the rest.
  if (pb.size() < pa.size() && endsWith(pa, pb))
    out |= samePrefixWinner(a, b);
  return out;
}

// Both below different parameters, each of any depth >= 1.
unsigned paramVsParam(const OrderItem &a, const OrderItem &b) {
  const PlacedPattern &x = *a.pattern, &y = *b.pattern;
  unsigned out = 0;
  if (!isExact(y))
    out |= kFirst; // a's parameter can lie below b's prefix
  if (!isExact(x))
    out |= kSecond;
  if (endsWith(x.prefix, y.prefix) || endsWith(y.prefix, x.prefix))
    out |= samePrefixWinner(a, b);
  return out;
}

unsigned swapBits(unsigned w) { return ((w & kFirst) ? kSecond : 0) | ((w & kSecond) ? kFirst : 0); }

// The tie-break key: true when `a` is emitted before `b` if nothing else
// decides (less specific relative pattern, allow, later rule first).
bool emitsBefore(const OrderItem &a, const OrderItem &b) {
  if (int c = fs::compareSpecificity(a.pattern->spec, b.pattern->spec))
    return c < 0;
  if (a.effect != b.effect)
    return a.effect == ir::Effect::Allow;
  if (a.pattern->param != b.pattern->param)
    return a.pattern->param < b.pattern->param;
  return a.index > b.index;
}

} // namespace

// Can `a` match a path ITSELF that `b` covers only from an ancestor (b
// matches a proper ancestor of it and not the path itself)? The match class
// then lets `a` decide whatever the specificity keys say (fs/MatchClass.h).
// Conservative (true when unsure): a wrong "yes" only makes a pair depend
// on the path, which puts the deny last (stricter, reported).
bool selfBelowAncestor(const OrderItem &a, const OrderItem &b) {
  const PlacedPattern &x = *a.pattern, &y = *b.pattern;
  // A literal `a` (or a subtree glob, `/a/**`) matches itself only at its
  // path A; if b covers A from a proper ancestor, b's literal prefix is
  // shorter than A, so `a` wins on specificity already.
  if (!x.relative.isGlob() || x.isSubtreeGlob())
    return false;
  if (isExact(y))
    return false; // an exact rule covers nothing beneath itself
  if (y.relative.form == fs::PatternForm::Subtree || y.isSubtreeGlob()) {
    // b's only self path is its prefix: a must match something strictly
    // beneath it; with a literal `a` of the same anchor, only when b's
    // prefix is a proper prefix of a's path.
    if (x.param == y.param && !x.relative.isGlob())
      return x.prefix.size() > y.prefix.size() && occursAt(x.prefix, 0, y.prefix);
    return true;
  }
  // A glob b: its self paths may end anywhere beneath its prefix.
  if (x.param == y.param && !x.relative.isGlob())
    return x.prefix.size() > y.prefix.size() && occursAt(x.prefix, 0, y.prefix);
  return true;
}

unsigned possibleWinners(const OrderItem &a, const OrderItem &b) {
  const std::string &pa = a.pattern->param, &pb = b.pattern->param;
  unsigned w = pa == pb      ? sameAnchorWinners(a, b)
               : pa.empty() ? absoluteVsParam(a, b)
               : pb.empty() ? swapBits(absoluteVsParam(b, a))
                            : paramVsParam(a, b);
  if (w == 0)
    return 0; // they never match one path
  if (a.oneClass && b.oneClass)
    return w; // one class: the specificity keys decide
  if (selfBelowAncestor(a, b))
    w |= kFirst;
  if (selfBelowAncestor(b, a))
    w |= kSecond;
  return w;
}

std::optional<OrderResult> orderRules(const std::vector<OrderItem> &items, OrderPair &cycle) {
  const size_t n = items.size();
  OrderResult result;
  std::vector<std::vector<size_t>> after(n); // i -> rules that must come after i
  std::vector<size_t> indegree(n, 0);
  auto before = [&](size_t first, size_t second) {
    after[first].push_back(second);
    ++indegree[second];
  };
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      if (items[i].effect == items[j].effect)
        continue; // same effect: whichever is last, the decision is the same
      unsigned w = possibleWinners(items[i], items[j]);
      if (w == (kFirst | kSecond)) {
        // Either may decide, by the parameters' values: let the deny.
        bool iDenies = items[i].effect == ir::Effect::Deny;
        size_t allow = iDenies ? j : i, deny = iDenies ? i : j;
        before(allow, deny);
        result.deniedBoth.push_back(OrderPair{allow, deny});
      } else if (w == kFirst) { // i decides: it comes later
        before(j, i);
      } else if (w == kSecond) {
        before(i, j);
      }
    }
  }
  auto later = [&](size_t a, size_t b) { return emitsBefore(items[b], items[a]); };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> ready(later);
  for (size_t i = 0; i < n; ++i)
    if (indegree[i] == 0)
      ready.push(i);
  result.order.reserve(n);
  while (!ready.empty()) {
    size_t i = ready.top();
    ready.pop();
    result.order.push_back(i);
    for (size_t j : after[i])
      if (--indegree[j] == 0)
        ready.push(j);
  }
  if (result.order.size() == n)
    return result;
  // A cycle: name one constraint inside it.
  for (size_t i = 0; i < n; ++i)
    if (indegree[i] != 0)
      for (size_t j : after[i])
        if (indegree[j] != 0) {
          cycle = OrderPair{i, j};
          return std::nullopt;
        }
  cycle = OrderPair{0, 0};
  return std::nullopt;
}

} // namespace moat::backends::sbpl
