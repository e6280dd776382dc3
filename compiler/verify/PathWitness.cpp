// findPath: exact emptiness of (∩ include) \ (∪ exclude) over paths, with the
// shortest witness. The construction (docs/semantics.md, "Deciding over all
// paths"):
//
//  * every bound pattern is an NFA over path components: one position per
//    pattern component, a transition on a component predicate (a literal
//    name, a one-component glob, or "any" for `**`, which also has an
//    epsilon move past itself). Reaching the end of a subtree or glob
//    pattern accepts the path and, because those patterns cover everything
//    beneath what they match, every extension of it: the pattern is then
//    decided for the whole branch (an include is satisfied, an exclude
//    kills the branch). The end of an exact pattern accepts only there.
//  * the product of all NFAs is explored breadth first from "/", one state
//    per tuple of live position sets; a state accepts when every include
//    still open is an exact pattern at its end and no exclude is at its end.
//  * the successors of a state come from the atoms of the component
//    predicates in play (ComponentAtoms.h): each literal is one candidate
//    name, and the byte-level product of the globs gives one name for every
//    combination of globs some other name realises. Nothing is sampled, so
//    "no witness" is a proof. Only the best combinations are needed: an
//    automaton that the witness wants to match (an include, a rule of the
//    other effect) never loses by matching more, one it wants to avoid
//    never gains, so a combination another one beats on every glob is left
//    out (ComponentAtoms.h, polarity). N unrelated globs (`/**/*.a*`,
//    `/**/*.b*`, ...) then give one fresh name, not 2^N.
//
// Breadth first means the shortest witness; literal names are tried before
// invented ones, and invented names avoid every literal of every pattern.
//
// findDecidedAgainst runs the same search with the rules as automata of
// their own (Role::Rule, ids in decision order): the state also remembers
// the first rule that settled the branch, and a branch closes once every
// rule that could still decide beneath it agrees with the expectation.
//
// Cost: position sets are interned and an entry that a name leaves alone is
// copied, not recomputed (Index), so a step costs what it changes; a budget
// (SearchBudget) bounds the states kept, and running out is reported, never
// taken for "empty".
#include "compiler/verify/ComponentAtoms.h"
#include "compiler/verify/Witness.h"

#include "compiler/fs/Glob.h"

#include <algorithm>
#include <deque>
#include <iterator>
#include <map>
#include <set>
#include <unordered_map>

namespace moat::verify {

namespace {

using detail::GlobAtom;
using detail::NameTrie;

struct Step {
  enum class Kind { Literal, Glob, Any } kind = Kind::Literal;
  std::string literal; // Literal: the plain name
  uint32_t glob = 0;   // Glob: id in Search::globs_
};

// What an automaton stands for in the product: a set every witness must
// lie in, a set no witness may lie in, or (findDecidedAgainst) a rule
// competing to decide the witness, ranked by decision order.
enum class Role { Include, Exclude, Rule };

struct Nfa {
  fs::PatternForm form = fs::PatternForm::Subtree;
  Role role = Role::Include;
  ir::Effect effect = ir::Effect::Deny; // Rule
  std::vector<Step> steps;              // accepting position = steps.size()
};

constexpr uint32_t kNone = UINT32_MAX;

using Positions = std::vector<uint32_t>;

// One open automaton: its id and its position set (interned: states share
// them, and copying an entry that a step leaves alone costs nothing).
struct Entry {
  uint32_t nfa = 0;
  uint32_t pos = 0; // id in Search::posSets_
};

// A product state: the automata still open, sorted by id (rules are added
// in decision order, so id order is decision order), and the first rule in
// decision order that covers this path and everything beneath it.
struct State {
  std::vector<Entry> entries; // includes not yet satisfied, excludes and rules still live
  uint32_t decided = kNone;   // Rule mode: id of the best absorbing rule
};

struct Node {
  State state;
  int64_t parent = -1;
  std::string name; // the component that led here
};

// A readable name a glob's tokens match: `*` and `?` as `filler` ("x"), a
// class as its most readable member. Empty when a class has no usable byte.
std::string instantiate(const std::vector<fs::GlobToken> &tokens, char filler) {
  static const std::string_view readable = "xyzabcdefghijklmnopqrstuvw0123456789_-.";
  std::string name;
  for (const fs::GlobToken &t : tokens) {
    switch (t.kind) {
    case fs::GlobToken::Kind::Literal:
      name += static_cast<char>(t.byte);
      break;
    case fs::GlobToken::Kind::AnyRun:
    case fs::GlobToken::Kind::AnyByte:
      name += filler;
      break;
    case fs::GlobToken::Kind::Class: {
      std::optional<char> pick;
      for (char c : readable)
        if (t.matchesByte(static_cast<unsigned char>(c))) {
          pick = c;
          break;
        }
      for (int c = 0x21; c < 0x7f && !pick; ++c)
        if (c != '/' && t.matchesByte(static_cast<unsigned char>(c)))
          pick = static_cast<char>(c);
      if (!pick)
        return "";
      name += *pick;
      break;
    }
    }
  }
  return name;
}

class Search {
public:
  // False when a pattern is not bound or not valid (it then matches
  // nothing, as fs::patternMatchesPath says).
  // With `selfOnly`, a glob matches only the paths it matches itself (its
  // end accepts no extension: the automaton behaves as an exact pattern).
  bool add(const fs::PathPattern &p, Role role, ir::Effect effect = ir::Effect::Deny, bool selfOnly = false) {
    Nfa nfa;
    nfa.form = selfOnly ? fs::PatternForm::Exact : p.form;
    nfa.role = role;
    nfa.effect = effect;
    if (!p.root.empty())
      return false;
    for (const std::string &c : p.components) {
      Step s;
      if (p.form != fs::PatternForm::Glob) {
        s.literal = c;
      } else {
        std::string error;
        auto cg = fs::ComponentGlob::compile(c, error);
        if (!cg)
          return false;
        if (cg->isDoubleStar()) {
          if (!nfa.steps.empty() && nfa.steps.back().kind == Step::Kind::Any)
            continue; // `**/**` is `**`
          s.kind = Step::Kind::Any;
        } else if (cg->isLiteral()) {
          s.literal = cg->literal();
        } else {
          auto tokens = fs::parseGlobComponent(c, error);
          if (!tokens)
            return false;
          s.kind = Step::Kind::Glob;
          s.glob = internGlob(c, std::move(*tokens), std::move(*cg));
        }
      }
      if (s.kind == Step::Kind::Literal)
        literals_.insert(s.literal);
      nfa.steps.push_back(std::move(s));
    }
    nfas_.push_back(std::move(nfa));
    return true;
  }

  std::optional<std::string> run() {
    for (const std::string &l : literals_)
      if (detail::validComponentName(l))
        trie_.insert(l);
    for (unsigned i = 0;; ++i) {
      std::string name = i == 0 ? "x" : "x" + std::to_string(i);
      if (!trie_.contains(name)) {
        freshName_ = name;
        break;
      }
    }

    State start;
    for (uint32_t i = 0; i < nfas_.size(); ++i) {
      Positions p{0};
      close(nfas_[i], p);
      if (!settle(i, p, start))
        return std::nullopt;
    }
    if (!finish(start))
      return std::nullopt;
    if (accepts(start))
      return std::string("/");
    std::vector<Node> nodes;
    std::unordered_map<std::string, size_t> seen;
    keyOf(start, scratchKey_);
    seen.emplace(scratchKey_, 0);
    nodes.push_back(Node{std::move(start), -1, ""});
    std::deque<size_t> queue{0};
    bool dropped = false;
    while (!queue.empty()) {
      size_t at = queue.front();
      queue.pop_front();
      if (exhausted_)
        return std::nullopt; // the caller must not read this as "empty"
      Index index = indexOf(nodes[at].state.entries);
      for (const std::string &name : candidates(nodes[at].state.entries)) {
        // Scratch buffers: most successors were seen before and are dropped.
        State &next = scratchState_;
        if (!successor(nodes[at].state, index, name, next))
          continue;
        keyOf(next, scratchKey_);
        if (seen.count(scratchKey_))
          continue;
        bool done = accepts(next);
        if (budget_ == 0 && !done) {
          dropped = true; // not explored: an empty answer proves nothing now
          continue;
        }
        budget_ -= budget_ > 0; // every state kept costs one unit
        seen.emplace(scratchKey_, nodes.size());
        nodes.push_back(Node{next, static_cast<int64_t>(at), name});
        if (done)
          return pathTo(nodes, nodes.size() - 1);
        queue.push_back(nodes.size() - 1);
      }
    }
    // A state dropped for want of budget may have led to a witness.
    exhausted_ = exhausted_ || dropped;
    return std::nullopt;
  }

  void limit(size_t states) { budget_ = states; }
  size_t remaining() const { return budget_; }
  bool exhausted() const { return exhausted_; }

  // findDecidedAgainst: the effect a witness must not get, and the default.
  void decide(ir::Effect expected, ir::Effect defaultEffect) {
    decideMode_ = true;
    expected_ = expected;
    default_ = defaultEffect;
  }

private:
  uint32_t internGlob(const std::string &text, std::vector<fs::GlobToken> tokens, fs::ComponentGlob cg) {
    auto [it, fresh] = globIds_.try_emplace(text, static_cast<uint32_t>(globs_.size()));
    if (fresh)
      globs_.push_back({std::move(tokens), std::move(cg)});
    return it->second;
  }

  // `**` may match zero components: whoever reaches it may also skip it.
  static void close(const Nfa &nfa, Positions &set) {
    size_t n = set.size();
    for (size_t i = 0; i < n; ++i)
      for (uint32_t p = set[i]; p < nfa.steps.size() && nfa.steps[p].kind == Step::Kind::Any;)
        set.push_back(++p);
    std::sort(set.begin(), set.end());
    set.erase(std::unique(set.begin(), set.end()), set.end());
  }

  // Files an NFA's new position set into the state. False when the branch
  // is dead: an include can no longer match, or an exclude covers the whole
  // branch (a subtree or glob exclude reached its end). A rule that reached
  // its end covers the whole branch: the first such rule in decision order
  // is remembered, and it decides every path beneath unless an earlier rule
  // still open matches first.
  bool settle(uint32_t i, const Positions &pos, State &state) {
    const Nfa &nfa = nfas_[i];
    bool atEnd = !pos.empty() && pos.back() == nfa.steps.size();
    bool absorbing = atEnd && nfa.form != fs::PatternForm::Exact;
    switch (nfa.role) {
    case Role::Include:
      if (pos.empty())
        return false;
      if (absorbing)
        return true; // satisfied for every path beneath
      break;
    case Role::Exclude:
      if (absorbing)
        return false;
      if (pos.empty())
        return true; // can no longer exclude anything here
      break;
    case Role::Rule:
      if (absorbing) {
        state.decided = std::min(state.decided, i);
        return true;
      }
      if (pos.empty())
        return true;
      break;
    }
    state.entries.push_back(Entry{i, intern(pos)});
    return true;
  }

  uint32_t intern(const Positions &pos) {
    posKey_.assign(reinterpret_cast<const char *>(pos.data()), pos.size() * sizeof(uint32_t));
    auto it = posIds_.find(posKey_);
    if (it != posIds_.end())
      return it->second;
    posIds_.emplace(posKey_, static_cast<uint32_t>(posSets_.size()));
    posSets_.push_back(pos);
    return static_cast<uint32_t>(posSets_.size() - 1);
  }

  // After every entry is settled: rules after the remembered one can no
  // longer decide anything here or beneath. False when no path beneath can
  // be decided against the expected effect: every rule that could still
  // decide one (and the default, if it still can) agrees with it.
  bool finish(State &state) const {
    if (!decideMode_)
      return true;
    bool differs = state.decided == kNone ? default_ != expected_ : nfas_[state.decided].effect != expected_;
    size_t out = 0;
    for (size_t i = 0; i < state.entries.size(); ++i) {
      Entry &e = state.entries[i];
      const Nfa &nfa = nfas_[e.nfa];
      if (nfa.role == Role::Rule) {
        if (e.nfa > state.decided)
          continue;
        differs |= nfa.effect != expected_;
      }
      if (out != i)
        state.entries[out] = std::move(e);
      ++out;
    }
    state.entries.resize(out);
    return differs;
  }

  bool accepts(const State &state) const {
    uint32_t decider = state.decided;
    for (const Entry &e : state.entries) {
      const Nfa &nfa = nfas_[e.nfa];
      bool atEnd = posSets_[e.pos].back() == nfa.steps.size(); // only exact patterns stay at their end
      switch (nfa.role) {
      case Role::Include:
        if (!atEnd)
          return false; // an include not matched yet
        break;
      case Role::Exclude:
        if (atEnd)
          return false; // an exclude matches here
        break;
      case Role::Rule:
        if (atEnd)
          decider = std::min(decider, e.nfa);
        break;
      }
    }
    if (!decideMode_)
      return true;
    ir::Effect effect = decider == kNone ? default_ : nfas_[decider].effect;
    return effect != expected_;
  }

  bool matches(const Step &s, const std::string &name) const {
    switch (s.kind) {
    case Step::Kind::Literal:
      return name == s.literal;
    case Step::Kind::Glob:
      return globs_[s.glob].compiled.matches(name);
    case Step::Kind::Any:
      return true;
    }
    return false;
  }

  // Which entries a name can change. An entry whose live positions all test
  // literals moves only on those names and dies on every other; one that
  // sits on `**` positions and otherwise tests literals (`/**/.bashrc`)
  // stays as it is on every other name. With thousands of literal rules in
  // play (a directory of excluded files, a tree of rules under $CWD) this
  // keeps a step proportional to the entries it actually changes.
  struct Index {
    std::vector<size_t> general;  // entries with a glob position, or unsettled `**`
    std::vector<size_t> stable;   // unchanged unless the name is one of their literals
    std::unordered_map<std::string, std::vector<size_t>> byLiteral; // literal-only and stable ones, by name
    std::vector<std::pair<size_t, bool>> includes; // include entries, and whether they survive any name
  };

  Index indexOf(const std::vector<Entry> &entries) const {
    Index index;
    for (size_t i = 0; i < entries.size(); ++i) {
      const Nfa &nfa = nfas_[entries[i].nfa];
      const Positions &pos = posSets_[entries[i].pos];
      bool glob = false, any = false, stable = true;
      for (uint32_t p : pos) {
        if (p >= nfa.steps.size())
          continue;
        Step::Kind k = nfa.steps[p].kind;
        glob |= k == Step::Kind::Glob;
        any |= k == Step::Kind::Any;
        // On a name no step matches, only `**` positions (and the ones they
        // reach by skipping) survive: stable when that is all of them.
        if (k != Step::Kind::Any &&
            !(p > 0 && nfa.steps[p - 1].kind == Step::Kind::Any &&
              std::binary_search(pos.begin(), pos.end(), p - 1)))
          stable = false;
      }
      if (!pos.empty() && pos.back() == nfa.steps.size())
        stable = stable && pos.size() > 1 && nfa.steps.back().kind == Step::Kind::Any &&
                 std::binary_search(pos.begin(), pos.end(), static_cast<uint32_t>(nfa.steps.size() - 1));
      bool literalOnly = !glob && !any;
      if (glob || (any && !stable)) {
        index.general.push_back(i);
      } else {
        if (!literalOnly)
          index.stable.push_back(i);
        std::set<std::string_view> names;
        for (uint32_t p : pos)
          if (p < nfa.steps.size() && nfa.steps[p].kind == Step::Kind::Literal &&
              names.insert(nfa.steps[p].literal).second)
            index.byLiteral[nfa.steps[p].literal].push_back(i);
      }
      if (nfa.role == Role::Include)
        index.includes.emplace_back(i, !literalOnly);
    }
    return index;
  }

  bool successor(const State &from, const Index &index, const std::string &name, State &out) {
    static const std::vector<size_t> none;
    auto lit = index.byLiteral.find(name);
    const std::vector<size_t> &byName = lit == index.byLiteral.end() ? none : lit->second;
    // An include that cannot move on this name dies, and the branch with it.
    for (const auto &[i, survives] : index.includes)
      if (!survives && !std::binary_search(byName.begin(), byName.end(), i))
        return false;
    out.entries.clear();
    out.decided = from.decided;
    std::vector<size_t> &moving = scratchMoving_, &visit = scratchVisit_;
    moving.clear();
    visit.clear();
    std::merge(index.general.begin(), index.general.end(), byName.begin(), byName.end(),
               std::back_inserter(moving));
    std::merge(moving.begin(), moving.end(), index.stable.begin(), index.stable.end(), std::back_inserter(visit));
    visit.erase(std::unique(visit.begin(), visit.end()), visit.end());
    for (size_t i : visit) {
      const Entry &e = from.entries[i];
      if (!std::binary_search(moving.begin(), moving.end(), i)) {
        out.entries.push_back(e); // a stable entry this name does not touch
        continue;
      }
      const Nfa &nfa = nfas_[e.nfa];
      Positions &next = scratchPos_;
      next.clear();
      for (uint32_t p : posSets_[e.pos]) {
        if (p >= nfa.steps.size())
          continue;
        const Step &s = nfa.steps[p];
        if (s.kind == Step::Kind::Any)
          next.push_back(p);
        else if (matches(s, name))
          next.push_back(p + 1);
      }
      close(nfa, next);
      if (!settle(e.nfa, next, out))
        return false;
    }
    return finish(out);
  }

  // One name per atom of the predicates the entries' positions test.
  std::vector<std::string> candidates(const std::vector<Entry> &entries) {
    std::vector<std::string> out;
    std::set<std::string> local;
    std::map<uint32_t, int8_t> globSet; // glob -> polarity (ComponentAtoms.h)
    for (const Entry &e : entries) {
      const Nfa &nfa = nfas_[e.nfa];
      // More positions never hurt an include, nor a rule whose effect the
      // witness wants; they never help an exclude or a rule that agrees
      // with the expectation.
      int8_t sign = nfa.role == Role::Include                             ? 1
                    : nfa.role == Role::Rule && nfa.effect != expected_ ? 1
                                                                        : -1;
      for (uint32_t p : posSets_[e.pos]) {
        if (p >= nfa.steps.size())
          continue;
        const Step &s = nfa.steps[p];
        if (s.kind == Step::Kind::Literal) {
          if (detail::validComponentName(s.literal) && local.insert(s.literal).second)
            out.push_back(s.literal);
        } else if (s.kind == Step::Kind::Glob) {
          auto [it, fresh] = globSet.emplace(s.glob, sign);
          if (!fresh && it->second != sign)
            it->second = 0;
        }
      }
    }
    // Shorter names first: among witnesses of one length, the one that
    // reads best.
    std::stable_sort(out.begin(), out.end(),
                     [](const std::string &a, const std::string &b) { return a.size() < b.size(); });
    if (globSet.empty()) {
      out.push_back(freshName_);
      return out;
    }
    // Key: each glob with its polarity (3 * id + polarity + 1).
    std::vector<uint32_t> key;
    for (const auto &[g, sign] : globSet)
      key.push_back(3 * g + static_cast<uint32_t>(sign + 1));
    const std::vector<std::string> &reps = atomNames(key);
    if (exhausted_)
      return {};
    for (const std::string &r : reps)
      if (!local.count(r))
        out.push_back(r);
    // Atoms that only literals realise: one that is not a local literal.
    auto it = atomLiterals_.find(key);
    for (const std::vector<std::string> &lits : it->second)
      for (const std::string &l : lits)
        if (!local.count(l)) {
          out.push_back(l);
          break;
        }
    return out;
  }

  // Representative names of the glob atoms of `key` that have a fresh
  // name, cached; atoms without one go to atomLiterals_.
  const std::vector<std::string> &atomNames(const std::vector<uint32_t> &key) {
    auto it = atomNames_.find(key);
    if (it != atomNames_.end())
      return it->second;
    std::vector<const std::vector<fs::GlobToken> *> tokens;
    std::vector<int8_t> polarity;
    for (uint32_t k : key) {
      tokens.push_back(&globs_[k / 3].tokens);
      polarity.push_back(static_cast<int8_t>(static_cast<int>(k % 3) - 1));
    }
    auto found = detail::globAtoms(tokens, polarity, trie_, budget_);
    if (!found) {
      exhausted_ = true;
      static const std::vector<std::string> none;
      return none;
    }
    std::vector<GlobAtom> &atoms = *found;
    // Readable instances of the globs ("x.pem" rather than ".pem") stand
    // for their atom when they realise it.
    // (Quadratic in the globs: only for a handful of them.)
    std::vector<std::pair<std::vector<bool>, std::string>> pretty;
    for (char filler : {'x', 'y', 'z'})
      for (const auto *t : tokens) {
        if (tokens.size() > 16)
          break;
        std::string name = instantiate(*t, filler);
        if (!detail::validComponentName(name) || trie_.contains(name))
          continue;
        std::vector<bool> v;
        for (const auto *u : tokens)
          v.push_back(detail::tokensMatch(*u, name));
        pretty.emplace_back(std::move(v), std::move(name));
      }
    std::vector<std::string> names;
    std::vector<std::vector<std::string>> literalOnly;
    for (GlobAtom &a : atoms) {
      if (!a.fresh) {
        literalOnly.push_back(std::move(a.literals));
        continue;
      }
      std::string name = *a.fresh;
      for (const auto &[v, p] : pretty)
        if (v == a.matches) {
          name = p;
          break;
        }
      names.push_back(std::move(name));
    }
    atomLiterals_[key] = std::move(literalOnly);
    return atomNames_.emplace(key, std::move(names)).first->second;
  }

  // Two states with the same open automata behave alike beneath, and of the
  // remembered rule only its effect matters: every open rule comes before
  // it (finish() drops the others), so whichever of them matches later
  // decides instead. Keying by the effect lets the branches under thousands
  // of sibling rules share one exploration.
  void keyOf(const State &state, std::string &key) const {
    key = state.decided == kNone                                 ? "-"
          : nfas_[state.decided].effect == ir::Effect::Allow ? "A"
                                                               : "D";
    for (const Entry &e : state.entries)
      key.append(reinterpret_cast<const char *>(&e), sizeof(Entry));
  }

  static std::string pathTo(const std::vector<Node> &nodes, size_t at) {
    std::vector<const std::string *> parts;
    for (int64_t i = static_cast<int64_t>(at); nodes[static_cast<size_t>(i)].parent >= 0;
         i = nodes[static_cast<size_t>(i)].parent)
      parts.push_back(&nodes[static_cast<size_t>(i)].name);
    std::string out;
    for (auto it = parts.rbegin(); it != parts.rend(); ++it)
      out += "/" + **it;
    return out.empty() ? "/" : out;
  }

  struct Glob {
    std::vector<fs::GlobToken> tokens;
    fs::ComponentGlob compiled;
  };
  std::vector<Nfa> nfas_;
  bool decideMode_ = false; // findDecidedAgainst
  size_t budget_ = SIZE_MAX; // product states, here and in globAtoms
  bool exhausted_ = false;
  std::vector<Positions> posSets_;
  std::unordered_map<std::string, uint32_t> posIds_;
  // Scratch buffers of the inner loop, kept to avoid allocating per step.
  State scratchState_;
  std::string scratchKey_, posKey_;
  Positions scratchPos_;
  std::vector<size_t> scratchMoving_, scratchVisit_;
  ir::Effect expected_ = ir::Effect::Deny, default_ = ir::Effect::Deny;
  std::vector<Glob> globs_;
  std::map<std::string, uint32_t> globIds_;
  std::set<std::string> literals_;
  NameTrie trie_;
  std::string freshName_;
  std::map<std::vector<uint32_t>, std::vector<std::string>> atomNames_;
  std::map<std::vector<uint32_t>, std::vector<std::vector<std::string>>> atomLiterals_;
};

// Runs a search within the caller's budget and charges what it used.
std::optional<std::string> runWithin(Search &search, SearchBudget &budget) {
  if (budget.exhausted)
    return std::nullopt;
  search.limit(budget.states);
  auto w = search.run();
  budget.states = search.remaining();
  budget.exhausted = search.exhausted();
  return w;
}

bool comparable(const std::vector<std::string> &a, const std::vector<std::string> &b) {
  size_t n = std::min(a.size(), b.size());
  return std::equal(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n), b.begin());
}

} // namespace

std::optional<std::string> findPathSets(llvm::ArrayRef<PathSet> include, llvm::ArrayRef<PathSet> exclude,
                                        SearchBudget &budget) {
  // Every member of a pattern starts with its literal prefix, so includes
  // whose prefixes disagree have nothing in common, and an exclude whose
  // prefix disagrees with the longest include prefix cannot remove anything.
  std::string error;
  std::vector<fs::PatternMatcher> incMatchers;
  std::vector<std::string> longest;
  const fs::PathPattern *exact = nullptr;
  auto in = [](const fs::PatternMatcher &m, const PathSet &set, const std::vector<std::string_view> &path) {
    return m.matches(path) && (!set.selfOnly || m.matchesSelf(path));
  };
  for (const PathSet &set : include) {
    const fs::PathPattern *p = set.pattern;
    auto m = fs::PatternMatcher::compile(*p, error);
    if (!m)
      return std::nullopt; // an invalid or unbound pattern matches nothing
    if (!comparable(m->literalPrefix(), longest))
      return std::nullopt;
    if (m->literalPrefix().size() > longest.size())
      longest = m->literalPrefix();
    if (p->form == fs::PatternForm::Exact)
      exact = p;
    incMatchers.push_back(std::move(*m));
  }
  std::vector<PathSet> relevant;
  std::vector<fs::PatternMatcher> excMatchers;
  for (const PathSet &set : exclude) {
    auto m = fs::PatternMatcher::compile(*set.pattern, error);
    if (!m || !comparable(m->literalPrefix(), longest))
      continue;
    relevant.push_back(set);
    excMatchers.push_back(std::move(*m));
  }

  // An exact include has one member: test it.
  if (exact) {
    std::vector<std::string_view> path(exact->components.begin(), exact->components.end());
    for (std::string_view c : path)
      if (!detail::validComponentName(c))
        return std::nullopt;
    for (size_t i = 0; i < incMatchers.size(); ++i)
      if (!in(incMatchers[i], include[i], path))
        return std::nullopt;
    for (size_t i = 0; i < excMatchers.size(); ++i)
      if (in(excMatchers[i], relevant[i], path))
        return std::nullopt;
    std::string out;
    for (std::string_view c : path)
      out += "/" + std::string(c);
    return out.empty() ? "/" : out;
  }

  Search search;
  for (const PathSet &set : include)
    if (!search.add(*set.pattern, Role::Include, ir::Effect::Deny, set.selfOnly))
      return std::nullopt;
  for (const PathSet &set : relevant)
    search.add(*set.pattern, Role::Exclude, ir::Effect::Deny, set.selfOnly); // an invalid exclude excludes nothing
  return runWithin(search, budget);
}

std::optional<std::string> findPath(llvm::ArrayRef<const fs::PathPattern *> include,
                                    llvm::ArrayRef<const fs::PathPattern *> exclude, SearchBudget &budget) {
  std::vector<PathSet> in, out;
  for (const fs::PathPattern *p : include)
    in.push_back(PathSet{p, false});
  for (const fs::PathPattern *p : exclude)
    out.push_back(PathSet{p, false});
  return findPathSets(in, out, budget);
}

std::optional<std::string> findPath(llvm::ArrayRef<const fs::PathPattern *> include,
                                    llvm::ArrayRef<const fs::PathPattern *> exclude) {
  SearchBudget unlimited{SIZE_MAX, false};
  return findPath(include, exclude, unlimited);
}

std::optional<std::string> findDecidedAgainst(const fs::PathPattern &subject, llvm::ArrayRef<DecidingRule> rules,
                                              ir::Effect expected, ir::Effect defaultEffect, SearchBudget &budget) {
  std::string error;
  auto m = fs::PatternMatcher::compile(subject, error);
  if (!m)
    return std::nullopt;
  Search search;
  if (!search.add(subject, Role::Include))
    return std::nullopt;
  // Rules whose prefix disagrees with the subject's never match a path of
  // it. The others keep their order: ids follow decision order.
  for (const DecidingRule &r : rules) {
    auto rm = fs::PatternMatcher::compile(*r.pattern, error);
    if (rm && comparable(rm->literalPrefix(), m->literalPrefix()))
      search.add(*r.pattern, Role::Rule, r.effect, r.selfOnly);
  }
  search.decide(expected, defaultEffect);
  return runWithin(search, budget);
}

std::optional<std::string> findDecidedAgainst(const fs::PathPattern &subject, llvm::ArrayRef<DecidingRule> rules,
                                              ir::Effect expected, ir::Effect defaultEffect) {
  SearchBudget unlimited{SIZE_MAX, false};
  return findDecidedAgainst(subject, rules, expected, defaultEffect, unlimited);
}

} // namespace moat::verify
