#include "compiler/verify/PrefixIndex.h"

#include "compiler/fs/Glob.h"

#include <algorithm>

namespace moat::verify {

std::vector<std::string> literalPrefixOf(const fs::PathPattern &bound) {
  std::string error;
  auto m = fs::PatternMatcher::compile(bound, error);
  return m ? m->literalPrefix() : std::vector<std::string>{};
}

PrefixIndex::PrefixIndex(const std::vector<BoundFsRule> &rules) {
  for (size_t i = 0; i < rules.size(); ++i) {
    prefixes_.push_back(literalPrefixOf(rules[i].bound));
    Node *node = &root_;
    for (const std::string &c : prefixes_.back()) {
      auto &child = node->children[c];
      if (!child)
        child = std::make_unique<Node>();
      node = child.get();
    }
    node->rules.push_back(i);
  }
}

std::vector<size_t> PrefixIndex::comparable(const std::vector<std::string> &prefix, size_t limit) const {
  std::vector<size_t> out;
  auto take = [&](const Node &n) {
    for (size_t r : n.rules)
      if (r < limit)
        out.push_back(r);
  };
  // Rules whose prefix is an ancestor of (or equal to) `prefix`...
  const Node *node = &root_;
  take(*node);
  for (const std::string &c : prefix) {
    auto it = node->children.find(c);
    if (it == node->children.end()) {
      node = nullptr;
      break;
    }
    node = it->second.get();
    take(*node);
  }
  // ...and those beneath it.
  if (node) {
    std::vector<const Node *> stack;
    for (const auto &[name, child] : node->children)
      stack.push_back(child.get());
    while (!stack.empty()) {
      const Node *n = stack.back();
      stack.pop_back();
      take(*n);
      for (const auto &[name, child] : n->children)
        stack.push_back(child.get());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace moat::verify
