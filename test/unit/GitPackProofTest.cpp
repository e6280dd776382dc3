// The git proxy's fast-forward proof (runtime/git/PackProof.h) against
// packs made by real git: plain, thin, deltified (OFS_DELTA and REF_DELTA
// commits), and SHA-256 repositories.
#include "runtime/git/GitCheck.h"
#include "runtime/git/PackProof.h"

#include "TestScratch.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

using namespace moat::runtime::git;

namespace {

// Runs a shell command in `dir`, returns its stdout (the test fails on a
// non-zero status).
std::string sh(const std::string &dir, const std::string &command) {
  std::string full = "cd '" + dir + "' && { " + command + " ; } 2>/dev/null";
  FILE *pipe = ::popen(full.c_str(), "r");
  std::string out;
  char buffer[65536];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
    out.append(buffer, n);
  int status = ::pclose(pipe);
  EXPECT_EQ(status, 0) << command;
  return out;
}

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return text;
}

class GitPackProofTest : public ::testing::Test {
protected:
  std::string repo(const std::string &name, const std::string &format = "sha1") {
    std::string dir = moat::test::ProcessScratch::dir() + "/" + name;
    sh(moat::test::ProcessScratch::dir(), "rm -rf " + name + " && git init -q --object-format=" + format + " " + name);
    sh(dir, "git config user.email t@example.com && git config user.name t && git config commit.gpgsign false");
    return dir;
  }
  // A commit with a long message (so that git deltifies commits against
  // each other), returning its id.
  std::string commit(const std::string &dir, const std::string &label) {
    std::string body(3000, 'x');
    sh(dir, "echo " + label + " > f && git add f && git commit -q -m '" + label + "' -m '" + body + "'");
    return trim(sh(dir, "git rev-parse HEAD"));
  }
  std::string pack(const std::string &dir, const std::string &revs, const std::string &options = "") {
    return sh(dir, "printf '" + revs + "' | git pack-objects -q --revs --stdout " + options);
  }
};

} // namespace

TEST_F(GitPackProofTest, LinearHistoryIsProvenAndRewrittenHistoryIsNot) {
  std::string dir = repo("linear");
  std::string c1 = commit(dir, "one"), c2 = commit(dir, "two"), c3 = commit(dir, "three");
  sh(dir, "git checkout -q -b rewrite " + c1);
  std::string r2 = commit(dir, "rewritten");
  std::string bytes = pack(dir, c3 + "\\n^" + c1 + "\\n");
  std::string error, why;
  auto commits = PackCommits::read(bytes, ObjectFormat::Sha1, error);
  ASSERT_TRUE(commits) << error;
  EXPECT_EQ(commits->size(), 2u);
  EXPECT_TRUE(commits->proves(c1, c3, why)) << why;
  EXPECT_TRUE(commits->proves(c2, c3, why)) << why;
  // c3 is not an ancestor of r2: a force push from c3 to r2.
  std::string forced = pack(dir, r2 + "\\n^" + c1 + "\\n");
  auto rewritten = PackCommits::read(forced, ObjectFormat::Sha1, error);
  ASSERT_TRUE(rewritten) << error;
  EXPECT_FALSE(rewritten->proves(c3, r2, why));
  EXPECT_NE(why.find("does not descend"), std::string::npos) << why;
  // A new commit that is not in the pack cannot be checked.
  EXPECT_FALSE(commits->proves(c1, r2, why));
  EXPECT_NE(why.find("not in the pushed pack"), std::string::npos) << why;
}

TEST_F(GitPackProofTest, ThinAndDeltifiedPacks) {
  std::string dir = repo("delta");
  std::string base = commit(dir, "base");
  std::string last;
  for (int i = 0; i < 6; ++i)
    last = commit(dir, "c" + std::to_string(i));
  for (const char *options : {"--thin", "--window=50 --depth=50", "--no-delta-base-offset --window=50",
                              "--thin --no-delta-base-offset"}) {
    std::string bytes = pack(dir, last + "\\n^" + base + "\\n", options);
    std::string error, why;
    auto commits = PackCommits::read(bytes, ObjectFormat::Sha1, error);
    ASSERT_TRUE(commits) << options << ": " << error;
    EXPECT_EQ(commits->size(), 6u) << options;
    EXPECT_TRUE(commits->proves(base, last, why)) << options << ": " << why;
  }
  // The commits really were deltified (so delta resolution was exercised).
  sh(dir, "git repack -adq --window=50 --depth=50");
  std::string verify = sh(dir, "git verify-pack -v .git/objects/pack/*.idx");
  EXPECT_NE(verify.find(" commit "), std::string::npos);
  bool deltaCommit = false;
  for (size_t at = 0; (at = verify.find(" commit ", at)) != std::string::npos; ++at) {
    size_t end = verify.find('\n', at);
    std::string line = verify.substr(at, end - at);
    if (std::count(line.begin(), line.end(), ' ') >= 6)
      deltaCommit = true;
  }
  EXPECT_TRUE(deltaCommit) << "git made no commit delta; the test no longer covers delta resolution";
}

TEST_F(GitPackProofTest, Sha256Repositories) {
  std::string dir = repo("sha256", "sha256");
  std::string c1 = commit(dir, "one"), c2 = commit(dir, "two");
  ASSERT_EQ(c2.size(), 64u);
  std::string error, why;
  auto commits = PackCommits::read(pack(dir, c2 + "\\n^" + c1 + "\\n"), ObjectFormat::Sha256, error);
  ASSERT_TRUE(commits) << error;
  EXPECT_TRUE(commits->proves(c1, c2, why)) << why;
  EXPECT_EQ(objectId(ObjectFormat::Sha256, "commit", sh(dir, "git cat-file commit " + c2)), c2);
}

TEST_F(GitPackProofTest, MalformedPacksAreNotProof) {
  std::string dir = repo("broken");
  std::string c1 = commit(dir, "one"), c2 = commit(dir, "two");
  std::string bytes = pack(dir, c2 + "\\n^" + c1 + "\\n");
  std::string error;
  EXPECT_FALSE(PackCommits::read("", ObjectFormat::Sha1, error));
  EXPECT_FALSE(PackCommits::read(bytes.substr(0, bytes.size() / 2), ObjectFormat::Sha1, error));
  std::string corrupt = bytes;
  corrupt[14] = static_cast<char>(corrupt[14] ^ 0x55);
  EXPECT_FALSE(PackCommits::read(corrupt, ObjectFormat::Sha1, error));
  std::string count = bytes;
  count[11] = static_cast<char>(count[11] + 5); // more objects than present
  EXPECT_FALSE(PackCommits::read(count, ObjectFormat::Sha1, error));
}

TEST(GitDelta, AppliesCopiesAndInsertsAndRefusesOverruns) {
  std::string error;
  // base "hello world", result "hello git": sizes 11 and 9, copy 6 from 0, insert "git".
  std::string delta = std::string("\x0b\x09", 2) + std::string("\x90\x06", 2) + "\x03git";
  auto out = applyDelta("hello world", delta, error);
  ASSERT_TRUE(out) << error;
  EXPECT_EQ(*out, "hello git");
  std::string overrun = std::string("\x0b\x09", 2) + std::string("\x91\x08\x06", 3) + "\x03git";
  EXPECT_FALSE(applyDelta("hello world", overrun, error));
  EXPECT_FALSE(applyDelta("hello", delta, error)); // base size mismatch
}
