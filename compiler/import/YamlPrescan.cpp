// Depth estimate for YAML text (see YamlPrescan.h for why it exists).
//
// The scan is a small lexer, not a parser. It keeps a stack of the block
// collections open at each indentation column and a counter of open flow
// brackets, skipping what cannot contain structure: comments, quoted
// scalars, block scalars ('|' and '>') and plain scalars. Where YAML is
// ambiguous to such a lexer the scan errs towards counting more, so a
// mistake refuses an odd document rather than letting deep nesting through.
// Lone CRs and Unicode line separators are refused by readYaml before this
// runs, so '\n' is the only line break here ('\r' is treated as a blank).
#include "compiler/import/YamlPrescan.h"

#include <vector>

namespace moat::import {
namespace {

class Prescan {
public:
  Prescan(std::string_view text, unsigned limit, size_t maxFlowBytes)
      : s_(text), n_(text.size()), limit_(limit), maxFlowBytes_(maxFlowBytes) {}

  std::optional<YamlPrescanProblem> run() {
    size_t i = 0;
    if (s_.substr(0, 3) == "\xEF\xBB\xBF")
      i = 3; // UTF-8 byte order mark
    while (i < n_ && !failed_) {
      lineStart_ = i;
      i = scanLine(i);
    }
    return failed_;
  }

private:
  struct Block {
    size_t col;
    bool seq;
  };

  bool blank(size_t i) const { return i < n_ && (s_[i] == ' ' || s_[i] == '\t' || s_[i] == '\r'); }
  bool eol(size_t i) const { return i >= n_ || s_[i] == '\n'; }
  bool blankOrEol(size_t i) const { return eol(i) || blank(i); }
  static bool flowIndicator(char c) { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'; }
  size_t col(size_t i) const { return i - lineStart_; }
  size_t skipBlanks(size_t i) const {
    while (blank(i))
      ++i;
    return i;
  }
  size_t toEol(size_t i) const {
    while (!eol(i))
      ++i;
    return i;
  }
  // Position after the line break that ends the line containing i.
  size_t nextLine(size_t i) const {
    i = toEol(i);
    return i < n_ ? i + 1 : n_;
  }
  bool docMarker(size_t i) const {
    if (i != lineStart_ || i + 3 > n_)
      return false;
    std::string_view m = s_.substr(i, 3);
    return (m == "---" || m == "...") && blankOrEol(i + 3);
  }

  void check(size_t at) {
    if (!failed_ && stack_.size() + flow_ > limit_)
      failed_ = YamlPrescanProblem{YamlPrescanProblem::Kind::TooDeep, at};
  }
  void push(size_t at, size_t column, bool seq) {
    stack_.push_back({column, seq});
    check(at);
  }

  // One line in block context; returns where the next line starts (later if
  // a flow collection, quoted scalar or block scalar continues past it).
  size_t scanLine(size_t i) {
    size_t j = i;
    while (j < n_ && s_[j] == ' ')
      ++j;
    size_t k = skipBlanks(j); // a line of spaces and tabs is blank
    if (eol(k) || s_[k] == '#')
      return nextLine(k);
    if (j == i && s_[j] == '%')
      return nextLine(j); // directive
    if (docMarker(j)) {
      stack_.clear();
      if (s_[j] == '.')
        return nextLine(j);
      j += 3;
    } else {
      // Close the block collections this line's indentation ends. A line
      // at a mapping's own column that does not start a plain key may still
      // belong to that mapping (an indentless sequence, an explicit key's
      // value, a flow or quoted value yaml-cpp accepts there): keep it open.
      // At worst that counts one level too many for a quoted key.
      size_t c = col(j);
      bool keepsMap = ((s_[j] == '-' || s_[j] == ':') && blankOrEol(j + 1)) ||
                      std::string_view("[{\"'|>&!*").find(s_[j]) != std::string_view::npos;
      while (!stack_.empty() && (stack_.back().col > c || (stack_.back().col == c && !(keepsMap && !stack_.back().seq))))
        stack_.pop_back();
    }
    return scanNodes(j);
  }

  // Node starts on the rest of a line in block context.
  size_t scanNodes(size_t j) {
    for (;;) {
      j = skipBlanks(j);
      if (failed_)
        return n_;
      if (eol(j))
        return j < n_ ? j + 1 : n_;
      char ch = s_[j];
      if (ch == '#')
        return nextLine(j);
      if ((ch == '-' || ch == '?' || ch == ':') && blankOrEol(j + 1)) {
        if (ch != ':')
          push(j, col(j), ch == '-');
        ++j;
        continue;
      }
      if (ch == '&' || ch == '!') { // node properties: the node follows
        while (!blankOrEol(j))
          ++j;
        continue;
      }
      // Flow collections and quoted scalars may span lines: remember the
      // column now, in case the node turns out to be a mapping key.
      size_t start = j, startCol = col(j);
      if (ch == '[' || ch == '{') {
        j = scanFlow(j);
      } else if (ch == '"' || ch == '\'') {
        j = scanQuoted(j);
      } else if (ch == '|' || ch == '>') {
        return skipBlockScalar(j);
      } else {
        // A plain scalar (or alias) runs to `: `, ` #` or the line end.
        for (;;) {
          if (eol(j))
            return j < n_ ? j + 1 : n_;
          if (s_[j] == ':' && blankOrEol(j + 1))
            break;
          if (s_[j] == '#' && j > start && blank(j - 1))
            return nextLine(j);
          ++j;
        }
      }
      j = skipBlanks(j);
      if (j < n_ && s_[j] == ':' && blankOrEol(j + 1)) {
        push(start, startCol, false); // the node was a mapping key
        ++j;
      }
    }
  }

  // A quoted scalar starting at j; returns the position after it.
  size_t scanQuoted(size_t j) {
    char q = s_[j++];
    while (j < n_) {
      char c = s_[j];
      if (c == '\n') {
        lineStart_ = j + 1;
      } else if (q == '"' && c == '\\') {
        if (j + 1 < n_ && s_[j + 1] == '\n')
          lineStart_ = j + 2;
        j += 2;
        continue;
      } else if (c == q) {
        if (q == '\'' && j + 1 < n_ && s_[j + 1] == '\'') {
          j += 2;
          continue;
        }
        return j + 1;
      }
      ++j;
    }
    return n_;
  }

  // `[a: b]` is a sequence holding a one-pair mapping: one more level than
  // the brackets show, until the entry ends.
  void openPair(size_t at) {
    if (!open_.empty() && open_.back().seq && !open_.back().pair) {
      open_.back().pair = true;
      ++flow_;
      check(at);
    }
  }
  void closePair() {
    if (!open_.empty() && open_.back().pair) {
      open_.back().pair = false;
      --flow_;
    }
  }

  // A flow collection starting at j; returns the position after its close.
  size_t scanFlow(size_t j) {
    bool nodeStart = true, inPlain = false, afterJson = false, prevBlank = true;
    size_t open = j;
    while (j < n_ && !failed_) {
      if (j - open > maxFlowBytes_) {
        failed_ = YamlPrescanProblem{YamlPrescanProblem::Kind::FlowTooLong, open};
        return n_;
      }
      char c = s_[j];
      if (c == '\n') {
        lineStart_ = j + 1;
        prevBlank = true;
        ++j;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r') {
        prevBlank = true;
        ++j;
        continue;
      }
      bool wasBlank = prevBlank;
      prevBlank = false;
      if (c == '#' && wasBlank) {
        j = toEol(j);
        continue;
      }
      if (c == '[' || c == '{') {
        open_.push_back({c == '[', false});
        ++flow_;
        check(j);
        nodeStart = true, inPlain = false, afterJson = false;
      } else if (c == ']' || c == '}') {
        closePair();
        if (!open_.empty()) {
          open_.pop_back();
          --flow_;
        }
        if (open_.empty())
          return j + 1;
        nodeStart = false, inPlain = false, afterJson = true;
      } else if (c == ',') {
        closePair();
        nodeStart = true, inPlain = false, afterJson = false;
      } else if (c == ':' && (blankOrEol(j + 1) || (j + 1 < n_ && flowIndicator(s_[j + 1])) ||
                              (afterJson && !inPlain))) {
        openPair(j);
        nodeStart = true, inPlain = false, afterJson = false;
      } else if (c == '?' && nodeStart && blankOrEol(j + 1)) {
        openPair(j); // explicit key indicator: a node still follows
      } else if ((c == '"' || c == '\'') && nodeStart) {
        j = scanQuoted(j);
        nodeStart = false, inPlain = false, afterJson = true;
        continue;
      } else if ((c == '&' || c == '!' || c == '*') && nodeStart) {
        while (j < n_ && !blankOrEol(j) && !flowIndicator(s_[j]))
          ++j;
        if (c == '*')
          nodeStart = false, afterJson = false;
        continue;
      } else {
        if (nodeStart)
          inPlain = true;
        nodeStart = false, afterJson = false;
      }
      ++j;
    }
    return n_;
  }

  // A block scalar header at j: skips its content lines, which are the
  // lines indented more than the enclosing block collection (at the
  // indentation of the first content line, or the explicit indicator).
  size_t skipBlockScalar(size_t j) {
    long parent = stack_.empty() ? -1 : static_cast<long>(stack_.back().col);
    long explicitIndent = 0;
    for (size_t k = j + 1; k < n_ && !blankOrEol(k); ++k)
      if (s_[k] >= '1' && s_[k] <= '9')
        explicitIndent = s_[k] - '0';
    long content = explicitIndent ? (parent < 0 ? 0 : parent) + explicitIndent : -1;
    size_t i = nextLine(j);
    while (i < n_) {
      size_t k = i;
      while (k < n_ && s_[k] == ' ')
        ++k;
      long indent = static_cast<long>(k - i);
      lineStart_ = i;
      if (docMarker(k))
        return i;
      bool empty = eol(skipBlanks(k));
      if (!empty) {
        if (content < 0)
          content = indent > parent ? indent : parent + 1;
        if (indent < content)
          return i;
      }
      i = nextLine(k);
    }
    return n_;
  }

  std::string_view s_;
  size_t n_;
  unsigned limit_;
  size_t maxFlowBytes_;
  size_t lineStart_ = 0;
  std::vector<Block> stack_;
  // Open flow collections (innermost last) and the levels they add.
  struct Flow {
    bool seq;  // '[' rather than '{'
    bool pair; // an implicit one-pair mapping is open in the current entry
  };
  std::vector<Flow> open_;
  size_t flow_ = 0;
  std::optional<YamlPrescanProblem> failed_;
};

} // namespace

std::optional<YamlPrescanProblem> prescanYaml(std::string_view text, unsigned maxDepth, size_t maxFlowBytes) {
  return Prescan(text, maxDepth, maxFlowBytes).run();
}

} // namespace moat::import
