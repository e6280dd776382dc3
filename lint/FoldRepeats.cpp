#include "lint/FoldRepeats.h"

#include "lint/Lint.h"

#include <fmt/format.h>

#include <map>
#include <tuple>

namespace moat::lint {

namespace {

constexpr size_t kMinRepeats = 3; // two findings read fine; three of one explanation are a pattern
constexpr size_t kNotes = 5;  // repeats shown as notes before "and N more"
constexpr size_t kNamed = 5;  // subjects named in the message before "and N others"

bool foldable(const Diagnostic &d) {
  if (d.severity == Severity::Note)
    return false;
  if (d.kind != DiagKind::Finding && d.kind != DiagKind::DuplicateRule)
    return false;
  // Settings findings name one key each, and each key needs its own fix
  // (H-claude): never folded.
  for (const RuleInfo &rule : settingsRules())
    if (d.id == rule.id)
      return false;
  return d.message.find("; so ") == std::string::npos;
}

// The subject a message starts with ('X' ...), or "".
std::string leadingSubject(const std::string &message) {
  if (message.size() < 2 || message[0] != '\'')
    return "";
  size_t end = message.find('\'', 1);
  return end == std::string::npos ? "" : message.substr(1, end - 1);
}

} // namespace

std::string messageTemplate(std::string_view message) {
  std::string out;
  bool quoted = false;
  for (char c : message) {
    if (c == '\'') {
      quoted = !quoted;
      out += c;
    } else if (!quoted) {
      out += c;
    }
  }
  return out;
}

std::vector<Diagnostic> foldRepeats(const std::vector<Diagnostic> &diags) {
  // Group members by key, in order of first appearance.
  using Key = std::tuple<std::string, int, uint32_t, std::string>;
  std::map<Key, std::vector<size_t>> groups;
  std::vector<size_t> leaderOf(diags.size(), SIZE_MAX);
  for (size_t i = 0; i < diags.size(); ++i) {
    const Diagnostic &d = diags[i];
    if (!foldable(d) || !d.loc.valid())
      continue;
    std::vector<size_t> &g = groups[Key{d.id, static_cast<int>(d.severity), d.loc.buffer, messageTemplate(d.message)}];
    bool exactRepeat = false;
    for (size_t j : g)
      exactRepeat |= diags[j].loc == d.loc && diags[j].message == d.message;
    if (exactRepeat)
      continue;
    g.push_back(i);
  }
  std::vector<bool> folded(diags.size(), false);
  std::map<size_t, const std::vector<size_t> *> leaders;
  for (const auto &[key, members] : groups) {
    if (members.size() < kMinRepeats)
      continue;
    leaders[members.front()] = &members;
    for (size_t k = 1; k < members.size(); ++k)
      folded[members[k]] = true;
  }
  std::vector<Diagnostic> out;
  out.reserve(diags.size());
  for (size_t i = 0; i < diags.size(); ++i) {
    if (folded[i])
      continue;
    auto it = leaders.find(i);
    if (it == leaders.end()) {
      out.push_back(diags[i]);
      continue;
    }
    const std::vector<size_t> &members = *it->second;
    Diagnostic d = diags[i];
    size_t more = members.size() - 1;
    if (!leadingSubject(d.message).empty()) {
      d.message += more == 1 ? "; so is " : fmt::format("; so are {} more: ", more);
      for (size_t k = 1; k < members.size() && k <= kNamed; ++k)
        d.message += (k > 1 ? ", '" : "'") + leadingSubject(diags[members[k]].message) + "'";
      if (more > kNamed)
        d.message += more - kNamed == 1 ? std::string(" and 1 other") : fmt::format(" and {} others", more - kNamed);
    } else {
      d.message += fmt::format(" (and {} more like it in this file)", more);
    }
    for (size_t k = 1; k < members.size(); ++k) {
      const Diagnostic &m = diags[members[k]];
      if (k > kNotes) {
        d.notes.push_back(Diagnostic{m.kind, Severity::Note, m.id, m.loc,
                                     fmt::format("and {} more like it", members.size() - k), {}});
        break;
      }
      d.notes.push_back(Diagnostic{m.kind, Severity::Note, m.id, m.loc, m.message, {}});
      // Its own notes ("the earlier rule is here") follow it.
      d.notes.insert(d.notes.end(), m.notes.begin(), m.notes.end());
    }
    out.push_back(std::move(d));
  }
  return out;
}

} // namespace moat::lint
