#include "compiler/parse/ErrorStrategy.h"

#include "compiler/parse/Utf8.h"

#include <llvm/ADT/StringRef.h>

#include <fmt/format.h>

#include <algorithm>

namespace moat::parse {

using antlr4::Token;
using antlr4::misc::IntervalSet;
using moatgen::MoatParser;

namespace {

constexpr size_t kStatementStarts[] = {
    MoatParser::KW_POLICY, MoatParser::KW_ON,      MoatParser::KW_ALWAYS, MoatParser::KW_ALLOW,
    MoatParser::KW_DENY,   MoatParser::KW_DEFAULT, MoatParser::KW_LET,    MoatParser::KW_INCLUDE,
    MoatParser::KW_SET,    MoatParser::KW_ASSERT,  MoatParser::KW_LOCK,   MoatParser::KW_REQUIRE,
    MoatParser::KW_FORBID, MoatParser::KW_GIT,     MoatParser::KW_REMOTE, MoatParser::KW_PUSH,
    MoatParser::KW_TOKEN,  MoatParser::KW_USER};
// Keywords are the token types KW_POLICY..kLastKeyword (Moat.g4 lists them
// first, in one run).
constexpr size_t kLastKeyword = MoatParser::KW_FORCE_PUSH;
constexpr size_t kValueStarts[] = {MoatParser::KW_TRUE, MoatParser::KW_FALSE, MoatParser::INT,
                                   MoatParser::STRING, MoatParser::LBRACK};

template <size_t N> bool containsAll(const IntervalSet &set, const size_t (&types)[N]) {
  return std::all_of(std::begin(types), std::end(types), [&](size_t t) { return set.contains(t); });
}
template <size_t N> void removeAll(IntervalSet &set, const size_t (&types)[N]) {
  for (size_t t : types)
    set.remove(t);
}
// IntervalSet overloads size_t and ssize_t; token enumerators match neither.
bool has(const IntervalSet &set, size_t type) { return set.contains(type); }
void drop(IntervalSet &set, size_t type) { set.remove(type); }

bool isStatementStart(size_t type) {
  return std::find(std::begin(kStatementStarts), std::end(kStatementStarts), type) !=
         std::end(kStatementStarts);
}
bool isKeyword(size_t type) {
  return type >= MoatParser::KW_POLICY && type <= kLastKeyword;
}

// The keyword or punctuation as written, without quotes ("allow", ";").
std::string literalText(const antlr4::dfa::Vocabulary &vocab, size_t type) {
  std::string lit = vocab.getLiteralName(type);
  if (lit.size() >= 2 && lit.front() == '\'' && lit.back() == '\'')
    return lit.substr(1, lit.size() - 2);
  return lit;
}

// A token's spelling for a message: shortened, and with any character that
// could hide or reorder text (possible inside an invalid string) escaped, so
// a hostile file cannot forge what a terminal shows.
std::string clip(std::string_view s) {
  constexpr size_t kMax = 40;
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (out.size() >= kMax) {
      out += "...";
      break;
    }
    size_t at = i;
    uint32_t cp = decodeUtf8(s, i);
    if (classifyHidden(cp) != Hidden::None)
      out += fmt::format("\\u{{{:X}}}", cp);
    else
      out.append(s.substr(at, i - at));
  }
  return out;
}

// Innermost context of one of the given rules, or nullptr.
antlr4::ParserRuleContext *enclosing(antlr4::ParserRuleContext *ctx,
                                     std::initializer_list<size_t> rules) {
  for (antlr4::tree::ParseTree *n = ctx; n; n = n->parent) {
    auto *rc = dynamic_cast<antlr4::ParserRuleContext *>(n);
    if (rc && std::find(rules.begin(), rules.end(), rc->getRuleIndex()) != rules.end())
      return rc;
  }
  return nullptr;
}

// What a STRING is for at this point of the grammar.
std::string describeString(antlr4::ParserRuleContext *ctx) {
  auto *rc = enclosing(ctx, {MoatParser::RuleBecauseClause, MoatParser::RuleRuleBody,
                             MoatParser::RulePolicyHeader, MoatParser::RuleLetStmt,
                             MoatParser::RuleIncludeStmt, MoatParser::RuleAssertStmt,
                             MoatParser::RuleRequireStmt, MoatParser::RuleForbidStmt,
                             MoatParser::RuleValue, MoatParser::RuleGitRemoteStmt,
                             MoatParser::RuleGitPushStmt, MoatParser::RuleGitTokenStmt,
                             MoatParser::RuleGitUserStmt});
  if (!rc)
    return "a string";
  switch (rc->getRuleIndex()) {
  case MoatParser::RuleBecauseClause:
    return "a string (the reason)";
  case MoatParser::RuleRuleBody:
    if (dynamic_cast<MoatParser::NetBodyContext *>(rc))
      return "a string (a quoted host)";
    return "a string (a quoted path)";
  case MoatParser::RulePolicyHeader:
    return "a string (the policy's name)";
  case MoatParser::RuleLetStmt:
    return "a string (the variable's value)";
  case MoatParser::RuleIncludeStmt:
    return "a string (the file to include)";
  case MoatParser::RuleAssertStmt:
  case MoatParser::RuleRequireStmt:
  case MoatParser::RuleForbidStmt:
    return "a string (a quoted path or host)";
  case MoatParser::RuleGitRemoteStmt:
    return "a string (the remote's URL)";
  case MoatParser::RuleGitPushStmt:
    return "a string (a ref pattern such as \"refs/heads/agent/*\")";
  case MoatParser::RuleGitTokenStmt:
    return "a string (the variable's name or the token file's path)";
  case MoatParser::RuleGitUserStmt:
    return "a string (the user name)";
  default:
    return "a string";
  }
}

// "the rule", "the 'set' statement": what a missing ';' should follow.
std::string describeStatement(const antlr4::dfa::Vocabulary &vocab,
                              antlr4::ParserRuleContext *ctx) {
  auto *rc = enclosing(ctx, {MoatParser::RuleRuleStmt, MoatParser::RuleDefaultStmt,
                             MoatParser::RuleLetStmt, MoatParser::RuleIncludeStmt,
                             MoatParser::RuleSetStmt, MoatParser::RuleAssertStmt,
                             MoatParser::RuleLockStmt, MoatParser::RuleRequireStmt,
                             MoatParser::RuleForbidStmt, MoatParser::RuleGitRemoteStmt,
                             MoatParser::RuleGitPushStmt, MoatParser::RuleGitTokenStmt,
                             MoatParser::RuleGitUserStmt});
  if (!rc || rc->getRuleIndex() == MoatParser::RuleRuleStmt)
    return "the rule";
  return fmt::format("the '{}' statement", literalText(vocab, rc->getStart()->getType()));
}

std::string joinAlternatives(const std::vector<std::string> &items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0)
      out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

// The expected set in words, most useful first.
std::string describeExpected(const antlr4::dfa::Vocabulary &vocab, IntervalSet expected,
                             antlr4::ParserRuleContext *ctx) {
  std::vector<std::string> items;
  if (containsAll(expected, kValueStarts)) {
    items.push_back("a value (true, false, a number, a string or a [list])");
    removeAll(expected, kValueStarts);
  }
  if (has(expected, MoatParser::IDENT)) {
    // Keywords are expected only as alternatives of `name` here.
    items.push_back("a name");
    for (size_t t = MoatParser::KW_POLICY; t <= kLastKeyword; ++t)
      drop(expected, t);
    drop(expected, MoatParser::IDENT);
  }
  if (containsAll(expected, kStatementStarts)) {
    items.push_back("a statement");
    removeAll(expected, kStatementStarts);
  }
  if (has(expected, MoatParser::KW_READ) && has(expected, MoatParser::KW_DELETE)) {
    // After `allow`: `delete` and `force-push` fit only inside a git block,
    // and naming them to someone writing a rule would only mislead.
    drop(expected, MoatParser::KW_DELETE);
    drop(expected, MoatParser::KW_FORCE_PUSH);
  }
  if (has(expected, MoatParser::STRING) && has(expected, MoatParser::KW_FILE)) {
    // After `read`: the string is what is missing; ", write" and `file` are
    // optional and would only make the message longer.
    drop(expected, MoatParser::COMMA);
    drop(expected, MoatParser::KW_FILE);
  }
  for (ssize_t t : expected.toList()) {
    if (t == static_cast<ssize_t>(Token::EOF))
      items.push_back("end of file");
    else if (t == MoatParser::STRING)
      items.push_back(describeString(ctx));
    else if (t == MoatParser::INT)
      items.push_back("a number");
    else if (t > 0)
      items.push_back("'" + literalText(vocab, static_cast<size_t>(t)) + "'");
  }
  return joinAlternatives(items);
}

// "; did you mean 'allow'?" when an identifier is a near miss of a keyword
// that would fit.
std::string didYouMean(const antlr4::dfa::Vocabulary &vocab, std::string_view word,
                       const IntervalSet &expected) {
  llvm::StringRef w(word.data(), word.size());
  unsigned limit = w.size() >= 4 ? 2 : 1;
  std::string best;
  unsigned bestDistance = limit + 1;
  for (ssize_t t : expected.toList()) {
    if (t <= 0 || !isKeyword(static_cast<size_t>(t)))
      continue;
    std::string kw = literalText(vocab, static_cast<size_t>(t));
    unsigned d = w.edit_distance(kw, true, limit + 1);
    if (d < bestDistance) {
      bestDistance = d;
      best = kw;
    }
  }
  return best.empty() ? std::string() : "; did you mean '" + best + "'?";
}

} // namespace

Token *FriendlyErrorStrategy::acceptBareword(antlr4::Parser *recognizer,
                                             const IntervalSet &expected) {
  auto *t = dynamic_cast<antlr4::CommonToken *>(recognizer->getCurrentToken());
  if (!t || t->getType() != MoatParser::BAREWORD || !has(expected, MoatParser::STRING))
    return nullptr;
  Session &s = session_;
  s.markRecovered();
  s.errors().report(s.begin(t), DiagKind::SyntaxError,
                    fmt::format("unquoted '{0}'; write paths, hosts and other values as strings: "
                                "\"{0}\"",
                                clip(s.spelling(t))));
  s.countSyntaxError();
  // Read it as the string it was meant to be, so the rest of the statement
  // is still checked (each unquoted item gets its own report).
  t->setType(MoatParser::STRING);
  return t;
}

Token *FriendlyErrorStrategy::recoverInline(antlr4::Parser *recognizer) {
  if (Token *t = acceptBareword(recognizer, recognizer->getExpectedTokens())) {
    recognizer->consume();
    return t;
  }
  return DefaultErrorStrategy::recoverInline(recognizer);
}

void FriendlyErrorStrategy::sync(antlr4::Parser *recognizer) {
  if (inErrorRecoveryMode(recognizer))
    return;
  const antlr4::atn::ATN &atn = recognizer->getATN();
  antlr4::atn::ATNState *state = atn.states[recognizer->getState()];
  size_t la = recognizer->getTokenStream()->LA(1);
  const IntervalSet &next = atn.nextTokens(state);
  if (next.contains(Token::EPSILON) || next.contains(la))
    return;
  if (acceptBareword(recognizer, next))
    return; // now a STRING, which fits here
  switch (state->getStateType()) {
  case antlr4::atn::ATNState::BLOCK_START:
  case antlr4::atn::ATNState::STAR_BLOCK_START:
  case antlr4::atn::ATNState::PLUS_BLOCK_START:
    if (singleTokenDeletion(recognizer) != nullptr)
      return;
    throw antlr4::InputMismatchException(recognizer);
  case antlr4::atn::ATNState::STAR_LOOP_ENTRY:
    if (singleTokenDeletion(recognizer) != nullptr)
      return;
    [[fallthrough]];
  case antlr4::atn::ATNState::STAR_LOOP_BACK:
  case antlr4::atn::ATNState::PLUS_LOOP_BACK: {
    // Not "unwanted": the token may be the start of what should follow
    // (e.g. `allow read;` is missing its string, the ';' is fine).
    beginErrorCondition(recognizer);
    report(recognizer, recognizer->getCurrentToken(), recognizer->getExpectedTokens(),
           Shape::Mismatch);
    IntervalSet resync = recognizer->getExpectedTokens();
    consumeUntil(recognizer, resync.Or(getErrorRecoverySet(recognizer)));
    return;
  }
  default:
    return;
  }
}

IntervalSet FriendlyErrorStrategy::getErrorRecoverySet(antlr4::Parser *recognizer) {
  // Each statement is parsed as a root, so ANTLR's follow sets end with it;
  // what can follow any statement is the start of the next one.
  IntervalSet set = DefaultErrorStrategy::getErrorRecoverySet(recognizer);
  for (size_t t : kStatementStarts)
    set.add(static_cast<ssize_t>(t));
  set.add(static_cast<ssize_t>(MoatParser::RBRACE));
  set.add(static_cast<ssize_t>(Token::EOF));
  // And a ';' ends the broken statement (the driver skips it), so the next
  // statement is parsed even when it starts with something odd.
  set.add(static_cast<ssize_t>(MoatParser::SEMI));
  return set;
}

void FriendlyErrorStrategy::reportError(antlr4::Parser *recognizer,
                                        const antlr4::RecognitionException &e) {
  if (inErrorRecoveryMode(recognizer))
    return; // the error that started the recovery was reported
  beginErrorCondition(recognizer);
  if (auto *nva = dynamic_cast<const antlr4::NoViableAltException *>(&e))
    reportNoViableAlternative(recognizer, *nva);
  else if (auto *mismatch = dynamic_cast<const antlr4::InputMismatchException *>(&e))
    reportInputMismatch(recognizer, *mismatch);
  else
    report(recognizer,
           e.getOffendingToken() ? e.getOffendingToken() : recognizer->getCurrentToken(),
           e.getExpectedTokens(), Shape::Mismatch);
}

void FriendlyErrorStrategy::reportNoViableAlternative(antlr4::Parser *recognizer,
                                                      const antlr4::NoViableAltException &e) {
  report(recognizer, e.getOffendingToken(), e.getExpectedTokens(), Shape::Mismatch);
}

void FriendlyErrorStrategy::reportInputMismatch(antlr4::Parser *recognizer,
                                                const antlr4::InputMismatchException &e) {
  report(recognizer, e.getOffendingToken(), e.getExpectedTokens(), Shape::Mismatch);
}

void FriendlyErrorStrategy::reportUnwantedToken(antlr4::Parser *recognizer) {
  if (inErrorRecoveryMode(recognizer))
    return;
  beginErrorCondition(recognizer);
  report(recognizer, recognizer->getCurrentToken(), getExpectedTokens(recognizer), Shape::Unwanted);
}

void FriendlyErrorStrategy::reportMissingToken(antlr4::Parser *recognizer) {
  if (inErrorRecoveryMode(recognizer))
    return;
  beginErrorCondition(recognizer);
  report(recognizer, recognizer->getCurrentToken(), getExpectedTokens(recognizer), Shape::Mismatch);
}

void FriendlyErrorStrategy::report(antlr4::Parser *recognizer, Token *t,
                                   const IntervalSet &expected, Shape shape) {
  Session &s = session_;
  s.markRecovered();
  ErrorCollector &errors = s.errors();
  antlr4::ParserRuleContext *ctx = recognizer->getContext();
  const size_t type = t->getType();
  const bool atEof = type == Token::EOF;

  // The previous token on the parser's channel, for "after X" and for
  // placing a missing ';'.
  Token *prev = nullptr;
  for (size_t i = t->getTokenIndex(); i-- > 0;) {
    Token *c = s.tokens().get(i);
    if (c->getChannel() == Token::DEFAULT_CHANNEL) {
      prev = c;
      break;
    }
  }
  auto display = [&](Token *tok) -> std::string {
    switch (tok->getType()) {
    case Token::EOF:
      return "end of file";
    case MoatParser::STRING:
      return "string " + clip(s.spelling(tok));
    case MoatParser::INT:
      return "number " + clip(s.spelling(tok));
    default:
      return "'" + clip(s.spelling(tok)) + "'";
    }
  };
  const size_t at = atEof ? s.eofOffset() : s.begin(t);
  // `name` accepts keywords too, so a set naming IDENT is not "a statement".
  const bool wantsStatement =
      containsAll(expected, kStatementStarts) && !has(expected, MoatParser::IDENT);
  // A token the pre-scan already reported (an unterminated string or an
  // unquoted word) explains what follows it; do not pile on.
  if (s.reportedLexically(t) || (prev && s.reportedLexically(prev)))
    return;
  const antlr4::dfa::Vocabulary &vocab = recognizer->getVocabulary();
  IntervalSet statementStarts;
  for (size_t st : kStatementStarts)
    statementStarts.add(static_cast<ssize_t>(st));
  const std::string hint =
      type == MoatParser::IDENT
          ? didYouMean(vocab, s.spelling(t), wantsStatement ? statementStarts : expected)
          : std::string();

  if (type == MoatParser::STRING && prev && prev->getType() == MoatParser::STRING &&
      enclosing(ctx, {MoatParser::RuleRuleBody, MoatParser::RuleValue})) {
    errors.report(at, DiagKind::SyntaxError,
                  "expected ',' between " + display(prev) + " and " + display(t));
  } else if (has(expected, MoatParser::SEMI) && prev &&
             (atEof || type == MoatParser::RBRACE || isStatementStart(type) ||
              s.line(t) > s.line(prev))) {
    // The statement looks finished: the ';' is what is missing.
    errors.report(s.end(prev), DiagKind::SyntaxError,
                  "expected ';' after " + describeStatement(vocab, ctx));
  } else if (type == MoatParser::SEMI && wantsStatement) {
    errors.report(at, DiagKind::SyntaxError, "extra ';' with no statement before it");
  } else if (wantsStatement) {
    errors.report(at, DiagKind::SyntaxError,
                  "unexpected " + display(t) +
                      "; expected a statement such as `allow read \"PATH\";`" + hint);
  } else {
    std::string what = describeExpected(vocab, expected, ctx);
    std::string after = prev ? " after " + display(prev) : std::string();
    std::string msg = shape == Shape::Unwanted
                          ? "unexpected " + display(t) + after + "; expected " + what
                          : "expected " + what + after + ", found " + display(t);
    errors.report(at, DiagKind::SyntaxError, msg + hint);
  }
  s.countSyntaxError();
}

} // namespace moat::parse
