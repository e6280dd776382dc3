// The region enumeration behind `moat diff`, generic over what is decided
// (paths or endpoints). Each side of the diff is a DECISION LIST: entries in
// order, the first entry that covers an access decides it, and the last
// entry covers everything (the default, or an option such as
// sandbox-disabled). Filesystem rules sorted by the evaluator's decision
// order, and network / unix-socket rules as "denies, then allows, then the
// default", are both such lists.
//
// For a pair (i, j) of entries of the old and new lists, the accesses that
// old decides by i and new decides by j are exactly
//   cover(i) ∩ cover(j) \ (cover(old[0..i)) ∪ cover(new[0..j)))
// so enumerating the pairs with different outcomes and asking the exact
// emptiness procedure (Witness.h) about each region gives every change and
// nothing else. Two things keep it fast without losing exactness:
//
//  * Pairs whose covers cannot meet are never formed: each side is indexed
//    (Space::Index) so only candidates that may overlap are visited, and the
//    excluded entries of a region are only those that may overlap it.
//  * Entries with the same key on both sides (same pattern, same effect,
//    same tier: everything the order and the outcome depend on) are
//    "common". If both deciders of an access are common, the best common
//    entry covering it is the same on both sides, so the outcomes agree; and
//    the default of one side can never meet a common entry of the other (the
//    same entry exists on the first side and covers the access). So only
//    pairs with at least one entry not common need asking: identical
//    policies cost one pass over the keys. Likewise, a pair is empty when
//    the other side's copy of a common entry comes earlier in its list, and
//    that copy need not be excluded twice.
#pragma once
#include "compiler/verify/Diff.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace moat::verify::detail {

// One entry of a decision list.
template <typename Item> struct DecisionEntry {
  const Item *item = nullptr; // nullptr: covers everything (the last entry)
  Decider decider;
  std::string key; // equal keys decide alike wherever they cover; "" for the last entry
};

template <typename Witness> struct FoundRegion {
  size_t before = 0, after = 0; // entry indices
  Witness witness;
};

// What a Space provides (PathSpace, HostSpace in DiffSpaces.h):
//   Item, Witness
//   Index(const Space &, const std::vector<DecisionEntry<Item>> &)
//     candidates(const Item &q, std::vector<size_t> &out): ascending entry
//     indices of every entry that may overlap q (a superset is fine)
//   mayOverlap(a, b): false only when cover(a) ∩ cover(b) is provably empty
//   subsumes(outer, inner): true only when cover(inner) ⊆ cover(outer)
//   selectivity(item): larger when the item is expected to overlap less
//   find(include, exclude): a member of ∩include \ ∪exclude, or nullopt;
//     an empty include means everything
template <typename Space> class RegionEnumerator {
public:
  using Item = typename Space::Item;
  using Witness = typename Space::Witness;
  using Entry = DecisionEntry<Item>;
  using Found = FoundRegion<Witness>;

  RegionEnumerator(const Space &space, const std::vector<Entry> &before, const std::vector<Entry> &after)
      : space_(space), sides_{&before, &after} {
    for (int s = 0; s < 2; ++s) {
      std::unordered_map<std::string_view, size_t> first; // key -> its first entry on the other side
      const std::vector<Entry> &other = *sides_[1 - s];
      for (size_t k = other.size(); k-- > 0;)
        if (!other[k].key.empty())
          first[other[k].key] = k;
      twin_[s].reserve(sides_[s]->size());
      for (const Entry &e : *sides_[s]) {
        auto it = e.key.empty() ? first.end() : first.find(e.key);
        twin_[s].push_back(it == first.end() ? kNone : it->second);
      }
    }
  }

  // Every non-empty region, each with a witness. Both lists must end with
  // their catch-all entry (and have no other).
  std::vector<Found> run() {
    const std::vector<Entry> &before = *sides_[0], &after = *sides_[1];
    const size_t lastBefore = before.size() - 1, lastAfter = after.size() - 1;
    std::vector<size_t> candidates;
    // Old rules that are not common: against every new entry they may meet.
    for (size_t i = 0; i < lastBefore; ++i) {
      if (common(0, i))
        continue;
      candidates.clear();
      index(1).candidates(*before[i].item, candidates);
      for (size_t j : candidates)
        pair(i, j);
      pair(i, lastAfter);
    }
    // New rules that are not common: against the common old rules (the
    // others were paired above) and the old default.
    for (size_t j = 0; j < lastAfter; ++j) {
      if (common(1, j))
        continue;
      candidates.clear();
      index(0).candidates(*after[j].item, candidates);
      for (size_t i : candidates)
        if (common(0, i))
          pair(i, j);
      pair(lastBefore, j);
    }
    pair(lastBefore, lastAfter);
    return std::move(found_);
  }

private:
  // Built on first use: identical policies never need one.
  const typename Space::Index &index(int s) {
    if (!index_[s])
      index_[s].emplace(space_, *sides_[s]);
    return *index_[s];
  }

  void pair(size_t i, size_t j) {
    const Entry &o = (*sides_[0])[i], &n = (*sides_[1])[j];
    if (o.decider.outcome == n.decider.outcome)
      return;
    // The other side's copy of a common entry covers the same set: when it
    // comes earlier there, it takes the whole region.
    if (twin_[1][j] < i || twin_[0][i] < j)
      return;
    const Item *a = o.item, *b = n.item;
    if (a && b && !space_.mayOverlap(*a, *b))
      return;
    excludes_.clear();
    oldLimit_ = i;
    gather(0, i, a, b);
    gather(1, j, a, b);
    for (const Item *e : excludes_)
      if ((a && space_.subsumes(*e, *a)) || (b && space_.subsumes(*e, *b)))
        return; // an earlier entry takes the whole region
    includes_.clear();
    if (a)
      includes_.push_back(a);
    if (b)
      includes_.push_back(b);
    if (std::optional<Witness> w = space_.find(includes_, excludes_))
      found_.push_back(Found{i, j, std::move(*w)});
  }

  // The entries of side `s` before `limit` that may overlap cover(a) ∩
  // cover(b) (a null item covers everything).
  void gather(int s, size_t limit, const Item *a, const Item *b) {
    const std::vector<Entry> &side = *sides_[s];
    const Item *q = a, *other = b;
    if (!q || (other && space_.selectivity(*other) > space_.selectivity(*q)))
      std::swap(q, other);
    if (!q) {
      for (size_t k = 0; k < limit; ++k)
        if (s == 0 || twin_[1][k] >= oldLimit_)
          excludes_.push_back(side[k].item);
      return;
    }
    scratch_.clear();
    index(s).candidates(*q, scratch_);
    for (size_t k : scratch_) {
      if (k >= limit)
        break;
      // A common entry whose copy on the old side is already excluded adds
      // nothing (same cover): keep the exclusion lists short.
      if (s == 1 && twin_[1][k] < oldLimit_)
        continue;
      if (!other || space_.mayOverlap(*side[k].item, *other))
        excludes_.push_back(side[k].item);
    }
  }

  const Space &space_;
  const std::vector<Entry> *sides_[2];
  std::optional<typename Space::Index> index_[2];
  static constexpr size_t kNone = static_cast<size_t>(-1);
  bool common(int s, size_t k) const { return twin_[s][k] != kNone; }
  // For each entry, the first entry with the same key on the other side.
  std::vector<size_t> twin_[2];
  std::vector<const Item *> includes_, excludes_;
  size_t oldLimit_ = 0; // the old-side entries before this index are being excluded
  std::vector<size_t> scratch_;
  std::vector<Found> found_;
};

template <typename Space>
std::vector<FoundRegion<typename Space::Witness>>
enumerateRegions(const Space &space, const std::vector<DecisionEntry<typename Space::Item>> &before,
                 const std::vector<DecisionEntry<typename Space::Item>> &after) {
  return RegionEnumerator<Space>(space, before, after).run();
}

// The entries of a decision list that may decide something on their own.
// Entry k never does when a later RULE with the same outcome covers all of
// it and no entry between them with the other outcome may overlap it:
// whatever k would decide, the entries after it decide alike (each path of
// k goes to the first later entry covering it, which has k's outcome).
// Dropping such entries leaves the same function from accesses to
// outcomes, so the enumeration over the shorter lists is just as exact.
// This is what a runtime's protections restated at every root
// (`~/proj/**/.bashrc` before `/**/.bashrc`) cost: hundreds of entries that
// would each be paired and excluded, and prove nothing. Only rules count as
// the later cover, so a report still names a rule, not the default.
//
// Cost: a cover of k lies on k's path in the index (Space::Index::onPath:
// entries whose literal prefix is a prefix of k's), so most entries cost
// one walk down the index; only an entry with a cover has the entries
// between them that may meet it checked.
template <typename Space>
std::vector<size_t> decisiveEntries(const Space &space,
                                    const std::vector<DecisionEntry<typename Space::Item>> &entries) {
  std::vector<size_t> kept;
  const size_t last = entries.size() - 1; // the catch-all
  const typename Space::Index index(space, entries);
  std::vector<size_t> onPath, meeting;
  for (size_t k = 0; k < last; ++k) {
    const auto &entry = entries[k];
    onPath.clear();
    index.onPath(*entry.item, onPath); // ascending
    size_t cover = last;
    for (auto it = std::upper_bound(onPath.begin(), onPath.end(), k); it != onPath.end() && *it < last; ++it)
      if (entries[*it].decider.outcome == entry.decider.outcome && space.subsumes(*entries[*it].item, *entry.item)) {
        cover = *it;
        break;
      }
    bool shadowed = cover != last;
    if (shadowed) {
      meeting.clear();
      index.candidates(*entry.item, meeting); // ascending
      for (auto it = std::upper_bound(meeting.begin(), meeting.end(), k); it != meeting.end() && *it < cover; ++it)
        if (entries[*it].decider.outcome != entry.decider.outcome && space.mayOverlap(*entries[*it].item, *entry.item)) {
          shadowed = false;
          break;
        }
    }
    if (!shadowed)
      kept.push_back(k);
  }
  kept.push_back(last);
  return kept;
}

// enumerateRegions over the decisive entries of each list (Space also
// provides covers(item, witness)). The changes are the same; what differs
// is how they are cut into regions: a region of the shorter lists may hold
// regions of the full lists whose deciders were dropped (a rule restated at
// every root, and the rule that covers all the copies). It is reported
// once, named by the entries that decide its witness in the full lists:
// the kept entries before a region's decider do not cover its witness (the
// region excludes them), so that is the first dropped entry before it that
// does, or the decider itself.
template <typename Space>
std::vector<FoundRegion<typename Space::Witness>>
enumerateDecisiveRegions(const Space &space, const std::vector<DecisionEntry<typename Space::Item>> &before,
                         const std::vector<DecisionEntry<typename Space::Item>> &after) {
  using Entry = DecisionEntry<typename Space::Item>;
  const std::vector<Entry> *full[2] = {&before, &after};
  std::vector<size_t> kept[2], dropped[2];
  std::vector<Entry> lists[2];
  for (int s = 0; s < 2; ++s) {
    kept[s] = decisiveEntries(space, *full[s]);
    for (size_t k = 0, next = 0; k < full[s]->size(); ++k) {
      if (next < kept[s].size() && kept[s][next] == k) {
        lists[s].push_back((*full[s])[k]);
        ++next;
      } else {
        dropped[s].push_back(k);
      }
    }
  }
  auto found = RegionEnumerator<Space>(space, lists[0], lists[1]).run();
  auto decider = [&](int s, size_t keptAt, const typename Space::Witness &w) {
    size_t at = kept[s][keptAt];
    for (size_t d : dropped[s]) {
      if (d >= at)
        break;
      if (space.covers(*(*full[s])[d].item, w))
        return d;
    }
    return at;
  };
  for (auto &f : found) {
    f.before = decider(0, f.before, f.witness);
    f.after = decider(1, f.after, f.witness);
  }
  return found;
}

} // namespace moat::verify::detail
