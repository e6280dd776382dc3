// Globs to POSIX EREs (backends/sbpl/SbplRegex.h), checked with regcomp/
// regexec against the IR's own glob matcher: components on random names,
// whole patterns on random paths, the bracket expressions' pitfalls, the
// refusals, and the widening regex being a superset.
#include "backends/sbpl/SbplRegex.h"
#include "compiler/fs/Glob.h"

#include <gtest/gtest.h>

#include <random>
#include <regex.h>

using namespace moat;
using namespace moat::backends::sbpl;

namespace {

// regexec in the C locale: bytes, like the IR.
class Ere {
public:
  explicit Ere(const std::string &re) : source_(re) {
    ok_ = regcomp(&re_, re.c_str(), REG_EXTENDED | REG_NOSUB) == 0;
  }
  ~Ere() {
    if (ok_)
      regfree(&re_);
  }
  Ere(const Ere &) = delete;
  Ere &operator=(const Ere &) = delete;
  bool ok() const { return ok_; }
  bool matches(const std::string &s) const { return regexec(&re_, s.c_str(), 0, nullptr, 0) == 0; }

private:
  std::string source_;
  regex_t re_;
  bool ok_ = false;
};

const std::string kBytes = "ab.-]^[!\\*?$()|+{}x /";

std::string randomName(std::mt19937 &rng) {
  std::string s;
  for (int k = 0, n = 1 + static_cast<int>(rng() % 5); k < n; ++k) {
    char c = kBytes[rng() % (kBytes.size() - 1)]; // never '/'
    s += c;
  }
  return s;
}

// A random component in glob syntax that parses.
std::string randomGlob(std::mt19937 &rng) {
  for (;;) {
    std::string g;
    for (int k = 0, n = 1 + static_cast<int>(rng() % 4); k < n; ++k) {
      switch (rng() % 6) {
      case 0: g += '*'; break;
      case 1: g += '?'; break;
      case 2: {
        g += '[';
        if (rng() % 3 == 0)
          g += '!';
        for (int m = 0, len = 1 + static_cast<int>(rng() % 3); m < len; ++m) {
          char c = "ab]-^[.x"[rng() % 8];
          if (c == ']' || c == '[' )
            g += '\\';
          g += c;
          if (rng() % 4 == 0 && c != ']' && c != '[')
            g += std::string("-") + "bxz"[rng() % 3];
        }
        g += ']';
        break;
      }
      default: {
        char c = kBytes[rng() % (kBytes.size() - 1)];
        if (c == '*' || c == '?' || c == '[' || c == '\\')
          g += '\\';
        g += c;
      }
      }
    }
    std::string error;
    if (g.find("**") == std::string::npos && fs::parseGlobComponent(g, error))
      return g;
  }
}

} // namespace

TEST(SbplRegex, Shapes) {
  std::string why;
  EXPECT_EQ(*regexComponent("*", why), "[^/]+");
  EXPECT_EQ(*regexComponent("*.pem", why), "[^/]*\\.pem");
  EXPECT_EQ(*regexComponent("a?", why), "a[^/]");
  EXPECT_EQ(*regexComponent("\\*(x)", why), "\\*\\(x\\)");
  EXPECT_EQ(*anchoredRegex({"**", ".git", "hooks"}, true, why), "^(/[^/]+)*/\\.git/hooks(/.*)?$");
  EXPECT_EQ(*anchoredRegex({"a", "*"}, false, why), "^/a/[^/]+$");
  EXPECT_EQ(*anchoredRegex({}, true, why), "^/.*$");
  EXPECT_EQ(*floatingRegex({"**", "*.key"}, true, why), "/[^/]*\\.key(/.*)?$");
  EXPECT_EQ(*floatingRegex({"**"}, true, why), "^/");
}

TEST(SbplRegex, BracketMembersAvoidEveryPitfall) {
  std::string why;
  EXPECT_EQ(*regexComponent("[]a]", why), "[]a]");
  EXPECT_EQ(*regexComponent("[a-]", why), "[-a]");
  EXPECT_EQ(*regexComponent("[\\^-]", why), "[-^]");     // `^` never first
  EXPECT_EQ(*regexComponent("[\\]\\^]", why), "[]^]");
  EXPECT_EQ(*regexComponent("[\\[.]", why), "[.[]");      // `[` never before `.`
  EXPECT_EQ(*regexComponent("[\\]-]", why), "[]-]");      // `]` first, `-` last
  EXPECT_EQ(*regexComponent("[!a]", why), "[^/a]");       // a class never matches '/'
  EXPECT_EQ(*regexComponent("[!]-]", why), "[^]/-]");
  EXPECT_EQ(*regexComponent("[a-z]", why), "[a-z]");
  EXPECT_EQ(*regexComponent("[x]", why), "x");
  EXPECT_EQ(*regexComponent("[.]", why), "\\.");
  EXPECT_EQ(*regexComponent("[\\\\a]", why), "(a|\\\\)");
  EXPECT_EQ(*regexComponent("[\\\\]", why), "\\\\");
}

TEST(SbplRegex, RefusesWhatItCannotWriteWithCertainty) {
  std::string why;
  EXPECT_FALSE(regexComponent("[\xc3\xa9]", why)); // bytes of a UTF-8 character in a class
  EXPECT_NE(why.find("printable ASCII"), std::string::npos);
  EXPECT_FALSE(regexComponent("[!\\\\]", why)); // a negated class that excludes '\'
  EXPECT_FALSE(regexComponent("[\"]", why));
  EXPECT_FALSE(regexComponent("**", why));
  EXPECT_FALSE(regexComponent("", why));
  // Literal non-ASCII names are fine: matched byte by byte.
  EXPECT_TRUE(regexComponent("caf\xc3\xa9*", why));
}

TEST(SbplRegex, ComponentsMatchLikeTheGlobMatcher) {
  std::mt19937 rng(3);
  size_t positives = 0;
  for (int n = 0; n < 3000; ++n) {
    std::string glob = randomGlob(rng);
    std::string why;
    auto re = regexComponent(glob, why);
    if (!re) {
      // Only a negated class whose range spans '\' is refused among these.
      EXPECT_TRUE(glob.find("[!") != std::string::npos || glob.find("[^") != std::string::npos) << glob << ": " << why;
      continue;
    }
    Ere ere("^" + *re + "$");
    ASSERT_TRUE(ere.ok()) << glob << " -> " << *re;
    for (int k = 0; k < 30; ++k) {
      std::string name = randomName(rng);
      bool want = fs::matchComponent(glob, name);
      positives += want;
      EXPECT_EQ(ere.matches(name), want) << glob << " -> " << *re << " on '" << name << "'";
    }
  }
  EXPECT_GT(positives, 1000u);
}

TEST(SbplRegex, PatternsMatchLikeThePathMatcher) {
  std::mt19937 rng(5);
  for (int n = 0; n < 1500; ++n) {
    std::vector<std::string> comps;
    for (int k = 0, len = 1 + static_cast<int>(rng() % 4); k < len; ++k) {
      if (rng() % 4 == 0 && (comps.empty() || comps.back() != "**"))
        comps.push_back("**");
      else if (rng() % 2)
        comps.push_back(randomGlob(rng));
      else
        comps.push_back(fs::escapeGlobLiteral(std::string(1, "abx"[rng() % 3])));
    }
    std::string why;
    auto re = anchoredRegex(comps, true, why);
    if (!re)
      continue;
    Ere ere(*re);
    ASSERT_TRUE(ere.ok()) << *re;
    auto floating = floatingRegex(comps, true, why);
    ASSERT_TRUE(floating);
    Ere wide(*floating);
    ASSERT_TRUE(wide.ok()) << *floating;
    fs::PathPattern p;
    p.form = fs::PatternForm::Glob;
    p.components = comps;
    for (int k = 0; k < 40; ++k) {
      std::string path;
      for (int m = 0, len = static_cast<int>(rng() % 5); m < len; ++m)
        path += "/" + (rng() % 2 ? std::string(1, "abx"[rng() % 3]) : randomName(rng));
      if (path.empty())
        path = "/";
      auto norm = fs::normaliseAbsolute(path);
      if (!norm || *norm != path)
        continue; // "." and ".." names
      bool want = fs::patternMatchesPath(p, path);
      EXPECT_EQ(ere.matches(path), want) << *re << " on " << path;
      // The widening matches everything the pattern matches below any
      // prefix.
      if (want) {
        EXPECT_TRUE(wide.matches("/pre/fix" + (path == "/" ? "" : path)))
            << *floating << " on " << path;
      }
    }
  }
}
