// The .moat policy language (docs/language.md is the reference).
//
// The grammar is kept LL(1) so that a syntax error is
// detected at the first token that cannot fit and the expected set is small
// enough to name in a friendly message (compiler/parse/ErrorStrategy.cpp).
// Rules share the prefix `always? allow|deny` and branch on the next keyword
// for the same reason. Things the parser does not judge (platform names,
// option names, paths, hosts, whether `always` fits a rule) are checked by the
// AST builder or by sema, where the message can be specific.
grammar Moat;

// ---------------------------------------------------------------- parser --

// A file is a sequence of statements. The parser is started once per
// statement (Session::parse in compiler/parse): the driver builds the AST of
// each statement and frees its parse tree before the next, so memory does not
// grow with a whole-file tree and the parser never recurses. A block is
// therefore two statements here, a header ending in '{' and a closing '}',
// which the driver pairs and limits to 64 levels:
//
//   file  : statement* EOF ;
//   block : (policyHeader | platformHeader) statement* blockEnd ;
statement
  : policyHeader
  | platformHeader
  | blockEnd
  | ruleStmt
  | defaultStmt
  | letStmt
  | includeStmt
  | setStmt
  | assertStmt
  | lockStmt
  | requireStmt
  | forbidStmt
  | gitHeader
  | gitRemoteStmt
  | gitPushStmt
  | gitTokenStmt
  | gitUserStmt
  ;

// policy "NAME" {
policyHeader : KW_POLICY STRING LBRACE ;
// on linux {
platformHeader : KW_ON name LBRACE ;
blockEnd : RBRACE ;

// [always] allow|deny ...
ruleStmt : KW_ALWAYS? effect ruleBody ;
ruleBody
  : access (COMMA access)* KW_FILE? stringList becauseClause? SEMI # fsBody
  | KW_CONNECT stringList becauseClause? SEMI                      # netBody
  | KW_UNIX_SOCKET stringList becauseClause? SEMI                  # socketBody
  | gitPermission SEMI                                             # gitAllowBody
  ;
becauseClause : KW_BECAUSE STRING ;
stringList : STRING (COMMA STRING)* ;

effect : KW_ALLOW | KW_DENY ;
access : KW_READ | KW_WRITE ;
subject : KW_READ | KW_WRITE | KW_CONNECT ;
defaultValue : KW_ALLOW | KW_DENY | KW_ASK ;

// default read|write|connect allow|deny|ask;
defaultStmt : KW_DEFAULT subject defaultValue SEMI ;
// let NAME = "VALUE";
letStmt : KW_LET name EQ STRING SEMI ;
// include "FILE";
includeStmt : KW_INCLUDE STRING SEMI ;
// set NAME = VALUE;
setStmt : KW_SET name EQ value SEMI ;
// A list allows one trailing comma. `(COMMA STRING?)*` keeps the rule LL(1)
// (so errors point at the right token); the AST builder rejects ",,".
value
  : KW_TRUE                                  # trueValue
  | KW_FALSE                                 # falseValue
  | INT                                      # intValue
  | STRING                                   # stringValue
  | LBRACK (STRING (COMMA STRING?)*)? RBRACK # listValue
  ;
// assert allow|deny read|write|connect "SUBJECT";
assertStmt : KW_ASSERT effect subject STRING SEMI ;

// Managed-policy statements (docs/managed.md). Sema warns about them
// outside the managed layer, where nothing below them exists to constrain.
// lock network;  lock filesystem read[, write];
lockStmt : KW_LOCK lockTarget SEMI ;
lockTarget
  : KW_NETWORK                               # lockNetwork
  | KW_FILESYSTEM access (COMMA access)*     # lockFilesystem
  ;
// require allow|deny read|write|connect "SUBJECT";  (an assert over the
// effective policy of every layer)
requireStmt : KW_REQUIRE effect subject STRING SEMI ;
// forbid read|write|connect|unix-socket "PATTERN"[, ...] [because "REASON"];
forbidStmt : KW_FORBID forbidSubject stringList becauseClause? SEMI ;
forbidSubject : KW_READ | KW_WRITE | KW_CONNECT | KW_UNIX_SOCKET ;

// The git block (docs/language.md, "git"): what moat run's git proxy lets
// the sandbox's git do, and the real token it attaches upstream. A block
// is a header and a '}' like the others; the statements below are
// statements of their own for the same reason, and the AST builder accepts
// them only directly inside `git { }` (and nothing else there), so the
// message can name the block instead of a token.
//   git {
gitHeader : KW_GIT LBRACE ;
//   remote "https://host/org/repo" [fetch];
gitRemoteStmt : KW_REMOTE STRING KW_FETCH? SEMI ;
//   push "refs/heads/agent/*"[, ...];
gitPushStmt : KW_PUSH stringList SEMI ;
//   token env "NAME";  token file "PATH";
gitTokenStmt : KW_TOKEN tokenSource STRING SEMI ;
tokenSource : KW_ENV | KW_FILE ;
//   user "x-access-token";
gitUserStmt : KW_USER STRING SEMI ;
//   allow delete;  allow force-push;  (a ruleBody: rules share `allow`)
gitPermission : KW_DELETE | KW_FORCE_PUSH ;

// Names (variables, options, platforms) may be spelled like keywords: the
// position makes them unambiguous and sema decides what is valid.
name
  : IDENT
  | KW_POLICY | KW_ON | KW_ALWAYS | KW_ALLOW | KW_DENY | KW_ASK | KW_READ
  | KW_WRITE | KW_CONNECT | KW_UNIX_SOCKET | KW_FILE | KW_BECAUSE
  | KW_DEFAULT | KW_LET | KW_INCLUDE | KW_SET | KW_ASSERT | KW_TRUE
  | KW_FALSE | KW_LOCK | KW_REQUIRE | KW_FORBID | KW_NETWORK | KW_FILESYSTEM
  | KW_GIT | KW_REMOTE | KW_FETCH | KW_PUSH | KW_TOKEN | KW_ENV | KW_USER
  | KW_DELETE | KW_FORCE_PUSH
  ;

// ----------------------------------------------------------------- lexer --
// On equal length the rule listed first wins, so keywords come before IDENT
// and IDENT/INT before BAREWORD. Longest match makes `allow-local-binding`
// one IDENT and `unix-socket` one keyword.

KW_POLICY      : 'policy' ;
KW_ON          : 'on' ;
KW_ALWAYS      : 'always' ;
KW_ALLOW       : 'allow' ;
KW_DENY        : 'deny' ;
KW_ASK         : 'ask' ;
KW_READ        : 'read' ;
KW_WRITE       : 'write' ;
KW_CONNECT     : 'connect' ;
KW_UNIX_SOCKET : 'unix-socket' ;
KW_FILE        : 'file' ;
KW_BECAUSE     : 'because' ;
KW_DEFAULT     : 'default' ;
KW_LET         : 'let' ;
KW_INCLUDE     : 'include' ;
KW_SET         : 'set' ;
KW_ASSERT      : 'assert' ;
KW_TRUE        : 'true' ;
KW_FALSE       : 'false' ;
KW_LOCK        : 'lock' ;
KW_REQUIRE     : 'require' ;
KW_FORBID      : 'forbid' ;
KW_NETWORK     : 'network' ;
KW_FILESYSTEM  : 'filesystem' ;
KW_GIT         : 'git' ;
KW_REMOTE      : 'remote' ;
KW_FETCH       : 'fetch' ;
KW_PUSH        : 'push' ;
KW_TOKEN       : 'token' ;
KW_ENV         : 'env' ;
KW_USER        : 'user' ;
KW_DELETE      : 'delete' ;
KW_FORCE_PUSH  : 'force-push' ;

LBRACE : '{' ;
RBRACE : '}' ;
LBRACK : '[' ;
RBRACK : ']' ;
COMMA  : ',' ;
SEMI   : ';' ;
EQ     : '=' ;

// Escapes are validated and decoded after lexing (compiler/parse/Strings.cpp)
// so that a bad escape is reported at its exact column.
STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"' ;
// A string that reaches the end of its line: reported, never parsed.
UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '\\'? ;

INT   : '-'? [0-9]+ ;
IDENT : [a-zA-Z_] [a-zA-Z0-9_-]* ;

// A run of printable ASCII that is not a name or number, e.g. an unquoted
// path or host (`~/.ssh`, `api.github.com`). Never valid: lexed as one token
// so the error can say "quote it" instead of complaining about each '/'.
BAREWORD : [\u0021\u0024-\u002B\u002D-\u003A\u003C\u003E-\u005A\u005E-\u007A\u007C\u007E]+ ;

// Comments are kept (on the hidden channel) for the formatter.
COMMENT : '#' ~[\r\n]* -> channel(HIDDEN) ;
WS      : [ \t\r\n]+ -> skip ;

// Anything else (control characters, non-ASCII outside strings and
// comments, a stray backslash) is one token each, reported after lexing.
ERROR_CHAR : . ;
