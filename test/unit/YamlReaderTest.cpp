// readYaml: located nodes, YAML 1.2 core-schema scalars, and every refusal
// (anchors, aliases, tags, documents, keys, duplicates, depth, encoding),
// plus the depth prescan on its own.
#include "compiler/import/DocTree.h"
#include "compiler/import/YamlPrescan.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

using namespace moat;
using namespace moat::import;

namespace {

struct YReader {
  SourceFiles files;
  DiagnosticEngine diags{files};
  uint32_t buffer = 0;

  std::optional<DocNode> read(std::string text) {
    buffer = files.addBuffer("t.yaml", std::move(text));
    return readYaml(buffer, diags);
  }
  std::string firstId() const { return diags.diagnostics().empty() ? "(none)" : diags.diagnostics()[0].id; }
  const Diagnostic &first() const { return diags.diagnostics().at(0); }
};

::testing::AssertionResult at(const SourceLoc &loc, uint32_t line, uint32_t col) {
  if (loc.valid() && loc.line == line && loc.col == col)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "at " << loc.line << ":" << loc.col << ", expected " << line
                                       << ":" << col;
}

const DocNode &get(const DocNode &obj, const std::string &key) {
  for (const auto &[k, v] : obj.members)
    if (k == key)
      return v;
  ADD_FAILURE() << "no member " << key;
  static DocNode none;
  return none;
}

// The scalar `value` of `key: value`, read as YAML.
DocNode scalar(const std::string &value) {
  YReader r;
  auto doc = r.read("k: " + value + "\n");
  EXPECT_TRUE(doc) << value << ": " << (r.diags.diagnostics().empty() ? "" : r.first().message);
  if (!doc)
    return DocNode{};
  return get(*doc, "k");
}

// Where the prescan finds nesting deeper than `limit`, if it does.
std::optional<size_t> depthProblem(std::string_view text, unsigned limit) {
  auto p = prescanYaml(text, limit, size_t{1} << 20);
  if (!p)
    return std::nullopt;
  EXPECT_EQ(p->kind, YamlPrescanProblem::Kind::TooDeep);
  return p->offset;
}

} // namespace

TEST(YamlReader, LocatesKeysValuesAndItems) {
  YReader r;
  auto doc = r.read("policy: p\n"
                    "filesystem:\n"
                    "  allow:\n"
                    "    read: [\"/usr\", /etc]\n"
                    "    write:\n"
                    "      - $CWD\n"
                    "      - {path: x, because: \"y\"}\n");
  ASSERT_TRUE(doc);
  EXPECT_TRUE(r.diags.diagnostics().empty());
  ASSERT_EQ(doc->kind, DocNode::Kind::Object);
  EXPECT_TRUE(at(doc->loc, 1, 1));
  ASSERT_EQ(doc->members.size(), 2u);
  EXPECT_EQ(doc->members[0].first, "policy");
  EXPECT_TRUE(at(doc->keyLocs[0], 1, 1));
  EXPECT_TRUE(at(doc->members[0].second.loc, 1, 9));
  EXPECT_TRUE(at(doc->keyLocs[1], 2, 1));
  const DocNode &allow = get(get(*doc, "filesystem"), "allow");
  const DocNode &read = get(allow, "read");
  ASSERT_EQ(read.kind, DocNode::Kind::Array);
  EXPECT_TRUE(at(read.loc, 4, 11));
  ASSERT_EQ(read.items.size(), 2u);
  EXPECT_EQ(read.items[0].string, "/usr");
  EXPECT_TRUE(at(read.items[0].loc, 4, 12)); // the opening quote
  EXPECT_TRUE(at(read.items[1].loc, 4, 20));
  const DocNode &write = get(allow, "write");
  ASSERT_EQ(write.items.size(), 2u);
  EXPECT_TRUE(at(write.items[0].loc, 6, 9));
  EXPECT_EQ(write.items[0].string, "$CWD");
  const DocNode &item = write.items[1];
  ASSERT_EQ(item.kind, DocNode::Kind::Object);
  EXPECT_TRUE(at(item.keyLocs[1], 7, 19));
  EXPECT_EQ(get(item, "because").string, "y");
}

TEST(YamlReader, ColumnsCountBytesAndSkipALeadingBom) {
  YReader r;
  auto doc = r.read("\xEF\xBB\xBF" "a: \"\xC3\xA9\" \n\xC3\xA9: b\n");
  ASSERT_TRUE(doc) << r.first().message;
  EXPECT_TRUE(at(doc->keyLocs[0], 1, 4));
  EXPECT_TRUE(at(doc->members[0].second.loc, 1, 7));
  EXPECT_EQ(doc->members[1].first, "\xC3\xA9");
  EXPECT_TRUE(at(doc->members[1].second.loc, 2, 5)); // é is two bytes
}

TEST(YamlReader, CoreSchemaScalars) {
  EXPECT_EQ(scalar("true").kind, DocNode::Kind::Bool);
  EXPECT_TRUE(scalar("True").boolean);
  EXPECT_FALSE(scalar("FALSE").boolean);
  EXPECT_EQ(scalar("false").kind, DocNode::Kind::Bool);
  // YAML 1.1 booleans are strings under the 1.2 core schema.
  for (const char *s : {"yes", "no", "on", "off", "y", "n"}) {
    DocNode n = scalar(s);
    EXPECT_EQ(n.kind, DocNode::Kind::String) << s;
    EXPECT_EQ(n.string, s);
  }
  DocNode i = scalar("8080");
  EXPECT_EQ(i.kind, DocNode::Kind::Number);
  EXPECT_TRUE(i.isInteger);
  EXPECT_EQ(i.integer, 8080);
  EXPECT_EQ(scalar("-12").integer, -12);
  EXPECT_EQ(scalar("+12").integer, 12);
  EXPECT_EQ(scalar("0x1F").integer, 31);
  EXPECT_EQ(scalar("0o17").integer, 15);
  EXPECT_EQ(scalar("9223372036854775807").integer, INT64_MAX);
  EXPECT_EQ(scalar("-9223372036854775808").integer, INT64_MIN);
  DocNode big = scalar("9223372036854775808");
  EXPECT_EQ(big.kind, DocNode::Kind::Number);
  EXPECT_FALSE(big.isInteger);
  DocNode f = scalar("1.5");
  EXPECT_EQ(f.kind, DocNode::Kind::Number);
  EXPECT_FALSE(f.isInteger);
  EXPECT_DOUBLE_EQ(f.number, 1.5);
  EXPECT_EQ(scalar("1e3").kind, DocNode::Kind::Number);
  EXPECT_EQ(scalar(".inf").kind, DocNode::Kind::Number);
  // Not numbers under the core schema.
  for (const char *s : {"0777x", "1_000", "0b101", "1.2.3", "127.0.0.1", "1e", "+", "0x"})
    EXPECT_EQ(scalar(s).kind, DocNode::Kind::String) << s;
  for (const char *s : {"~", "null", "Null", "NULL", ""})
    EXPECT_EQ(scalar(s).kind, DocNode::Kind::Null) << s;
}

TEST(YamlReader, QuotedScalarsAreAlwaysStrings) {
  for (const char *s : {"\"true\"", "'false'", "\"8080\"", "'null'", "\"~\"", "''"}) {
    DocNode n = scalar(s);
    EXPECT_EQ(n.kind, DocNode::Kind::String) << s;
  }
  EXPECT_EQ(scalar("\"8080\"").string, "8080");
  EXPECT_EQ(scalar("'it''s'").string, "it's");
  EXPECT_EQ(scalar("\"a\\tb\"").string, "a\tb");
}

TEST(YamlReader, ImplicitNullPointsAtItsKey) {
  YReader r;
  auto doc = r.read("a:\nb: 1\n");
  ASSERT_TRUE(doc);
  EXPECT_EQ(get(*doc, "a").kind, DocNode::Kind::Null);
  EXPECT_TRUE(at(get(*doc, "a").loc, 1, 1));
}

TEST(YamlReader, EmptyFileIsANullDocument) {
  for (const char *text : {"", "# only a comment\n", "\n\n"}) {
    YReader r;
    auto doc = r.read(text);
    ASSERT_TRUE(doc) << text;
    EXPECT_EQ(doc->kind, DocNode::Kind::Null);
  }
}

TEST(YamlReader, DuplicateKeysAreRefusedWithANoteAtTheFirst) {
  YReader r;
  auto doc = r.read("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n");
  EXPECT_FALSE(doc);
  const auto &d = r.diags.diagnostics();
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].id, "duplicate-key");
  EXPECT_EQ(d[0].message, "duplicate key 'c'");
  EXPECT_TRUE(at(d[0].loc, 4, 3));
  ASSERT_EQ(d[0].notes.size(), 1u);
  EXPECT_TRUE(at(d[0].notes[0].loc, 3, 3));
  EXPECT_EQ(d[1].message, "duplicate key 'a'");
  EXPECT_TRUE(at(d[1].loc, 5, 1));
}

TEST(YamlReader, DuplicateKeysCompareTextQuotedOrNot) {
  YReader r;
  EXPECT_FALSE(r.read("a: 1\n\"a\": 2\n"));
  EXPECT_EQ(r.firstId(), "duplicate-key");
}

TEST(YamlReader, AnchorsAndAliasesAreRefused) {
  YReader r;
  EXPECT_FALSE(r.read("a: &x [1, 2]\nb: *x\n"));
  const auto &d = r.diags.diagnostics();
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].id, "yaml-unsupported");
  EXPECT_NE(d[0].message.find("'&x'"), std::string::npos);
  EXPECT_TRUE(at(d[0].loc, 1, 4));
  EXPECT_EQ(d[1].id, "yaml-unsupported");
  EXPECT_NE(d[1].message.find("alias"), std::string::npos);
  EXPECT_TRUE(at(d[1].loc, 2, 4));
}

TEST(YamlReader, BillionLaughsStopsAtTheFirstAnchor) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c)
    text += fmt::format("{}: &{} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n", c, c,
                        fmt::arg("p", std::string(1, char(c - 1))));
  YReader r;
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(r.read(text));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(r.firstId(), "yaml-unsupported");
  // Reading stops after a bounded number of errors, with a note saying so.
  EXPECT_LE(r.diags.errorCount(), 20u);
  EXPECT_EQ(r.diags.diagnostics().back().notes.back().id, "too-many-errors");
}

TEST(YamlReader, TagsAreRefused) {
  for (const char *text : {"a: !!str 3\n", "a: !custom x\n", "a: !!map {b: c}\n", "a: ! x\n",
                           "a: !!seq [1]\n"}) {
    YReader r;
    EXPECT_FALSE(r.read(text)) << text;
    EXPECT_EQ(r.firstId(), "yaml-unsupported") << text;
    EXPECT_TRUE(at(r.first().loc, 1, 4)) << text;
    EXPECT_NE(r.first().message.find("tag"), std::string::npos);
  }
}

TEST(YamlReader, SecondDocumentIsRefused) {
  for (const char *text : {"a: 1\n---\nb: 2\n", "a: 1\n---\n", "---\na: 1\n---\n"}) {
    YReader r;
    EXPECT_FALSE(r.read(text)) << text;
    EXPECT_EQ(r.firstId(), "yaml-unsupported") << text;
    EXPECT_NE(r.first().message.find("second document"), std::string::npos);
  }
  YReader one;
  EXPECT_TRUE(one.read("---\na: 1\n...\n")); // markers around one document are fine
}

TEST(YamlReader, ComplexAndNullKeysAreRefused) {
  for (const char *text : {"? [a]\n: b\n", "{a: 1}: x\n", "~: x\n", "? \n: x\n"}) {
    YReader r;
    EXPECT_FALSE(r.read(text)) << text;
    EXPECT_EQ(r.firstId(), "yaml-unsupported") << text;
    EXPECT_NE(r.first().message.find("keys must be strings"), std::string::npos) << text;
  }
  // Plain scalars of other types are keys by their text.
  YReader r;
  auto doc = r.read("1: a\ntrue: b\n");
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->members[0].first, "1");
  EXPECT_EQ(doc->members[1].first, "true");
}

TEST(YamlReader, UnterminatedQuotedStringsAreRefused) {
  // yaml-cpp itself would accept these and swallow the rest of the file.
  for (const char *text : {"policy: \"abc\n", "a: \"abc\nb: 1\n", "a: 'it''s\nb: 1\n", "a: \"x\\\"\n"}) {
    YReader r;
    EXPECT_FALSE(r.read(text)) << text;
    EXPECT_EQ(r.firstId(), "yaml-syntax") << text;
    if (!r.diags.diagnostics().empty()) {
      EXPECT_NE(r.first().message.find("no closing"), std::string::npos) << text;
    }
  }
  YReader ok;
  EXPECT_TRUE(ok.read("a: \"multi\n  line \\\" quote\"\nb: 'it''s'\n"));
}

TEST(YamlReader, EscapesMayNotProduceHiddenCharacters) {
  for (const char *text : {"a: \"x\\0y\"\n", "a: \"\\u202Etxt\"\n", "a: \"\\x07\"\n", "a: \"\\N\"\n",
                           "\"k\\0\": v\n"}) {
    YReader r;
    EXPECT_FALSE(r.read(text)) << text;
    EXPECT_EQ(r.firstId(), "invalid-string") << text;
  }
  YReader ok;
  auto doc = ok.read("a: \"tab\\there\\u00e9\"\n");
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->members[0].second.string, "tab\there\xC3\xA9");
}

TEST(YamlReader, SyntaxErrorsAreLocated) {
  YReader r;
  EXPECT_FALSE(r.read("a: 1\nb: [x, y\nc: 2\n"));
  EXPECT_EQ(r.firstId(), "yaml-syntax");
  EXPECT_TRUE(r.first().loc.valid());
  YReader r2;
  EXPECT_FALSE(r2.read("a: b: c\n"));
  EXPECT_EQ(r2.firstId(), "yaml-syntax");
  EXPECT_TRUE(at(r2.first().loc, 1, 5));
  EXPECT_NE(r2.first().message.find("illegal map value"), std::string::npos);
}

TEST(YamlReader, EncodingProblemsAreLocated) {
  struct Case {
    std::string text;
    uint32_t line, col;
  } cases[] = {
      {std::string("a: x\nb: \0\n", 10), 2, 4},
      {"a: \xC3\n", 1, 4},                   // truncated UTF-8
      {"a: 1\rb: 2\n", 1, 5},                // lone CR
      {"a: x\xC2\x85y\n", 1, 5},             // NEL
      {"a: \"x\xE2\x80\xA8y\"\n", 1, 6},     // LINE SEPARATOR
      {"a: \"\xE2\x80\xAEtxt\"\n", 1, 5},    // RIGHT-TO-LEFT OVERRIDE
      {"a: \x07\n", 1, 4},                   // BEL
      {"a: x\xE2\x80\x8By\n", 1, 5},         // ZERO WIDTH SPACE
  };
  for (const Case &c : cases) {
    YReader r;
    EXPECT_FALSE(r.read(c.text));
    EXPECT_EQ(r.firstId(), "invalid-encoding");
    if (!r.diags.diagnostics().empty()) {
      EXPECT_TRUE(at(r.first().loc, c.line, c.col)) << r.first().message;
    }
  }
  YReader crlf;
  EXPECT_TRUE(crlf.read("a: 1\r\nb: 2\r\n"));
}

TEST(YamlReader, NestingLimitIsExactForBlockAndFlow) {
  auto nestedFlow = [](unsigned depth) { return "a: " + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "\n"; };
  YReader ok;
  EXPECT_TRUE(ok.read(nestedFlow(kMaxDepth)));
  YReader deep;
  EXPECT_FALSE(deep.read(nestedFlow(kMaxDepth + 1)));
  EXPECT_EQ(deep.firstId(), "nesting-too-deep");
  EXPECT_TRUE(at(deep.first().loc, 1, 3 + kMaxDepth)); // the bracket that goes one too deep

  auto nestedBlock = [](unsigned depth) {
    std::string s;
    for (unsigned i = 0; i < depth; ++i)
      s += std::string(2 * i, ' ') + "k:\n";
    return s + std::string(2 * depth, ' ') + "v\n";
  };
  YReader bok;
  EXPECT_TRUE(bok.read(nestedBlock(kMaxDepth)));
  YReader bdeep;
  EXPECT_FALSE(bdeep.read(nestedBlock(kMaxDepth + 1)));
  EXPECT_EQ(bdeep.firstId(), "nesting-too-deep");
}

// A bound that catches a reader gone quadratic or worse on hostile nesting,
// not a benchmark: wide enough for a loaded 2-core CI machine, and for the
// sanitizer build, which runs about 30 times slower.
#ifdef MOAT_SANITIZED
constexpr std::chrono::milliseconds kFailsFast{10000};
#else
constexpr std::chrono::milliseconds kFailsFast{1000};
#endif

TEST(YamlReader, HugeNestingFailsFast) {
  const std::string inputs[] = {
      std::string(100000, '['),
      std::string(100000, '{'),
      "a: " + std::string(100000, '['),
      [] {
        std::string s;
        for (int i = 0; i < 100000; ++i)
          s += "- ";
        return s + "x\n";
      }(),
      [] {
        std::string s;
        for (int i = 0; i < 3000; ++i)
          s += std::string(i, ' ') + "a:\n";
        return s;
      }(),
      "a: [" + std::string(100000, '{') + "\n",
  };
  for (const std::string &text : inputs) {
    YReader r;
    auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(r.read(text));
    EXPECT_LT(std::chrono::steady_clock::now() - start, kFailsFast);
    EXPECT_EQ(r.firstId(), "nesting-too-deep") << text.substr(0, 20);
  }
}

TEST(YamlPrescan, MeasuresOrdinaryDocumentsAboutRight) {
  EXPECT_FALSE(depthProblem("a: [1, [2, [3]]]\n", 4));
  EXPECT_TRUE(depthProblem("a: [1, [2, [3]]]\n", 3));
  EXPECT_EQ(depthProblem("a: [1, [2, [3]]]\n", 3), 11u);
  EXPECT_FALSE(depthProblem("- - - x\n", 3));
  EXPECT_TRUE(depthProblem("- - - x\n", 2));
  EXPECT_FALSE(depthProblem("a:\n  b:\n    c: 1\n", 3));
  EXPECT_TRUE(depthProblem("a:\n  b:\n    c: 1\n", 2));
  // Indentless sequences count as a level below their mapping.
  EXPECT_TRUE(depthProblem("a:\n- b:\n  - c\n", 3));
  EXPECT_FALSE(depthProblem("a:\n- b:\n  - c\n", 4));
}

TEST(YamlPrescan, IgnoresBracketsThatAreNotStructure) {
  const char *texts[] = {
      "a: \"[[[[[[\"\n",
      "a: '[[[[[['\n",
      "a: x[[[[[[\n",
      "a: 1 # [[[[[[\n",
      "# [[[[[[\n",
      "a: |\n  [[[[[[\n  {{{{{{\nb: 1\n",
      "a: >-\n    [[[[[[\n\n    [[[[[[\nb: 1\n",
      "a: [\"]]\", '[[[[[[', x#y]\n",
      "a: \"multi\n  [[[[[[ line\"\n",
      "a: [b, \"c\\\"[[[[[[\"]\n",
  };
  for (const char *t : texts)
    EXPECT_FALSE(depthProblem(t, 3)) << t;
}

TEST(YamlPrescan, QuotedClosersDoNotHideRealNesting) {
  // Brackets in strings are skipped in both directions, so a string full of
  // closers cannot cancel real openers.
  std::string text = "a: ";
  for (int i = 0; i < 50; ++i)
    text += "[\"]]]]\", ";
  EXPECT_TRUE(depthProblem(text, 40));
  // A block scalar ends where the indentation does; nesting after it counts.
  EXPECT_TRUE(depthProblem("- a: |\n    text\n  b: [[[[[[\n", 5));
}

TEST(YamlPrescan, LongFlowCollectionsAreRefusedAtTheirBracket) {
  std::string items;
  for (int i = 0; i < 100; ++i)
    items += "abcdefgh, ";
  std::string text = "a: 1\nb: [" + items + "x]\n";
  auto p = prescanYaml(text, 200, 500);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, YamlPrescanProblem::Kind::FlowTooLong);
  EXPECT_EQ(p->offset, 8u);
  EXPECT_FALSE(prescanYaml(text, 200, 2000));
  // Long block lists stream through yaml-cpp and are not limited here.
  std::string block = "b:\n";
  for (int i = 0; i < 1000; ++i)
    block += "  - abcdefgh\n";
  EXPECT_FALSE(prescanYaml(block, 200, 500));
}

TEST(YamlReader, HugeFlowCollectionIsRefusedQuickly) {
  std::string text = "let: [";
  for (int i = 0; i < 600000; ++i)
    text += "x,";
  text += "x]\n";
  YReader r;
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(r.read(text));
  EXPECT_LT(std::chrono::steady_clock::now() - start, kFailsFast);
  EXPECT_EQ(r.firstId(), "yaml-flow-too-long");
  EXPECT_TRUE(at(r.first().loc, 1, 6));
}
