#include "compiler/parse/Session.h"

#include "compiler/parse/ByteStream.h"
#include "compiler/parse/ErrorStrategy.h"
#include "compiler/parse/Strings.h"
#include "compiler/parse/Utf8.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

namespace moat::parse {

using moatgen::MoatLexer;
using moatgen::MoatParser;

namespace {
constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string describeStrayChar(std::string_view spelling) {
  size_t i = 0;
  uint32_t cp = decodeUtf8(spelling, i);
  if (cp == '\\')
    return "unexpected '\\' outside a string";
  if (classifyHidden(cp) != Hidden::None)
    return describeHidden(cp) + " outside a string or comment; remove it";
  if (cp < 0x80)
    return fmt::format("unexpected character '{}'", static_cast<char>(cp));
  return fmt::format("unexpected character '{}' ({}); outside strings and comments only ASCII "
                     "is allowed",
                     spelling.substr(0, i), codePointName(cp));
}
} // namespace

Session::Session(uint32_t buffer, DiagnosticEngine &diags)
    : buffer_(buffer), text_(diags.files().text(buffer)), lines_(buffer, text_) {}

Session::~Session() = default;

// Token indexes are byte offsets after the BOM (see ByteStream.h). Tokens
// that error recovery conjured have no position: they sort at the end.
size_t Session::begin(const antlr4::Token *t) const {
  size_t i = t->getStartIndex();
  if (i == INVALID_INDEX || i > text_.size() - bom_)
    return text_.size();
  return bom_ + i;
}
size_t Session::end(const antlr4::Token *t) const {
  size_t b = begin(t);
  size_t stop = t->getStopIndex();
  if (b == text_.size() || stop == INVALID_INDEX || bom_ + stop + 1 < b)
    return b;
  return std::min(bom_ + stop + 1, text_.size());
}
std::string_view Session::spelling(const antlr4::Token *t) const {
  size_t b = begin(t);
  return text_.substr(b, end(t) - b);
}

size_t Session::eofOffset() const {
  // Just after the last code token: trailing comments and blank lines are
  // not where something is missing.
  for (size_t i = tokens_->size(); i-- > 0;) {
    antlr4::Token *t = tokens_->get(i);
    if (t->getChannel() == antlr4::Token::DEFAULT_CHANNEL && t->getType() != antlr4::Token::EOF)
      return end(t);
  }
  return bom_;
}

bool Session::isReal(const antlr4::Token *t) const {
  size_t i = t->getTokenIndex();
  return i < tokens_->size() && tokens_->get(i) == t;
}

bool Session::reportedLexically(const antlr4::Token *t) const {
  return isReal(t) && std::binary_search(rewritten_.begin(), rewritten_.end(), t->getTokenIndex());
}

void Session::countSyntaxError() {
  if (++syntaxErrors_ > ErrorCollector::kMaxErrors)
    throw TooManyErrors{};
}

bool Session::run(StatementSink *sink) {
  if (!checkEncoding() || !lex() || !scanTokens())
    return false;
  try {
    parse(sink);
  } catch (const TooManyErrors &) {
    return false; // the collector holds the errors and the note
  }
  return errors_.count() == 0;
}

bool Session::checkEncoding() {
  if (text_.substr(0, kBom.size()) == kBom)
    bom_ = kBom.size();
  if (auto err = findEncodingError(text_)) {
    errors_.report(err->offset, DiagKind::InvalidEncoding, err->message);
    return false;
  }
  return true;
}

// Stops lexing (returns end of file) after kMaxTokens tokens.
class Session::CappedLexer : public MoatLexer {
public:
  // `bytes` is what `input` streams (one byte per character). `fastPath`
  // is false only in the differential test of stringToken.
  CappedLexer(antlr4::CharStream *input, std::string_view bytes, bool fastPath = true)
      : MoatLexer(input), bytes_(bytes), fastPath_(fastPath) {}

  std::unique_ptr<antlr4::Token> nextToken() override {
    std::unique_ptr<antlr4::Token> t = fastPath_ ? stringToken() : nullptr;
    if (!t)
      t = MoatLexer::nextToken();
    if (++returned_ > kMaxTokens && t->getType() != antlr4::Token::EOF) {
      // Report the first token past the limit, then end the stream.
      overflowed_ = true;
      overflowAt_ = t->getStartIndex();
      getInputStream()->seek(getInputStream()->size());
      return MoatLexer::nextToken();
    }
    return t;
  }
  bool overflowed() const { return overflowed_; }
  size_t overflowAt() const { return overflowAt_; }

private:
  // A fast path for the commonest tokens, whitespace and string literals,
  // which the generated lexer walks one byte at a time through its DFA
  // (most of a large policy's lexing time). It matches exactly what the
  // grammar's rules match: WS ([ \t\r\n]+, skipped) and STRING ('"', then
  // bytes other than '"', '\\', CR and LF or a backslash and one byte other
  // than CR and LF, then '"'). Anything else, including a string that does
  // not close on its line (UNTERMINATED_STRING), is left to the generated
  // lexer, which starts where this stopped with the line and column kept
  // in step.
  std::unique_ptr<antlr4::Token> stringToken() {
    antlr4::CharStream *in = getInputStream();
    auto *sim = getInterpreter<antlr4::atn::LexerATNSimulator>();
    size_t i = in->index(), line = sim->getLine(), col = sim->getCharPositionInLine();
    for (; i < bytes_.size(); ++i) {
      char c = bytes_[i];
      if (c == '\n') {
        ++line;
        col = 0;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++col;
      } else {
        break;
      }
    }
    in->seek(i);
    sim->setLine(line);
    sim->setCharPositionInLine(col);
    if (i >= bytes_.size() || bytes_[i] != '"')
      return nullptr;
    size_t end = i + 1;
    while (true) {
      if (end >= bytes_.size())
        return nullptr;
      char c = bytes_[end];
      if (c == '"')
        break;
      if (c == '\r' || c == '\n')
        return nullptr;
      if (c == '\\') {
        if (end + 1 >= bytes_.size() || bytes_[end + 1] == '\r' || bytes_[end + 1] == '\n')
          return nullptr;
        end += 2;
        continue;
      }
      ++end;
    }
    auto token = getTokenFactory()->create({this, in}, MoatLexer::STRING, "", antlr4::Token::DEFAULT_CHANNEL, i, end,
                                           line, col);
    in->seek(end + 1);
    sim->setCharPositionInLine(col + (end + 1 - i));
    return token;
  }

  std::string_view bytes_;
  bool fastPath_ = true;
  size_t returned_ = 0;
  bool overflowed_ = false;
  size_t overflowAt_ = 0;
};

std::vector<LexedToken> lexForTesting(std::string_view text, bool fastPath) {
  ByteStream input(text, std::string(""));
  Session::CappedLexer lexer(&input, text, fastPath);
  lexer.removeErrorListeners();
  std::vector<LexedToken> out;
  while (true) {
    std::unique_ptr<antlr4::Token> t = lexer.nextToken();
    out.push_back(LexedToken{t->getType(), t->getStartIndex(), t->getStopIndex(), t->getLine(),
                             t->getCharPositionInLine(), t->getChannel()});
    if (t->getType() == antlr4::Token::EOF)
      return out;
  }
}

bool Session::lex() {
  input_ = std::make_unique<ByteStream>(text_.substr(bom_), std::string(""));
  lexer_ = std::make_unique<CappedLexer>(input_.get(), text_.substr(bom_));
  // The grammar's last rule matches any character, so the lexer never
  // reports; the listener is removed so nothing can reach stderr.
  lexer_->removeErrorListeners();
  tokens_ = std::make_unique<antlr4::CommonTokenStream>(lexer_.get());
  tokens_->fill();
  if (lexer_->overflowed()) {
    errors_.report(bom_ + lexer_->overflowAt(), DiagKind::TooManyTokens, kMaxTokens);
    return false;
  }
  return true;
}

// Lexical checks the grammar cannot express, before parsing: string escapes,
// unterminated strings, stray characters, hidden characters in comments, and
// the nesting limit. Tokens that were reported are rewritten (to STRING, or
// off the parser's channel) so the parser does not report them again.
bool Session::scanTokens() {
  unsigned depth = 0;
  size_t lastStrayEnd = SIZE_MAX;
  std::vector<StringProblem> problems;
  for (size_t i = 0, n = tokens_->size(); i < n; ++i) {
    auto *t = static_cast<antlr4::CommonToken *>(tokens_->get(i));
    size_t at = begin(t);
    switch (t->getType()) {
    case MoatLexer::LBRACE:
      if (++depth > kMaxNesting) {
        errors_.report(at, DiagKind::TooDeep, kMaxNesting);
        return false;
      }
      break;
    case MoatLexer::RBRACE:
      if (depth > 0)
        --depth;
      break;
    case MoatLexer::STRING:
      problems.clear();
      decodeStringLiteral(spelling(t), problems);
      for (const StringProblem &p : problems)
        errors_.report(at + p.offset, DiagKind::InvalidString, p.message);
      break;
    case MoatLexer::UNTERMINATED_STRING:
      errors_.report(at, DiagKind::InvalidString,
                     "missing closing '\"'; a string must end on the line where it starts");
      t->setType(MoatLexer::STRING);
      rewritten_.push_back(i);
      break;
    case MoatLexer::ERROR_CHAR:
      // One report for a run of adjacent stray characters.
      // (a non-ASCII character is several one-byte tokens).
      if (at != lastStrayEnd)
        errors_.report(at, DiagKind::SyntaxError, describeStrayChar(text_.substr(at)));
      lastStrayEnd = end(t);
      t->setChannel(kErrorChannel);
      break;
    case MoatLexer::COMMENT: {
      std::string_view c = spelling(t);
      for (size_t k = 0; k < c.size();) {
        size_t cpAt = k;
        uint32_t cp = decodeUtf8(c, k);
        Hidden h = classifyHidden(cp);
        if ((h == Hidden::Control && cp != '\t') || h == Hidden::Bidi) {
          errors_.report(at + cpAt, DiagKind::InvalidEncoding,
                         "a comment contains " + describeHidden(cp) + "; remove it");
          break;
        }
      }
      break;
    }
    default:
      break;
    }
    if (errors_.full())
      return false;
  }
  tokens_->seek(0);
  return true;
}

// The statement loop. Each statement is parsed first with SLL prediction
// and an error strategy that bails out at the first error (the grammar is
// LL(1), so this decides every valid statement, fastest); a statement that
// fails is re-parsed from its first token with full LL prediction and the
// friendly strategy, which reports and recovers.
void Session::parse(StatementSink *sink) {
  parser_ = std::make_unique<MoatParser>(tokens_.get());
  parser_->removeErrorListeners();
  auto *sim = parser_->getInterpreter<antlr4::atn::ParserATNSimulator>();
  auto bail = std::make_shared<antlr4::BailErrorStrategy>();
  auto friendly = std::make_shared<FriendlyErrorStrategy>(*this);
  std::vector<antlr4::Token *> open; // the '{' of each open block

  while (tokens_->LA(1) != antlr4::Token::EOF) {
    const size_t startIndex = tokens_->index();
    const size_t recoveriesBefore = recoveries_;
    MoatParser::StatementContext *ctx = nullptr;
    // Each statement is a root: without this the context would record the
    // previous statement's last state as its caller.
    parser_->setState(antlr4::atn::ATNState::INVALID_STATE_NUMBER);
    sim->setPredictionMode(antlr4::atn::PredictionMode::SLL);
    parser_->setErrorHandler(bail);
    try {
      ctx = parser_->statement();
    } catch (const antlr4::ParseCancellationException &) {
      parser_->getTreeTracker().reset();
      tokens_->seek(startIndex);
      parser_->setState(antlr4::atn::ATNState::INVALID_STATE_NUMBER);
      sim->setPredictionMode(antlr4::atn::PredictionMode::LL);
      friendly->reset(parser_.get());
      parser_->setErrorHandler(friendly);
      ctx = parser_->statement();
      // Recovery stops before the ';' that ends the broken statement.
      if (recoveries_ != recoveriesBefore && tokens_->LA(1) == MoatParser::SEMI)
        tokens_->consume();
    }
    if (tokens_->index() == startIndex) { // never loop without progress
      markRecovered();
      tokens_->consume();
    }

    StatementSpan::Kind kind = StatementSpan::Simple;
    antlr4::tree::TerminalNode *brace = nullptr;
    if (auto *h = ctx->policyHeader())
      brace = h->LBRACE();
    else if (auto *h = ctx->platformHeader())
      brace = h->LBRACE();
    else if (auto *h = ctx->gitHeader())
      brace = h->LBRACE();
    if (brace && isReal(brace->getSymbol())) {
      kind = StatementSpan::Open;
      open.push_back(brace->getSymbol());
    } else if (auto *e = ctx->blockEnd(); e && e->RBRACE() && isReal(e->RBRACE()->getSymbol())) {
      if (open.empty()) {
        errors_.report(begin(e->RBRACE()->getSymbol()), DiagKind::SyntaxError,
                       "unexpected '}' with no open block to close");
        markRecovered();
        countSyntaxError();
      } else {
        kind = StatementSpan::Close;
        open.pop_back();
      }
    }
    size_t last = tokens_->index();
    while (last > startIndex &&
           tokens_->get(last - 1)->getChannel() != antlr4::Token::DEFAULT_CHANNEL)
      --last;
    statements_.push_back({static_cast<uint32_t>(startIndex),
                           static_cast<uint32_t>(last > startIndex ? last - 1 : startIndex), kind});
    if (sink && recoveries_ == 0)
      sink->statement(ctx, kind);
    parser_->getTreeTracker().reset();
  }
  if (!open.empty())
    errors_.reportWithNote(eofOffset(), begin(open.back()),
                           "the block that is not closed starts here", DiagKind::SyntaxError,
                           "expected '}' before the end of the file");
}

} // namespace moat::parse
