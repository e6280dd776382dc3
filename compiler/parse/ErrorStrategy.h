// ANTLR's error strategy with moat's messages. ANTLR decides *where* input
// stops fitting the grammar and how to resynchronise; this class decides what
// to tell the user: friendly token names ("';'", "a string", "end of file"),
// what was expected in words, a did-you-mean for misspelled keywords, and a
// missing ';' located right after the token it should follow.
#pragma once
#include "compiler/parse/Session.h"

namespace moat::parse {

class FriendlyErrorStrategy : public antlr4::DefaultErrorStrategy {
public:
  explicit FriendlyErrorStrategy(Session &session) : session_(session) {}

  // Like ANTLR's, except that at the entry of a `(...)*` loop an
  // unexpected token is reported as a mismatch and skipped while staying in
  // the rule, the way ANTLR already treats later iterations.
  void sync(antlr4::Parser *recognizer) override;
  // An unquoted word where a string is expected is reported and then read
  // as that string; anything else is left to ANTLR's recovery.
  antlr4::Token *recoverInline(antlr4::Parser *recognizer) override;

  // Routes every recognition error to the reports below; ANTLR's version
  // would hand unknown kinds to the (removed) error listeners.
  void reportError(antlr4::Parser *recognizer, const antlr4::RecognitionException &e) override;

protected:
  antlr4::misc::IntervalSet getErrorRecoverySet(antlr4::Parser *recognizer) override;
  void reportNoViableAlternative(antlr4::Parser *recognizer,
                                 const antlr4::NoViableAltException &e) override;
  void reportInputMismatch(antlr4::Parser *recognizer,
                           const antlr4::InputMismatchException &e) override;
  void reportUnwantedToken(antlr4::Parser *recognizer) override;
  void reportMissingToken(antlr4::Parser *recognizer) override;

private:
  enum class Shape { Mismatch, Unwanted };
  antlr4::Token *acceptBareword(antlr4::Parser *recognizer,
                                const antlr4::misc::IntervalSet &expected);
  void report(antlr4::Parser *recognizer, antlr4::Token *offending,
              const antlr4::misc::IntervalSet &expected, Shape shape);

  Session &session_;
};

} // namespace moat::parse
