// formatMoat: the canonical layout, comment placement, and the two
// properties every input must have: format(format(x)) == format(x) and
// parse(format(x)) == parse(x) (same AST, locations aside).
#include "compiler/parse/Parser.h"

#include <gtest/gtest.h>

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>

#include <fmt/format.h>

#include <string>
#include <vector>

using namespace moat;

namespace {

std::optional<std::string> format(const std::string &text, std::string *errors = nullptr) {
  SourceFiles files;
  DiagnosticEngine diags(files);
  auto out = parse::formatMoat(files.addBuffer("t.moat", text), diags);
  if (errors)
    for (const Diagnostic &d : diags.diagnostics())
      *errors += d.id + ": " + d.message + "\n";
  return out;
}

// The AST in a form that ignores locations (which formatting changes).
void dump(const std::vector<ast::Stmt> &stmts, std::string &out, int depth = 0);

void dumpStmt(const ast::Stmt &s, std::string &out, int depth) {
  std::string pad(depth * 2, ' ');
  if (auto *r = std::get_if<ast::FsRule>(&s.node)) {
    std::string acc;
    for (ast::Access a : r->accesses)
      acc += a == ast::Access::Read ? "r" : "w";
    out += fmt::format("{}fs always={} effect={} acc={} file={} pattern=[{}] reason=[{}]\n", pad,
                       r->always, static_cast<int>(r->effect), acc, r->exactFile, r->pattern.value,
                       r->reason ? r->reason->value : "<none>");
  } else if (auto *n = std::get_if<ast::NetRule>(&s.node)) {
    out += fmt::format("{}net always={} effect={} host=[{}]\n", pad, n->always,
                       static_cast<int>(n->effect), n->host.value);
  } else if (auto *u = std::get_if<ast::UnixSocketRule>(&s.node)) {
    out += fmt::format("{}socket effect={} path=[{}]\n", pad, static_cast<int>(u->effect),
                       u->path.value);
  } else if (auto *d = std::get_if<ast::DefaultStmt>(&s.node)) {
    out += fmt::format("{}default {} {}\n", pad, static_cast<int>(d->subject),
                       static_cast<int>(d->value));
  } else if (auto *l = std::get_if<ast::LetStmt>(&s.node)) {
    out += fmt::format("{}let [{}]=[{}]\n", pad, l->name.value, l->value.value);
  } else if (auto *i = std::get_if<ast::IncludeStmt>(&s.node)) {
    out += fmt::format("{}include [{}]\n", pad, i->path.value);
  } else if (auto *st = std::get_if<ast::SetStmt>(&s.node)) {
    std::string v;
    if (auto *b = std::get_if<bool>(&st->value.value))
      v = *b ? "true" : "false";
    else if (auto *n = std::get_if<int64_t>(&st->value.value))
      v = "int " + std::to_string(*n);
    else if (auto *str = std::get_if<std::string>(&st->value.value))
      v = "str [" + *str + "]";
    else
      for (const std::string &e : std::get<std::vector<std::string>>(st->value.value))
        v += "item [" + e + "] ";
    out += fmt::format("{}set [{}] = {}\n", pad, st->name.value, v);
  } else if (auto *a = std::get_if<ast::AssertStmt>(&s.node)) {
    out += fmt::format("{}assert {} {} [{}]\n", pad, static_cast<int>(a->expected),
                       static_cast<int>(a->subject), a->pattern.value);
  } else if (auto *p = std::get_if<ast::PlatformBlock>(&s.node)) {
    out += fmt::format("{}on [{}]\n", pad, p->platform.value);
    dump(p->body, out, depth + 1);
  } else if (auto *p = std::get_if<ast::PolicyBlock>(&s.node)) {
    out += fmt::format("{}policy [{}]\n", pad, p->name.value);
    dump(p->body, out, depth + 1);
  }
}

void dump(const std::vector<ast::Stmt> &stmts, std::string &out, int depth) {
  for (const ast::Stmt &s : stmts)
    dumpStmt(s, out, depth);
}

std::optional<std::string> astOf(const std::string &text) {
  SourceFiles files;
  DiagnosticEngine diags(files);
  auto file = parse::parseMoat(files.addBuffer("t.moat", text), diags);
  if (!file)
    return std::nullopt;
  std::string out;
  dump(file->stmts, out);
  return out;
}

// Both properties, with messages that show the text.
void expectStable(const std::string &input, const std::string &what) {
  auto once = format(input);
  ASSERT_TRUE(once.has_value()) << what;
  auto twice = format(*once);
  ASSERT_TRUE(twice.has_value()) << what << "\n" << *once;
  EXPECT_EQ(*twice, *once) << what << ": formatting is not idempotent";
  auto before = astOf(input), after = astOf(*once);
  ASSERT_TRUE(before && after) << what;
  EXPECT_EQ(*after, *before) << what << ": formatting changed the AST\n" << *once;
}

} // namespace

TEST(Format, CanonicalLayout) {
  const char *in = "policy   \"agent\"{\n"
                   "default read allow ;default write deny;\n"
                   "  allow  read,write   \"$TMPDIR\" ;\n"
                   "\t\tdeny read file \"~/.netrc\";\n"
                   "on linux{allow read \"/proc/self\";}\n"
                   "on macos {\n\n\n}\n"
                   "set excluded-commands=[ \"docker\" ,\"git push\", ];\n"
                   "set allow-mach-lookup = [ ];\n"
                   "set http-proxy-port = 0080;\n"
                   "always allow write \"$CWD/.vscode\"\n    because \"team settings\";\n"
                   "allow connect \"a.example\",\n  \"b.example:443\";\n"
                   "}";
  const char *want = "policy \"agent\" {\n"
                     "  default read allow;\n"
                     "  default write deny;\n"
                     "  allow read, write \"$TMPDIR\";\n"
                     "  deny read file \"~/.netrc\";\n"
                     "  on linux {\n"
                     "    allow read \"/proc/self\";\n"
                     "  }\n"
                     "  on macos {\n"
                     "  }\n"
                     "  set excluded-commands = [\"docker\", \"git push\"];\n"
                     "  set allow-mach-lookup = [];\n"
                     "  set http-proxy-port = 80;\n"
                     "  always allow write \"$CWD/.vscode\" because \"team settings\";\n"
                     "  allow connect \"a.example\", \"b.example:443\";\n"
                     "}\n";
  EXPECT_EQ(format(in).value_or("<error>"), want);
  expectStable(in, "layout");
}

TEST(Format, CommentsKeepTheirPlace) {
  const char *in = "# header\n"
                   "\n"
                   "\n"
                   "include \"common.moat\";   # trailing   \n"
                   "policy \"p\" {   # on the brace\n"
                   "\n"
                   "      # own line, indented like the next statement\n"
                   "allow read \"/usr\"; # after a rule\n"
                   "\n"
                   "\n"
                   "\n"
                   "deny read \"~/.ssh\";\n"
                   "  # before the closing brace\n"
                   "\n"
                   "} # after the block\n"
                   "# at the end";
  const char *want = "# header\n"
                     "\n"
                     "include \"common.moat\"; # trailing\n"
                     "policy \"p\" { # on the brace\n"
                     "  # own line, indented like the next statement\n"
                     "  allow read \"/usr\"; # after a rule\n"
                     "\n"
                     "  deny read \"~/.ssh\";\n"
                     "  # before the closing brace\n"
                     "} # after the block\n"
                     "# at the end\n";
  EXPECT_EQ(format(in).value_or("<error>"), want);
  expectStable(in, "comments");
}

TEST(Format, CommentsInsideAStatementBreakIt) {
  const char *in = "allow read \"/usr\", # system\n"
                   "  # the config\n"
                   "  \"/etc\";\n"
                   "set excluded-commands = [\n"
                   "  \"docker\", # containers\n"
                   "  \"git push\", # remote\n"
                   "];\n";
  // The statement continues 4 spaces deeper after a comment; a dropped
  // trailing comma leaves its comment on the item before it.
  auto out = format(in);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(*out, "allow read \"/usr\", # system\n"
                  "    # the config\n"
                  "    \"/etc\";\n"
                  "set excluded-commands = [\"docker\", # containers\n"
                  "    \"git push\" # remote\n"
                  "    ];\n");
  expectStable(in, "inner comments");
}

TEST(Format, StringsAreReEscapedCanonically) {
  const char *in = R"(allow read "\u{41}\u{9}é\u{202E}\u{7F}\"\\\u{A}";)";
  EXPECT_EQ(format(in).value_or("<error>"), "allow read \"A\\té\\u{202E}\\u{7F}\\\"\\\\\\n\";\n");
  expectStable(in, "escapes");
}

TEST(Format, LineEndingsAndByteOrderMark) {
  EXPECT_EQ(format("\xEF\xBB\xBF"
                   "allow read \"/a\";\r\n\r\n\r\ndeny read \"/b\";\r\n")
                .value_or("<e>"),
            "allow read \"/a\";\n\ndeny read \"/b\";\n");
}

TEST(Format, EmptyAndCommentOnlyFiles) {
  EXPECT_EQ(format("").value_or("<error>"), "");
  EXPECT_EQ(format("\n\n  \n").value_or("<error>"), "");
  EXPECT_EQ(format("  # a\n\n\n# b").value_or("<error>"), "# a\n\n# b\n");
}

TEST(Format, RefusesInputThatDoesNotParse) {
  std::string errors;
  EXPECT_FALSE(format("allow read \"/a\"\n", &errors).has_value());
  EXPECT_EQ(errors, "syntax-error: expected ';' after the rule\n");
  errors.clear();
  EXPECT_FALSE(format("allow connect \"x\" because \"y\";", &errors).has_value());
  EXPECT_NE(errors.find("syntax-error"), std::string::npos);
}

TEST(Format, BriefExampleIsStable) {
  expectStable("# c\ninclude \"common.moat\";\n\npolicy \"agent-default\" {\n"
               "  let src = \"$CWD/src\";\n\n  default read allow;\n"
               "  allow read \"/usr\", \"/etc\";\n  deny read \"~/.ssh\", \"~/.aws\";\n"
               "  deny read file \"~/.netrc\";\n  allow read, write \"$TMPDIR\";\n"
               "  always allow write \"$CWD/.vscode\" because \"team shares editor settings\";\n"
               "  allow connect \"10.0.0.0/8:8000-8100\", \"[::1]:8080\";\n"
               "  allow unix-socket \"/run/user/1000/bus\";\n"
               "  set allow-local-binding = false;\n"
               "  set excluded-commands = [\"docker\", \"git push\"];\n"
               "  on linux { allow read \"/proc/self\"; }\n"
               "  assert allow connect \"api.github.com:443\";\n}\n",
               "brief example");
}

// Every .moat file in the repository that parses (examples, lit inputs,
// formatter inputs) keeps its AST and is a fixed point after one format.
TEST(Format, EveryRepositoryPolicyIsStable) {
  std::string root = llvm::sys::path::parent_path(
                         llvm::sys::path::parent_path(llvm::sys::path::parent_path(__FILE__)))
                         .str();
  ASSERT_TRUE(llvm::sys::fs::exists(root + "/grammar/Moat.g4")) << root;
  size_t checked = 0;
  for (const char *dir : {"examples", "test"}) {
    std::error_code ec;
    for (llvm::sys::fs::recursive_directory_iterator it(root + "/" + dir, ec), end;
         it != end && !ec; it.increment(ec)) {
      const std::string &path = it->path();
      if (llvm::sys::path::extension(path) != ".moat")
        continue;
      auto buf = llvm::MemoryBuffer::getFile(path);
      if (!buf)
        continue;
      std::string text = (*buf)->getBuffer().str();
      if (!astOf(text))
        continue; // deliberately broken inputs
      expectStable(text, path);
      ++checked;
    }
  }
  // The examples and the parser/formatter tests alone provide more than this.
  EXPECT_GE(checked, 10u);
}
