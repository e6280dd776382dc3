#include "compiler/verify/ComponentAtoms.h"

#include <algorithm>
#include <deque>
#include <unordered_set>

namespace moat::verify::detail {

bool validComponentName(std::string_view name) {
  if (name.empty() || name == "." || name == "..")
    return false;
  for (char c : name)
    if (!componentByte(static_cast<unsigned char>(c)))
      return false;
  return true;
}

NameTrie::NameTrie() {
  nodes_.emplace_back();
  insert(".", true);
  insert("..", true);
}

void NameTrie::insert(std::string_view name, bool forbidden) {
  uint32_t at = kRoot;
  for (char ch : name) {
    auto c = static_cast<unsigned char>(ch);
    auto it = nodes_[at].children.find(c);
    if (it == nodes_[at].children.end()) {
      auto next = static_cast<uint32_t>(nodes_.size());
      nodes_[at].children.emplace(c, next);
      nodes_.emplace_back();
      at = next;
    } else {
      at = it->second;
    }
  }
  nodes_[at].terminal = true;
  nodes_[at].forbidden |= forbidden;
}

bool NameTrie::contains(std::string_view name) const {
  uint32_t at = kRoot;
  for (char ch : name) {
    auto it = nodes_[at].children.find(static_cast<unsigned char>(ch));
    if (it == nodes_[at].children.end())
      return false;
    at = it->second;
  }
  return nodes_[at].terminal;
}

namespace {

using Positions = std::vector<uint32_t>; // sorted token positions of one glob

// Positions reachable without consuming a byte: `*` may match the empty run.
void close(const std::vector<fs::GlobToken> &tokens, Positions &set) {
  Positions out;
  for (uint32_t p : set) {
    out.push_back(p);
    while (p < tokens.size() && tokens[p].kind == fs::GlobToken::Kind::AnyRun)
      out.push_back(++p);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  set = std::move(out);
}

Positions step(const std::vector<fs::GlobToken> &tokens, const Positions &set, unsigned char c) {
  Positions out;
  for (uint32_t p : set) {
    if (p >= tokens.size())
      continue;
    const fs::GlobToken &t = tokens[p];
    if (t.kind == fs::GlobToken::Kind::AnyRun)
      out.push_back(p); // the run goes on
    else if (t.matchesByte(c))
      out.push_back(p + 1);
  }
  close(tokens, out);
  return out;
}

// Bytes in the order witnesses should use them: readable first.
int preference(unsigned char c) {
  static const std::string_view order = "xyzabcdefghijklmnopqrstuvw0123456789_-.";
  size_t i = order.find(static_cast<char>(c));
  if (i != std::string_view::npos)
    return static_cast<int>(i);
  if (c >= 'A' && c <= 'Z')
    return 100 + c;
  if (c < 0x80)
    return 200 + c;
  return 400 + c;
}

struct State {
  std::vector<Positions> globs;
  int64_t node = 0; // trie node, or -1 once the name has left the trie
  std::string name;
};

std::string keyOf(const State &s) {
  std::string key;
  for (const Positions &p : s.globs) {
    auto n = static_cast<uint32_t>(p.size());
    key.append(reinterpret_cast<const char *>(&n), sizeof n);
    key.append(reinterpret_cast<const char *>(p.data()), p.size() * sizeof(uint32_t));
  }
  key.append(reinterpret_cast<const char *>(&s.node), sizeof s.node);
  return key;
}

constexpr size_t kMaxFrontier = 256;
constexpr size_t kWorkPerUnit = 16; // glob positions stepped or dominance checks per unit of budget

// Is `wide` a superset of `narrow` (both sorted)?
bool includes(const Positions &wide, const Positions &narrow) {
  return std::includes(wide.begin(), wide.end(), narrow.begin(), narrow.end());
}

// Does byte-level state `a` dominate `b` under `polarity` (header)?
bool dominates(const State &a, const State &b, const std::vector<int8_t> &polarity) {
  for (size_t i = 0; i < polarity.size(); ++i) {
    const Positions &x = a.globs[i], &y = b.globs[i];
    bool ok = polarity[i] > 0 ? includes(x, y) : polarity[i] < 0 ? includes(y, x) : x == y;
    if (!ok)
      return false;
  }
  return true;
}

} // namespace

bool tokensMatch(const std::vector<fs::GlobToken> &tokens, std::string_view name) {
  Positions set{0};
  close(tokens, set);
  for (char c : name) {
    set = step(tokens, set, static_cast<unsigned char>(c));
    if (set.empty())
      return false;
  }
  return std::binary_search(set.begin(), set.end(), static_cast<uint32_t>(tokens.size()));
}

std::optional<std::vector<GlobAtom>> globAtoms(const std::vector<const std::vector<fs::GlobToken> *> &globs,
                                               const NameTrie &trie, size_t &budget) {
  return globAtoms(globs, std::vector<int8_t>(globs.size(), 0), trie, budget);
}

std::optional<std::vector<GlobAtom>> globAtoms(const std::vector<const std::vector<fs::GlobToken> *> &globs,
                                               const std::vector<int8_t> &polarity, const NameTrie &trie,
                                               size_t &budget) {
  const bool prune = std::any_of(polarity.begin(), polarity.end(), [](int8_t p) { return p != 0; });
  std::vector<const State *> frontier; // kept off-trie states (pruning only)
  std::deque<State> kept;              // their storage
  // Bytes that no token tells apart behave alike: one class each, named by
  // its most readable byte. Signature = which byte-consuming tokens accept it.
  std::map<std::vector<bool>, std::vector<unsigned char>> bySignature;
  for (int b = 0; b < 256; ++b) {
    auto c = static_cast<unsigned char>(b);
    if (!componentByte(c))
      continue;
    std::vector<bool> sig;
    for (const auto *tokens : globs)
      for (const fs::GlobToken &t : *tokens)
        sig.push_back(t.kind != fs::GlobToken::Kind::AnyRun && t.matchesByte(c));
    bySignature[sig].push_back(c);
  }
  std::vector<std::vector<unsigned char>> classes;
  for (auto &[sig, bytes] : bySignature) {
    std::stable_sort(bytes.begin(), bytes.end(),
                     [](unsigned char a, unsigned char b) { return preference(a) < preference(b); });
    classes.push_back(std::move(bytes));
  }
  std::sort(classes.begin(), classes.end(),
            [](const auto &a, const auto &b) { return preference(a.front()) < preference(b.front()); });

  std::vector<GlobAtom> atoms;
  std::map<std::vector<bool>, size_t> atomOf;
  // Once every combination has a fresh name there is nothing left to find:
  // stop, rather than walk the rest of a product that can be large (a glob
  // such as `*a??????` has a state per subset of its `?`s).
  size_t withFresh = 0;
  const size_t everyAtom = globs.size() < 20 ? size_t(1) << globs.size() : SIZE_MAX;
  auto record = [&](const State &s) {
    std::vector<bool> matches;
    for (size_t i = 0; i < globs.size(); ++i)
      matches.push_back(std::binary_search(s.globs[i].begin(), s.globs[i].end(),
                                           static_cast<uint32_t>(globs[i]->size())));
    auto [it, fresh] = atomOf.try_emplace(matches, atoms.size());
    if (fresh)
      atoms.push_back(GlobAtom{matches, std::nullopt, {}});
    GlobAtom &atom = atoms[it->second];
    bool onLiteral = s.node >= 0 && trie.node(static_cast<uint32_t>(s.node)).terminal;
    if (!onLiteral) {
      if (!atom.fresh) {
        atom.fresh = s.name;
        ++withFresh;
      }
    } else if (!trie.node(static_cast<uint32_t>(s.node)).forbidden) {
      atom.literals.push_back(s.name);
    }
  };

  State start;
  for (const auto *tokens : globs) {
    Positions p{0};
    close(*tokens, p);
    start.globs.push_back(std::move(p));
  }
  start.node = NameTrie::kRoot;
  std::unordered_set<std::string> seen{keyOf(start)};
  bool dropped = false;
  // Work not yet charged to the budget, in units of kWorkPerUnit: the glob
  // positions of every state computed (a state of `*a` and forty `?`s
  // carries dozens, and stepping and hashing them is the cost, seen before
  // or not) and every dominance check (once the frontier is full, a
  // `*b???...x` beside a `*a???...` compares each new state with hundreds).
  size_t work = 0;
  auto charge = [&](size_t amount) {
    work += amount;
    size_t units = std::min(budget, work / kWorkPerUnit);
    budget -= units;
    work -= units * kWorkPerUnit;
  };
  std::deque<State> queue{std::move(start)};
  auto push = [&](const State &from, unsigned char c, int64_t node) {
    State next;
    next.node = node;
    next.name = from.name + static_cast<char>(c);
    size_t positions = 0;
    for (size_t i = 0; i < globs.size(); ++i) {
      next.globs.push_back(step(*globs[i], from.globs[i], c));
      positions += next.globs.back().size();
    }
    charge(positions);
    std::string key = keyOf(next);
    if (seen.count(key))
      return;
    if (prune) {
      // Every atom a name from here reaches, a fresh name from k reaches
      // or beats (a name on the trie is no better: a literal that matters
      // is a candidate of its own, PathWitness.cpp).
      bool beaten = std::any_of(frontier.begin(), frontier.end(),
                                [&](const State *k) { return dominates(*k, next, polarity); });
      charge(frontier.size());
      if (beaten)
        return;
    }
    if (budget == 0) {
      dropped = true; // not explored: completeness is lost
      return;
    }
    --budget; // every state kept costs one unit besides its work
    seen.insert(std::move(key));
    if (prune && node < 0) {
      // The dominating states form an antichain (what the new state
      // dominates, it also prunes), capped so a check costs at most
      // kMaxFrontier comparisons: pruning less is never wrong.
      frontier.erase(std::remove_if(frontier.begin(), frontier.end(),
                                    [&](const State *f) { return dominates(next, *f, polarity); }),
                     frontier.end());
      if (frontier.size() < kMaxFrontier)
        frontier.push_back(&kept.emplace_back(next));
    }
    queue.push_back(std::move(next));
  };
  bool allFound = false;
  while (!queue.empty()) {
    State s = std::move(queue.front());
    queue.pop_front();
    if (!s.name.empty()) {
      record(s);
      if (withFresh == everyAtom) {
        allFound = true;
        break;
      }
    }
    for (const auto &bytes : classes) {
      if (s.node < 0) {
        push(s, bytes.front(), -1);
        continue;
      }
      // On the trie every child byte leads somewhere of its own; the rest of
      // the class leaves the trie together.
      const NameTrie::Node &n = trie.node(static_cast<uint32_t>(s.node));
      std::optional<unsigned char> off;
      for (unsigned char c : bytes) {
        auto child = n.children.find(c);
        if (child != n.children.end())
          push(s, c, child->second);
        else if (!off)
          off = c;
      }
      if (off)
        push(s, *off, -1);
    }
  }
  // A state dropped for want of budget may have led to an atom not found.
  if (dropped && !allFound)
    return std::nullopt;
  // Atoms with a fresh name first, by that name's BFS order (shortest, most
  // readable); atoms only literals realise after them.
  std::stable_partition(atoms.begin(), atoms.end(), [](const GlobAtom &a) { return a.fresh.has_value(); });
  return atoms;
}

} // namespace moat::verify::detail
