// DocTree helpers: ObjectReader claims keys and reports the rest at the key,
// expect* accessors report wrong types at the value. Trees are built by hand
// so these tests do not depend on either reader.
#include "compiler/import/DocTree.h"

#include <gtest/gtest.h>

using namespace moat;
using namespace moat::import;

namespace {

SourceLoc L(uint32_t line, uint32_t col) { return SourceLoc{1, line, col}; }

DocNode str(std::string s, SourceLoc loc) {
  DocNode n;
  n.kind = DocNode::Kind::String;
  n.string = std::move(s);
  n.loc = loc;
  return n;
}
DocNode num(int64_t v, SourceLoc loc) {
  DocNode n;
  n.kind = DocNode::Kind::Number;
  n.isInteger = true;
  n.integer = v;
  n.number = double(v);
  n.loc = loc;
  return n;
}
DocNode boolean(bool b, SourceLoc loc) {
  DocNode n;
  n.kind = DocNode::Kind::Bool;
  n.boolean = b;
  n.loc = loc;
  return n;
}
DocNode array(std::vector<DocNode> items, SourceLoc loc) {
  DocNode n;
  n.kind = DocNode::Kind::Array;
  n.items = std::move(items);
  n.loc = loc;
  return n;
}
DocNode object(std::vector<std::pair<std::string, DocNode>> members, SourceLoc loc) {
  DocNode n;
  n.kind = DocNode::Kind::Object;
  n.loc = loc;
  for (auto &[k, v] : members) {
    // Keys sit just before their values in these hand-made trees.
    n.keyLocs.push_back(SourceLoc{1, v.loc.line, v.loc.col - 1});
    n.members.emplace_back(k, std::move(v));
  }
  return n;
}

struct Env {
  SourceFiles files;
  DiagnosticEngine diags{files};
  std::vector<std::string> ids() const {
    std::vector<std::string> out;
    for (const Diagnostic &d : diags.diagnostics())
      out.push_back(d.id);
    return out;
  }
};

} // namespace

TEST(DocTree, KindNames) {
  DocNode n;
  EXPECT_STREQ(n.kindName(), "null");
  EXPECT_STREQ(boolean(true, L(1, 1)).kindName(), "a boolean");
  EXPECT_STREQ(num(3, L(1, 1)).kindName(), "an integer");
  DocNode f;
  f.kind = DocNode::Kind::Number;
  f.number = 1.5;
  EXPECT_STREQ(f.kindName(), "a number");
  EXPECT_STREQ(str("x", L(1, 1)).kindName(), "a string");
  EXPECT_STREQ(array({}, L(1, 1)).kindName(), "an array");
  EXPECT_STREQ(object({}, L(1, 1)).kindName(), "an object");
}

TEST(DocTree, ObjectReaderClaimsKnownKeysAndReportsTheRestAtTheKey) {
  Env e;
  DocNode obj = object({{"allow", str("a", L(2, 10))}, {"bogus", num(1, L(3, 10))},
                        {"deny", str("d", L(4, 10))}, {"other", num(2, L(5, 10))}},
                       L(1, 1));
  ObjectReader r(obj, "network", e.diags);
  const DocNode *allow = r.get("allow");
  ASSERT_NE(allow, nullptr);
  EXPECT_EQ(allow->string, "a");
  EXPECT_NE(r.get("deny"), nullptr);
  EXPECT_EQ(r.get("missing"), nullptr);
  EXPECT_EQ(r.keyLoc("deny"), L(4, 9));
  EXPECT_EQ(r.keyLoc("missing"), L(1, 1)); // falls back to the object
  EXPECT_FALSE(r.finish());
  ASSERT_EQ(e.diags.diagnostics().size(), 2u);
  EXPECT_EQ(e.diags.diagnostics()[0].id, "unknown-key");
  EXPECT_EQ(e.diags.diagnostics()[0].message, "unknown key 'bogus' in network");
  EXPECT_EQ(e.diags.diagnostics()[0].loc, L(3, 9));
  EXPECT_EQ(e.diags.diagnostics()[1].message, "unknown key 'other' in network");
  EXPECT_EQ(e.diags.diagnostics()[1].loc, L(5, 9));
}

TEST(DocTree, ObjectReaderFinishIsCleanWhenEveryKeyIsClaimed) {
  Env e;
  DocNode obj = object({{"a", num(1, L(1, 5))}}, L(1, 1));
  ObjectReader r(obj, "x", e.diags);
  r.get("a");
  EXPECT_TRUE(r.finish());
  EXPECT_TRUE(e.diags.diagnostics().empty());
}

TEST(DocTree, ObjectReaderOnANonObjectFindsNothingAndReportsNothing) {
  Env e;
  DocNode s = str("x", L(1, 1));
  ObjectReader r(s, "x", e.diags);
  EXPECT_EQ(r.get("a"), nullptr);
  EXPECT_TRUE(r.finish());
  EXPECT_TRUE(e.diags.diagnostics().empty());
}

TEST(DocTree, ExpectAccessorsReturnValuesOfTheRightType) {
  Env e;
  EXPECT_EQ(expectBool(boolean(true, L(1, 1)), "k", e.diags), true);
  EXPECT_EQ(expectInt(num(-7, L(1, 1)), "k", e.diags), -7);
  DocNode s = str("v", L(1, 1));
  const std::string *p = expectString(s, "k", e.diags);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, "v");
  EXPECT_TRUE(expectObject(object({}, L(1, 1)), "k", e.diags));
  DocNode arr = array({str("a", L(1, 2)), str("b", L(1, 7))}, L(1, 1));
  auto items = expectStringArray(arr, "k", e.diags);
  ASSERT_TRUE(items);
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[1]->string, "b");
  EXPECT_EQ((*items)[1]->loc, L(1, 7));
  EXPECT_TRUE(e.diags.diagnostics().empty());
}

TEST(DocTree, ExpectAccessorsReportWrongTypeAtTheValue) {
  Env e;
  EXPECT_FALSE(expectBool(str("yes", L(2, 3)), "flag", e.diags));
  EXPECT_FALSE(expectInt(str("1", L(3, 4)), "port", e.diags));
  DocNode frac;
  frac.kind = DocNode::Kind::Number;
  frac.number = 1.5;
  frac.loc = L(4, 5);
  EXPECT_FALSE(expectInt(frac, "port", e.diags));
  EXPECT_EQ(expectString(num(1, L(5, 6)), "name", e.diags), nullptr);
  EXPECT_FALSE(expectObject(array({}, L(6, 7)), "net", e.diags));
  EXPECT_FALSE(expectStringArray(str("a", L(7, 8)), "list", e.diags));
  const auto &d = e.diags.diagnostics();
  ASSERT_EQ(d.size(), 6u);
  for (const Diagnostic &x : d)
    EXPECT_EQ(x.id, "wrong-type");
  EXPECT_EQ(d[0].message, "'flag' must be a boolean, not a string");
  EXPECT_EQ(d[0].loc, L(2, 3));
  EXPECT_EQ(d[1].message, "'port' must be an integer, not a string");
  EXPECT_EQ(d[2].message, "'port' must be an integer, not a number");
  EXPECT_EQ(d[3].message, "'name' must be a string, not an integer");
  EXPECT_EQ(d[4].message, "'net' must be an object, not an array");
  EXPECT_EQ(d[5].message, "'list' must be an array of strings, not a string");
  EXPECT_EQ(d[5].loc, L(7, 8));
}

TEST(DocTree, ExpectStringArrayReportsEveryBadItem) {
  Env e;
  DocNode arr = array({str("a", L(1, 2)), num(1, L(1, 7)), str("b", L(1, 10)), boolean(false, L(1, 14))},
                      L(1, 1));
  EXPECT_FALSE(expectStringArray(arr, "domains", e.diags));
  const auto &d = e.diags.diagnostics();
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].message, "'domains[]' must be a string, not an integer");
  EXPECT_EQ(d[0].loc, L(1, 7));
  EXPECT_EQ(d[1].message, "'domains[]' must be a string, not a boolean");
  EXPECT_EQ(d[1].loc, L(1, 14));
}
