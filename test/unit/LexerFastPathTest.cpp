// The lexer's fast path for whitespace and string literals (compiler/parse/
// Session.cpp) must give exactly the tokens the generated lexer gives:
// type, byte range, line, column and channel, on the shipped examples, the
// fuzz corpora and random text over the bytes that matter to the two rules
// (quotes, backslashes, CR, LF, spaces, tabs, non-ASCII, NUL, comment marks).
#include "compiler/parse/Parser.h"

#include "TestModel.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace moat::parse {
namespace {

std::string show(const std::vector<LexedToken> &tokens) {
  std::ostringstream os;
  for (const LexedToken &t : tokens)
    os << t.type << "@" << t.start << "-" << t.stop << " " << t.line << ":" << t.column << " ch" << t.channel << "\n";
  return os.str();
}

void expectSame(std::string_view text) {
  std::vector<LexedToken> fast = lexForTesting(text, true), slow = lexForTesting(text, false);
  ASSERT_EQ(show(fast), show(slow)) << "input: " << ::testing::PrintToString(std::string(text));
}

TEST(LexerFastPath, FixedCases) {
  for (const char *text : {"", " ", "\n\n", "\"\"", "\"a\"", " \t\r\n \"x y\" ;", "\"unterminated", "\"a\\",
                           "\"a\\\"b\"", "\"a\\\\\"", "\"a\\\n\"", "\"a\r\"", "\"\xc3\xa9\"", "\"\x80\x01\"",
                           "allow read \"~/.ssh\";\n", "# \"comment\"\n\"s\"", "\"a\"\"b\"", "x\"y\"", "\"a\" # c",
                           "\r\n\"crlf\"\r\n", "\"a\\\r\"", "\"\\x\""})
    expectSame(text);
  expectSame(std::string_view("\"a\0b\"", 5)); // a NUL inside a string
  expectSame(std::string_view("\0\"a\"", 4));
}

TEST(LexerFastPath, ShippedExamplesAndCorpora) {
  namespace fs = std::filesystem;
  size_t files = 0;
  for (const char *dir : {"examples", "test/fuzz/corpus/fuzz_moat", "test/fuzz/corpus/fuzz_fmt", "test/hostile/corpus/moat"}) {
    fs::path root = fs::path(MOAT_SOURCE_DIR) / dir;
    if (!fs::exists(root))
      continue;
    for (const auto &entry : fs::recursive_directory_iterator(root)) {
      if (!entry.is_regular_file())
        continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream buf;
      buf << in.rdbuf();
      SCOPED_TRACE(entry.path().string());
      expectSame(buf.str());
      ++files;
    }
  }
  EXPECT_GT(files, 10u);
}

TEST(LexerFastPath, RandomText) {
  const char alphabet[] = {'"', '"', '"', '\\', '\\', '\r', '\n', '\n', ' ', ' ', '\t', 'a', 'b', '#', ';', '{',
                           '}', '~', '/', '.', '*', '\x80', '\xc3', '\0', '\x01', 'x', '-', '_', '1'};
  std::mt19937 rng(test::testSeed(0x1e8e7));
  for (int round = 0; round < 5000; ++round) {
    std::string text;
    size_t n = rng() % 40;
    for (size_t i = 0; i < n; ++i)
      text += alphabet[rng() % sizeof alphabet];
    expectSame(text);
  }
}

} // namespace
} // namespace moat::parse
