// The path space of `moat diff`: filesystem and unix-socket decision lists,
// the literal-prefix index that keeps region enumeration away from pairs of
// patterns that cannot meet, and the bridge to the exact procedure
// (Witness.h findPath).
#include "compiler/verify/DiffSpaces.h"

#include "compiler/verify/Witness.h"

#include <fmt/format.h>

#include <algorithm>

namespace moat::verify::detail {

namespace {

Outcome outcomeOf(ir::Effect e) { return e == ir::Effect::Allow ? Outcome::Allow : Outcome::Deny; }

const char *formName(fs::PatternForm f) {
  switch (f) {
  case fs::PatternForm::Subtree:
    return "subtree";
  case fs::PatternForm::Exact:
    return "exact";
  case fs::PatternForm::Glob:
    return "glob";
  }
  return "?";
}

std::vector<std::string_view> viewsOf(const fs::PathPattern &literal) {
  return std::vector<std::string_view>(literal.components.begin(), literal.components.end());
}

std::string textOf(const std::vector<std::string_view> &path) {
  std::string text;
  for (std::string_view c : path)
    text += "/" + std::string(c);
  return text.empty() ? "/" : text;
}

bool applies(ir::Platform rule, ir::Platform platform) {
  return rule == ir::Platform::Any || rule == platform;
}

void addCatchAll(PathSide &side, Decider d) { side.entries.push_back({nullptr, d, std::string()}); }

Decider optionDecider(ir::OptionId id) {
  Decider d;
  d.kind = Decider::Kind::Option;
  d.outcome = Outcome::Allow;
  d.option = id;
  return d;
}

} // namespace

// ---- PathSpace -----------------------------------------------------------

PathSpace::Index::Index(const PathSpace &, const std::vector<DecisionEntry<PathItem>> &entries) {
  for (size_t k = 0; k < entries.size(); ++k) {
    if (!entries[k].item)
      continue;
    Node *node = &root_;
    for (const std::string &c : entries[k].item->matcher.literalPrefix()) {
      std::unique_ptr<Node> &child = node->children[c];
      if (!child)
        child = std::make_unique<Node>();
      node = child.get();
    }
    node->here.push_back(k);
  }
}

void PathSpace::Index::collectBelow(const Node &node, std::vector<size_t> &out) {
  for (const auto &[name, child] : node.children) {
    out.insert(out.end(), child->here.begin(), child->here.end());
    collectBelow(*child, out);
  }
}

const PathSpace::Index::Node *PathSpace::Index::walk(const PathItem &q, std::vector<size_t> &out) const {
  const Node *node = &root_;
  out.insert(out.end(), node->here.begin(), node->here.end());
  for (const std::string &c : q.matcher.literalPrefix()) {
    auto it = node->children.find(c);
    if (it == node->children.end())
      return nullptr;
    node = it->second.get();
    out.insert(out.end(), node->here.begin(), node->here.end());
  }
  return node;
}

void PathSpace::Index::candidates(const PathItem &q, std::vector<size_t> &out) const {
  const size_t start = out.size();
  // Items whose literal prefix is a prefix of q's lie on q's trie path;
  // items whose prefix extends q's lie below its end.
  if (const Node *end = walk(q, out))
    collectBelow(*end, out);
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(start), out.end());
}

void PathSpace::Index::onPath(const PathItem &q, std::vector<size_t> &out) const {
  const size_t start = out.size();
  walk(q, out);
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(start), out.end());
}

bool PathSpace::mayOverlap(const PathItem &a, const PathItem &b) const {
  const std::vector<std::string> &pa = a.matcher.literalPrefix(), &pb = b.matcher.literalPrefix();
  size_t n = std::min(pa.size(), pb.size());
  if (!std::equal(pa.begin(), pa.begin() + static_cast<std::ptrdiff_t>(n), pb.begin()))
    return false; // every covered path starts with its item's literal prefix
  // An exact path is one member: test it.
  if (a.bound.form == fs::PatternForm::Exact)
    return b.covers(viewsOf(a.bound));
  if (b.bound.form == fs::PatternForm::Exact)
    return a.covers(viewsOf(b.bound));
  return true;
}

namespace {

// Glob `outer` = A ++ [**] ++ T and glob `inner` = A ++ Q ++ T, the same
// component texts: whatever Q matches, `**` matches too, so every path
// inner covers (a match and what lies beneath it) outer covers. This is
// how a runtime's protections restated at each root (`~/proj/**/.bashrc`)
// sit under the same protection stated once (`/**/.bashrc`): recognising
// it spares the region searches that would only prove it.
bool doubleStarAbsorbs(const fs::PathPattern &outer, const fs::PathPattern &inner) {
  const std::vector<std::string> &o = outer.components, &i = inner.components;
  for (size_t k = 0; k < o.size(); ++k) {
    if (o[k] != "**")
      continue;
    size_t tail = o.size() - k - 1;
    if (i.size() < k + tail)
      return false; // a later `**` leaves even less room
    if (std::equal(o.begin(), o.begin() + static_cast<std::ptrdiff_t>(k), i.begin()) &&
        std::equal(o.end() - static_cast<std::ptrdiff_t>(tail), o.end(), i.end() - static_cast<std::ptrdiff_t>(tail)))
      return true;
  }
  return false;
}

} // namespace

bool PathSpace::subsumes(const PathItem &outer, const PathItem &inner) const {
  bool innerReachesBelow = !inner.selfOnly && inner.bound.form != fs::PatternForm::Exact;
  if (outer.selfOnly && innerReachesBelow)
    return false; // outer leaves out what lies beneath its matches; inner does not
  if (outer.bound.form == inner.bound.form && outer.bound.components == inner.bound.components)
    return true;
  if (outer.bound.form == fs::PatternForm::Subtree) {
    // A literal subtree covers everything that starts with its path, and
    // every path `inner` covers starts with inner's literal prefix.
    const std::vector<std::string> &po = outer.bound.components, &pi = inner.matcher.literalPrefix();
    return po.size() <= pi.size() && std::equal(po.begin(), po.end(), pi.begin());
  }
  if (outer.bound.form != fs::PatternForm::Glob)
    return false;
  if (inner.bound.form == fs::PatternForm::Glob)
    return doubleStarAbsorbs(outer.bound, inner.bound);
  // A literal inner: an exact path is covered when outer covers it; so is
  // a subtree, since a glob covers what lies beneath each of its matches
  // (outer is not self-only here: a subtree inner was refused above).
  return outer.covers(viewsOf(inner.bound));
}

bool PathSpace::covers(const PathItem &item, const std::string &witness) const {
  return item.covers(fs::splitPath(witness));
}

unsigned PathSpace::selectivity(const PathItem &item) const {
  return static_cast<unsigned>(item.matcher.literalPrefix().size()) * 2 +
         (item.bound.form == fs::PatternForm::Exact ? 1 : 0);
}

std::optional<std::string> PathSpace::find(const std::vector<const PathItem *> &include,
                                           const std::vector<const PathItem *> &exclude) const {
  if (undecided_)
    return std::nullopt; // the diff already cannot be decided: no answer is read
  // Fast path: most regions contain the literal path one of their
  // patterns names (the shortest path findPath would pick anyway). Any
  // member is a correct witness; only emptiness needs the full procedure,
  // except where an exact include holds one path: the region is that path
  // or nothing.
  for (const PathItem *candidate : include) {
    if (candidate->bound.form == fs::PatternForm::Glob)
      continue;
    std::vector<std::string_view> path = viewsOf(candidate->bound);
    auto covers = [&](const PathItem *i) { return i->covers(path); };
    if (std::all_of(include.begin(), include.end(), covers) && std::none_of(exclude.begin(), exclude.end(), covers))
      return textOf(path);
    if (candidate->bound.form == fs::PatternForm::Exact)
      return std::nullopt;
  }
  static const fs::PathPattern everything; // root "", no components, subtree: "/" and beneath
  std::vector<PathSet> in, out;
  for (const PathItem *i : include)
    in.push_back(PathSet{&i->bound, i->selfOnly});
  if (in.empty())
    in.push_back(PathSet{&everything, false});
  out.reserve(exclude.size());
  for (const PathItem *e : exclude)
    out.push_back(PathSet{&e->bound, e->selfOnly});
  SearchBudget budget;
  std::optional<std::string> w = findPathSets(in, out, budget);
  if (budget.exhausted)
    undecided_ = true;
  return w;
}

// ---- decision lists -------------------------------------------------------

std::optional<PathItem> makePathItem(const ir::Policy &policy, const eval::Bindings &bindings,
                                     const fs::PathPattern &pattern, std::string &error) {
  std::string why;
  auto bound = eval::bindPatternParts(policy, bindings, pattern, why);
  std::optional<fs::PatternMatcher> matcher;
  if (bound)
    matcher = fs::PatternMatcher::compile(*bound, why);
  if (!matcher) {
    error = "cannot bind '" + pattern.text() + "': " + why;
    return std::nullopt;
  }
  return PathItem{std::move(*bound), std::move(*matcher)};
}

std::optional<PathSide> fsSide(const ir::Policy &policy, const eval::Bindings &bindings,
                               ir::Platform platform, ir::Access access, std::string &error) {
  PathSide side;
  // The evaluator checks these before any rule: nothing is confined.
  if (policy.options.flag(ir::OptionId::SandboxDisabled)) {
    addCatchAll(side, optionDecider(ir::OptionId::SandboxDisabled));
    return side;
  }
  if (policy.options.flag(ir::OptionId::FilesystemDisabled)) {
    addCatchAll(side, optionDecider(ir::OptionId::FilesystemDisabled));
    return side;
  }
  auto rules = boundFsRules(policy, bindings, platform, access, error);
  if (!rules)
    return std::nullopt;
  // Each rule as its two parts (self and descendant), in decision order.
  std::vector<DecisionPart> parts = decisionParts(*rules);
  side.items.reserve(parts.size());
  side.entries.reserve(parts.size() + 1);
  for (DecisionPart &p : parts) {
    const BoundFsRule &r = (*rules)[p.rule];
    std::string why;
    auto matcher = fs::PatternMatcher::compile(p.pattern, why);
    if (!matcher) {
      error = "cannot bind '" + r.rule->pattern.text() + "': " + why;
      return std::nullopt;
    }
    Decider d;
    d.kind = Decider::Kind::Rule;
    d.outcome = outcomeOf(r.rule->effect);
    d.fsRule = r.rule;
    // Everything the decision order and the outcome depend on, and nothing
    // else (not the rule's position: it only breaks ties between rules of
    // the same effect).
    // (A yielding deny ranks apart from a plain one: FsMatch::yields.)
    std::string key = fmt::format("{}|{}{}|{}|{}|{}", r.rule->tier == ir::Tier::Always ? "always" : "ordinary",
                                  ir::effectName(r.rule->effect), r.yields ? "-yielding" : "", p.self ? "self" : "below",
                                  formName(p.pattern.form), p.pattern.text());
    side.items.push_back(std::make_unique<PathItem>(PathItem{std::move(p.pattern), std::move(*matcher), p.selfOnly}));
    side.entries.push_back({side.items.back().get(), d, std::move(key)});
  }
  Decider def;
  def.outcome = outcomeOf(access == ir::Access::Read ? policy.defaults.read : policy.defaults.write);
  addCatchAll(side, def);
  return side;
}

std::optional<PathSide> socketSide(const ir::Policy &policy, const eval::Bindings &bindings,
                                   ir::Platform platform, std::string &error) {
  PathSide side;
  // Bind every rule, as the evaluator does, so an unbound root is an error
  // whatever the platform.
  std::vector<std::optional<PathItem>> bound;
  for (const ir::UnixSocketRule &rule : policy.unixSockets) {
    auto item = makePathItem(policy, bindings, rule.path, error);
    if (!item) {
      error = "unix socket: " + error;
      return std::nullopt;
    }
    bound.push_back(std::move(item));
  }
  if (policy.options.flag(ir::OptionId::SandboxDisabled)) {
    addCatchAll(side, optionDecider(ir::OptionId::SandboxDisabled));
    return side;
  }
  // Any matching deny refuses, before any allow is looked at.
  for (ir::Effect effect : {ir::Effect::Deny, ir::Effect::Allow}) {
    for (size_t k = 0; k < policy.unixSockets.size(); ++k) {
      const ir::UnixSocketRule &rule = policy.unixSockets[k];
      if (rule.effect != effect || !applies(rule.platform, platform))
        continue;
      Decider d;
      d.kind = Decider::Kind::Rule;
      d.outcome = outcomeOf(effect);
      d.socketRule = &rule;
      std::string key = fmt::format("{}|{}|{}", ir::effectName(effect), formName(bound[k]->bound.form),
                                    bound[k]->bound.text());
      side.items.push_back(std::make_unique<PathItem>(std::move(*bound[k])));
      side.entries.push_back({side.items.back().get(), d, std::move(key)});
    }
  }
  if (policy.options.flag(ir::OptionId::AllowAllUnixSockets))
    addCatchAll(side, optionDecider(ir::OptionId::AllowAllUnixSockets));
  else
    addCatchAll(side, Decider{}); // default: none, refused
  return side;
}

const Decider &decidePath(const PathSide &side, const std::string &path) {
  std::vector<std::string_view> parts = fs::splitPath(path);
  for (const DecisionEntry<PathItem> &e : side.entries)
    if (!e.item || e.item->covers(parts))
      return e.decider;
  return side.entries.back().decider; // unreachable: the last entry covers everything
}

} // namespace moat::verify::detail
