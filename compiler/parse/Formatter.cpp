// formatMoat: the canonical layout of a .moat file.
//
// The printer walks the statement spans the parse recorded (statements,
// block headers and closing braces) and the token stream between and inside
// them, so every comment is visited exactly once, in order:
//   * statements one per line, 2 spaces per block level, `{` on the header
//     line and `}` on its own line;
//   * tokens of a statement joined by single spaces, none before , ; ] or
//     after [, and a list's trailing comma dropped;
//   * a comment on the same line as the code before it stays there (one
//     space before '#'); any other comment gets its own line, indented like
//     the statement that follows (or like the block's body before `}`);
//   * a comment inside a statement ends the line, and the statement continues
//     on the next line indented 4 more spaces;
//   * blank lines between statements/comments are kept, at most one, never
//     right after `{` or before `}`;
//   * strings and numbers are re-spelled canonically (same value), comments
//     lose trailing whitespace.
// Re-parsing the output gives the same tokens, comments and relative line
// positions, so formatting is idempotent.
#include "compiler/parse/Parser.h"
#include "compiler/parse/Session.h"
#include "compiler/parse/Strings.h"

#include <charconv>

namespace moat::parse {

using antlr4::Token;
using moatgen::MoatParser;

namespace {

constexpr size_t kIndent = 2;
constexpr size_t kContinuation = 4;

class Formatter {
public:
  explicit Formatter(Session &s) : s_(s), tokens_(s.tokens()) {}

  std::string run() {
    size_t depth = 0;
    for (const StatementSpan &st : s_.statements()) {
      Token *first = tokens_.get(st.first);
      Token *last = tokens_.get(st.last);
      if (st.kind == StatementSpan::Close) {
        comments(st.first, depth); // the block's last comments, at its body's indent
        if (depth > 0)
          --depth;
        lines_.push_back(std::string(depth * kIndent, ' ') + "}");
      } else {
        comments(st.first, depth);
        separate(s_.line(first));
        code(st.first, st.last, depth * kIndent);
      }
      prevLine_ = s_.line(last);
      havePrev_ = true;
      canTrail_ = true;
      pos_ = st.last + 1;
      if (st.kind == StatementSpan::Open) {
        ++depth;
        havePrev_ = false; // no blank line right after '{'
      }
    }
    comments(tokens_.size(), depth);
    std::string out;
    for (const std::string &l : lines_) {
      out += l;
      out += '\n';
    }
    return out;
  }

private:
  bool isComment(Token *t) const {
    return t->getChannel() == Token::HIDDEN_CHANNEL && t->getType() == MoatParser::COMMENT;
  }
  std::string commentText(Token *t) const {
    std::string_view c = s_.spelling(t);
    while (!c.empty() && (c.back() == ' ' || c.back() == '\t'))
      c.remove_suffix(1);
    return std::string(c);
  }

  // A blank line before an item that had one or more before it in the
  // source, unless it is the first item of the file or of a block.
  void separate(uint32_t line) {
    if (havePrev_ && line > prevLine_ + 1)
      lines_.emplace_back();
  }

  // The comments between the previous statement and token `upto`: one on the
  // previous statement's last line trails it, the others get their own line.
  void comments(size_t upto, size_t depth) {
    const std::string pad(depth * kIndent, ' ');
    for (; pos_ < upto; ++pos_) {
      Token *t = tokens_.get(pos_);
      if (!isComment(t))
        continue;
      uint32_t line = s_.line(t);
      if (canTrail_ && line == prevLine_ && !lines_.empty()) {
        lines_.back() += " " + commentText(t);
        canTrail_ = false;
        continue;
      }
      separate(line);
      lines_.push_back(pad + commentText(t));
      prevLine_ = line;
      havePrev_ = true;
      canTrail_ = false;
    }
  }

  // Tokens [first, last] of one statement (or block header) on one line,
  // broken only where a comment forces it.
  void code(size_t first, size_t last, size_t indent) {
    const std::string pad(indent, ' ');
    const std::string cont(indent + kContinuation, ' ');
    std::string cur = pad;
    bool fresh = true;         // `cur` holds only indentation
    Token *prevCode = nullptr; // last code token seen (for comment placement)
    size_t prevType = 0;       // last code token printed (for spacing)
    for (size_t i = first; i <= last; ++i) {
      Token *t = tokens_.get(i);
      if (isComment(t)) {
        if (prevCode && s_.line(t) == s_.line(prevCode)) {
          lines_.push_back(cur + " " + commentText(t));
        } else {
          if (!fresh)
            lines_.push_back(cur);
          lines_.push_back(cont + commentText(t));
        }
        cur = cont;
        fresh = true;
        continue;
      }
      if (t->getChannel() != Token::DEFAULT_CHANNEL)
        continue;
      prevCode = t;
      const size_t type = t->getType();
      if (type == MoatParser::COMMA && nextCodeType(i) == MoatParser::RBRACK)
        continue; // a list's trailing comma
      if (!fresh && spaceBetween(prevType, type))
        cur += ' ';
      cur += spell(t);
      fresh = false;
      prevType = type;
    }
    if (!fresh)
      lines_.push_back(cur);
  }

  size_t nextCodeType(size_t i) {
    for (size_t n = tokens_.size(); ++i < n;) {
      Token *t = tokens_.get(i);
      if (t->getChannel() == Token::DEFAULT_CHANNEL)
        return t->getType();
    }
    return Token::EOF;
  }

  static bool spaceBetween(size_t prev, size_t next) {
    if (next == MoatParser::COMMA || next == MoatParser::SEMI || next == MoatParser::RBRACK)
      return false;
    return prev != MoatParser::LBRACK;
  }

  std::string spell(Token *t) {
    std::string_view text = s_.spelling(t);
    switch (t->getType()) {
    case MoatParser::STRING: {
      std::vector<StringProblem> problems; // none: the file parsed
      return encodeStringLiteral(decodeStringLiteral(text, problems));
    }
    case MoatParser::INT: {
      int64_t n = 0;
      std::from_chars(text.data(), text.data() + text.size(), n); // checked by the builder
      return std::to_string(n);
    }
    default:
      return std::string(text);
    }
  }

  Session &s_;
  antlr4::CommonTokenStream &tokens_;
  std::vector<std::string> lines_;
  size_t pos_ = 0;        // next token whose comments are still to print
  uint32_t prevLine_ = 0; // source line of the last item printed
  bool havePrev_ = false; // an item was printed in the current body
  bool canTrail_ = false; // a comment on prevLine_ joins the last line
};

} // namespace

std::optional<std::string> formatMoat(uint32_t buffer, DiagnosticEngine &diags) {
  auto parsed = parseChecked(buffer, diags);
  if (!parsed)
    return std::nullopt;
  try {
    return Formatter(*parsed->session).run();
  } catch (const std::bad_alloc &) {
    diags.report(DiagKind::SyntaxError, SourceLoc{buffer, 1, 1}, "out of memory while formatting");
  } catch (const std::exception &e) {
    diags.report(DiagKind::SyntaxError, SourceLoc{buffer, 1, 1},
                 std::string("internal formatter error: ") + e.what());
  }
  return std::nullopt;
}

} // namespace moat::parse
