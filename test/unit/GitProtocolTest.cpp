// The git proxy's protocol readers and decisions as pure functions:
// pkt-lines, receive-pack commands, the refusal report, routes, gzip
// bodies and the push verdicts (runtime/git).
#include "runtime/git/ByteStream.h"
#include "runtime/git/GitCheck.h"
#include "runtime/git/GitLaunch.h"
#include "runtime/git/GitRoute.h"
#include "runtime/git/PktLine.h"
#include "runtime/git/ReceivePack.h"
#include "compiler/fs/PathPattern.h"

#include "TestScratch.h"

#include <gtest/gtest.h>
#include <zlib.h>

using namespace moat;
using namespace moat::runtime::git;

namespace {

const std::string kZero(40, '0');
const std::string kA(40, 'a'), kB(40, 'b');

std::string command(const std::string &oldId, const std::string &newId, const std::string &ref,
                    const std::string &caps = "") {
  return pktLine(oldId + " " + newId + " " + ref + (caps.empty() ? "" : std::string(1, '\0') + caps) + "\n");
}

ir::Policy policyWithBlock() {
  ir::Policy policy;
  ir::GitBlock block;
  ir::GitRemote remote;
  remote.url = "https://git.example.com/org/repo";
  remote.text = "https://git.example.com/org/repo.git";
  remote.fetch = true;
  remote.push = true;
  block.remotes.push_back(remote);
  ir::GitRemote readOnly;
  readOnly.url = "https://git.example.com/org/docs";
  readOnly.text = readOnly.url;
  readOnly.fetch = true;
  ir::GitBlock other;
  other.remotes.push_back(readOnly);
  ir::GitRefPattern agent;
  agent.pattern = "refs/heads/agent/*";
  block.push.push_back(agent);
  policy.git.push_back(block);
  policy.git.push_back(other);
  return policy;
}

} // namespace

TEST(GitPktLine, ReadsStrictly) {
  std::string error;
  size_t used = 0;
  auto line = readPktLine("0009hello0000", used, error);
  ASSERT_TRUE(line);
  EXPECT_EQ(line->payload, "hello");
  EXPECT_EQ(used, 9u);
  EXPECT_EQ(readPktLine("0000", used, error)->kind, PktLine::Kind::Flush);
  EXPECT_EQ(readPktLine("0001", used, error)->kind, PktLine::Kind::Delim);
  EXPECT_FALSE(readPktLine("0003", used, error));
  EXPECT_FALSE(readPktLine("00zz", used, error));
  EXPECT_FALSE(readPktLine("000ahi", used, error)); // truncated
  EXPECT_FALSE(readPktLine("fff1", used, error));   // over 65520
  EXPECT_FALSE(readPktLine("00", used, error));
  std::vector<PktLine> lines;
  EXPECT_TRUE(readAllPktLines("0009hello00000006a\n", lines, error));
  EXPECT_EQ(lines.size(), 3u);
  lines.clear();
  EXPECT_FALSE(readAllPktLines("0009hello0", lines, error));
  EXPECT_EQ(pktLine("a\n"), "0006a\n");
}

TEST(GitReceivePack, ParsesCommandsCapabilitiesAndPackOffset) {
  std::string body = command(kA, kB, "refs/heads/agent/x", "report-status side-band-64k agent=git/2") +
                     command(kZero, kA, "refs/heads/agent/y") + "0000PACKrest";
  std::string error;
  auto request = parseReceivePack(body, error);
  ASSERT_TRUE(request) << error;
  ASSERT_EQ(request->updates.size(), 2u);
  EXPECT_EQ(request->updates[0].oldId, kA);
  EXPECT_EQ(request->updates[0].ref, "refs/heads/agent/x");
  EXPECT_TRUE(request->hasCapability("report-status"));
  EXPECT_EQ(body.substr(request->packOffset), "PACKrest");
  // push options sit between the commands and the pack
  std::string withOptions = command(kA, kB, "refs/heads/agent/x", "push-options") + "0000" + pktLine("ci.skip") +
                            "0000PACK";
  request = parseReceivePack(withOptions, error);
  ASSERT_TRUE(request) << error;
  EXPECT_EQ(withOptions.substr(request->packOffset), "PACK");
}

TEST(GitReceivePack, RefusesWhatItDoesNotUnderstand) {
  std::string error;
  EXPECT_FALSE(parseReceivePack("0000", error));                                       // no commands
  EXPECT_FALSE(parseReceivePack(command(kA, kB, "refs/heads/x") , error));              // no flush
  EXPECT_FALSE(parseReceivePack(command(kA, kB.substr(1) + "g", "refs/heads/x") + "0000", error));
  EXPECT_FALSE(parseReceivePack(command(kA, kB, "HEAD") + "0000", error));
  EXPECT_FALSE(parseReceivePack(command(kA, kB, "refs/heads/../x") + "0000", error));
  EXPECT_FALSE(parseReceivePack(command(kZero, kZero, "refs/heads/x") + "0000", error));
  EXPECT_FALSE(parseReceivePack(pktLine("shallow " + kA) + command(kA, kB, "refs/heads/x") + "0000", error));
  EXPECT_FALSE(parseReceivePack(command(kA, kB, "refs/heads/x", "object-format=md5") + "0000", error));
  // SHA-256: 64-hex ids
  std::string a64(64, 'a'), b64(64, 'b');
  auto request = parseReceivePack(command(a64, b64, "refs/heads/x", "object-format=sha256") + "0000", error);
  ASSERT_TRUE(request) << error;
  EXPECT_EQ(request->format, ObjectFormat::Sha256);
  EXPECT_FALSE(parseReceivePack(command(kA, kB, "refs/heads/x", "object-format=sha256") + "0000", error));
}

TEST(GitReceivePack, RefusalReportInSideBand) {
  std::string error;
  auto request = parseReceivePack(command(kA, kB, "refs/heads/main", "report-status side-band-64k") + "0000", error);
  ASSERT_TRUE(request);
  std::string body = receivePackRefusalBody(*request, {{"refs/heads/main", "no pattern"}});
  // band 2 (progress), band 1 (the report), flush
  std::vector<PktLine> outer;
  ASSERT_TRUE(readAllPktLines(body, outer, error)) << error;
  ASSERT_EQ(outer.size(), 3u);
  EXPECT_EQ(outer[0].payload[0], '\x02');
  EXPECT_EQ(outer[1].payload[0], '\x01');
  std::vector<PktLine> report;
  ASSERT_TRUE(readAllPktLines(outer[1].payload.substr(1), report, error)) << error;
  ASSERT_EQ(report.size(), 3u);
  EXPECT_EQ(report[0].payload, "unpack ok\n");
  EXPECT_EQ(report[1].payload, "ng refs/heads/main moat: no pattern\n");
}

TEST(GitRoute, RecognisesOnlySmartHttpEndpoints) {
  std::string error;
  auto route = routeGitRequest("GET", "http://moat-git.invalid/https/git.example.com/org/repo.git/info/refs?service=git-upload-pack", error);
  ASSERT_TRUE(route) << error;
  EXPECT_TRUE(route->advertisement);
  EXPECT_EQ(route->remoteUrl, "https://git.example.com/org/repo.git");
  EXPECT_EQ(route->upstreamTarget, "/org/repo.git/info/refs?service=git-upload-pack");
  EXPECT_EQ(route->authority, "git.example.com");
  route = routeGitRequest("POST", "http://moat-git.invalid/http/127.0.0.1:8080/repo/git-receive-pack", error);
  ASSERT_TRUE(route) << error;
  EXPECT_EQ(route->service, GitService::ReceivePack);
  EXPECT_EQ(route->upstreamTarget, "/repo/git-receive-pack");
  EXPECT_FALSE(routeGitRequest("GET", "http://moat-git.invalid/https/h/repo/info/refs", error)); // dumb http
  EXPECT_FALSE(routeGitRequest("GET", "http://moat-git.invalid/https/h/repo/objects/info/packs", error));
  EXPECT_FALSE(routeGitRequest("GET", "http://moat-git.invalid/https/h/repo/git-upload-pack", error));
  EXPECT_FALSE(routeGitRequest("POST", "http://moat-git.invalid/ftp/h/repo/git-upload-pack", error));
  EXPECT_FALSE(routeGitRequest("POST", "http://moat-git.invalid/https/h/git-upload-pack", error)); // no repo path
  EXPECT_FALSE(routeGitRequest("GET", "http://example.com/repo/info/refs?service=git-upload-pack", error));
}

TEST(GitCheck, RemotesAndServices) {
  ir::Policy policy = policyWithBlock();
  std::string error;
  auto route = [&](const char *method, const std::string &target) { return *routeGitRequest(method, target, error); };
  EXPECT_TRUE(decideRemote(policy, route("GET", "http://moat-git.invalid/https/GIT.example.com:443/org/repo/info/refs?service=git-receive-pack")).allowed);
  GitVerdict other = decideRemote(policy, route("POST", "http://moat-git.invalid/https/git.example.com/org/other/git-upload-pack"));
  EXPECT_FALSE(other.allowed);
  EXPECT_EQ(other.canonicalUrl, "https://git.example.com/org/other");
  EXPECT_FALSE(decideRemote(policy, route("POST", "http://moat-git.invalid/https/git.example.com/org/docs/git-receive-pack")).allowed);
  EXPECT_TRUE(decideRemote(policy, route("POST", "http://moat-git.invalid/https/git.example.com/org/docs/git-upload-pack")).allowed);
  EXPECT_FALSE(decideRemote(policy, route("POST", "http://moat-git.invalid/https/git.example.com/org/%72epo/git-upload-pack")).allowed);
}

TEST(GitCheck, PushVerdicts) {
  ir::Policy policy = policyWithBlock();
  ir::GitBlock &block = policy.git[0];
  std::string error;
  std::string body = command(kZero, kA, "refs/heads/agent/new", "report-status") + command(kA, kZero, "refs/heads/agent/old") +
                     command(kA, kB, "refs/heads/main") + command(kZero, kA, "refs/tags/v1") +
                     command(kA, kB, "refs/heads/agent/forced") + "0000";
  auto request = parseReceivePack(body, error);
  ASSERT_TRUE(request) << error;
  auto verdicts = decidePush(block, *request, "");
  ASSERT_EQ(verdicts.size(), 5u);
  EXPECT_TRUE(verdicts[0].allowed);  // creation
  EXPECT_FALSE(verdicts[1].allowed); // deletion
  EXPECT_FALSE(verdicts[2].allowed); // default branch
  EXPECT_FALSE(verdicts[3].allowed); // tag
  EXPECT_FALSE(verdicts[4].allowed); // no pack: cannot prove a fast-forward
  EXPECT_NE(verdicts[4].reason.find("force push"), std::string::npos);
  block.allowDelete = true;
  block.allowForcePush = true;
  verdicts = decidePush(block, *request, "");
  EXPECT_TRUE(verdicts[1].allowed);
  EXPECT_TRUE(verdicts[4].allowed);
  EXPECT_FALSE(verdicts[3].allowed);
}

TEST(GitBody, GunzipIsBounded) {
  std::string plain(100000, 'z');
  z_stream z{};
  ASSERT_EQ(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string packed(deflateBound(&z, plain.size()), '\0');
  z.next_in = reinterpret_cast<Bytef *>(plain.data());
  z.avail_in = static_cast<uInt>(plain.size());
  z.next_out = reinterpret_cast<Bytef *>(packed.data());
  z.avail_out = static_cast<uInt>(packed.size());
  ASSERT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  packed.resize(z.total_out);
  deflateEnd(&z);
  std::string error;
  auto out = gunzip(packed, 1 << 20, error);
  ASSERT_TRUE(out) << error;
  EXPECT_EQ(*out, plain);
  EXPECT_FALSE(gunzip(packed, 1000, error)); // over the bound
  EXPECT_FALSE(gunzip(packed.substr(0, packed.size() - 5), 1 << 20, error));
  EXPECT_FALSE(gunzip("not gzip", 1 << 20, error));
}

TEST(GitLaunch, ConfigEnvironmentAppendsAfterTheUsersAndRoutesEveryRemoteHost) {
  ir::Policy policy = policyWithBlock();
  moat::runtime::proxy::Credential credential{};
  credential[0] = 0xab;
  auto env = gitConfigEnvironment(policy, credential, "http://127.0.0.1:3128", std::string("2"));
  std::map<std::string, std::string> byName(env.begin(), env.end());
  EXPECT_EQ(byName["GIT_CONFIG_KEY_2"], "url.http://moat-git.invalid/https/git.example.com/.insteadOf");
  EXPECT_EQ(byName["GIT_CONFIG_VALUE_2"], "https://git.example.com/");
  size_t count = std::stoul(byName["GIT_CONFIG_COUNT"]);
  EXPECT_EQ(byName.count("GIT_CONFIG_KEY_" + std::to_string(count - 1)), 1u);
  EXPECT_EQ(byName.count("GIT_CONFIG_KEY_" + std::to_string(count)), 0u);
  EXPECT_EQ(byName.count("GIT_CONFIG_KEY_1"), 0u);
  bool helperReset = false, helper = false;
  for (size_t i = 2; i < count; ++i) {
    std::string key = byName["GIT_CONFIG_KEY_" + std::to_string(i)];
    std::string value = byName["GIT_CONFIG_VALUE_" + std::to_string(i)];
    if (key == "credential.http://moat-git.invalid.helper") {
      (value.empty() ? helperReset : helper) = true;
      EXPECT_TRUE(value.empty() || helperReset) << "the reset must come first";
      if (!value.empty()) {
        EXPECT_NE(value.find(moat::runtime::proxy::credentialToken(credential)), std::string::npos);
      }
    }
  }
  EXPECT_TRUE(helperReset && helper);
}

TEST(GitLaunch, TokensAreReadOnTheHostAndHiddenFromTheSandbox) {
  ir::Policy policy = policyWithBlock();
  ir::GitToken fromEnv;
  fromEnv.envName = "MOAT_UNIT_GIT_TOKEN";
  policy.git[0].token = fromEnv;
  eval::Bindings bindings;
  std::string error;
  auto environment = [](const std::string &name) -> std::optional<std::string> {
    if (name == "MOAT_UNIT_GIT_TOKEN")
      return std::string("secret-value\n");
    return std::nullopt;
  };
  auto location = [](const SourceLoc &) { return std::string("p.moat:1:1"); };
  auto launch = prepareGitLaunch(policy, bindings, "http://127.0.0.1:3128", environment, location, error);
  ASSERT_TRUE(launch) << error;
  EXPECT_TRUE(launch->active);
  ASSERT_EQ(launch->tokens.size(), 1u);
  const auto &[block, credential] = *launch->tokens.begin();
  EXPECT_EQ(block, &launch->policy.git[0]); // keyed by the launch's own copy
  EXPECT_EQ(credential.first, "x-access-token");
  EXPECT_EQ(credential.second, "secret-value");
  EXPECT_EQ(launch->unsetenv, std::vector<std::string>{"MOAT_UNIT_GIT_TOKEN"});
  for (const auto &[name, value] : launch->setenv)
    EXPECT_EQ(value.find("secret-value"), std::string::npos) << name;
  GitLaunch moved = std::move(*launch);
  EXPECT_EQ(moved.tokens.begin()->first, &moved.policy.git[0]); // moves keep the blocks where they are

  // Missing: refused with the block's location.
  auto none = [](const std::string &) -> std::optional<std::string> { return std::nullopt; };
  EXPECT_FALSE(prepareGitLaunch(policy, bindings, "http://127.0.0.1:3128", none, location, error));
  EXPECT_NE(error.find("p.moat:1:1: the git token variable MOAT_UNIT_GIT_TOKEN is not set"), std::string::npos)
      << error;

  // A token file: read, and an always deny-write and deny-read of it added to the plan's policy.
  std::string path = moat::test::scratchFile("token", "", "file-secret\n");
  ir::GitToken fromFile;
  fromFile.kind = ir::GitToken::Kind::File;
  fromFile.file = *fs::parsePathPattern(path, true, "", error);
  fromFile.fileText = path;
  fromFile.user = "bot";
  policy.git[0].token = fromFile;
  size_t rulesBefore = policy.fsRules.size();
  launch = prepareGitLaunch(policy, bindings, "http://127.0.0.1:3128", none, location, error);
  ASSERT_TRUE(launch) << error;
  EXPECT_EQ(launch->tokens.begin()->second, std::make_pair(std::string("bot"), std::string("file-secret")));
  ASSERT_EQ(launch->policy.fsRules.size(), rulesBefore + 2);
  for (ir::Access access : {ir::Access::Write, ir::Access::Read}) {
    const ir::FsRule &hide = launch->policy.fsRules[rulesBefore + (access == ir::Access::Write ? 0 : 1)];
    EXPECT_EQ(hide.effect, ir::Effect::Deny);
    EXPECT_EQ(hide.access, access);
    EXPECT_EQ(hide.tier, ir::Tier::Always);
    EXPECT_EQ(hide.pattern, fromFile.file);
  }
  EXPECT_TRUE(launch->unsetenv.empty());
  fromFile.file = *fs::parsePathPattern(path + "-missing", true, "", error);
  policy.git[0].token = fromFile;
  EXPECT_FALSE(prepareGitLaunch(policy, bindings, "http://127.0.0.1:3128", none, location, error));
  EXPECT_NE(error.find("cannot read the token file"), std::string::npos) << error;

  // No git block: nothing to do.
  launch = prepareGitLaunch(ir::Policy(), bindings, "http://127.0.0.1:3128", none, location, error);
  ASSERT_TRUE(launch);
  EXPECT_FALSE(launch->active);
}
