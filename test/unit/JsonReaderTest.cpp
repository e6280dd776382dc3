// readJson: values, locations of keys and array elements, and every way a
// file is refused (syntax with line:col, duplicate keys, depth, encoding).
#include "compiler/import/DocTree.h"

#include <gtest/gtest.h>

#include <string>

using namespace moat;
using namespace moat::import;

namespace {

struct Reader {
  SourceFiles files;
  DiagnosticEngine diags{files};
  uint32_t buffer = 0;

  std::optional<DocNode> read(std::string text) {
    buffer = files.addBuffer("t.json", std::move(text));
    return readJson(buffer, diags);
  }
  // The single diagnostic's id, or a description of what was reported.
  std::string onlyId() const {
    if (diags.diagnostics().size() != 1)
      return "expected one diagnostic, got " + std::to_string(diags.diagnostics().size()) +
             (diags.diagnostics().empty() ? "" : ": " + diags.diagnostics()[0].message);
    return diags.diagnostics()[0].id;
  }
  const Diagnostic &first() const { return diags.diagnostics().at(0); }
};

::testing::AssertionResult at(const SourceLoc &loc, uint32_t line, uint32_t col) {
  if (loc.line == line && loc.col == col && loc.valid())
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "at " << loc.line << ":" << loc.col << " (buffer "
                                       << loc.buffer << "), expected " << line << ":" << col;
}

const DocNode &member(const DocNode &obj, const std::string &key) {
  for (const auto &[k, v] : obj.members)
    if (k == key)
      return v;
  ADD_FAILURE() << "no member " << key;
  static DocNode none;
  return none;
}

} // namespace

TEST(JsonReader, LocatesKeysValuesAndArrayElements) {
  Reader r;
  auto doc = r.read("{\n"
                    "  \"network\": {\n"
                    "    \"allowedDomains\": [\"a.com\",\n"
                    "                       \"b.com\"],\n"
                    "    \"port\": 8080\n"
                    "  },\n"
                    "  \"flag\": true\n"
                    "}\n");
  ASSERT_TRUE(doc) << r.onlyId();
  EXPECT_TRUE(r.diags.diagnostics().empty());
  ASSERT_EQ(doc->kind, DocNode::Kind::Object);
  EXPECT_TRUE(at(doc->loc, 1, 1));
  ASSERT_EQ(doc->members.size(), 2u);
  ASSERT_EQ(doc->keyLocs.size(), 2u);
  EXPECT_EQ(doc->members[0].first, "network");
  EXPECT_TRUE(at(doc->keyLocs[0], 2, 3));
  EXPECT_EQ(doc->members[1].first, "flag");
  EXPECT_TRUE(at(doc->keyLocs[1], 7, 3));

  const DocNode &net = doc->members[0].second;
  EXPECT_TRUE(at(net.loc, 2, 14));
  ASSERT_EQ(net.members.size(), 2u);
  EXPECT_TRUE(at(net.keyLocs[0], 3, 5));
  const DocNode &domains = member(net, "allowedDomains");
  ASSERT_EQ(domains.kind, DocNode::Kind::Array);
  EXPECT_TRUE(at(domains.loc, 3, 23));
  ASSERT_EQ(domains.items.size(), 2u);
  EXPECT_EQ(domains.items[0].string, "a.com");
  EXPECT_TRUE(at(domains.items[0].loc, 3, 24));
  EXPECT_EQ(domains.items[1].string, "b.com");
  EXPECT_TRUE(at(domains.items[1].loc, 4, 24));
  const DocNode &port = member(net, "port");
  EXPECT_TRUE(at(port.loc, 5, 13));
  EXPECT_TRUE(at(net.keyLocs[1], 5, 5));
  const DocNode &flag = doc->members[1].second;
  EXPECT_EQ(flag.kind, DocNode::Kind::Bool);
  EXPECT_TRUE(flag.boolean);
  EXPECT_TRUE(at(flag.loc, 7, 11));
}

TEST(JsonReader, KeepsMemberOrderAsWritten) {
  Reader r;
  auto doc = r.read(R"({"z": 1, "a": 2, "m": 3})");
  ASSERT_TRUE(doc);
  ASSERT_EQ(doc->members.size(), 3u);
  EXPECT_EQ(doc->members[0].first, "z");
  EXPECT_EQ(doc->members[1].first, "a");
  EXPECT_EQ(doc->members[2].first, "m");
  EXPECT_TRUE(at(doc->keyLocs[1], 1, 10));
}

TEST(JsonReader, LocationsWithTabsCrlfAndCompactSpelling) {
  Reader r;
  auto doc = r.read("{\r\n\t\"a\":[1,{\"b\":null}],\r\n\t\"c\"\r\n\t:\r\n\t\"d\"}");
  ASSERT_TRUE(doc) << r.onlyId();
  EXPECT_TRUE(at(doc->keyLocs[0], 2, 2));
  const DocNode &a = doc->members[0].second;
  EXPECT_TRUE(at(a.loc, 2, 6));
  EXPECT_TRUE(at(a.items[0].loc, 2, 7));
  EXPECT_TRUE(at(a.items[1].loc, 2, 9));
  EXPECT_TRUE(at(a.items[1].keyLocs[0], 2, 10));
  EXPECT_EQ(a.items[1].members[0].second.kind, DocNode::Kind::Null);
  EXPECT_TRUE(at(a.items[1].members[0].second.loc, 2, 14));
  EXPECT_TRUE(at(doc->keyLocs[1], 3, 2));
  EXPECT_EQ(doc->members[1].second.string, "d");
  EXPECT_TRUE(at(doc->members[1].second.loc, 5, 2));
}

TEST(JsonReader, TopLevelScalarAndEmptyContainers) {
  Reader r;
  auto s = r.read("  \"just a string\"\n");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->kind, DocNode::Kind::String);
  EXPECT_TRUE(at(s->loc, 1, 3));
  auto e = r.read(R"({"a": [], "b": {}})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->members[0].second.kind, DocNode::Kind::Array);
  EXPECT_TRUE(e->members[0].second.items.empty());
  EXPECT_EQ(e->members[1].second.kind, DocNode::Kind::Object);
  EXPECT_TRUE(e->members[1].second.members.empty());
  EXPECT_TRUE(at(e->members[1].second.loc, 1, 16));
}

TEST(JsonReader, DecodesStringEscapesAsJsonDoes) {
  Reader r;
  // \/ and a surrogate pair: YAML alone would decode the pair differently.
  auto doc = r.read(R"(["a\/b", "\ud83d\ude00", "tab\there", "q\"\\", "\u00e9", "\ufffd", "\\ufffd", "é"])");
  ASSERT_TRUE(doc) << r.onlyId();
  ASSERT_EQ(doc->items.size(), 8u);
  EXPECT_EQ(doc->items[0].string, "a/b");
  EXPECT_EQ(doc->items[1].string, "\xF0\x9F\x98\x80");
  EXPECT_EQ(doc->items[2].string, "tab\there");
  EXPECT_EQ(doc->items[3].string, "q\"\\");
  EXPECT_EQ(doc->items[4].string, "\xC3\xA9");
  EXPECT_EQ(doc->items[5].string, "\xEF\xBF\xBD");
  EXPECT_EQ(doc->items[6].string, "\\ufffd");
  EXPECT_EQ(doc->items[7].string, "\xC3\xA9");
}

TEST(JsonReader, EscapedNulStaysInTheString) {
  Reader r;
  auto doc = r.read(R"(["a\u0000b"])");
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->items[0].string, std::string("a\0b", 3));
}

TEST(JsonReader, UnpairedSurrogateIsRefused) {
  Reader r;
  EXPECT_FALSE(r.read("[\"ok\",\n \"x\\ud800y\"]"));
  EXPECT_EQ(r.onlyId(), "invalid-encoding");
  EXPECT_TRUE(at(r.first().loc, 2, 2));
}

TEST(JsonReader, NumbersKeepIntegerness) {
  Reader r;
  auto doc = r.read("[8080, -3, 0, -0, 8080.0, 1e3, -1.5e-3, 9223372036854775807, "
                    "-9223372036854775808]");
  ASSERT_TRUE(doc) << r.onlyId();
  const auto &n = doc->items;
  ASSERT_EQ(n.size(), 9u);
  EXPECT_TRUE(n[0].isInteger);
  EXPECT_EQ(n[0].integer, 8080);
  EXPECT_EQ(n[0].number, 8080.0);
  EXPECT_TRUE(n[1].isInteger);
  EXPECT_EQ(n[1].integer, -3);
  EXPECT_TRUE(n[2].isInteger);
  EXPECT_TRUE(n[3].isInteger);
  EXPECT_EQ(n[3].integer, 0);
  EXPECT_FALSE(n[4].isInteger);
  EXPECT_EQ(n[4].number, 8080.0);
  EXPECT_FALSE(n[5].isInteger);
  EXPECT_EQ(n[5].number, 1000.0);
  EXPECT_DOUBLE_EQ(n[6].number, -0.0015);
  EXPECT_EQ(n[7].integer, INT64_MAX);
  EXPECT_EQ(n[8].integer, INT64_MIN);
  for (const auto &item : n)
    EXPECT_EQ(item.kind, DocNode::Kind::Number);
}

TEST(JsonReader, RefusesWhatStrtodAcceptsButJsonDoesNot) {
  for (const char *bad : {"[01]", "[+1]", "[1.]", "[.5]", "[-01]", "[1.e5]"}) {
    Reader r;
    EXPECT_FALSE(r.read(bad)) << bad;
    EXPECT_EQ(r.onlyId(), "json-syntax") << bad;
    EXPECT_TRUE(at(r.first().loc, 1, 2)) << bad;
  }
}

TEST(JsonReader, MalformedExponentIsASyntaxError) {
  Reader r;
  EXPECT_FALSE(r.read("[1e+]"));
  EXPECT_EQ(r.onlyId(), "json-syntax");
  EXPECT_EQ(r.first().loc.line, 1u);
}

TEST(JsonReader, RefusesNumbersOutOfRange) {
  Reader r;
  EXPECT_FALSE(r.read("{\"port\":\n  9223372036854775808}"));
  EXPECT_EQ(r.onlyId(), "json-syntax");
  EXPECT_NE(r.first().message.find("64 bits"), std::string::npos);
  EXPECT_TRUE(at(r.first().loc, 2, 3));
  Reader r2;
  EXPECT_FALSE(r2.read("[1e400]"));
  EXPECT_EQ(r2.onlyId(), "json-syntax");
  EXPECT_NE(r2.first().message.find("out of range"), std::string::npos);
}

TEST(JsonReader, DuplicateKeyIsReportedAtTheSecondKey) {
  Reader r;
  EXPECT_FALSE(r.read("{\n  \"a\": 1,\n  \"b\": {\"x\": 1},\n  \"a\": 2\n}"));
  ASSERT_EQ(r.onlyId(), "duplicate-key");
  EXPECT_TRUE(at(r.first().loc, 4, 3));
  EXPECT_NE(r.first().message.find("'a'"), std::string::npos);
  ASSERT_EQ(r.first().notes.size(), 1u);
  EXPECT_TRUE(at(r.first().notes[0].loc, 2, 3));
}

TEST(JsonReader, DuplicateKeysAreFoundAtEveryDepthAndAllReported) {
  Reader r;
  EXPECT_FALSE(r.read(R"({"o": {"k": 1, "k": 1}, "p": [{"q": 1, "q": 2}]})"));
  ASSERT_EQ(r.diags.diagnostics().size(), 2u);
  EXPECT_EQ(r.diags.diagnostics()[0].id, "duplicate-key");
  EXPECT_TRUE(at(r.diags.diagnostics()[0].loc, 1, 16));
  EXPECT_EQ(r.diags.diagnostics()[1].id, "duplicate-key");
  EXPECT_TRUE(at(r.diags.diagnostics()[1].loc, 1, 40));
}

TEST(JsonReader, KeysThatDecodeEquallyAreDuplicates) {
  Reader r;
  EXPECT_FALSE(r.read(R"({"a": 1, "\u0061": 2})"));
  EXPECT_EQ(r.onlyId(), "duplicate-key");
}

TEST(JsonReader, DepthLimitIsExact) {
  Reader ok;
  std::string deep = std::string(kMaxDepth, '[') + std::string(kMaxDepth, ']');
  EXPECT_TRUE(ok.read(deep)) << ok.onlyId();

  Reader r;
  std::string tooDeep = std::string(kMaxDepth + 1, '[') + std::string(kMaxDepth + 1, ']');
  EXPECT_FALSE(r.read(tooDeep));
  EXPECT_EQ(r.onlyId(), "nesting-too-deep");
  EXPECT_TRUE(at(r.first().loc, 1, kMaxDepth + 1));
}

TEST(JsonReader, HugeNestingIsRefusedWithoutRecursing) {
  Reader r;
  std::string hostile = "{\"a\":" + std::string(100000, '[');
  EXPECT_FALSE(r.read(hostile));
  EXPECT_EQ(r.onlyId(), "nesting-too-deep");
  // The offending bracket: after `{"a":` and kMaxDepth-1 more brackets.
  EXPECT_TRUE(at(r.first().loc, 1, 6 + kMaxDepth - 1));
}

TEST(JsonReader, BracketsInsideStringsDoNotCount) {
  Reader r;
  std::string text = "[\"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') + "\"]";
  auto doc = r.read(text);
  ASSERT_TRUE(doc) << r.onlyId();
  EXPECT_EQ(doc->items[0].string.size(), 2001u);
}

TEST(JsonReader, SyntaxErrorsCarryLineAndColumn) {
  struct Case {
    const char *text;
    uint32_t line, col;
    const char *words;
  } cases[] = {
      {"{\n  \"a\": 1,\n}", 3, 1, "Expected object key"},       // trailing comma
      {"[1,\n 2,\n ]", 3, 2, "Invalid JSON value"},            // trailing comma
      {"[1\n 2]", 2, 2, "Expected , or ]"},                    // missing comma
      {"{\"a\" 1}", 1, 6, "Expected :"},                       // missing colon
      {"{\"a\": 1} x", 1, 10, "Text after end of document"},   // trailing garbage
      {"// c\n{}", 1, 1, "Invalid JSON value"},                // comment
      {"{'a': 1}", 1, 2, "Expected object key"},               // single quotes
      {"[\"abc", 1, 6, "Unterminated string"},                 // at EOF
      {"[tru]", 1, 5, "true?"},                                // bad literal
      {"[\"a\tb\"]", 1, 4, "Control character"},               // raw tab
      {"[\"\\x\"]", 1, 4, "Invalid escape"},                   // bad escape
      {"{\"a\": [1, 2}", 1, 12, "Expected , or ]"},            // mismatched
      {"{\"a\": NaN}", 1, 7, "Invalid JSON value"},            // NaN
  };
  for (const Case &c : cases) {
    Reader r;
    EXPECT_FALSE(r.read(c.text)) << c.text;
    ASSERT_EQ(r.onlyId(), "json-syntax") << c.text;
    EXPECT_TRUE(at(r.first().loc, c.line, c.col)) << c.text << ": " << r.first().message;
    EXPECT_NE(r.first().message.find(c.words), std::string::npos) << r.first().message;
    // The parser's "[L:C, byte=N]" prefix is turned into the location.
    EXPECT_EQ(r.first().message.find("byte="), std::string::npos) << r.first().message;
  }
}

TEST(JsonReader, CommonMistakesGetAHint) {
  Reader comma;
  EXPECT_FALSE(comma.read("{\"a\": [1, 2,\n]}"));
  EXPECT_NE(comma.first().message.find("trailing comma"), std::string::npos);
  Reader missing; // not a trailing comma: no hint
  EXPECT_FALSE(missing.read("{\"a\": }"));
  EXPECT_EQ(missing.first().message.find("trailing comma"), std::string::npos);
  Reader comment;
  EXPECT_FALSE(comment.read("{\"a\": 1 // why\n}"));
  EXPECT_NE(comment.first().message.find("no comments"), std::string::npos);
  EXPECT_TRUE(at(comment.first().loc, 1, 9));
}

TEST(JsonReader, EmptyAndBlankFilesAreLocatedErrors) {
  Reader r;
  EXPECT_FALSE(r.read(""));
  EXPECT_EQ(r.onlyId(), "json-syntax");
  EXPECT_NE(r.first().message.find("empty"), std::string::npos);
  EXPECT_TRUE(at(r.first().loc, 1, 1));
  Reader b;
  EXPECT_FALSE(b.read(" \n\t\n"));
  EXPECT_EQ(b.onlyId(), "json-syntax");
  EXPECT_TRUE(at(b.first().loc, 3, 1)); // the end of the file
}

TEST(JsonReader, ByteOrderMarkIsRefused) {
  Reader r;
  EXPECT_FALSE(r.read("\xEF\xBB\xBF{}"));
  EXPECT_EQ(r.onlyId(), "invalid-encoding");
  EXPECT_NE(r.first().message.find("byte order mark"), std::string::npos);
  EXPECT_TRUE(at(r.first().loc, 1, 1));
}

TEST(JsonReader, NulByteIsRefusedWhereItIs) {
  Reader r;
  EXPECT_FALSE(r.read(std::string("{\n  \"a\": \"x\0y\"}", 15)));
  EXPECT_EQ(r.onlyId(), "invalid-encoding");
  EXPECT_TRUE(at(r.first().loc, 2, 10));
  Reader u16; // UTF-16LE "{}"
  EXPECT_FALSE(u16.read(std::string("{\0}\0", 4)));
  EXPECT_NE(u16.first().message.find("UTF-16"), std::string::npos);
}

TEST(JsonReader, InvalidUtf8IsRefusedWhereItIs) {
  Reader r;
  EXPECT_FALSE(r.read("{\"a\":\n \"ok \xC3\xA9 then \xFF\"}"));
  EXPECT_EQ(r.onlyId(), "invalid-encoding");
  EXPECT_TRUE(at(r.first().loc, 2, 14)); // columns count bytes
  Reader overlong;
  EXPECT_FALSE(overlong.read("[\"\xC0\xAF\"]"));
  EXPECT_EQ(overlong.onlyId(), "invalid-encoding");
}

TEST(JsonReader, LongKeysAndKeyColonOnSeparateLinesAreFine) {
  Reader r;
  std::string key(2000, 'k');
  auto doc = r.read("{\"" + key + "\"\n : [\n 1\n ]\n}");
  ASSERT_TRUE(doc) << r.onlyId();
  EXPECT_EQ(doc->members[0].first, key);
  EXPECT_TRUE(at(doc->members[0].second.items[0].loc, 3, 2));
}

TEST(JsonReader, KindNamesForMessages) {
  Reader r;
  auto doc = r.read(R"([null, true, 1, 1.5, "s", [], {}])");
  ASSERT_TRUE(doc);
  const char *names[] = {"null",     "a boolean", "an integer", "a number",
                         "a string", "an array",  "an object"};
  for (size_t i = 0; i < 7; ++i)
    EXPECT_STREQ(doc->items[i].kindName(), names[i]);
}

TEST(JsonReader, DoesNotAddBuffersToTheRegistry) {
  Reader r;
  ASSERT_TRUE(r.read(R"({"a": [1]})"));
  EXPECT_EQ(r.files.mgr().getNumBuffers(), 1u);
}
