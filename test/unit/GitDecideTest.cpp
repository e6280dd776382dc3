// eval/GitDecide: one reading of a remote URL and of a push pattern for
// sema, lint and the git proxy.
#include "compiler/eval/GitDecide.h"

#include <gtest/gtest.h>

using namespace moat;

namespace {

std::string canonical(const char *url) {
  std::string error;
  auto out = eval::canonicalGitRemote(url, error);
  return out ? *out : "error: " + error;
}

TEST(GitDecide, CanonicalRemoteFoldsSpellingsOfOneRepository) {
  EXPECT_EQ(canonical("https://github.com/org/repo"), "https://github.com/org/repo");
  EXPECT_EQ(canonical("HTTPS://GitHub.COM:443/org/repo.git/"), "https://github.com/org/repo");
  EXPECT_EQ(canonical("https://github.com./org/repo.git"), "https://github.com/org/repo");
  EXPECT_EQ(canonical("http://127.1:8080/repo.git"), "http://127.0.0.1:8080/repo");
  EXPECT_EQ(canonical("http://[::1]:80/r"), "http://[::1]/r");
  EXPECT_EQ(canonical("https://example.com:8443/a/b/c"), "https://example.com:8443/a/b/c");
}

TEST(GitDecide, CanonicalRemoteRefusesWhatCouldBeReadTwoWays) {
  for (const char *bad : {"ssh://github.com/org/repo", "git@github.com:org/repo", "https://user:pw@github.com/o/r",
                          "https://github.com/o/r?x=1", "https://github.com/o/r#f", "https://github.com/o/%72",
                          "https://github.com/o/../r", "https://github.com//r", "https://github.com/",
                          "https://github.com", "https://github.com:0/r", "https://github.com:99999/r",
                          "https://git hub.com/r", "https://github.com/o\\r", "https://[::1/r"})
    EXPECT_EQ(canonical(bad).rfind("error: ", 0), 0u) << bad << " -> " << canonical(bad);
}

TEST(GitDecide, RemoteAddressReadsTheCanonicalUrl) {
  auto https = eval::gitRemoteAddress("https://github.com/org/repo");
  ASSERT_TRUE(https);
  EXPECT_EQ(https->scheme, "https");
  EXPECT_EQ(https->host.text(), "github.com");
  EXPECT_EQ(https->port, 443);
  auto v6 = eval::gitRemoteAddress(canonical("http://[::1]:8080/r"));
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host.text(), "[::1]");
  EXPECT_EQ(v6->port, 8080);
  EXPECT_EQ(eval::gitRemoteAddress("http://127.0.0.1/r")->port, 80);
  EXPECT_FALSE(eval::gitRemoteAddress("ssh://github.com/r"));
  EXPECT_FALSE(eval::gitRemoteAddress("https://github.com:99999/r"));
}

TEST(GitDecide, LoopbackHosts) {
  for (const char *url : {"http://127.0.0.1/r", "http://127.9.8.7:81/r", "http://[::1]/r", "http://localhost/r",
                          "http://git.localhost/r"})
    EXPECT_TRUE(eval::isLoopbackHost(eval::gitRemoteAddress(canonical(url))->host)) << url;
  for (const char *url : {"http://128.0.0.1/r", "http://[::2]/r", "http://localhost.example/r",
                          "http://10.0.0.1/r", "http://[::ffff:10.0.0.1]/r"})
    EXPECT_FALSE(eval::isLoopbackHost(eval::gitRemoteAddress(canonical(url))->host)) << url;
}

TEST(GitDecide, RefPatterns) {
  std::string error;
  EXPECT_TRUE(eval::validGitRefPattern("refs/heads/agent/*", error));
  EXPECT_TRUE(eval::validGitRefPattern("refs/**", error));
  EXPECT_FALSE(eval::validGitRefPattern("heads/main", error));
  EXPECT_FALSE(eval::validGitRefPattern("refs//main", error));
  EXPECT_FALSE(eval::validGitRefPattern("refs/heads/[", error));

  EXPECT_TRUE(eval::gitRefPatternMatches("refs/heads/agent/*", "refs/heads/agent/fix"));
  EXPECT_FALSE(eval::gitRefPatternMatches("refs/heads/agent/*", "refs/heads/agent/a/b"));
  EXPECT_FALSE(eval::gitRefPatternMatches("refs/heads/agent/*", "refs/heads/main"));
  EXPECT_TRUE(eval::gitRefPatternMatches("refs/heads/**", "refs/heads/a/b/c"));
  EXPECT_FALSE(eval::gitRefPatternMatches("refs/heads/*", "refs/heads//x"));
}

TEST(GitDecide, TagsNeedATagPattern) {
  ir::GitBlock block;
  block.push.push_back({"refs/**", {}});
  EXPECT_NE(eval::allowedPushPattern(block, "refs/heads/x"), nullptr);
  EXPECT_EQ(eval::allowedPushPattern(block, "refs/tags/v1"), nullptr);
  block.push.push_back({"refs/tags/v*", {}});
  EXPECT_NE(eval::allowedPushPattern(block, "refs/tags/v1"), nullptr);
  EXPECT_EQ(eval::allowedPushPattern(block, "refs/tags/x1"), nullptr);
}

TEST(GitDecide, FindRemote) {
  ir::Policy policy;
  ir::GitBlock block;
  ir::GitRemote remote;
  remote.url = "https://github.com/org/repo";
  block.remotes.push_back(remote);
  policy.git.push_back(block);
  EXPECT_TRUE(eval::findGitRemote(policy, "https://github.com/org/repo"));
  EXPECT_FALSE(eval::findGitRemote(policy, "https://github.com/org/other"));
}

} // namespace
