// runtime/decide/: the decider protocol's parsing (strict: what it does not
// understand is a deny), the terminal's answers, the Asker's coalescing and
// memory, "always" into a user layer, and a decider process that hangs.
#include "runtime/decide/Asker.h"
#include "runtime/decide/DeciderProtocol.h"
#include "runtime/decide/ProcessDecider.h"
#include "runtime/decide/TerminalDecider.h"
#include "runtime/decide/UserLayer.h"

#include <gtest/gtest.h>
#include <llvm/Support/JSON.h>

#include <cstdlib>
#include <fstream>
#include <future>
#include <sstream>
#include <unistd.h>

using namespace moat::runtime::decide;

namespace {

TEST(DeciderProtocol, RequestLineCarriesTheQuestion) {
  Question q;
  q.host = "example.com";
  q.port = 443;
  q.protocol = "connect";
  q.session = "1-ab";
  q.command = {"curl", "https://example.com"};
  std::string line = requestLine(7, q);
  ASSERT_EQ(line.back(), '\n');
  auto v = llvm::json::parse(line);
  ASSERT_TRUE(bool(v));
  const llvm::json::Object *o = v->getAsObject();
  EXPECT_EQ(o->getInteger("v").getValueOr(0), 1);
  EXPECT_EQ(o->getInteger("id").getValueOr(0), 7);
  EXPECT_EQ(o->getString("host").getValueOr(""), "example.com");
  EXPECT_EQ(o->getInteger("port").getValueOr(0), 443);
  EXPECT_EQ(o->getString("protocol").getValueOr(""), "connect");
  EXPECT_EQ(o->getString("policy").getValueOr(""), "ask");
  EXPECT_EQ(o->getArray("command")->size(), 2u);
}

TEST(DeciderProtocol, ParsesAnswers) {
  Reply r = parseReply(R"({"id":3,"decision":"allow","scope":"always"})");
  ASSERT_TRUE(r.answer);
  EXPECT_EQ(*r.id, 3u);
  EXPECT_TRUE(r.answer->allow);
  EXPECT_EQ(r.answer->scope, Scope::Always);
  r = parseReply(R"({"id":4,"decision":"deny","reason":"not today"})");
  ASSERT_TRUE(r.answer);
  EXPECT_FALSE(r.answer->allow);
  EXPECT_EQ(r.answer->scope, Scope::Once);
  EXPECT_EQ(r.answer->reason, "not today");
}

TEST(DeciderProtocol, GarbageIsNeverAnAnswer) {
  for (const char *line : {"hello", "[]", R"({"decision":"allow"})", R"({"id":-1,"decision":"allow"})",
                           R"({"id":"1","decision":"allow"})", R"({"id":1,"decision":"yes"})",
                           R"({"id":1,"decision":"allow","scope":"forever"})", R"({"id":1,"decision":"allow","reason":5})",
                           R"({"id":1})"}) {
    Reply r = parseReply(line);
    EXPECT_FALSE(r.answer) << line;
    EXPECT_FALSE(r.error.empty()) << line;
  }
  // The id survives a bad decision, so that question is the one denied.
  EXPECT_EQ(parseReply(R"({"id":9,"decision":"maybe"})").id, std::optional<uint64_t>(9));
}

TEST(TerminalAnswers, Parse) {
  EXPECT_EQ(parseTerminalAnswer("o")->scope, Scope::Once);
  EXPECT_TRUE(parseTerminalAnswer(" Once ")->allow);
  EXPECT_EQ(parseTerminalAnswer("S")->scope, Scope::Session);
  EXPECT_EQ(parseTerminalAnswer("always")->scope, Scope::Always);
  EXPECT_FALSE(parseTerminalAnswer("d")->allow);
  EXPECT_FALSE(parseTerminalAnswer("no")->allow);
  for (const char *line : {"", "  ", "x", "oops", "allow", "yes"})
    EXPECT_FALSE(parseTerminalAnswer(line)) << line;
}

TEST(TerminalAnswers, PromptHasNoControlBytes) {
  Question q;
  q.host = "a.example";
  q.port = 80;
  q.protocol = "http";
  q.command = {"sh", "-c", "printf '\x1b[2J'"};
  std::string text = promptText(q);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_NE(text.find("a.example:80"), std::string::npos);
}

// Holds every question until the test answers it.
class HeldDecider : public Decider {
public:
  std::vector<std::pair<Question, AnswerFn>> *asked;
  explicit HeldDecider(std::vector<std::pair<Question, AnswerFn>> *a) : asked(a) {}
  void ask(const Question &q, AnswerFn done) override { asked->emplace_back(q, std::move(done)); }
  std::chrono::milliseconds maxWait() const override { return std::chrono::milliseconds(1000); }
  void stop() override {}
};

TEST(Asker, CoalescesAndRemembersSessionAnswers) {
  std::vector<std::pair<Question, AnswerFn>> asked;
  Asker::Options o;
  o.decider = std::make_unique<HeldDecider>(&asked);
  Asker asker(std::move(o));
  int allowed = 0;
  for (int i = 0; i < 3; ++i)
    asker.ask("x.example", 443, "connect", false, [&](Answer a) { allowed += a.allow; });
  ASSERT_EQ(asked.size(), 1u); // asked once for three waiters
  Answer a;
  a.allow = true;
  a.scope = Scope::Session;
  asked[0].second(a);
  EXPECT_EQ(allowed, 3);
  asker.ask("x.example", 443, "connect", false, [&](Answer a) { allowed += a.allow; });
  EXPECT_EQ(allowed, 4);
  EXPECT_EQ(asked.size(), 1u); // remembered: not asked again
  asker.ask("x.example", 80, "http", false, [](Answer) {});
  EXPECT_EQ(asked.size(), 2u); // another port is another question
}

TEST(Asker, OnceIsAskedAgainAndAlwaysPersists) {
  std::vector<std::pair<Question, AnswerFn>> asked;
  std::vector<std::string> persisted, notices;
  Asker::Options o;
  o.decider = std::make_unique<HeldDecider>(&asked);
  o.persist = [&](const std::string &host, uint16_t port) -> std::optional<std::string> {
    persisted.push_back(hostPort(host, port));
    if (host == "bad.example")
      return std::string("cannot write");
    return std::nullopt;
  };
  o.notice = [&](const std::string &text) { notices.push_back(text); };
  Asker asker(std::move(o));
  Answer once;
  once.allow = true;
  asker.ask("a.example", 1, "connect", false, [](Answer) {});
  asked.back().second(once);
  asker.ask("a.example", 1, "connect", false, [](Answer) {});
  EXPECT_EQ(asked.size(), 2u);
  Answer always = once;
  always.scope = Scope::Always;
  asker.ask("::1", 8080, "connect", false, [](Answer) {});
  asked.back().second(always);
  Scope got = Scope::Once;
  asker.ask("bad.example", 2, "connect", false, [&](Answer a) { got = a.scope; });
  asked.back().second(always);
  EXPECT_TRUE(persisted.empty()); // written when the run ends
  EXPECT_EQ(got, Scope::Always);
  asker.stop();
  EXPECT_EQ(persisted, (std::vector<std::string>{"[::1]:8080", "bad.example:2"}));
  ASSERT_EQ(notices.size(), 1u); // one could not be saved, said so
  EXPECT_NE(notices[0].find("cannot write"), std::string::npos);
}

TEST(Asker, AlwaysIsSessionWhenItCannotBeWritten) {
  std::vector<std::pair<Question, AnswerFn>> asked;
  std::vector<std::string> persisted, notices;
  Asker::Options o;
  o.decider = std::make_unique<HeldDecider>(&asked);
  o.persist = [&](const std::string &host, uint16_t port) -> std::optional<std::string> {
    persisted.push_back(hostPort(host, port));
    return std::nullopt;
  };
  o.persistBlocked = [] { return std::optional<std::string>("the sandbox may write it"); };
  o.notice = [&](const std::string &text) { notices.push_back(text); };
  Asker asker(std::move(o));
  Answer always;
  always.allow = true;
  always.scope = Scope::Always;
  Scope got = Scope::Once;
  asker.ask("a.example", 1, "connect", false, [&](Answer a) { got = a.scope; });
  asked.back().second(always);
  EXPECT_EQ(got, Scope::Session);
  asker.stop();
  EXPECT_TRUE(persisted.empty());
  ASSERT_EQ(notices.size(), 1u);
}

TEST(Asker, NobodyToAskDeniesAndSaysSoOnce) {
  std::vector<std::string> notices;
  Asker::Options o;
  o.notice = [&](const std::string &text) { notices.push_back(text); };
  Asker asker(std::move(o));
  int denied = 0;
  for (int i = 0; i < 3; ++i)
    asker.ask("h.example", 443, "connect", false, [&](Answer a) { denied += !a.allow; });
  EXPECT_EQ(denied, 3);
  EXPECT_EQ(notices.size(), 1u);
}

std::string scratchDir() {
  char tmpl[] = "/tmp/moat-decide-XXXXXX";
  return ::mkdtemp(tmpl);
}

std::string slurp(const std::string &path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(UserLayer, CreatesAndAppendsFormatted) {
  std::string dir = scratchDir();
  std::string path = dir + "/conf/moat/user.moat";
  EXPECT_FALSE(appendAllowConnect(path, "registry.npmjs.org", 443));
  EXPECT_EQ(slurp(path), "policy \"user\" {\n  allow connect \"registry.npmjs.org:443\";\n}\n");
  {
    std::ofstream out(path);
    out << "# mine\npolicy \"me\" {\n    allow read \"~/notes\";  # keep\n}\n";
  }
  EXPECT_FALSE(appendAllowConnect(path, "::1", 8080));
  std::string text = slurp(path);
  EXPECT_NE(text.find("# mine"), std::string::npos);
  EXPECT_NE(text.find("allow read \"~/notes\"; # keep"), std::string::npos);
  EXPECT_NE(text.find("  allow connect \"[::1]:8080\";\n}"), std::string::npos);
  std::string broken = dir + "/broken.moat";
  {
    std::ofstream out(broken);
    out << "policy \"x\" { allow read ";
  }
  EXPECT_TRUE(appendAllowConnect(broken, "a.example", 1));
  EXPECT_EQ(slurp(broken), "policy \"x\" { allow read ");
  EXPECT_TRUE(appendAllowConnect(dir + "/user.yaml", "a.example", 1));
  std::system(("rm -rf '" + dir + "'").c_str());
}

TEST(ProcessDecider, AHangingDeciderIsADenyWithinTheTimeout) {
  std::string error;
  auto d = ProcessDecider::start("exec sleep 30", std::chrono::milliseconds(200), error);
  ASSERT_TRUE(d) << error;
  std::promise<Answer> got;
  auto start = std::chrono::steady_clock::now();
  Question q;
  q.host = "h.example";
  q.port = 1;
  d->ask(q, [&](Answer a) { got.set_value(a); });
  auto future = got.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_FALSE(future.get().allow);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  d->stop(); // ends `sleep` (its process group) and reaps it
}

TEST(ProcessDecider, AnAnswerIsMatchedById) {
  std::string error;
  auto d = ProcessDecider::start(
      R"(read line; id=$(echo "$line" | sed 's/.*"id":\([0-9]*\).*/\1/'); echo "{\"id\":$id,\"decision\":\"allow\"}"; cat >/dev/null)",
      std::chrono::milliseconds(5000), error);
  ASSERT_TRUE(d) << error;
  std::promise<Answer> got;
  Question q;
  q.host = "h.example";
  q.port = 1;
  d->ask(q, [&](Answer a) { got.set_value(a); });
  auto future = got.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_TRUE(future.get().allow);
  d->stop();
}

} // namespace
