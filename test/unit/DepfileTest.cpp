// depfileText: the escapes Ninja, Make and CMake read alike, and a refusal
// (never a mangled path) for what they do not.
#include "compiler/support/Depfile.h"

#include <gtest/gtest.h>

using namespace moat;

namespace {
std::optional<std::string> depfile(llvm::StringRef target, std::vector<std::string> inputs, std::string &error) {
  return depfileText(target, inputs, error);
}
} // namespace

TEST(Depfile, OneLineTargetThenInputsInOrder) {
  std::string error;
  EXPECT_EQ(depfile("out/p.sb", {"/src/p.moat", "/src/common/base.moat"}, error),
            "out/p.sb: /src/p.moat /src/common/base.moat\n");
  EXPECT_EQ(depfile("p.sb", {}, error), "p.sb:\n");
}

TEST(Depfile, SpaceHashAndDollarAreEscaped) {
  std::string error;
  EXPECT_EQ(depfile("my out.sb", {"/a b/c#1.moat", "/x/$HOME.moat"}, error),
            "my\\ out.sb: /a\\ b/c\\#1.moat /x/$$HOME.moat\n");
}

TEST(Depfile, EverydayPunctuationAndUtf8StandForThemselves) {
  std::string error;
  std::string path = "/p/a+b,c=d@e%f~g(h)[i]{j}!k-l_m.n'o\"p&q?r/caf\xc3\xa9.moat";
  EXPECT_EQ(depfile("o", {path}, error), "o: " + path + "\n");
}

TEST(Depfile, WhatNoReaderAgreesOnIsRefused) {
  for (const char *bad : {"/a\\b", "/a\tb", "/a\nb", "/a*b", "/a;b", "/a|b", "/a<b", "/a>b", "/a^b", "/a`b",
                          "/a\x01z", "/ends:"}) {
    std::string error;
    EXPECT_EQ(depfile("o", {bad}, error), std::nullopt) << bad;
    EXPECT_NE(error.find("/"), std::string::npos) << "the message names the path: " << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << "one line: " << error;
    error.clear();
    EXPECT_EQ(depfile(bad, {"/ok"}, error), std::nullopt) << "as the target too: " << bad;
  }
  std::string error;
  EXPECT_EQ(depfile("o", {""}, error), std::nullopt);
}

TEST(Depfile, AColonInsideAPathIsKept) {
  std::string error;
  EXPECT_EQ(depfile("o", {"/a:b/c.moat"}, error), "o: /a:b/c.moat\n");
}

TEST(Depfile, AFileReadTwiceIsListedOnce) {
  std::string error;
  EXPECT_EQ(depfile("o", {"/p.moat", "/a.moat", "/shared.moat", "/b.moat", "/shared.moat"}, error),
            "o: /p.moat /a.moat /shared.moat /b.moat\n");
}
