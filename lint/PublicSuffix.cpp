#include "lint/PublicSuffix.h"

#include <llvm/ADT/StringMap.h>

#include <iterator>

namespace moat::lint {

namespace {

const char *const kRules[] = {
#include "generated/lint/public-suffixes.inc"
};

struct Table {
  enum Kind : unsigned char { Normal = 1, Wildcard = 2, Exception = 4 };
  struct Entry {
    unsigned char kinds = 0;
    bool privateSection = false;
  };
  llvm::StringMap<Entry> rules;        // by domain (without "*." / "!")
  llvm::StringMap<PublicSuffix> below; // parent domain -> a suffix beneath it

  Table() {
    for (std::string_view line : kRules) {
      bool priv = line[0] == 'P';
      std::string_view rule = line.substr(2);
      Kind kind = Normal;
      if (rule.substr(0, 1) == "!") {
        kind = Exception;
        rule.remove_prefix(1);
      } else if (rule.substr(0, 2) == "*.") {
        kind = Wildcard;
        rule.remove_prefix(2);
      }
      Entry &e = rules[rule];
      e.kinds |= kind;
      e.privateSection |= priv;
      if (kind == Exception)
        continue;
      // Every proper parent of a suffix (and a wildcard's base itself) has a
      // public suffix beneath it.
      std::string shown = kind == Wildcard ? "*." + std::string(rule) : std::string(rule);
      std::string_view parent = kind == Wildcard ? rule : std::string_view();
      if (kind == Wildcard)
        below.try_emplace(parent, PublicSuffix{shown, priv});
      for (size_t dot = rule.find('.'); dot != std::string_view::npos; dot = rule.find('.', dot + 1))
        below.try_emplace(rule.substr(dot + 1), PublicSuffix{shown, priv});
    }
  }
};

const Table &table() {
  static const Table t;
  return t;
}

} // namespace

std::optional<PublicSuffix> publicSuffixOf(std::string_view domain) {
  const Table &t = table();
  auto it = t.rules.find(domain);
  if (it != t.rules.end()) {
    if (it->second.kinds & Table::Exception)
      return std::nullopt; // `!www.ck`: registrable, not a suffix
    if (it->second.kinds & Table::Normal)
      return PublicSuffix{std::string(domain), it->second.privateSection};
  }
  size_t dot = domain.find('.');
  if (dot == std::string_view::npos && !domain.empty()) // the PSL's implicit "*" rule: every TLD
    return PublicSuffix{std::string(domain), false};
  if (dot != std::string_view::npos) {
    auto parent = t.rules.find(domain.substr(dot + 1));
    if (parent != t.rules.end() && (parent->second.kinds & Table::Wildcard))
      return PublicSuffix{"*." + std::string(domain.substr(dot + 1)), parent->second.privateSection};
  }
  return std::nullopt;
}

std::optional<PublicSuffix> publicSuffixBelow(std::string_view domain) {
  const Table &t = table();
  auto it = t.below.find(domain);
  if (it == t.below.end())
    return std::nullopt;
  return it->second;
}

size_t publicSuffixRuleCount() { return std::size(kRules); }

} // namespace moat::lint
