#include "lint/SourceComments.h"

#include "compiler/support/PolicySyntax.h"

#include <string>

namespace moat::lint {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool isBlank(char c) { return c == ' ' || c == '\t'; }

bool allBlank(std::string_view s) {
  for (char c : s)
    if (!isBlank(c))
      return false;
  return true;
}

// Where the text of a line starts: past a byte order mark on the first line.
size_t lineStart(std::string_view line, size_t index) {
  return index == 0 && line.substr(0, kBom.size()) == kBom ? kBom.size() : 0;
}

size_t firstNonBlank(std::string_view line, size_t from) {
  while (from < line.size() && isBlank(line[from]))
    ++from;
  return from;
}

// YAML indentation counts spaces only (tabs are not indentation there).
long yamlIndent(std::string_view line, size_t from) {
  size_t i = from;
  while (i < line.size() && line[i] == ' ')
    ++i;
  return static_cast<long>(i - from);
}

// The index of the quote that closes a YAML quoted scalar opened before
// `from`, or npos if it does not close on this line. Double quotes take
// backslash escapes; in single quotes '' is a quote.
size_t closeYamlQuote(std::string_view line, size_t from, char quote) {
  for (size_t i = from; i < line.size(); ++i) {
    char c = line[i];
    if (quote == '"' && c == '\\') {
      ++i;
      continue;
    }
    if (c == quote) {
      if (quote == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
        ++i;
        continue;
      }
      return i;
    }
  }
  return std::string_view::npos;
}

// A block scalar header: | or > with optional chomping and indentation
// indicators in either order (`|`, `>-`, `|2`, `|+1`, `>1-`).
bool isBlockHeader(std::string_view tok) {
  if (tok.empty() || (tok[0] != '|' && tok[0] != '>'))
    return false;
  bool chomp = false, indent = false;
  for (char c : tok.substr(1)) {
    if ((c == '+' || c == '-') && !chomp)
      chomp = true;
    else if (c >= '1' && c <= '9' && !indent)
      indent = true;
    else
      return false;
  }
  return true;
}

} // namespace

CommentSyntax commentSyntaxOf(std::string_view name, std::string_view text) {
  std::string why;
  auto syntax = detectPolicySyntax(text, name, why);
  if (!syntax || *syntax == PolicySyntax::Json)
    return CommentSyntax::None;
  return *syntax == PolicySyntax::Moat ? CommentSyntax::Moat : CommentSyntax::Yaml;
}

CommentScan::CommentScan(std::string_view text, CommentSyntax syntax) {
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    lines_.push_back(line);
    if (nl == std::string_view::npos)
      break;
    pos = nl + 1;
  }
  commentCol_.assign(lines_.size(), 0);
  if (syntax == CommentSyntax::Moat)
    scanMoat();
  else if (syntax == CommentSyntax::Yaml)
    scanYaml();
}

void CommentScan::addComment(uint32_t lineIndex, size_t col) {
  std::string_view line = lines_[lineIndex];
  commentCol_[lineIndex] = static_cast<uint32_t>(col + 1);
  SourceComment c;
  c.line = lineIndex + 1;
  c.col = static_cast<uint32_t>(col + 1);
  c.text = line.substr(col + 1);
  c.ownLine = allBlank(line.substr(lineStart(line, lineIndex), col - lineStart(line, lineIndex)));
  comments_.push_back(c);
}

void CommentScan::scanMoat() {
  for (uint32_t idx = 0; idx < lines_.size(); ++idx) {
    std::string_view line = lines_[idx];
    bool inString = false; // a .moat string ends on the line it starts
    for (size_t i = lineStart(line, idx); i < line.size(); ++i) {
      char c = line[i];
      if (inString) {
        if (c == '\\')
          ++i;
        else if (c == '"')
          inString = false;
      } else if (c == '"') {
        inString = true;
      } else if (c == '#') {
        addComment(idx, i);
        break;
      }
    }
  }
}

void CommentScan::scanYaml() {
  char quote = 0;        // inside a quoted scalar that spans lines
  bool inBlock = false;  // inside a block scalar's content
  long blockParent = -1; // its content lines are indented more than this
  for (uint32_t idx = 0; idx < lines_.size(); ++idx) {
    std::string_view line = lines_[idx];
    size_t start = lineStart(line, idx);
    if (inBlock) {
      if (allBlank(line.substr(start)) || yamlIndent(line, start) > blockParent)
        continue; // text of the scalar, never a comment
      inBlock = false;
    }
    size_t i = start;
    char prev = 0; // last non-blank character outside quotes (0: none yet)
    if (quote) {
      size_t close = closeYamlQuote(line, 0, quote);
      if (close == std::string_view::npos)
        continue;
      prev = quote;
      quote = 0;
      i = close + 1;
    }
    bool commented = false;
    for (; i < line.size(); ++i) {
      char c = line[i];
      if (c == '#' && (i == start || isBlank(line[i - 1]))) {
        addComment(idx, i);
        commented = true;
        break;
      }
      // A quote opens a quoted scalar only where a scalar can start: first
      // on the line, after an indicator and a blank, or in a flow collection.
      bool scalarStart = prev == 0 || prev == '[' || prev == '{' || prev == ',' ||
                         ((prev == ':' || prev == '-' || prev == '?') && isBlank(line[i - 1]));
      if ((c == '"' || c == '\'') && scalarStart) {
        size_t close = closeYamlQuote(line, i + 1, c);
        if (close == std::string_view::npos) {
          quote = c;
          break;
        }
        i = close;
        prev = c;
        continue;
      }
      if (!isBlank(c))
        prev = c;
    }
    if (quote)
      continue;
    // Does the line end in a block scalar header (`key: |`, `- >-`)?
    std::string_view code = line.substr(0, commented ? commentCol_[idx] - 1 : line.size());
    while (!code.empty() && isBlank(code.back()))
      code.remove_suffix(1);
    size_t tokStart = code.size();
    while (tokStart > start && !isBlank(code[tokStart - 1]))
      --tokStart;
    if (!isBlockHeader(code.substr(tokStart)))
      continue;
    std::string_view before = code.substr(0, tokStart);
    while (!before.empty() && isBlank(before.back()))
      before.remove_suffix(1);
    size_t first = firstNonBlank(line, start);
    if (tokStart != first && (before.size() <= start || (before.back() != ':' && before.back() != '-' &&
                                                           before.back() != '?')))
      continue;
    // The scalar's parent: the mapping key on this line, or the sequence
    // entry (`- |`), or the document (a header alone on its line).
    long lastDash = -1;
    size_t p = first;
    while (p < line.size() && line[p] == '-' && (p + 1 == line.size() || isBlank(line[p + 1]))) {
      lastDash = static_cast<long>(p - start);
      p = firstNonBlank(line, p + 1);
    }
    inBlock = true;
    blockParent = p == tokStart ? lastDash : static_cast<long>(p - start);
  }
}

std::string_view CommentScan::code(uint32_t line) const {
  if (line == 0 || line > lines_.size())
    return {};
  std::string_view text = lines_[line - 1];
  uint32_t col = commentCol_[line - 1];
  return col ? text.substr(0, col - 1) : text;
}

bool CommentScan::hasCode(uint32_t line) const {
  if (line == 0 || line > lines_.size())
    return false;
  std::string_view text = code(line);
  return !allBlank(text.substr(lineStart(text, line - 1)));
}

uint32_t CommentScan::nextCodeLine(uint32_t line) const {
  for (uint32_t l = line + 1; l <= lines_.size(); ++l)
    if (hasCode(l))
      return l;
  return 0;
}

const CommentScan &CommentIndex::scan(uint32_t buffer) {
  std::unique_ptr<CommentScan> &slot = scans_[buffer];
  if (!slot) {
    std::string_view text = buffer ? files_.text(buffer) : std::string_view();
    std::string_view name = buffer ? files_.name(buffer) : std::string_view();
    slot = std::make_unique<CommentScan>(text, buffer ? commentSyntaxOf(name, text) : CommentSyntax::None);
  }
  return *slot;
}

} // namespace moat::lint
