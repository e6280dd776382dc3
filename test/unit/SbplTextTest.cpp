// SBPL string, regex and comment writing (backends/sbpl/SbplText.h): what is
// refused, what is escaped, and that the test reader reads every written
// string back as exactly one form with exactly the original bytes.
#include "backends/sbpl/SbplText.h"
#include "sbpl/SbplSyntax.h"

#include <gtest/gtest.h>

#include <random>

using namespace moat::backends::sbpl;
using moat::sbpltest::Node;
using moat::sbpltest::parseForms;

namespace {

// Parses `text` as a profile fragment and returns its single form.
std::optional<Node> single(const std::string &text) {
  std::string error;
  auto forms = parseForms(text, error);
  if (!forms || forms->size() != 1)
    return std::nullopt;
  return forms->front();
}

} // namespace

TEST(SbplText, EscapesQuoteAndBackslashOnly) {
  std::string why;
  EXPECT_EQ(*quoteString("/a b/c", why), "\"/a b/c\"");
  EXPECT_EQ(*quoteString("/a\"b", why), "\"/a\\\"b\"");
  EXPECT_EQ(*quoteString("/a\\b", why), "\"/a\\\\b\"");
  EXPECT_EQ(*quoteString("/a)(;b", why), "\"/a)(;b\"");
  EXPECT_EQ(*quoteString("/caf\xc3\xa9", why), "\"/caf\xc3\xa9\"");
}

TEST(SbplText, RefusesControlBytesAndMalformedUtf8) {
  const std::string bad[] = {
      std::string("/a\0b", 4), "/a\nb", "/a\rb", "/a\tb", "/a\x01", "/a\x7f",
      "/\x80",            // a lone continuation byte
      "/\xc0\x80",        // overlong NUL
      "/\xe0\x80\xaf",    // overlong '/'
      "/\xed\xa0\x80",    // a UTF-16 surrogate
      "/\xf4\x90\x80\x80", // above U+10FFFF
      "/\xc3",            // truncated
      "/\xe2\x82",        // truncated
      "/\xff",
  };
  for (const std::string &s : bad) {
    std::string why;
    EXPECT_FALSE(quoteString(s, why)) << s;
    EXPECT_FALSE(why.empty());
    EXPECT_FALSE(quoteRegex("^" + s, why)) << s;
    EXPECT_TRUE(unwritableBytes(s)) << s;
  }
  std::string why;
  EXPECT_TRUE(quoteString("/\xf0\x9f\x90\x9f/\xe2\x82\xac/\xf4\x8f\xbf\xbf", why)) << why;
}

TEST(SbplText, RegexLiteralsAreRawAndCannotHoldAQuote) {
  std::string why;
  EXPECT_EQ(*quoteRegex("^/a\\.b(/.*)?$", why), "#\"^/a\\.b(/.*)?$\"");
  EXPECT_FALSE(quoteRegex("^/a\"b$", why));
  EXPECT_NE(why.find("'\"'"), std::string::npos);
}

TEST(SbplText, CommentsNeverEndEarly) {
  const char raw[] = "policy \"x\"\n(allow default)\r\0;\x1b[31m\xff\xc3\xa9";
  std::string hostile(raw, sizeof raw - 1);
  std::string c = commentText(hostile);
  EXPECT_EQ(c.find('\n'), std::string::npos);
  EXPECT_EQ(c.find('\r'), std::string::npos);
  EXPECT_EQ(c.find('\0'), std::string::npos);
  EXPECT_NE(c.find("\\x0a"), std::string::npos);
  EXPECT_NE(c.find("\\xff"), std::string::npos);
  EXPECT_NE(c.find("\xc3\xa9"), std::string::npos); // well-formed UTF-8 stays
  auto form = single("; " + c + "\n(version 1)");
  ASSERT_TRUE(form);
  EXPECT_TRUE(form->isForm("version"));
}

// Every string of printable ASCII and UTF-8 is written so that it reads back
// as one string with the same bytes, inside a filter form.
TEST(SbplText, RandomStringsRoundTrip) {
  std::mt19937 rng(11);
  const std::string alphabet = " !\"#$%&'()*+,-./0123456789:;<=>?@AZ[\\]^_`az{|}~";
  const char *const wide[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x90\x9f"};
  for (int n = 0; n < 2000; ++n) {
    std::string s = "/";
    for (int k = 0, len = static_cast<int>(rng() % 24); k < len; ++k)
      s += rng() % 8 == 0 ? std::string(wide[rng() % 3]) : std::string(1, alphabet[rng() % alphabet.size()]);
    std::string why;
    auto q = quoteString(s, why);
    ASSERT_TRUE(q) << why;
    auto form = single("(subpath " + *q + ")");
    ASSERT_TRUE(form) << *q;
    ASSERT_EQ(form->items.size(), 2u);
    EXPECT_EQ(form->items[1].kind, Node::Kind::String);
    EXPECT_EQ(form->items[1].text, s);
  }
}
