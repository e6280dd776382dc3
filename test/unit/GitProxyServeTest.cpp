// The git proxy's HTTP side over a socketpair, for what it refuses before
// anything reaches a remote: the session credential (none, another
// session's), paths other than smart HTTP, remotes no block names, bodies
// it will not read. Allowed requests and real remotes are test/git-proxy's.
#include "runtime/git/GitProxy.h"

#include "TestScratch.h"

#include <gtest/gtest.h>
#include <llvm/Support/Base64.h>

#include <fstream>
#include <sstream>
#include <sys/socket.h>
#include <unistd.h>

using namespace moat;
using namespace moat::runtime;

namespace {

class GitProxyServeTest : public ::testing::Test {
protected:
  void SetUp() override {
    ir::GitBlock block;
    ir::GitRemote remote;
    remote.url = "https://git.example.com/org/repo";
    remote.text = remote.url;
    remote.fetch = true;
    remote.push = true;
    block.remotes.push_back(remote);
    ir::GitRefPattern agent;
    agent.pattern = "refs/heads/agent/*";
    block.push.push_back(agent);
    policy_.git.push_back(block);
    credential_.fill(7);
    logPath_ = test::scratchFile("git-proxy-log", ".jsonl", "");
    std::string error;
    auto log = EventLog::open(logPath_, false, error);
    ASSERT_TRUE(log) << error;
    log_ = std::move(*log);
    git::GitProxyConfig config;
    config.policy = &policy_;
    config.credential = credential_;
    config.log = &log_;
    proxy_ = git::GitProxy::create(std::move(config), error);
    ASSERT_TRUE(proxy_) << error;
  }

  // Sends `request` on a fresh connection and returns everything the proxy
  // answers until it closes.
  std::string exchange(const std::string &request) {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    proxy_->serve(fds[0], "");
    EXPECT_EQ(::write(fds[1], request.data(), request.size()), static_cast<ssize_t>(request.size()));
    ::shutdown(fds[1], SHUT_WR);
    std::string reply;
    char buffer[4096];
    timeval tv{5, 0};
    ::setsockopt(fds[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t n;
    while ((n = ::read(fds[1], buffer, sizeof buffer)) > 0)
      reply.append(buffer, static_cast<size_t>(n));
    ::close(fds[1]);
    return reply;
  }

  std::string authorization(const std::string &user, const std::string &password) {
    return "Authorization: Basic " + llvm::encodeBase64(user + ":" + password) + "\r\n";
  }
  std::string own() { return authorization("moat", proxy::credentialToken(credential_)); }

  std::string logText() {
    proxy_->stop();
    std::ifstream in(logPath_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  ir::Policy policy_;
  proxy::Credential credential_{};
  std::string logPath_;
  EventLog log_;
  std::unique_ptr<git::GitProxy> proxy_;
};

const std::string kInfoRefs =
    "GET http://moat-git.invalid/https/git.example.com/org/repo/info/refs?service=git-upload-pack HTTP/1.1\r\n"
    "Host: moat-git.invalid\r\n";

} // namespace

TEST_F(GitProxyServeTest, WithoutTheCredentialGitIsChallenged) {
  std::string reply = exchange(kInfoRefs + "\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 401 ", 0), 0u) << reply;
  EXPECT_NE(reply.find("WWW-Authenticate: Basic realm=\"moat git\""), std::string::npos) << reply;
}

TEST_F(GitProxyServeTest, AnotherSessionsCredentialIsRefusedAndLogged) {
  proxy::Credential other{};
  other.fill(8);
  std::string reply = exchange(kInfoRefs + authorization("moat", proxy::credentialToken(other)) + "\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 401 ", 0), 0u) << reply;
  // Twice the header is no better than once wrong.
  reply = exchange(kInfoRefs + own() + own() + "\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 401 ", 0), 0u) << reply;
  std::string log = logText();
  EXPECT_NE(log.find("wrong git proxy credential"), std::string::npos) << log;
  EXPECT_NE(log.find("\"kind\":\"git\""), std::string::npos) << log;
}

TEST_F(GitProxyServeTest, OnlySmartHttpForNamedRemotes) {
  std::string dumb = "GET http://moat-git.invalid/https/git.example.com/org/repo/info/refs HTTP/1.1\r\n" + own() + "\r\n";
  EXPECT_EQ(exchange(dumb).rfind("HTTP/1.1 403 ", 0), 0u);
  std::string objects =
      "GET http://moat-git.invalid/https/git.example.com/org/repo/objects/info/packs HTTP/1.1\r\n" + own() + "\r\n";
  EXPECT_EQ(exchange(objects).rfind("HTTP/1.1 403 ", 0), 0u);
  std::string other = "GET http://moat-git.invalid/https/git.example.com/org/other/info/refs?service=git-upload-pack "
                      "HTTP/1.1\r\n" + own() + "\r\n";
  std::string reply = exchange(other);
  EXPECT_EQ(reply.rfind("HTTP/1.1 403 ", 0), 0u) << reply;
  EXPECT_NE(reply.find("no git block names this remote"), std::string::npos) << reply;
  EXPECT_NE(logText().find("\"target\":\"https://git.example.com/org/other\""), std::string::npos);
}

TEST_F(GitProxyServeTest, BodiesItWillNotReadAreRefused) {
  std::string post = "POST http://moat-git.invalid/https/git.example.com/org/repo/git-receive-pack HTTP/1.1\r\n" + own();
  // Both framings at once: a smuggling attempt.
  EXPECT_EQ(exchange(post + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0000").rfind("HTTP/1.1 400 ", 0), 0u);
  // Neither.
  EXPECT_EQ(exchange(post + "\r\n").rfind("HTTP/1.1 411 ", 0), 0u);
  // A malformed chunk size.
  EXPECT_EQ(exchange(post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n").rfind("HTTP/1.1 400 ", 0), 0u);
  // Larger than the push limit (checked before reading it).
  EXPECT_EQ(exchange(post + "Content-Length: 999999999999\r\n\r\n").rfind("HTTP/1.1 413 ", 0), 0u);
  // A body that is not pkt-lines.
  std::string reply = exchange(post + "Content-Length: 5\r\n\r\nhello");
  EXPECT_EQ(reply.rfind("HTTP/1.1 403 ", 0), 0u) << reply;
  EXPECT_NE(reply.find("push refused"), std::string::npos) << reply;
  // An encoding it does not speak.
  EXPECT_EQ(exchange(post + "Content-Length: 4\r\nContent-Encoding: br\r\n\r\n0000").rfind("HTTP/1.1 415 ", 0), 0u);
}

TEST_F(GitProxyServeTest, ARefusedPushIsAnsweredInGitsOwnReport) {
  std::string zero(40, '0'), a(40, 'a');
  std::string line = zero + " " + a + " refs/heads/main" + std::string(1, '\0') + "report-status side-band-64k\n";
  char length[5];
  std::snprintf(length, sizeof length, "%04zx", line.size() + 4);
  std::string body = std::string(length) + line + "0000";
  std::string reply =
      exchange("POST http://moat-git.invalid/https/git.example.com/org/repo/git-receive-pack HTTP/1.1\r\n" + own() +
               "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(reply.rfind("HTTP/1.1 200 OK", 0), 0u) << reply;
  EXPECT_NE(reply.find("application/x-git-receive-pack-result"), std::string::npos);
  EXPECT_NE(reply.find("ng refs/heads/main moat: no push pattern"), std::string::npos) << reply;
  std::string log = logText();
  EXPECT_NE(log.find("\"target\":\"https://git.example.com/org/repo refs/heads/main\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"decision\":\"deny\""), std::string::npos) << log;
}
