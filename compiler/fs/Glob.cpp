#include "compiler/fs/Glob.h"

#include <llvm/ADT/SmallVector.h>

#include <algorithm>
#include <cstdint>

namespace moat::fs {

bool GlobToken::matchesByte(unsigned char c) const {
  switch (kind) {
  case Kind::Literal:
    return c == byte;
  case Kind::AnyByte:
    return true;
  case Kind::AnyRun:
    return false; // handled by the matcher, never byte by byte
  case Kind::Class: {
    bool in = false;
    for (auto [lo, hi] : ranges)
      if (c >= lo && c <= hi) {
        in = true;
        break;
      }
    return in != negated;
  }
  }
  return false;
}

namespace {

// Reads one class member byte at `i` (handling `\`), advancing `i`.
bool readClassByte(std::string_view s, size_t &i, unsigned char &out, std::string &error) {
  if (s[i] == '\\') {
    if (i + 1 >= s.size()) {
      error = "a glob cannot end with a backslash";
      return false;
    }
    out = static_cast<unsigned char>(s[i + 1]);
    i += 2;
    return true;
  }
  out = static_cast<unsigned char>(s[i]);
  ++i;
  return true;
}

// `[:name:]`, `[=c=]` and `[.c.]` inside a class mean something to
// fnmatch(3) and shells; we refuse them rather than read them differently.
bool posixBracket(std::string_view s, size_t i, std::string &error) {
  if (s[i] == '[' && i + 1 < s.size() && (s[i + 1] == ':' || s[i + 1] == '=' || s[i + 1] == '.')) {
    error = "character classes such as '[:digit:]' are not supported in a glob; list the "
            "bytes or a range such as '[0-9]'";
    return true;
  }
  return false;
}

// Parses the class that starts at s[i] == '['; leaves `i` after its `]`.
bool parseClass(std::string_view s, size_t &i, GlobToken &tok, std::string &error) {
  tok.kind = GlobToken::Kind::Class;
  ++i; // '['
  if (i < s.size() && (s[i] == '!' || s[i] == '^')) {
    tok.negated = true;
    ++i;
  }
  bool first = true;
  for (;;) {
    if (i >= s.size()) {
      error = "unterminated '[' in glob (write '\\[' for a literal bracket)";
      return false;
    }
    if (s[i] == ']' && !first)
      break;
    if (posixBracket(s, i, error))
      return false;
    first = false;
    unsigned char lo;
    if (!readClassByte(s, i, lo, error))
      return false;
    unsigned char hi = lo;
    // `a-z` is a range; a `-` first or last is literal.
    if (i + 1 < s.size() && s[i] == '-' && s[i + 1] != ']') {
      ++i;
      if (posixBracket(s, i, error)) // `a-[:alpha:]`: fnmatch reads a class there too
        return false;
      if (!readClassByte(s, i, hi, error))
        return false;
      if (hi < lo) {
        error = "empty range '" + std::string(1, static_cast<char>(lo)) + "-" +
                std::string(1, static_cast<char>(hi)) + "' in glob";
        return false;
      }
    }
    tok.ranges.emplace_back(lo, hi);
  }
  ++i; // ']'
  return true;
}

bool isMeta(char c) { return c == '*' || c == '?' || c == '[' || c == '\\'; }

} // namespace

std::optional<std::vector<GlobToken>> parseGlobComponent(std::string_view s, std::string &error) {
  std::vector<GlobToken> tokens;
  size_t i = 0;
  while (i < s.size()) {
    GlobToken tok;
    char c = s[i];
    if (c == '\\') {
      if (i + 1 >= s.size()) {
        error = "a glob cannot end with a backslash (write '\\\\' for a literal one)";
        return std::nullopt;
      }
      tok.byte = static_cast<unsigned char>(s[i + 1]);
      i += 2;
    } else if (c == '*') {
      if (i + 1 < s.size() && s[i + 1] == '*') {
        error = "'**' must be a whole path component in a glob (like '/a/**/b')";
        return std::nullopt;
      }
      tok.kind = GlobToken::Kind::AnyRun;
      ++i;
    } else if (c == '?') {
      tok.kind = GlobToken::Kind::AnyByte;
      ++i;
    } else if (c == '[') {
      if (!parseClass(s, i, tok, error))
        return std::nullopt;
    } else {
      tok.byte = static_cast<unsigned char>(c);
      ++i;
    }
    tokens.push_back(std::move(tok));
  }
  return tokens;
}

std::string escapeGlobLiteral(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (isMeta(c) || c == '$')
      out += '\\';
    out += c;
  }
  return out;
}

std::string unescapeGlobLiteral(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size())
      ++i;
    out += s[i];
  }
  return out;
}

std::string formatGlobComponent(const std::vector<GlobToken> &tokens) {
  auto classByte = [](std::string &out, unsigned char c) {
    // `$` too: unescaped, the printed pattern would read as a variable.
    if (c == '\\' || c == ']' || c == '-' || c == '!' || c == '^' || c == '[' || c == '$')
      out += '\\';
    out += static_cast<char>(c);
  };
  std::string out;
  for (const GlobToken &t : tokens) {
    switch (t.kind) {
    case GlobToken::Kind::Literal:
      out += escapeGlobLiteral(std::string_view(reinterpret_cast<const char *>(&t.byte), 1));
      break;
    case GlobToken::Kind::AnyRun:
      out += '*';
      break;
    case GlobToken::Kind::AnyByte:
      out += '?';
      break;
    case GlobToken::Kind::Class:
      out += '[';
      if (t.negated)
        out += '!';
      for (auto [lo, hi] : t.ranges) {
        classByte(out, lo);
        if (hi != lo) {
          out += '-';
          classByte(out, hi);
        }
      }
      out += ']';
      break;
    }
  }
  return out;
}

std::optional<ComponentGlob> ComponentGlob::compile(std::string_view component, std::string &error) {
  ComponentGlob g;
  if (component == "**") {
    g.doubleStar_ = true;
    return g;
  }
  if (component.empty()) {
    error = "empty path component";
    return std::nullopt;
  }
  auto tokens = parseGlobComponent(component, error);
  if (!tokens)
    return std::nullopt;
  g.literal_ = true;
  for (const GlobToken &t : *tokens) {
    if (t.kind != GlobToken::Kind::Literal) {
      g.literal_ = false;
      break;
    }
    g.name_ += static_cast<char>(t.byte);
  }
  if (!g.literal_) {
    g.name_.clear();
    g.tokens_ = std::move(*tokens);
  }
  return g;
}

bool ComponentGlob::matches(std::string_view name) const {
  if (doubleStar_)
    return true;
  if (literal_)
    return name == name_;
  // Greedy match with backtracking to the last `*` only: a later `*` can
  // absorb whatever an earlier one would, so O(tokens x bytes) suffices.
  const size_t nt = tokens_.size(), ns = name.size();
  size_t t = 0, s = 0;
  size_t starT = SIZE_MAX, starS = 0;
  while (s < ns) {
    if (t < nt && tokens_[t].kind == GlobToken::Kind::AnyRun) {
      starT = t++;
      starS = s;
      continue;
    }
    if (t < nt && tokens_[t].matchesByte(static_cast<unsigned char>(name[s]))) {
      ++t;
      ++s;
      continue;
    }
    if (starT == SIZE_MAX)
      return false;
    t = starT + 1;
    s = ++starS;
  }
  while (t < nt && tokens_[t].kind == GlobToken::Kind::AnyRun)
    ++t;
  return t == nt;
}

std::optional<PathGlob> PathGlob::compile(const std::vector<std::string> &components,
                                          std::string &error) {
  PathGlob g;
  for (const std::string &c : components) {
    auto cg = ComponentGlob::compile(c, error);
    if (!cg)
      return std::nullopt;
    // `**/**` means the same as `**`; keeping one bounds the position set.
    if (cg->isDoubleStar() && !g.components_.empty() && g.components_.back().isDoubleStar())
      continue;
    g.components_.push_back(std::move(*cg));
  }
  return g;
}

bool PathGlob::matches(const std::vector<std::string_view> &path, size_t start,
                       bool coverDescendants) const {
  const size_t m = components_.size();
  // live[i]: the first i pattern components have matched the path so far.
  llvm::SmallVector<char, 32> live(m + 1, 0), next(m + 1, 0);
  auto close = [&](llvm::SmallVectorImpl<char> &set) {
    // `**` may match zero components: whoever reaches it may skip it.
    for (size_t i = 0; i < m; ++i)
      if (set[i] && components_[i].isDoubleStar())
        set[i + 1] = 1;
  };
  live[0] = 1;
  close(live);
  for (size_t j = start; j < path.size(); ++j) {
    if (coverDescendants && live[m])
      return true;
    std::fill(next.begin(), next.end(), 0);
    bool any = false;
    for (size_t i = 0; i < m; ++i) {
      if (!live[i])
        continue;
      if (components_[i].isDoubleStar()) {
        next[i] = 1; // `**` absorbs this component and may absorb more
        any = true;
      } else if (components_[i].matches(path[j])) {
        next[i + 1] = 1;
        any = true;
      }
    }
    if (!any)
      return false;
    close(next);
    live.swap(next);
  }
  return live[m] != 0;
}

bool matchComponent(std::string_view glob, std::string_view name) {
  std::string error;
  auto g = ComponentGlob::compile(glob, error);
  return g && g->matches(name);
}

std::optional<PatternMatcher> PatternMatcher::compile(const PathPattern &bound, std::string &error) {
  if (!bound.root.empty()) {
    error = "pattern '" + bound.text() + "' is not bound to an absolute path";
    return std::nullopt;
  }
  PatternMatcher m;
  m.form_ = bound.form;
  if (bound.form != PatternForm::Glob) {
    m.prefix_ = bound.components;
    return m;
  }
  size_t i = 0;
  for (; i < bound.components.size(); ++i) {
    const std::string &c = bound.components[i];
    if (c == "**" || hasGlobChars(c))
      break;
    std::string unused;
    if (!parseGlobComponent(c, unused)) // a trailing '\' and the like
      break;
    m.prefix_.push_back(unescapeGlobLiteral(c));
  }
  std::vector<std::string> rest(bound.components.begin() + static_cast<std::ptrdiff_t>(i),
                                bound.components.end());
  m.rest_ = PathGlob::compile(rest, error);
  if (!m.rest_)
    return std::nullopt;
  while (!rest.empty() && rest.back() == "**")
    rest.pop_back();
  m.stem_ = PathGlob::compile(rest, error);
  // Every component but `**` consumes exactly one path component, and a
  // literal one only an equal name: so each literal must occur in the path.
  for (const ComponentGlob &c : m.rest_->components())
    if (c.isLiteral() && c.literal().size() > m.required_.size())
      m.required_ = c.literal();
  return m;
}

bool PatternMatcher::matchesAfterPrefix(const std::vector<std::string_view> &path) const {
  switch (form_) {
  case PatternForm::Subtree:
    return true;
  case PatternForm::Exact:
    return path.size() == prefix_.size();
  case PatternForm::Glob:
    return rest_->matches(path, prefix_.size(), true);
  }
  return false;
}

bool PatternMatcher::matchesSelf(const std::vector<std::string_view> &path) const {
  if (form_ != PatternForm::Glob)
    return path.size() == prefix_.size();
  return path.size() >= prefix_.size() && stem_->matches(path, prefix_.size(), false);
}

bool PatternMatcher::matches(const std::vector<std::string_view> &path) const {
  if (path.size() < prefix_.size())
    return false;
  for (size_t i = 0; i < prefix_.size(); ++i)
    if (path[i] != prefix_[i])
      return false;
  return matchesAfterPrefix(path);
}

bool patternMatchesPath(const PathPattern &bound, std::string_view absPath) {
  auto norm = normaliseAbsolute(absPath);
  if (!norm)
    return false;
  std::string error;
  auto matcher = PatternMatcher::compile(bound, error);
  return matcher && matcher->matches(splitPath(*norm));
}

} // namespace moat::fs
