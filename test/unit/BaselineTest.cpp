// Baselines: counted keys, deterministic rendering, strict reading.
#include "lint/Baseline.h"

#include <gtest/gtest.h>

using namespace moat;
using namespace moat::lint;

namespace {

BaselineKey key(const char *rule, const char *policy, const char *code = "allow write \"~/x\";") {
  return BaselineKey{rule, policy, "message", code};
}

struct Read {
  SourceFiles files;
  DiagnosticEngine diags{files};
  std::optional<Baseline> baseline;
  explicit Read(std::string text) { baseline = readBaseline(files.addBuffer("b.json", std::move(text)), diags); }
  std::vector<std::string> ids() const {
    std::vector<std::string> out;
    for (const Diagnostic &d : diags.diagnostics())
      out.push_back(d.id + "@" + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col));
    return out;
  }
};

TEST(Baseline, CountsAreConsumed) {
  Baseline b;
  b.add(key("write-path-dir", "a.moat"));
  b.add(key("write-path-dir", "a.moat"));
  b.add(key("read-secrets", "a.moat"));
  EXPECT_TRUE(b.consume(key("write-path-dir", "a.moat")));
  EXPECT_TRUE(b.consume(key("write-path-dir", "a.moat")));
  EXPECT_FALSE(b.consume(key("write-path-dir", "a.moat"))); // a third copy is new
  EXPECT_FALSE(b.consume(key("read-secrets", "b.moat")));    // another policy
  EXPECT_FALSE(b.consume(key("read-secrets", "a.moat", "allow write \"~/y\";"))); // edited code
  EXPECT_TRUE(b.consume(key("read-secrets", "a.moat")));
}

TEST(Baseline, RenderIsSortedAndReadsBack) {
  Baseline b;
  b.add(key("write-path-dir", "z.moat"));
  b.add(key("read-secrets", "a.moat"));
  b.add(key("write-path-dir", "a.moat"), 2);
  std::string text = b.render();
  EXPECT_LT(text.find("\"read-secrets\""), text.find("\"write-path-dir\""));
  EXPECT_LT(text.find("\"a.moat\""), text.find("\"z.moat\""));
  EXPECT_NE(text.find("\"version\": 1"), std::string::npos);
  EXPECT_NE(text.find("\"count\": 2"), std::string::npos);
  Read r(text);
  ASSERT_TRUE(r.baseline) << ::testing::PrintToString(r.ids());
  EXPECT_EQ(r.baseline->entries(), b.entries());
  EXPECT_EQ(r.baseline->render(), text);
}

TEST(Baseline, EmptyBaseline) {
  Read r(Baseline().render());
  ASSERT_TRUE(r.baseline);
  EXPECT_EQ(r.baseline->size(), 0u);
}

TEST(Baseline, StrictReading) {
  EXPECT_EQ(Read("{\"version\": 2, \"findings\": []}").ids(), (std::vector<std::string>{"invalid-value@1:13"}));
  EXPECT_EQ(Read("{\"findings\": []}").ids(), (std::vector<std::string>{"missing-key@1:1"}));
  EXPECT_EQ(Read("{\"version\": 1, \"findings\": [], \"extra\": 0}").ids(),
            (std::vector<std::string>{"unknown-key@1:32"}));
  EXPECT_EQ(Read("{\"version\": 1, \"findings\": {}}").ids(), (std::vector<std::string>{"wrong-type@1:28"}));
  EXPECT_EQ(Read("{\"version\": 1, \"findings\": [\n"
                 "{\"rule\": \"no-such\", \"policy\": \"a\", \"message\": \"m\", \"code\": \"c\", \"count\": 1},\n"
                 "{\"rule\": \"read-secrets\", \"policy\": \"a\", \"message\": \"m\", \"code\": \"c\", \"count\": 0},\n"
                 "{\"rule\": \"read-secrets\", \"policy\": \"a\", \"message\": \"m\", \"count\": 1}\n"
                 "]}")
                .ids(),
            (std::vector<std::string>{"unknown-rule-id@2:10", "invalid-value@3:79", "missing-key@4:1"}));
  EXPECT_EQ(Read("{\"version\": 1,").ids(), (std::vector<std::string>{"json-syntax@1:15"}));
  EXPECT_FALSE(Read("[]").baseline);
}

} // namespace
