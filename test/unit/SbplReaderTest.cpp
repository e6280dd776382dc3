// The test-only SBPL reader and evaluator (test/support/sbpl): the checks
// that keep generated profiles inside the subset, and Seatbelt's decision
// rule (last match wins) as the tests evaluate it.
#include "sbpl/SbplModel.h"

#include <gtest/gtest.h>

using namespace moat::sbpltest;

namespace {

const std::string kHead = "(version 1)\n(deny default)\n";

std::optional<Profile> read(const std::string &body, std::string &error) {
  return readProfile(kHead + body, error);
}

std::string rejection(const std::string &body) {
  std::string error;
  auto p = read(body, error);
  return p ? "" : error;
}

} // namespace

TEST(SbplSyntax, ReadsFormsStringsRegexesAndComments) {
  std::string error;
  auto forms = parseForms("; a comment (not a form\n(a \"b \\\"c\\\\\" #\"^x\\.y$\") ; tail\n(b)",
                          error);
  ASSERT_TRUE(forms) << error;
  ASSERT_EQ(forms->size(), 2u);
  const Node &a = (*forms)[0];
  ASSERT_EQ(a.items.size(), 3u);
  EXPECT_EQ(a.items[1].kind, Node::Kind::String);
  EXPECT_EQ(a.items[1].text, "b \"c\\");
  EXPECT_EQ(a.items[2].kind, Node::Kind::Regex);
  EXPECT_EQ(a.items[2].text, "^x\\.y$");
  EXPECT_EQ((*forms)[1].line, 3u);
}

TEST(SbplSyntax, RejectsBrokenStructure) {
  for (const char *bad : {"(a", "a)", "(a))", "(a \"b)", "(a #\"b)", "(a \"\\n\")",
                          "(a \"x\ny\")", "(a #\"x\ny\")"}) {
    std::string error;
    EXPECT_FALSE(parseForms(bad, error)) << bad;
    EXPECT_NE(error.find("line "), std::string::npos) << bad;
  }
  std::string nul("(a \"x\0y\")", 9), error;
  EXPECT_FALSE(parseForms(nul, error));
  std::string deep(100, '(');
  EXPECT_FALSE(parseForms(deep + std::string(100, ')'), error));
}

TEST(SbplReader, AcceptsTheSubset) {
  std::string error;
  auto p = read("(allow file-read*)\n"
                "(deny file-read* (subpath (string-append (param \"HOME\") \"/.ssh\")))\n"
                "(deny file-write* (require-all (subpath (param \"CWD\")) (regex #\"/x(/.*)?$\")))\n"
                "(allow network-outbound (remote ip \"localhost:3128\"))\n"
                "(allow network-outbound (remote unix-socket (path-literal \"/var/run/x\")))\n"
                "(allow mach-lookup (global-name \"com.apple.logd\"))\n"
                "(allow signal (target same-sandbox))\n",
                error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(p->rules.size(), 7u);
  EXPECT_EQ(p->params, (std::set<std::string>{"HOME", "CWD"}));
  EXPECT_EQ(p->forms, 9u);
}

TEST(SbplReader, RejectsWhatTheBackendMustNeverEmit) {
  std::string error;
  EXPECT_FALSE(readProfile("(deny default)\n(version 1)\n", error));
  EXPECT_NE(rejection("(allow lsopen)"), "");
  EXPECT_NE(rejection("(allow appleevent-send)"), "");
  EXPECT_NE(rejection("(allow default)"), "");
  EXPECT_NE(rejection("(allow file-frobnicate)").find("unknown operation"), std::string::npos);
  EXPECT_NE(rejection("(allow process-exec (with no-sandbox))").find("modifiers"), std::string::npos);
  EXPECT_NE(rejection("(allow mach-lookup)").find("mach-lookup"), std::string::npos);
  EXPECT_NE(rejection("(allow file-read* (subpath \"relative\"))").find("absolute"), std::string::npos);
  EXPECT_NE(rejection("(allow file-read* (string-append (param \"HOME\") \"x\"))"), "");
  EXPECT_NE(rejection("(allow file-read* (subpath (string-append (param \"HOME\") \"x\")))"), "");
  EXPECT_NE(rejection("(allow file-read* (regex #\"/x$\"))").find("unanchored"), std::string::npos);
  EXPECT_EQ(rejection("(deny file-read* (regex #\"/x$\"))"), "");
  // A negated widening would narrow a deny.
  EXPECT_NE(rejection("(deny file-read* (require-not (regex #\"/x$\")))"), "");
  EXPECT_NE(rejection("(deny file-read* (regex #\"^(x\"))").find("compile"), std::string::npos);
  EXPECT_NE(rejection("(deny file-read* (regex \"^/x\"))"), "");
  EXPECT_NE(rejection("(allow network-outbound (remote ip \"example.com:443\"))"), "");
  EXPECT_NE(rejection("(allow network-outbound (remote ip \"localhost:*\"))"), "");
  EXPECT_NE(rejection("(allow network-outbound (remote ip \"localhost:70000\"))"), "");
  EXPECT_NE(rejection("(allow network-outbound (remote unix-socket (subpath \"/x\")))"), "");
  EXPECT_NE(rejection("(allow file-read* (frobnicate \"/x\"))"), "");
  EXPECT_NE(rejection("(allow file-read* \"/x\")"), "");
}

TEST(SbplReader, LastMatchWins) {
  std::string error;
  auto p = read("(allow file-read*)\n"
                "(deny file-read* (subpath \"/a\"))\n"
                "(allow file-read* (literal \"/a/b\"))\n",
                error);
  ASSERT_TRUE(p) << error;
  std::map<std::string, std::string> none;
  EXPECT_TRUE(allowsPath(*p, "file-read-data", "/x", none));
  EXPECT_FALSE(allowsPath(*p, "file-read-data", "/a", none));
  EXPECT_FALSE(allowsPath(*p, "file-read-metadata", "/a/c", none));
  EXPECT_TRUE(allowsPath(*p, "file-read-data", "/a/b", none));
  EXPECT_FALSE(allowsPath(*p, "file-read-data", "/a/b/c", none));
  EXPECT_TRUE(allowsPath(*p, "file-read-data", "/ab", none)); // subpath is component-wise
  // Other operations fall to (deny default).
  EXPECT_FALSE(allowsPath(*p, "file-write-data", "/x", none));
  EXPECT_FALSE(allowsPath(*p, "process-exec", "/x", none));
}

TEST(SbplReader, ParametersAndCombinators) {
  std::string error;
  auto p = read("(allow file-write* (subpath (param \"CWD\")))\n"
                "(deny file-write* (require-all (subpath (string-append (param \"CWD\") \"/src\"))\n"
                "                               (regex #\"\\.pem$\")))\n"
                "(allow file-write* (require-any (literal \"/x\") (literal \"/y\")))\n"
                "(deny file-write-unlink (require-not (subpath \"/p\")))\n",
                error);
  ASSERT_TRUE(p) << error;
  std::map<std::string, std::string> params{{"CWD", "/p"}};
  EXPECT_TRUE(allowsPath(*p, "file-write-data", "/p/a", params));
  EXPECT_TRUE(allowsPath(*p, "file-write-data", "/p/src/a", params));
  EXPECT_FALSE(allowsPath(*p, "file-write-data", "/p/src/a.pem", params));
  EXPECT_TRUE(allowsPath(*p, "file-write-data", "/p/a.pem", params));
  EXPECT_TRUE(allowsPath(*p, "file-write-data", "/y", params));
  EXPECT_FALSE(allowsPath(*p, "file-write-unlink", "/y", params));
  EXPECT_TRUE(allowsPath(*p, "file-write-unlink", "/p/a", params));
  // A missing parameter matches nothing and is reported.
  bool missing = false;
  EXPECT_FALSE(allows(*p, Query{"file-write-data", Query::Subject::Path, "/p/a"}, {}, &missing));
  EXPECT_TRUE(missing);
}

TEST(SbplReader, NetworkAndSockets) {
  std::string error;
  auto p = read("(allow network-outbound (remote ip \"localhost:3128\"))\n"
                "(allow network-outbound (remote unix-socket (path-literal \"/s/a\"))\n"
                "                        (remote unix-socket (path-regex #\"^/s/b/\")))\n"
                "(deny network-outbound (remote unix-socket (path-regex #\"x$\")))\n"
                "(allow network-bind (local ip \"localhost:*\"))\n",
                error);
  ASSERT_TRUE(p) << error;
  std::map<std::string, std::string> none;
  EXPECT_TRUE(allows(*p, Query{"network-outbound", Query::Subject::Ip, "localhost:3128"}, none));
  EXPECT_FALSE(allows(*p, Query{"network-outbound", Query::Subject::Ip, "localhost:3129"}, none));
  EXPECT_TRUE(allows(*p, Query{"network-bind", Query::Subject::Ip, "localhost:8080"}, none));
  EXPECT_FALSE(allows(*p, Query{"network-outbound", Query::Subject::Ip, "localhost:8080"}, none));
  EXPECT_TRUE(allowsUnixSocket(*p, "/s/a", none));
  EXPECT_FALSE(allowsUnixSocket(*p, "/s/a/c", none));
  EXPECT_TRUE(allowsUnixSocket(*p, "/s/b/c", none));
  EXPECT_FALSE(allowsUnixSocket(*p, "/s/b/x", none));
  // A socket path is not a file path.
  EXPECT_FALSE(allowsPath(*p, "network-outbound", "/s/a", none));
}

TEST(SbplReader, KnowsTheOperationList) {
  const auto &ops = knownOperations();
  EXPECT_GT(ops.size(), 100u);
  for (const char *op : {"file-read*", "file-write*", "file-write-unlink", "process-exec*",
                         "network-outbound", "mach-lookup", "sysctl-read", "signal"})
    EXPECT_TRUE(ops.count(op)) << op;
}
