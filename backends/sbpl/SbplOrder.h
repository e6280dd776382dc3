// The order of a profile's filesystem rules. Seatbelt lets the LAST matching
// rule decide; the IR lets the first rule in its decision order decide
// (always tier, then the path itself before an ancestor of it, then more
// specific, then deny, then earlier: eval::decidesBefore). So rules are
// emitted least decisive first. The match class depends on the path, not
// on the rules, so the backend emits each rule as two parts: its descendant
// part (what it covers, which may include its own paths) and its self part
// (only the paths it matches itself). Per tier, every descendant part comes
// before every self part: wherever a rule matches a path itself, its self
// part matches and outranks every descendant part, as in the IR. Inside one
// group the class is the same for every matching part, so the order below
// only has to follow specificity, deny and rule order (OrderItem::oneClass).
// For whole rules (oneClass false), when one rule can match a path itself
// that the other covers only from an ancestor, that one can win as well as
// the more specific one (possibleWinners adds it).
//
// Parameters make this subtle: specificity is computed on the bound pattern,
// and `~/.ssh` (HOME=/Users/u) has three leading literal components while
// with HOME=/u/v/w it has four. Which rule decides may depend on a
// parameter's value. What the order must guarantee is only this: whenever
// two rules with different effects both match a path, the one the IR lets
// decide comes later. Over all values of the parameters:
//
//  * two rules below the same anchor (the same parameter, or both absolute)
//    compare exactly as their patterns relative to the anchor do, whatever
//    the value: the value adds the same components and bytes to both;
//  * two rules below different anchors: if both match a path, the longer
//    bound literal prefix wins, and at equal length the prefixes are the same
//    string, so the remaining keys (form, components and literal bytes after
//    the prefix, `**` count, deny) decide without the values. Which of
//    "first deeper", "second deeper", "equally deep" can happen while both
//    match is decided from the patterns alone (e.g. `/a/b/c` vs `$HOME/x`:
//    the absolute one can only be deeper if `x` occurs inside `a/b`).
//
// When every possible case gives the same winner, that is an ordering
// constraint. When the winner depends on the values, no order is right for
// every value: the deny rule goes after the allow rule (wherever both match,
// the profile denies: stricter, never looser) and the pair is returned so
// the caller can report the tightening (pass --define to bind the roots at
// build time and compile it exactly). Rules with the same effect need no
// constraint: the last match then has the deciding rule's effect either way.
//
// Never looser: let r be the last rule matching a path in the emitted order
// and w the rule the IR lets decide. If their effects differ, both match the
// path, so either their order was fixed with w last (then r is not last, a
// contradiction) or it depended on the values and the deny is last: r is a
// deny and w an allow.
//
// The order is a topological order of the constraints, ties broken by a
// fixed key (less specific relative pattern first, allow before deny, later
// rule first), so the output is deterministic. A cycle (never observed, but
// not ruled out) is refused.
#pragma once
#include "backends/sbpl/SbplPlace.h"
#include "compiler/ir/Policy.h"

#include <optional>
#include <vector>

namespace moat::backends::sbpl {

struct OrderItem {
  const PlacedPattern *pattern = nullptr;
  ir::Effect effect = ir::Effect::Deny;
  size_t index = 0; // position in policy.fsRules (the IR's last tie-break)
  // One match class of a rule (the backend's emitted form, see below): the
  // items of one call are all of the same class, so only the specificity
  // keys, deny and rule order decide between them. false: the whole rule,
  // whose class at a path is not known (possibleWinners adds the winner the
  // match class can make).
  bool oneClass = false;
};

// Which of two rules (different effects, same tier and access) can decide
// when both match a path, over all parameter values: bit 1 = a, bit 2 = b,
// 0 = they never match the same path.
unsigned possibleWinners(const OrderItem &a, const OrderItem &b);

struct OrderPair {
  size_t first = 0, second = 0; // positions in the items vector
};

struct OrderResult {
  std::vector<size_t> order;      // positions of the items, least decisive first
  std::vector<OrderPair> deniedBoth; // value-dependent pairs: the deny goes last (first = the allow)
};

// The order of `items` (one tier of one access), or nullopt with one
// constraint of a cycle in `cycle`.
std::optional<OrderResult> orderRules(const std::vector<OrderItem> &items, OrderPair &cycle);

} // namespace moat::backends::sbpl
