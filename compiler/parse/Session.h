// One parse of a .moat buffer: the ANTLR objects, the token stream and the
// errors found. Internal to compiler/parse (the only code that may include
// ANTLR headers); parseMoat and formatMoat both run a Session.
//
// Hostile input is bounded before and during parsing: the encoding is
// checked first, the lexer stops after kMaxTokens tokens, block nesting is
// limited to kMaxNesting before the parser runs, and the parser is run one
// statement at a time (its tree freed after each), so memory is linear in
// the tokens and nothing recurses with the input.
#pragma once
#include "compiler/ast/Ast.h"
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/parse/ErrorCollector.h"
#include "compiler/parse/LineTable.h"
#include "compiler/parse/Parser.h"

#include "MoatLexer.h"
#include "MoatParser.h"
#include "antlr4-runtime.h"

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace moat::parse {

// Blocks (`policy`, `on`) nested deeper than this are refused.
constexpr unsigned kMaxNesting = 64;
// A realistic 16 MiB policy has under 4 Mi tokens (`allow read "/a";` is
// 4.25 bytes a token); each costs ~130 bytes in ANTLR. Beyond this a file is
// refused rather than risk exhausting memory.
constexpr size_t kMaxTokens = size_t{4} << 20;
// Channel for tokens that were reported as errors (stray characters).
constexpr size_t kErrorChannel = 2;

// Thrown to abandon a parse once it has reported more errors than are shown.
struct TooManyErrors {};

// What the formatter needs of a statement once its parse tree is freed.
struct StatementSpan {
  enum Kind : uint8_t { Simple, Open, Close };
  uint32_t first; // token index of the first token
  uint32_t last;  // token index of the last token (';', '{' or '}')
  Kind kind;
};

// Receives each statement's parse tree while it is alive.
class StatementSink {
public:
  virtual ~StatementSink() = default;
  virtual void statement(moatgen::MoatParser::StatementContext *ctx, StatementSpan::Kind kind) = 0;
};

class Session {
public:
  Session(uint32_t buffer, DiagnosticEngine &diags);
  ~Session();
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;

  // Checks the encoding, lexes, scans the tokens and parses them, calling
  // `sink` for every statement as long as no syntax error has made the parse
  // tree unreliable. Errors go to errors(). Returns true if the whole file
  // was parsed without any error.
  bool run(StatementSink *sink);

  uint32_t buffer() const { return buffer_; }
  std::string_view text() const { return text_; }
  const LineTable &lines() const { return lines_; }
  ErrorCollector &errors() { return errors_; }
  antlr4::CommonTokenStream &tokens() { return *tokens_; }
  const std::vector<StatementSpan> &statements() const { return statements_; }

  // Byte offsets in the buffer of a token's first byte and one past its last.
  size_t begin(const antlr4::Token *t) const;
  size_t end(const antlr4::Token *t) const;
  // The token's bytes as written in the buffer.
  std::string_view spelling(const antlr4::Token *t) const;
  SourceLoc loc(const antlr4::Token *t) const { return lines_.loc(begin(t)); }
  uint32_t line(const antlr4::Token *t) const { return lines_.line(begin(t)); }
  // Where "end of file" is shown: just after the last code token.
  size_t eofOffset() const;
  // False for tokens that error recovery conjured (not in the stream).
  bool isReal(const antlr4::Token *t) const;
  // True for tokens the lexical pre-scan reported and rewrote.
  bool reportedLexically(const antlr4::Token *t) const;
  // Called by the error strategy whenever it recovers: from then on parse
  // trees may lack nodes and are no longer given to the sink.
  void markRecovered() { ++recoveries_; }
  // Counts a reported syntax error; throws TooManyErrors past the limit.
  void countSyntaxError();

private:
  class CappedLexer;
  friend std::vector<LexedToken> lexForTesting(std::string_view text, bool fastPath);

  bool checkEncoding();
  bool lex();
  bool scanTokens();
  void parse(StatementSink *sink);

  uint32_t buffer_;
  std::string_view text_; // the whole buffer
  size_t bom_ = 0;        // bytes of a leading UTF-8 byte order mark, not lexed
  LineTable lines_;
  ErrorCollector errors_;
  size_t recoveries_ = 0;
  size_t syntaxErrors_ = 0;

  std::unique_ptr<antlr4::CharStream> input_;
  std::unique_ptr<CappedLexer> lexer_;
  std::unique_ptr<antlr4::CommonTokenStream> tokens_;
  std::unique_ptr<moatgen::MoatParser> parser_;
  std::vector<size_t> rewritten_; // indexes of tokens reported by scanTokens, ascending
  std::vector<StatementSpan> statements_;
};

// A checked parse: the Session (tokens and statement spans, for the
// formatter) and the AST. parseChecked reports every error it finds (at most
// ErrorCollector::kMaxErrors and a note) and returns nullopt if there was
// any. ANTLR and std exceptions are caught inside and reported as errors.
struct ParsedMoat {
  std::unique_ptr<Session> session;
  ast::File file;
};
std::optional<ParsedMoat> parseChecked(uint32_t buffer, DiagnosticEngine &diags);

} // namespace moat::parse
