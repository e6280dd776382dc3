// importYaml: every key of the YAML form maps onto the AST the .moat parser
// builds, with the location of its YAML scalar; unknown keys, wrong types and
// invalid enumeration values are located errors.
#include "compiler/import/Importers.h"

#include <gtest/gtest.h>

#include <string>

using namespace moat;
using namespace moat::import;

namespace {

struct YImport {
  SourceFiles files;
  DiagnosticEngine diags{files};

  std::optional<ast::File> run(std::string text) {
    uint32_t buffer = files.addBuffer("p.yaml", std::move(text));
    return importYaml(buffer, diags);
  }
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    for (const Diagnostic &d : diags.diagnostics())
      out.push_back("[" + d.id + "] " + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + " " +
                    d.message);
    return out;
  }
};

::testing::AssertionResult at(const SourceLoc &loc, uint32_t line, uint32_t col) {
  if (loc.valid() && loc.line == line && loc.col == col)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "at " << loc.line << ":" << loc.col << ", expected " << line
                                       << ":" << col;
}

template <typename T> std::vector<const T *> all(const std::vector<ast::Stmt> &stmts) {
  std::vector<const T *> out;
  for (const ast::Stmt &s : stmts)
    if (auto *x = std::get_if<T>(&s.node))
      out.push_back(x);
  return out;
}

// The body of the file's policy block (the file must have exactly one).
const std::vector<ast::Stmt> &policyBody(const ast::File &f) {
  auto blocks = all<ast::PolicyBlock>(f.stmts);
  EXPECT_EQ(blocks.size(), 1u);
  static const std::vector<ast::Stmt> none;
  return blocks.empty() ? none : blocks[0]->body;
}

// Imports `text`, which must fail with exactly these diagnostics.
void expectErrors(const std::string &text, const std::vector<std::string> &expected) {
  YImport y;
  EXPECT_FALSE(y.run(text)) << text;
  EXPECT_EQ(y.messages(), expected) << text;
}

} // namespace

TEST(YamlImporter, PolicyNameAndIncludes) {
  YImport y;
  auto f = y.run("include: [common.moat, \"more.yaml\"]\n"
                 "policy: agent\n");
  ASSERT_TRUE(f) << ::testing::PrintToString(y.messages());
  EXPECT_EQ(f->kind, ast::SourceKind::Yaml);
  ASSERT_EQ(f->stmts.size(), 3u);
  auto incs = all<ast::IncludeStmt>(f->stmts);
  ASSERT_EQ(incs.size(), 2u);
  EXPECT_EQ(incs[0]->path.value, "common.moat");
  EXPECT_TRUE(at(incs[0]->path.loc, 1, 11));
  EXPECT_EQ(incs[1]->path.value, "more.yaml");
  auto blocks = all<ast::PolicyBlock>(f->stmts);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0]->name.value, "agent");
  EXPECT_TRUE(at(blocks[0]->name.loc, 2, 9));
  EXPECT_TRUE(at(blocks[0]->loc, 2, 1));
  // Includes come before the policy block, as they do in .moat.
  EXPECT_TRUE(std::holds_alternative<ast::IncludeStmt>(f->stmts[0].node));
}

TEST(YamlImporter, IncludeMayBeOneString) {
  YImport y;
  auto f = y.run("include: common.moat\n");
  ASSERT_TRUE(f);
  auto incs = all<ast::IncludeStmt>(f->stmts);
  ASSERT_EQ(incs.size(), 1u);
  EXPECT_EQ(incs[0]->path.value, "common.moat");
}

TEST(YamlImporter, WithoutPolicyStatementsAreTopLevel) {
  YImport y;
  auto f = y.run("defaults: {write: deny}\n");
  ASSERT_TRUE(f);
  EXPECT_TRUE(all<ast::PolicyBlock>(f->stmts).empty());
  EXPECT_EQ(all<ast::DefaultStmt>(f->stmts).size(), 1u);
}

TEST(YamlImporter, EmptyDocumentIsAnEmptyPolicy) {
  YImport y;
  auto f = y.run("# nothing yet\n");
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->stmts.empty());
}

TEST(YamlImporter, LetAndDefaults) {
  YImport y;
  auto f = y.run("policy: p\n"
                 "let: {src: \"$CWD/src\", out: /tmp/out}\n"
                 "defaults: {read: allow, write: deny, connect: ask}\n");
  ASSERT_TRUE(f) << ::testing::PrintToString(y.messages());
  const auto &body = policyBody(*f);
  auto lets = all<ast::LetStmt>(body);
  ASSERT_EQ(lets.size(), 2u);
  EXPECT_EQ(lets[0]->name.value, "src");
  EXPECT_TRUE(at(lets[0]->name.loc, 2, 7));
  EXPECT_EQ(lets[0]->value.value, "$CWD/src");
  EXPECT_TRUE(at(lets[0]->value.loc, 2, 12));
  EXPECT_EQ(lets[1]->name.value, "out");
  auto defs = all<ast::DefaultStmt>(body);
  ASSERT_EQ(defs.size(), 3u);
  EXPECT_EQ(defs[0]->subject, ast::Subject::Read);
  EXPECT_EQ(defs[0]->value, ast::DefaultValue::Allow);
  EXPECT_TRUE(at(defs[0]->loc, 3, 12));
  EXPECT_EQ(defs[1]->subject, ast::Subject::Write);
  EXPECT_EQ(defs[1]->value, ast::DefaultValue::Deny);
  EXPECT_EQ(defs[2]->subject, ast::Subject::Connect);
  EXPECT_EQ(defs[2]->value, ast::DefaultValue::Ask);
}

TEST(YamlImporter, FilesystemRulesInEveryForm) {
  YImport y;
  auto f = y.run("filesystem:\n"
                 "  allow:\n"
                 "    read: [\"/usr\", /etc]\n"
                 "    write: $CWD\n"
                 "    read-write: [$TMPDIR]\n"
                 "  deny:\n"
                 "    read:\n"
                 "      - ~/.ssh\n"
                 "      - {file: ~/.netrc}\n"
                 "      - {path: \"~/**/*.pem\", because: keys}\n"
                 "  always:\n"
                 "    deny: {write: [~/.bashrc]}\n"
                 "    allow: {write: [{path: $CWD/.vscode, because: \"team settings\"}]}\n");
  ASSERT_TRUE(f) << ::testing::PrintToString(y.messages());
  auto rules = all<ast::FsRule>(f->stmts);
  ASSERT_EQ(rules.size(), 9u);
  auto check = [&](size_t i, bool always, ast::Effect effect, std::vector<ast::Access> acc, const char *pattern,
                   bool exact, uint32_t line, uint32_t col) {
    SCOPED_TRACE(i);
    EXPECT_EQ(rules[i]->always, always);
    EXPECT_EQ(rules[i]->effect, effect);
    EXPECT_EQ(rules[i]->accesses, acc);
    EXPECT_EQ(rules[i]->pattern.value, pattern);
    EXPECT_EQ(rules[i]->exactFile, exact);
    EXPECT_TRUE(at(rules[i]->pattern.loc, line, col));
  };
  using A = ast::Access;
  using E = ast::Effect;
  check(0, false, E::Allow, {A::Read}, "/usr", false, 3, 12);
  check(1, false, E::Allow, {A::Read}, "/etc", false, 3, 20);
  check(2, false, E::Allow, {A::Write}, "$CWD", false, 4, 12);
  check(3, false, E::Allow, {A::Read, A::Write}, "$TMPDIR", false, 5, 18);
  check(4, false, E::Deny, {A::Read}, "~/.ssh", false, 8, 9);
  check(5, false, E::Deny, {A::Read}, "~/.netrc", true, 9, 16);
  check(6, false, E::Deny, {A::Read}, "~/**/*.pem", false, 10, 16);
  check(7, true, E::Deny, {A::Write}, "~/.bashrc", false, 12, 20);
  check(8, true, E::Allow, {A::Write}, "$CWD/.vscode", false, 13, 28);
  // A mapping item's rule starts at the mapping; its reason is located too.
  EXPECT_TRUE(at(rules[5]->loc, 9, 9));
  ASSERT_TRUE(rules[6]->reason);
  EXPECT_EQ(rules[6]->reason->value, "keys");
  ASSERT_TRUE(rules[8]->reason);
  EXPECT_EQ(rules[8]->reason->value, "team settings");
  EXPECT_TRUE(at(rules[8]->reason->loc, 13, 51));
  EXPECT_FALSE(rules[0]->reason);
}

TEST(YamlImporter, NetworkAndUnixSockets) {
  YImport y;
  auto f = y.run("network:\n"
                 "  allow: [registry.npmjs.org, \"*.github.com:443\"]\n"
                 "  deny: 169.254.169.254\n"
                 "  always: {deny: [pastebin.com], allow: [internal.example:8443]}\n"
                 "unix-sockets: {allow: [/run/user/1000/bus], deny: /var/run/docker.sock}\n");
  ASSERT_TRUE(f) << ::testing::PrintToString(y.messages());
  auto net = all<ast::NetRule>(f->stmts);
  ASSERT_EQ(net.size(), 5u);
  EXPECT_EQ(net[0]->host.value, "registry.npmjs.org");
  EXPECT_EQ(net[0]->effect, ast::Effect::Allow);
  EXPECT_FALSE(net[0]->always);
  EXPECT_TRUE(at(net[0]->host.loc, 2, 11));
  EXPECT_TRUE(at(net[0]->loc, 2, 11));
  EXPECT_EQ(net[1]->host.value, "*.github.com:443");
  EXPECT_EQ(net[2]->host.value, "169.254.169.254");
  EXPECT_EQ(net[2]->effect, ast::Effect::Deny);
  EXPECT_TRUE(net[3]->always);
  EXPECT_EQ(net[3]->effect, ast::Effect::Deny);
  EXPECT_EQ(net[3]->host.value, "pastebin.com");
  EXPECT_TRUE(net[4]->always);
  EXPECT_EQ(net[4]->effect, ast::Effect::Allow);
  EXPECT_EQ(net[4]->host.value, "internal.example:8443");
  auto socks = all<ast::UnixSocketRule>(f->stmts);
  ASSERT_EQ(socks.size(), 2u);
  EXPECT_EQ(socks[0]->effect, ast::Effect::Allow);
  EXPECT_EQ(socks[0]->path.value, "/run/user/1000/bus");
  EXPECT_TRUE(at(socks[0]->path.loc, 5, 24));
  EXPECT_EQ(socks[1]->effect, ast::Effect::Deny);
}

TEST(YamlImporter, Options) {
  YImport y;
  auto f = y.run("set:\n"
                 "  allow-local-binding: false\n"
                 "  http-proxy-port: 3128\n"
                 "  some-string: \"x\"\n"
                 "  excluded-commands: [docker, \"git push\"]\n"
                 "  empty-list: []\n");
  ASSERT_TRUE(f) << ::testing::PrintToString(y.messages());
  auto sets = all<ast::SetStmt>(f->stmts);
  ASSERT_EQ(sets.size(), 5u);
  EXPECT_EQ(sets[0]->name.value, "allow-local-binding");
  EXPECT_TRUE(at(sets[0]->name.loc, 2, 3));
  EXPECT_TRUE(at(sets[0]->value.loc, 2, 24));
  EXPECT_EQ(std::get<bool>(sets[0]->value.value), false);
  EXPECT_EQ(std::get<int64_t>(sets[1]->value.value), 3128);
  EXPECT_EQ(std::get<std::string>(sets[2]->value.value), "x");
  EXPECT_EQ(std::get<std::vector<std::string>>(sets[3]->value.value),
            (std::vector<std::string>{"docker", "git push"}));
  EXPECT_TRUE(std::get<std::vector<std::string>>(sets[4]->value.value).empty());
}

TEST(YamlImporter, PlatformBlocksNestTheSameSchema) {
  YImport y;
  auto f = y.run("policy: p\n"
                 "on:\n"
                 "  linux:\n"
                 "    filesystem: {allow: {read: [/proc/self]}}\n"
                 "    on: {linux: {network: {allow: [a.example]}}}\n"
                 "  macos:\n"
                 "    set: {allow-pty: true}\n"
                 "    let: {lib: /Library}\n"
                 "    include: mac.moat\n"
                 "    assert: [{allow: read, path: /System}]\n");
  ASSERT_TRUE(f) << ::testing::PrintToString(y.messages());
  auto blocks = all<ast::PlatformBlock>(policyBody(*f));
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0]->platform.value, "linux");
  EXPECT_TRUE(at(blocks[0]->platform.loc, 3, 3));
  ASSERT_EQ(all<ast::FsRule>(blocks[0]->body).size(), 1u);
  auto inner = all<ast::PlatformBlock>(blocks[0]->body);
  ASSERT_EQ(inner.size(), 1u);
  EXPECT_EQ(all<ast::NetRule>(inner[0]->body).size(), 1u);
  EXPECT_EQ(blocks[1]->platform.value, "macos");
  EXPECT_EQ(all<ast::SetStmt>(blocks[1]->body).size(), 1u);
  EXPECT_EQ(all<ast::LetStmt>(blocks[1]->body).size(), 1u);
  EXPECT_EQ(all<ast::IncludeStmt>(blocks[1]->body).size(), 1u);
  EXPECT_EQ(all<ast::AssertStmt>(blocks[1]->body).size(), 1u);
  // Platform names are sema's to check.
  YImport z;
  EXPECT_TRUE(z.run("on: {windows: {}}\n"));
}

TEST(YamlImporter, Asserts) {
  YImport y;
  auto f = y.run("assert:\n"
                 "  - {deny: write, path: ~/.bashrc}\n"
                 "  - {allow: connect, host: \"api.github.com:443\"}\n"
                 "  - deny: read\n"
                 "    path: ~/.ssh/**\n");
  ASSERT_TRUE(f) << ::testing::PrintToString(y.messages());
  auto as = all<ast::AssertStmt>(f->stmts);
  ASSERT_EQ(as.size(), 3u);
  EXPECT_EQ(as[0]->expected, ast::Effect::Deny);
  EXPECT_EQ(as[0]->subject, ast::Subject::Write);
  EXPECT_EQ(as[0]->pattern.value, "~/.bashrc");
  EXPECT_TRUE(at(as[0]->pattern.loc, 2, 25));
  EXPECT_TRUE(at(as[0]->loc, 2, 5));
  EXPECT_EQ(as[1]->expected, ast::Effect::Allow);
  EXPECT_EQ(as[1]->subject, ast::Subject::Connect);
  EXPECT_EQ(as[1]->pattern.value, "api.github.com:443");
  EXPECT_EQ(as[2]->subject, ast::Subject::Read);
  EXPECT_EQ(as[2]->pattern.value, "~/.ssh/**");
  EXPECT_TRUE(at(as[2]->loc, 4, 5));
}

TEST(YamlImporter, StatementsAndDiagnosticsFollowDocumentOrder) {
  YImport y;
  auto f = y.run("assert: {deny: read, path: /x}\nlet: {v: /v}\nfilesystem: {deny: {read: [/x]}}\n");
  ASSERT_TRUE(f);
  ASSERT_EQ(f->stmts.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<ast::AssertStmt>(f->stmts[0].node));
  EXPECT_TRUE(std::holds_alternative<ast::LetStmt>(f->stmts[1].node));
  EXPECT_TRUE(std::holds_alternative<ast::FsRule>(f->stmts[2].node));
  expectErrors("set: {a: {}}\nbogus: 1\nfilesystem: {x: 1}\n",
               {"[wrong-type] 1:10 'set.a' must be true, false, an integer, a string or a list of strings, not an "
                "object",
                "[unknown-key] 2:1 unknown key 'bogus' in the YAML policy",
                "[unknown-key] 3:14 unknown key 'x' in filesystem"});
}

TEST(YamlImporter, UnknownKeysAreReportedAtTheKey) {
  expectErrors("polcy: p\n", {"[unknown-key] 1:1 unknown key 'polcy' in the YAML policy"});
  expectErrors("filesystem: {allow: {reed: [/x]}}\n",
               {"[unknown-key] 1:22 unknown key 'reed' in filesystem.allow"});
  expectErrors("filesystem: {always: {allow: {}, maybe: {}}}\n",
               {"[unknown-key] 1:34 unknown key 'maybe' in filesystem.always"});
  expectErrors("network: {allowed: [x]}\n", {"[unknown-key] 1:11 unknown key 'allowed' in network"});
  expectErrors("unix-sockets: {always: {deny: [x]}}\n",
               {"[unknown-key] 1:16 unknown key 'always' in unix-sockets"});
  expectErrors("defaults: {exec: deny}\n", {"[unknown-key] 1:12 unknown key 'exec' in defaults"});
  expectErrors("filesystem: {deny: {read: [{path: /x, reason: y}]}}\n",
               {"[unknown-key] 1:39 unknown key 'reason' in filesystem.deny.read[0]"});
  expectErrors("assert: [{deny: read, path: /x, note: y}]\n",
               {"[unknown-key] 1:33 unknown key 'note' in assert[0]"});
  expectErrors("on: {linux: {policy: x}}\n", {"[unknown-key] 1:14 unknown key 'policy' in on.linux"});
}

TEST(YamlImporter, WrongTypesAreReportedAtTheValue) {
  expectErrors("- a\n", {"[wrong-type] 1:1 'the top level' must be an object, not an array"});
  expectErrors("policy: [p]\n", {"[wrong-type] 1:9 'policy' must be a string, not an array"});
  expectErrors("filesystem: [x]\n", {"[wrong-type] 1:13 'filesystem' must be an object, not an array"});
  expectErrors("filesystem: {allow: {read: 3}}\n",
               {"[wrong-type] 1:28 'filesystem.allow.read' must be a path or a list of paths, not an integer"});
  expectErrors("filesystem: {allow: {read: [/a, true]}}\n",
               {"[wrong-type] 1:33 'filesystem.allow.read[]' must be a path or a {path: ..., because: ...} "
                "mapping, not a boolean"});
  expectErrors("filesystem: {deny: {read: [{path: 1}]}}\n",
               {"[wrong-type] 1:35 'filesystem.deny.read[0].path' must be a string, not an integer"});
  expectErrors("filesystem: {deny: {read: [{path: /x, because: [a]}]}}\n",
               {"[wrong-type] 1:48 'filesystem.deny.read[0].because' must be a string, not an array"});
  expectErrors("network: {allow: [a.com, 443]}\n",
               {"[wrong-type] 1:26 'network.allow[]' must be a string, not an integer"});
  expectErrors("network: {allow: {a: b}}\n",
               {"[wrong-type] 1:18 'network.allow' must be a string or a list of strings, not an object"});
  expectErrors("let: {x: 1}\n", {"[wrong-type] 1:10 'let.x' must be a string, not an integer"});
  expectErrors("let: [x]\n", {"[wrong-type] 1:6 'let' must be an object, not an array"});
  expectErrors("defaults: {read: true}\n", {"[wrong-type] 1:18 'defaults.read' must be a string, not a boolean"});
  expectErrors("set: {http-proxy-port: 1.5}\n",
               {"[wrong-type] 1:24 'set.http-proxy-port' must be true, false, an integer, a string or a list "
                "of strings, not a number"});
  expectErrors("set: {excluded-commands: [a, 1]}\n",
               {"[wrong-type] 1:30 'set.excluded-commands[]' must be a string, not an integer"});
  expectErrors("set: {x: {a: b}}\n",
               {"[wrong-type] 1:10 'set.x' must be true, false, an integer, a string or a list of strings, "
                "not an object"});
  expectErrors("on: {linux: [x]}\n", {"[wrong-type] 1:13 'on.linux' must be an object, not an array"});
  expectErrors("assert: [x]\n", {"[wrong-type] 1:10 'assert[0]' must be an object, not a string"});
  expectErrors("assert: x\n", {"[wrong-type] 1:9 'assert' must be a list of asserts, not a string"});
  expectErrors("assert: [{deny: read, path: [x]}]\n",
               {"[wrong-type] 1:29 'assert[0].path' must be a string, not an array"});
  expectErrors("filesystem:\n", {"[wrong-type] 1:1 'filesystem' must be an object, not null"});
}

TEST(YamlImporter, InvalidValuesAndMissingKeys) {
  expectErrors("defaults: {read: maybe}\n",
               {"[invalid-value] 1:18 invalid value for 'defaults.read': expected allow, deny or ask, not 'maybe'"});
  expectErrors("assert: [{deny: exec, path: /x}]\n",
               {"[invalid-value] 1:17 invalid value for 'assert[0].deny': expected read, write or connect, not "
                "'exec'"});
  expectErrors("assert: [{deny: read, allow: read, path: /x}]\n",
               {"[invalid-value] 1:11 invalid value for 'assert[0].deny': an assert expects either 'allow' or "
                "'deny', not both"});
  expectErrors("assert: [{deny: write, host: x.com}]\n",
               {"[invalid-value] 1:24 invalid value for 'assert[0].host': a 'write' assert names a 'path', not "
                "a 'host'"});
  expectErrors("assert: [{allow: connect, path: /x}]\n",
               {"[invalid-value] 1:27 invalid value for 'assert[0].path': a 'connect' assert names a 'host', "
                "not a 'path'"});
  expectErrors("assert: [{path: /x}]\n", {"[missing-key] 1:10 'allow' or 'deny' is required in assert[0]"});
  expectErrors("assert: [{deny: read}]\n", {"[missing-key] 1:10 'path' is required in assert[0]"});
  expectErrors("filesystem: {deny: {read: [{path: /x, file: /y}]}}\n",
               {"[invalid-value] 1:39 invalid value for 'filesystem.deny.read[0].file': give either 'path' (the "
                "path and everything beneath it) or 'file' (exactly that path), not both"});
  expectErrors("filesystem: {deny: {read: [{because: x}]}}\n",
               {"[missing-key] 1:28 'path' or 'file' is required in filesystem.deny.read[0]"});
}

TEST(YamlImporter, ReportsEveryErrorInOneRun) {
  YImport y;
  EXPECT_FALSE(y.run("polcy: p\nfilesystem: {allow: {read: 3}}\ndefaults: {read: maybe}\n"));
  EXPECT_EQ(y.messages().size(), 3u) << ::testing::PrintToString(y.messages());
}

TEST(YamlImporter, ReaderErrorsStopTheImport) {
  YImport y;
  EXPECT_FALSE(y.run("policy: p\npolicy: q\n"));
  ASSERT_FALSE(y.diags.diagnostics().empty());
  EXPECT_EQ(y.diags.diagnostics()[0].id, "duplicate-key");
}
