// The .moat parser: AST shapes, locations (byte columns), string escapes,
// encoding checks, error recovery and the hostile-input limits.
#include "compiler/parse/Parser.h"
#include "compiler/parse/Strings.h"
#include "compiler/parse/Utf8.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

using namespace moat;

namespace {

struct Parsed {
  SourceFiles files;
  DiagnosticEngine diags{files};
  uint32_t buffer = 0;
  std::optional<ast::File> file;

  // "line:col: id: message" for every diagnostic, notes included.
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    auto add = [&](const Diagnostic &d) {
      out.push_back(std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + ": " + d.id +
                    ": " + d.message);
    };
    for (const Diagnostic &d : diags.diagnostics()) {
      add(d);
      for (const Diagnostic &n : d.notes)
        add(n);
    }
    return out;
  }
  std::string joined() const {
    std::string s;
    for (const std::string &m : messages())
      s += m + "\n";
    return s;
  }
};

std::unique_ptr<Parsed> parseText(const std::string &text, const std::string &name = "t.moat") {
  auto p = std::make_unique<Parsed>();
  p->buffer = p->files.addBuffer(name, text);
  p->file = parse::parseMoat(p->buffer, p->diags);
  return p;
}

// Parses text that must be valid and returns its top-level statements.
const std::vector<ast::Stmt> &ok(const std::unique_ptr<Parsed> &p) {
  EXPECT_TRUE(p->file.has_value()) << p->joined();
  EXPECT_EQ(p->diags.diagnostics().size(), 0u) << p->joined();
  static const std::vector<ast::Stmt> empty;
  return p->file ? p->file->stmts : empty;
}

template <typename T> const T &as(const ast::Stmt &s) {
  const T *n = std::get_if<T>(&s.node);
  if (!n)
    throw std::runtime_error("statement has another kind");
  return *n;
}

bool startsWith(const std::string &s, const std::string &prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

void expectLoc(SourceLoc loc, uint32_t line, uint32_t col) {
  EXPECT_EQ(loc.line, line);
  EXPECT_EQ(loc.col, col);
  EXPECT_NE(loc.buffer, 0u);
}

} // namespace

// ---------------------------------------------------------------- shapes --

TEST(Parse, FsRuleListMakesOneRulePerString) {
  auto p = parseText("allow read \"/usr\", \"/etc\";\n");
  const auto &s = ok(p);
  ASSERT_EQ(s.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const auto &r = as<ast::FsRule>(s[i]);
    EXPECT_FALSE(r.always);
    EXPECT_EQ(r.effect, ast::Effect::Allow);
    ASSERT_EQ(r.accesses.size(), 1u);
    EXPECT_EQ(r.accesses[0], ast::Access::Read);
    EXPECT_FALSE(r.exactFile);
    EXPECT_FALSE(r.reason.has_value());
    expectLoc(r.loc, 1, 1); // the statement's start
  }
  EXPECT_EQ(as<ast::FsRule>(s[0]).pattern.value, "/usr");
  expectLoc(as<ast::FsRule>(s[0]).pattern.loc, 1, 12);
  EXPECT_EQ(as<ast::FsRule>(s[1]).pattern.value, "/etc");
  expectLoc(as<ast::FsRule>(s[1]).pattern.loc, 1, 20);
}

TEST(Parse, FsRuleWithEveryModifier) {
  auto p = parseText("  always deny write, read file \"~/.netrc\" because \"secrets\";\n");
  const auto &s = ok(p);
  ASSERT_EQ(s.size(), 1u);
  const auto &r = as<ast::FsRule>(s[0]);
  EXPECT_TRUE(r.always);
  EXPECT_EQ(r.effect, ast::Effect::Deny);
  ASSERT_EQ(r.accesses.size(), 2u);
  EXPECT_EQ(r.accesses[0], ast::Access::Write); // in the order written
  EXPECT_EQ(r.accesses[1], ast::Access::Read);
  EXPECT_TRUE(r.exactFile);
  EXPECT_EQ(r.pattern.value, "~/.netrc");
  ASSERT_TRUE(r.reason.has_value());
  EXPECT_EQ(r.reason->value, "secrets");
  expectLoc(r.loc, 1, 3);
  expectLoc(r.reason->loc, 1, 51);
  EXPECT_EQ(r.origin, "");
}

TEST(Parse, ReasonIsSharedByEveryStringOfTheList) {
  auto p = parseText("always allow write \"a\", \"b\" because \"why\";");
  const auto &s = ok(p);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(as<ast::FsRule>(s[0]).reason->value, "why");
  EXPECT_EQ(as<ast::FsRule>(s[1]).reason->value, "why");
}

TEST(Parse, NetRules) {
  auto p = parseText("allow connect \"registry.npmjs.org\", \"*.github.com:443\";\n"
                     "always deny connect \"pastebin.com\";\n");
  const auto &s = ok(p);
  ASSERT_EQ(s.size(), 3u);
  const auto &a = as<ast::NetRule>(s[0]);
  EXPECT_FALSE(a.always);
  EXPECT_EQ(a.effect, ast::Effect::Allow);
  EXPECT_EQ(a.host.value, "registry.npmjs.org");
  expectLoc(a.host.loc, 1, 15);
  EXPECT_EQ(as<ast::NetRule>(s[1]).host.value, "*.github.com:443");
  expectLoc(as<ast::NetRule>(s[1]).host.loc, 1, 37);
  const auto &c = as<ast::NetRule>(s[2]);
  EXPECT_TRUE(c.always);
  EXPECT_EQ(c.effect, ast::Effect::Deny);
  expectLoc(c.loc, 2, 1);
}

TEST(Parse, UnixSocketRule) {
  auto p = parseText(
      "allow unix-socket \"/run/user/1000/bus\";\ndeny unix-socket \"/var/run/docker.sock\";");
  const auto &s = ok(p);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(as<ast::UnixSocketRule>(s[0]).effect, ast::Effect::Allow);
  EXPECT_EQ(as<ast::UnixSocketRule>(s[0]).path.value, "/run/user/1000/bus");
  EXPECT_EQ(as<ast::UnixSocketRule>(s[1]).effect, ast::Effect::Deny);
  expectLoc(as<ast::UnixSocketRule>(s[1]).loc, 2, 1);
  expectLoc(as<ast::UnixSocketRule>(s[1]).path.loc, 2, 18);
}

TEST(Parse, Defaults) {
  auto p = parseText("default read allow;\ndefault write deny;\ndefault connect ask;\n");
  const auto &s = ok(p);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(as<ast::DefaultStmt>(s[0]).subject, ast::Subject::Read);
  EXPECT_EQ(as<ast::DefaultStmt>(s[0]).value, ast::DefaultValue::Allow);
  EXPECT_EQ(as<ast::DefaultStmt>(s[1]).subject, ast::Subject::Write);
  EXPECT_EQ(as<ast::DefaultStmt>(s[1]).value, ast::DefaultValue::Deny);
  EXPECT_EQ(as<ast::DefaultStmt>(s[2]).subject, ast::Subject::Connect);
  EXPECT_EQ(as<ast::DefaultStmt>(s[2]).value, ast::DefaultValue::Ask);
  expectLoc(as<ast::DefaultStmt>(s[2]).loc, 3, 1);
}

TEST(Parse, LetAndInclude) {
  auto p = parseText("include \"common.moat\";\nlet src = \"$CWD/src\";\n");
  const auto &s = ok(p);
  ASSERT_EQ(s.size(), 2u);
  const auto &inc = as<ast::IncludeStmt>(s[0]);
  EXPECT_EQ(inc.path.value, "common.moat");
  expectLoc(inc.path.loc, 1, 9);
  const auto &let = as<ast::LetStmt>(s[1]);
  EXPECT_EQ(let.name.value, "src");
  expectLoc(let.name.loc, 2, 5);
  EXPECT_EQ(let.value.value, "$CWD/src");
  expectLoc(let.value.loc, 2, 11);
  expectLoc(let.loc, 2, 1);
}

TEST(Parse, SetValuesOfEveryType) {
  auto p = parseText("set allow-local-binding = false;\n"
                     "set allow-pty = true;\n"
                     "set http-proxy-port = 8080;\n"
                     "set mandatory-deny-search-depth = -3;\n"
                     "set name = \"x\";\n"
                     "set excluded-commands = [\"docker\", \"git push\",];\n"
                     "set allow-mach-lookup = [];\n");
  const auto &s = ok(p);
  ASSERT_EQ(s.size(), 7u);
  const auto &b = as<ast::SetStmt>(s[0]);
  EXPECT_EQ(b.name.value, "allow-local-binding");
  expectLoc(b.name.loc, 1, 5);
  EXPECT_EQ(std::get<bool>(b.value.value), false);
  expectLoc(b.value.loc, 1, 27);
  EXPECT_EQ(std::get<bool>(as<ast::SetStmt>(s[1]).value.value), true);
  EXPECT_EQ(std::get<int64_t>(as<ast::SetStmt>(s[2]).value.value), 8080);
  EXPECT_EQ(std::get<int64_t>(as<ast::SetStmt>(s[3]).value.value), -3);
  EXPECT_EQ(std::get<std::string>(as<ast::SetStmt>(s[4]).value.value), "x");
  auto list = std::get<std::vector<std::string>>(as<ast::SetStmt>(s[5]).value.value);
  EXPECT_EQ(list, (std::vector<std::string>{"docker", "git push"}));
  expectLoc(as<ast::SetStmt>(s[5]).value.loc, 6, 25);
  EXPECT_TRUE(std::get<std::vector<std::string>>(as<ast::SetStmt>(s[6]).value.value).empty());
}

TEST(Parse, Asserts) {
  auto p =
      parseText("assert deny write \"~/.bashrc\";\nassert allow connect \"api.github.com:443\";\n"
                "assert allow read \"/usr/bin/env\";\n");
  const auto &s = ok(p);
  ASSERT_EQ(s.size(), 3u);
  const auto &a = as<ast::AssertStmt>(s[0]);
  EXPECT_EQ(a.expected, ast::Effect::Deny);
  EXPECT_EQ(a.subject, ast::Subject::Write);
  EXPECT_EQ(a.pattern.value, "~/.bashrc");
  expectLoc(a.pattern.loc, 1, 19);
  EXPECT_EQ(as<ast::AssertStmt>(s[1]).subject, ast::Subject::Connect);
  EXPECT_EQ(as<ast::AssertStmt>(s[1]).expected, ast::Effect::Allow);
  EXPECT_EQ(as<ast::AssertStmt>(s[2]).subject, ast::Subject::Read);
}

TEST(Parse, BlocksKeepTheirNesting) {
  auto p = parseText("policy \"agent\" {\n"
                     "  allow read \"/usr\";\n"
                     "  on linux {\n"
                     "    allow read \"/proc/self\";\n"
                     "  }\n"
                     "  on macos { }\n"
                     "}\n"
                     "deny read \"/x\";\n");
  const auto &s = ok(p);
  ASSERT_EQ(s.size(), 2u);
  const auto &pol = as<ast::PolicyBlock>(s[0]);
  EXPECT_EQ(pol.name.value, "agent");
  expectLoc(pol.loc, 1, 1);
  expectLoc(pol.name.loc, 1, 8);
  ASSERT_EQ(pol.body.size(), 3u);
  as<ast::FsRule>(pol.body[0]);
  const auto &linux = as<ast::PlatformBlock>(pol.body[1]);
  EXPECT_EQ(linux.platform.value, "linux");
  expectLoc(linux.loc, 3, 3);
  expectLoc(linux.platform.loc, 3, 6);
  ASSERT_EQ(linux.body.size(), 1u);
  EXPECT_EQ(as<ast::FsRule>(linux.body[0]).pattern.value, "/proc/self");
  expectLoc(as<ast::FsRule>(linux.body[0]).loc, 4, 5);
  EXPECT_TRUE(as<ast::PlatformBlock>(pol.body[2]).body.empty());
  EXPECT_EQ(as<ast::FsRule>(s[1]).pattern.value, "/x");
}

TEST(Parse, PlatformNamesAndNestedPoliciesAreLeftToSema) {
  auto p = parseText("on plan9 { policy \"inner\" { } }");
  const auto &s = ok(p);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(as<ast::PlatformBlock>(s[0]).platform.value, "plan9");
  as<ast::PolicyBlock>(as<ast::PlatformBlock>(s[0]).body.at(0));
}

TEST(Parse, KeywordsLexInsideLongerNames) {
  // `allow-local-binding` is one name, `unix-socket` one keyword, and names
  // may be spelled like keywords where a name is expected.
  auto p = parseText("set allow-local-binding = true;\nlet file = \"/f\";\nset read = 1;\n"
                     "on default { }\nallow unix-socket \"/s\";\nset unix-socketx = 1;\n");
  const auto &s = ok(p);
  ASSERT_EQ(s.size(), 6u);
  EXPECT_EQ(as<ast::SetStmt>(s[0]).name.value, "allow-local-binding");
  EXPECT_EQ(as<ast::LetStmt>(s[1]).name.value, "file");
  EXPECT_EQ(as<ast::SetStmt>(s[2]).name.value, "read");
  EXPECT_EQ(as<ast::PlatformBlock>(s[3]).platform.value, "default");
  as<ast::UnixSocketRule>(s[4]);
  EXPECT_EQ(as<ast::SetStmt>(s[5]).name.value, "unix-socketx");
}

TEST(Parse, CommentsAndEmptyInput) {
  EXPECT_TRUE(ok(parseText("")).empty());
  EXPECT_TRUE(ok(parseText("# only a comment\n\n   # another")).empty());
  EXPECT_EQ(ok(parseText("allow read \"/a#b\"; # \"not a string\"\n")).size(), 1u);
}

TEST(Parse, FileRecordsPathAndBaseDir) {
  auto p = parseText("", "policies/team/p.moat");
  ASSERT_TRUE(p->file);
  EXPECT_EQ(p->file->path, "policies/team/p.moat");
  EXPECT_EQ(p->file->baseDir, "policies/team");
  EXPECT_EQ(p->file->kind, ast::SourceKind::Moat);
  EXPECT_EQ(p->file->buffer, p->buffer);
  auto q = parseText("", "p.moat");
  ASSERT_TRUE(q->file);
  EXPECT_EQ(q->file->baseDir, ".");
}

// ------------------------------------------------- locations and strings --

TEST(Parse, ColumnsAreBytesAfterNonAscii) {
  // "é" is two bytes: the next string starts at byte column 18, not 17.
  auto p = parseText("allow read \"é\", \"x\";\n  deny read \"☃/\", \"y\";");
  const auto &s = ok(p);
  ASSERT_EQ(s.size(), 4u);
  expectLoc(as<ast::FsRule>(s[1]).pattern.loc, 1, 18);
  expectLoc(as<ast::FsRule>(s[3]).pattern.loc, 2, 21); // the snowman is 3 bytes
  EXPECT_EQ(as<ast::FsRule>(s[2]).pattern.value, "☃/");
}

TEST(Parse, ErrorColumnsAreBytesAfterNonAscii) {
  auto p = parseText("allow read \"ü\" x;");
  EXPECT_FALSE(p->file);
  ASSERT_EQ(p->messages().size(), 1u);
  EXPECT_EQ(p->messages()[0].substr(0, 5), "1:17:") << p->joined();
}

TEST(Parse, ByteOrderMarkIsSkipped) {
  auto p = parseText("\xEF\xBB\xBF"
                     "allow read \"/a\";");
  const auto &s = ok(p);
  ASSERT_EQ(s.size(), 1u);
  expectLoc(as<ast::FsRule>(s[0]).loc, 1, 4); // columns count the BOM's bytes
}

TEST(Parse, EscapesAreDecoded) {
  auto p = parseText(R"(allow read "a\"b\\c\nd\te\rf\u{41}\u{1F512}\u{202E}é";)");
  const auto &s = ok(p);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(as<ast::FsRule>(s[0]).pattern.value,
            "a\"b\\c\nd\te\rfA\xF0\x9F\x94\x92\xE2\x80\xAE\xC3\xA9");
}

TEST(Parse, BadEscapesAreReportedAtTheBackslash) {
  auto p = parseText(R"(allow read "\q \u{110000} \u{0} \u{} \u{D800} \u{1234567} \u41";)");
  EXPECT_FALSE(p->file);
  auto m = p->messages();
  ASSERT_EQ(m.size(), 7u) << p->joined();
  EXPECT_EQ(m[0], "1:13: invalid-string: unknown escape '\\q'; the escapes are \\\" \\\\ \\n \\t "
                  "\\r and \\u{HEX}");
  EXPECT_EQ(m[1], "1:16: invalid-string: \\u{110000} is not a Unicode scalar value");
  EXPECT_EQ(m[2], "1:27: invalid-string: \\u{0} (NUL) is not allowed in a string");
  EXPECT_EQ(m[3].substr(0, 21), "1:33: invalid-string:");
  EXPECT_EQ(m[4], "1:38: invalid-string: \\u{D800} is not a Unicode scalar value");
  EXPECT_EQ(m[5].substr(0, 21), "1:47: invalid-string:");
  EXPECT_EQ(m[6].substr(0, 21), "1:59: invalid-string:");
}

TEST(Parse, RawControlAndHiddenCharactersInStrings) {
  auto p = parseText("allow read \"a\tb\", \"c\xE2\x80\xAE"
                     "d\", \"e\xE2\x80\x8B"
                     "f\";");
  EXPECT_FALSE(p->file);
  auto m = p->messages();
  ASSERT_EQ(m.size(), 3u) << p->joined();
  EXPECT_EQ(m[0], "1:14: invalid-string: the control character U+0009 cannot appear raw in a "
                  "string; write \\t if it is meant");
  EXPECT_TRUE(startsWith(m[1], "1:21: invalid-string: the bidirectional control U+202E")) << m[1];
  EXPECT_EQ(m[2], "1:30: invalid-string: the invisible character U+200B cannot appear raw in a "
                  "string; write \\u{200B} if it is meant");
}

TEST(Parse, UnterminatedStringIsOneError) {
  auto p = parseText("allow read \"abc\nallow write \"x\";\n");
  EXPECT_FALSE(p->file);
  ASSERT_EQ(p->messages().size(), 1u) << p->joined();
  EXPECT_EQ(p->messages()[0], "1:12: invalid-string: missing closing '\"'; a string must end on "
                              "the line where it starts");
}

TEST(Parse, EncodingErrorsAreLocated) {
  const char withNul[] = "allow read \"/a\";\n# x\0y\n";
  auto nul = parseText(std::string(withNul, sizeof withNul - 1));
  EXPECT_FALSE(nul->file);
  ASSERT_EQ(nul->messages().size(), 1u);
  EXPECT_EQ(nul->messages()[0], "2:4: invalid-encoding: the file contains a NUL byte; a policy "
                                "must be UTF-8 text");
  // Overlong, surrogate, above U+10FFFF, invalid lead, truncated: reported
  // at the first byte of the sequence, naming it.
  for (std::string bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF", "\xE2\x82"}) {
    auto p = parseText("# ok\nallow read \"" + bad + "\";");
    EXPECT_FALSE(p->file);
    ASSERT_EQ(p->messages().size(), 1u) << p->joined();
    char want[80];
    snprintf(want, sizeof want, "2:13: invalid-encoding: invalid UTF-8 (byte 0x%02X); a policy",
             static_cast<unsigned char>(bad[0]));
    EXPECT_TRUE(startsWith(p->messages()[0], want)) << p->joined();
  }
}

TEST(Parse, HiddenCharactersInComments) {
  auto p = parseText("# fine: é ☃ \t tab\n# bad \xE2\x80\xAE here\n# bell \x07\n");
  EXPECT_FALSE(p->file);
  auto m = p->messages();
  ASSERT_EQ(m.size(), 2u) << p->joined();
  EXPECT_TRUE(startsWith(m[0], "2:7: invalid-encoding: a comment contains the bidirectional "
                               "control U+202E"))
      << m[0];
  EXPECT_EQ(m[1], "3:8: invalid-encoding: a comment contains the control character U+0007; "
                  "remove it");
}

TEST(Parse, StrayCharacters) {
  auto p = parseText("allow read \"/a\"; \\ \nallow read \"/b\"; é\n\xE2\x80\x8B");
  EXPECT_FALSE(p->file);
  auto m = p->messages();
  ASSERT_EQ(m.size(), 3u) << p->joined();
  EXPECT_EQ(m[0], "1:18: syntax-error: unexpected '\\' outside a string");
  EXPECT_EQ(m[1], "2:18: syntax-error: unexpected character 'é' (U+00E9); outside strings and "
                  "comments only ASCII is allowed");
  EXPECT_EQ(m[2], "3:1: syntax-error: the invisible character U+200B outside a string or "
                  "comment; remove it");
}

// -------------------------------------------------------- syntax errors --

TEST(Parse, FriendlyMessages) {
  struct Case {
    const char *text;
    const char *want;
  } cases[] = {
      {"allow read \"/usr\"\nallow write \"/tmp\";",
       "1:18: syntax-error: expected ';' after the rule"},
      {"include \"a\"", "1:12: syntax-error: expected ';' after the 'include' statement"},
      {"allow read;",
       "1:11: syntax-error: expected a string (a quoted path) after 'read', found ';'"},
      {"allow connect;",
       "1:14: syntax-error: expected a string (a quoted host) after 'connect', found ';'"},
      {"alow read \"/x\";", "1:1: syntax-error: unexpected 'alow'; expected a statement such as "
                            "`allow read \"PATH\";`; did you mean 'allow'?"},
      {"allow raed \"/x\";", "1:7: syntax-error: expected 'read', 'write', 'connect' or "
                             "'unix-socket' after 'allow', found 'raed'; did you mean 'read'?"},
      {"allow read \"a\" \"b\";",
       "1:16: syntax-error: expected ',' between string \"a\" and string \"b\""},
      {"deny read ~/.ssh;", "1:11: syntax-error: unquoted '~/.ssh'; write paths, hosts and other "
                            "values as strings: \"~/.ssh\""},
      {"set x = ;", "1:9: syntax-error: expected a value (true, false, a number, a string or a "
                    "[list]) after '=', found ';'"},
      {"set = 1;", "1:5: syntax-error: expected a name after 'set', found '='"},
      {"default read maybe;",
       "1:14: syntax-error: expected 'allow', 'deny' or 'ask' after 'read', found 'maybe'"},
      {"policy x { }",
       "1:8: syntax-error: expected a string (the policy's name) after 'policy', found 'x'"},
      {"on linux allow read \"x\";",
       "1:10: syntax-error: expected '{' after 'linux', found 'allow'"},
      {"allow read \"a\";;", "1:16: syntax-error: extra ';' with no statement before it"},
      {"}", "1:1: syntax-error: unexpected '}' with no open block to close"},
      {"allow", "1:6: syntax-error: expected 'read', 'write', 'connect' or 'unix-socket' after "
                "'allow', found end of file"},
      {"set x = [1];",
       "1:10: syntax-error: unexpected number 1 after '['; expected ']' or a string"},
      {"set x = [\"a\",, \"b\"];", "1:14: syntax-error: two ',' in a row; a list item is missing"},
      {"set x = 99999999999999999999;", "1:9: invalid-value: invalid value for 'x': "
                                        "99999999999999999999 does not fit in a 64-bit integer"},
      {"allow connect \"x\" because \"y\";", "1:19: syntax-error: 'because' gives the reason for a "
                                             "read or write rule; connect rules take no reason"},
      {"always allow unix-socket \"/s\";", "1:1: syntax-error: 'always' applies to read, write and "
                                           "connect rules; unix-socket rules have no tiers"},
  };
  for (const Case &c : cases) {
    auto p = parseText(c.text);
    EXPECT_FALSE(p->file) << c.text;
    ASSERT_GE(p->messages().size(), 1u) << c.text;
    EXPECT_EQ(p->messages()[0], c.want) << c.text;
  }
}

TEST(Parse, UnclosedBlockPointsAtItsBrace) {
  auto p = parseText("policy \"p\" {\n  on linux {\n    allow read \"/x\";\n  }\n\n");
  EXPECT_FALSE(p->file);
  auto m = p->messages();
  ASSERT_EQ(m.size(), 2u) << p->joined();
  EXPECT_EQ(m[0], "4:4: syntax-error: expected '}' before the end of the file");
  EXPECT_EQ(m[1], "1:12: defined-here: the block that is not closed starts here");
  EXPECT_EQ(p->diags.diagnostics()[0].notes.size(), 1u);
}

TEST(Parse, RecoversAndReportsEachBrokenStatement) {
  auto p = parseText("policy \"p\" {\n"
                     "  allow read \"a\"\n" // missing ';'
                     "  deny write \"b\";\n"
                     "  foo bar;\n" // not a statement
                     "  on linux {\n"
                     "    allow raed \"c\";\n" // misspelled access
                     "  }\n"
                     "  allow read \"ok\";\n"
                     "  set x = [\"a\" \"b\"];\n" // missing ','
                     "}\n"
                     "allow read \"after\";\n");
  EXPECT_FALSE(p->file);
  auto m = p->messages();
  ASSERT_EQ(m.size(), 4u) << p->joined();
  EXPECT_EQ(m[0].substr(0, 5), "2:17:");
  EXPECT_EQ(m[1].substr(0, 4), "4:3:");
  EXPECT_EQ(m[2].substr(0, 4), "6:11");
  EXPECT_EQ(m[3].substr(0, 5), "9:16:");
  EXPECT_EQ(p->diags.errorCount(), 4u);
}

TEST(Parse, ErrorsStopAfterTwentyWithOneNote) {
  std::string text;
  for (int i = 0; i < 50; ++i)
    text += "deny read ~/.ssh;\n";
  auto p = parseText(text);
  EXPECT_FALSE(p->file);
  auto m = p->messages();
  ASSERT_EQ(m.size(), 21u) << p->joined();
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(m[i].substr(0, m[i].find(' ')), std::to_string(i + 1) + ":11:");
  EXPECT_EQ(m[20], "21:11: too-many-errors: too many errors; stopped after the first 20");
  EXPECT_EQ(p->diags.errorCount(), 20u);
}

TEST(Parse, LexicalAndSyntaxErrorsComeInSourceOrder) {
  auto p = parseText("allow read \"\\q\";\nfoo;\nallow read \"\\w\";\n");
  auto m = p->messages();
  ASSERT_EQ(m.size(), 3u) << p->joined();
  EXPECT_EQ(m[0].substr(0, 5), "1:13:");
  EXPECT_EQ(m[1].substr(0, 4), "2:1:");
  EXPECT_EQ(m[2].substr(0, 5), "3:13:");
}

// --------------------------------------------------------------- limits --

std::string nested(size_t depth) {
  std::string s;
  for (size_t i = 0; i < depth; ++i)
    s += "on linux {\n";
  s += "allow read \"/x\";\n";
  for (size_t i = 0; i < depth; ++i)
    s += "}\n";
  return s;
}

TEST(Parse, NestingUpToTheLimitIsAccepted) {
  auto p = parseText(nested(64));
  ASSERT_TRUE(p->file) << p->joined();
  const ast::Stmt *s = &p->file->stmts.at(0);
  for (int i = 1; i < 64; ++i)
    s = &as<ast::PlatformBlock>(*s).body.at(0);
  EXPECT_EQ(as<ast::FsRule>(as<ast::PlatformBlock>(*s).body.at(0)).pattern.value, "/x");
}

TEST(Parse, NestingPastTheLimitIsRefusedAtTheBrace) {
  auto p = parseText(nested(65));
  EXPECT_FALSE(p->file);
  ASSERT_EQ(p->messages().size(), 1u);
  EXPECT_EQ(p->messages()[0], "65:10: nesting-too-deep: nesting deeper than 64 levels");
}

TEST(Parse, HostileDeepNestingFailsFast) {
  std::string text;
  for (int i = 0; i < 100000; ++i)
    text += "on linux { ";
  auto p = parseText(text);
  EXPECT_FALSE(p->file);
  ASSERT_EQ(p->messages().size(), 1u);
  EXPECT_EQ(p->messages()[0], "1:714: nesting-too-deep: nesting deeper than 64 levels");
}

TEST(Parse, ManyStatementsParse) {
  std::string text = "policy \"big\" {\n";
  for (int i = 0; i < 20000; ++i)
    text += "  allow read \"/usr/share/" + std::to_string(i) + "\", \"/opt/x\"; # c\n";
  text += "}\n";
  auto p = parseText(text);
  ASSERT_TRUE(p->file) << p->joined();
  const auto &body = as<ast::PolicyBlock>(p->file->stmts.at(0)).body;
  ASSERT_EQ(body.size(), 40000u);
  expectLoc(as<ast::FsRule>(body.back()).pattern.loc, 20001, 34);
}

// ------------------------------------------------------ string helpers --

TEST(Strings, EncodeIsCanonicalAndRoundTrips) {
  using parse::decodeStringLiteral;
  using parse::encodeStringLiteral;
  EXPECT_EQ(encodeStringLiteral("plain/é"), "\"plain/é\"");
  EXPECT_EQ(encodeStringLiteral("q\"b\\n\nt\tr\r"), R"("q\"b\\n\nt\tr\r")");
  EXPECT_EQ(encodeStringLiteral("\x01\x7F\xC2\x85"), R"("\u{1}\u{7F}\u{85}")");
  EXPECT_EQ(encodeStringLiteral("\xE2\x80\xAE\xE2\x80\x8B\xEF\xBB\xBF"),
            R"("\u{202E}\u{200B}\u{FEFF}")");
  for (std::string v : {"", "a b", "\"\\", "\xF0\x9F\x94\x92", "x\ny", "\xE2\x81\xA6z"}) {
    std::vector<parse::StringProblem> problems;
    EXPECT_EQ(decodeStringLiteral(encodeStringLiteral(v), problems), v);
    EXPECT_TRUE(problems.empty());
  }
}

TEST(Utf8, FindsTheFirstBadByte) {
  using parse::findEncodingError;
  EXPECT_FALSE(findEncodingError("ascii é ☃ \xF0\x9F\x94\x92"));
  struct Case {
    std::string text;
    size_t offset;
  } cases[] = {{std::string("ab\0c", 4), 2}, {"a\x80", 1},        {"\xC0\x80", 0},
               {"\xE0\x80\x80", 0},          {"\xED\xA0\x80", 0}, {"\xF4\x90\x80\x80", 0},
               {"\xF5\x80\x80\x80", 0},      {"ok\xE2\x82", 2},   {"\xE2\x82z", 0}};
  for (const Case &c : cases) {
    auto err = findEncodingError(c.text);
    ASSERT_TRUE(err.has_value()) << c.offset;
    EXPECT_EQ(err->offset, c.offset);
  }
}
