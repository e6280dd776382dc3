// Parsing, validation, normalisation and canonical spelling of path patterns,
// and the specificity keys computed from them.
#include "compiler/fs/PathPattern.h"
#include "compiler/fs/Specificity.h"

#include <gtest/gtest.h>

#include <random>

using namespace moat::fs;

namespace {

PathPattern parseOk(std::string_view text, bool exact = false, std::string_view base = "") {
  std::string error;
  auto p = parsePathPattern(text, exact, base, error);
  EXPECT_TRUE(p.has_value()) << "'" << text << "': " << error;
  return p.value_or(PathPattern{});
}

// The error for a pattern that must be rejected ("" when it was accepted).
std::string parseErr(std::string_view text, bool exact = false, std::string_view base = "") {
  std::string error;
  auto p = parsePathPattern(text, exact, base, error);
  EXPECT_FALSE(p.has_value()) << "'" << text << "' was accepted as " << (p ? p->text() : "");
  EXPECT_FALSE(p.has_value() || error.empty()) << "no reason given for '" << text << "'";
  return p ? std::string() : error;
}

using Comps = std::vector<std::string>;

} // namespace

TEST(PathPattern, AbsolutePaths) {
  PathPattern p = parseOk("/usr/lib");
  EXPECT_EQ(p.root, "");
  EXPECT_EQ(p.components, (Comps{"usr", "lib"}));
  EXPECT_EQ(p.form, PatternForm::Subtree);
  EXPECT_EQ(p.text(), "/usr/lib");

  PathPattern root = parseOk("/");
  EXPECT_EQ(root.root, "");
  EXPECT_TRUE(root.components.empty());
  EXPECT_EQ(root.text(), "/");
}

TEST(PathPattern, HomeRoots) {
  PathPattern tilde = parseOk("~");
  EXPECT_EQ(tilde.root, "HOME");
  EXPECT_TRUE(tilde.components.empty());
  EXPECT_EQ(tilde.text(), "~");

  PathPattern ssh = parseOk("~/.ssh");
  EXPECT_EQ(ssh.root, "HOME");
  EXPECT_EQ(ssh.components, (Comps{".ssh"}));
  EXPECT_EQ(ssh.text(), "~/.ssh");
  EXPECT_EQ(parseOk("$HOME/.ssh"), ssh);
  EXPECT_EQ(parseOk("${HOME}/.ssh"), ssh);
  EXPECT_EQ(parseOk("$HOME"), tilde);
}

TEST(PathPattern, SymbolicRootsAndVariables) {
  EXPECT_EQ(parseOk("$CWD/a").text(), "$CWD/a");
  EXPECT_EQ(parseOk("$CWD/a").root, "CWD");
  EXPECT_EQ(parseOk("$TMPDIR").text(), "$TMPDIR");
  EXPECT_EQ(parseOk("$TMPDIR").root, "TMPDIR");
  PathPattern v = parseOk("$PROJ_2/src");
  EXPECT_EQ(v.root, "PROJ_2");
  EXPECT_EQ(v.components, (Comps{"src"}));
  EXPECT_EQ(v.text(), "$PROJ_2/src");
  EXPECT_EQ(parseOk("${_x}/y").root, "_x");
  EXPECT_EQ(parseOk("$CWD/").components, Comps{});
}

TEST(PathPattern, RejectsBadRoots) {
  EXPECT_NE(parseErr("~user/x").find("~user"), std::string::npos);
  EXPECT_NE(parseErr("~root").find("~user"), std::string::npos);
  EXPECT_NE(parseErr("$").find("variable name"), std::string::npos);
  EXPECT_NE(parseErr("$1abc/x").find("variable name"), std::string::npos);
  EXPECT_NE(parseErr("$HOME.bak").find("whole path component"), std::string::npos);
  EXPECT_NE(parseErr("${HOME").find("unterminated"), std::string::npos);
  EXPECT_NE(parseErr("${1}/x").find("variable name"), std::string::npos);
  EXPECT_NE(parseErr("${}").find("variable name"), std::string::npos);
  EXPECT_NE(parseErr("${HOME}x").find("whole path component"), std::string::npos);
}

TEST(PathPattern, VariablesOnlyAtTheStart) {
  EXPECT_NE(parseErr("/a/$HOME/b").find("may only start"), std::string::npos);
  EXPECT_NE(parseErr("/a/${X}").find("may only start"), std::string::npos);
  EXPECT_NE(parseErr("~/x$Y").find("may only start"), std::string::npos);
  // A '$' that cannot start a name is an ordinary byte; an escaped one too.
  EXPECT_EQ(parseOk("/a/$/b").components, (Comps{"a", "$", "b"}));
  EXPECT_EQ(parseOk("/a/b$").components, (Comps{"a", "b$"}));
  EXPECT_EQ(parseOk("/a/$1").components, (Comps{"a", "$1"}));
  PathPattern lit = parseOk("/a/\\$HOME");
  EXPECT_EQ(lit.components, (Comps{"a", "$HOME"}));
  EXPECT_EQ(lit.text(), "/a/\\$HOME");
  EXPECT_EQ(parseOk(lit.text()), lit);
}

TEST(PathPattern, LexicalNormalisation) {
  EXPECT_EQ(parseOk("//a///b/").components, (Comps{"a", "b"}));
  EXPECT_EQ(parseOk("/a/./b/.").components, (Comps{"a", "b"}));
  EXPECT_EQ(parseOk("/a/b/../c").components, (Comps{"a", "c"}));
  EXPECT_EQ(parseOk("/a/b/..").components, (Comps{"a"}));
  EXPECT_EQ(parseOk("/a/..").text(), "/");
  EXPECT_EQ(parseOk("~/x/..").text(), "~");
  EXPECT_EQ(parseOk("~/./.ssh/").text(), "~/.ssh");
  EXPECT_EQ(parseOk("$CWD/a/../b").text(), "$CWD/b");
}

TEST(PathPattern, DotDotAboveTheRootIsAnError) {
  EXPECT_NE(parseErr("/..").find("above '/'"), std::string::npos);
  EXPECT_NE(parseErr("/a/../..").find("above '/'"), std::string::npos);
  EXPECT_NE(parseErr("~/..").find("'~'"), std::string::npos);
  EXPECT_NE(parseErr("$CWD/x/../..").find("'$CWD'"), std::string::npos);
  EXPECT_NE(parseErr("$TMPDIR/..").find("above"), std::string::npos);
}

TEST(PathPattern, EscapedDotsStillMeanDots) {
  // A literal ".." that skipped normalisation would name the parent in a
  // backend's mount: escapes must not hide it.
  EXPECT_EQ(parseOk("/a/b/\\..").components, (Comps{"a"}));
  EXPECT_EQ(parseOk("/a/\\.").components, (Comps{"a"}));
  EXPECT_NE(parseErr("/\\.\\.").find("above"), std::string::npos);
}

TEST(PathPattern, RejectsControlCharactersAndEmpty) {
  EXPECT_NE(parseErr("").find("empty"), std::string::npos);
  EXPECT_NE(parseErr(std::string_view("/a\0b", 4)).find("NUL"), std::string::npos);
  EXPECT_NE(parseErr("/a\nb").find("control character 0x0a"), std::string::npos);
  EXPECT_NE(parseErr("/a\rb").find("control"), std::string::npos);
  EXPECT_NE(parseErr("/a\tb").find("control"), std::string::npos);
  EXPECT_NE(parseErr("/a\x1b[0m").find("control"), std::string::npos);
  EXPECT_NE(parseErr("/a\x7f").find("0x7f"), std::string::npos);
  // Bytes >= 0x80 (UTF-8 names) are ordinary.
  EXPECT_EQ(parseOk("/caf\xc3\xa9").components, (Comps{"caf\xc3\xa9"}));
}

TEST(PathPattern, RelativePatterns) {
  EXPECT_NE(parseErr("a/b").find("relative"), std::string::npos);
  EXPECT_NE(parseErr(".").find("relative"), std::string::npos);
  PathPattern r = parseOk("a/b", false, "CWD");
  EXPECT_EQ(r.root, "CWD");
  EXPECT_EQ(r.components, (Comps{"a", "b"}));
  EXPECT_EQ(r.text(), "$CWD/a/b");
  EXPECT_EQ(parseOk(".", false, "CWD").text(), "$CWD");
  EXPECT_EQ(parseOk("./x/../y", false, "CWD").text(), "$CWD/y");
  EXPECT_NE(parseErr("../x", false, "CWD").find("above"), std::string::npos);
  // Absolute patterns ignore the base.
  EXPECT_EQ(parseOk("/etc", false, "CWD").text(), "/etc");
  EXPECT_EQ(parseOk("~/x", false, "CWD").text(), "~/x");
  // An absolute base directory (a settings file's directory).
  EXPECT_EQ(parseOk("x", false, "/srv/proj").text(), "/srv/proj/x");
  EXPECT_EQ(parseOk("../x", false, "/srv/proj").text(), "/srv/x");
  EXPECT_EQ(parseOk("*.log", false, "/srv/proj").text(), "/srv/proj/*.log");
  parseErr("../../../x", false, "/srv/proj");
}

TEST(PathPattern, GlobForms) {
  PathPattern pem = parseOk("$CWD/**/*.pem");
  EXPECT_EQ(pem.form, PatternForm::Glob);
  EXPECT_TRUE(pem.isGlob());
  EXPECT_EQ(pem.root, "CWD");
  EXPECT_EQ(pem.components, (Comps{"**", "*.pem"}));
  EXPECT_EQ(pem.text(), "$CWD/**/*.pem");
  EXPECT_EQ(parseOk("/a/*").form, PatternForm::Glob);
  EXPECT_EQ(parseOk("/a/b?").form, PatternForm::Glob);
  EXPECT_EQ(parseOk("/a/[bc]").form, PatternForm::Glob);
  EXPECT_EQ(parseOk("/a/**").components, (Comps{"a", "**"}));
  EXPECT_EQ(parseOk("/**/.bashrc").components, (Comps{"**", ".bashrc"}));
  // Consecutive `**` mean one `**`.
  EXPECT_EQ(parseOk("/a/**/**/b").components, (Comps{"a", "**", "b"}));
  EXPECT_EQ(parseOk("/**/**/**/a").text(), "/**/a");
  // `..` after a literal inside a glob pattern still normalises.
  EXPECT_EQ(parseOk("/a/b/../*.c").text(), "/a/*.c");
}

TEST(PathPattern, InvalidGlobsMentionGlob) {
  // sema tells invalid-glob from invalid-path by the word "glob".
  for (const char *bad : {"/a**b", "/a/***", "/a/b**", "/**x/y", "/a/[bc", "/a/[", "/a/[!]",
                          "/a/b\\", "/a/[z-a]", "/a/[[:digit:]]"}) {
    std::string err = parseErr(bad);
    EXPECT_NE(err.find("glob"), std::string::npos) << bad << ": " << err;
  }
  EXPECT_NE(parseErr("/a**b").find("whole path component"), std::string::npos);
  EXPECT_NE(parseErr("/a/[bc").find("unterminated"), std::string::npos);
  EXPECT_NE(parseErr("/a/b\\").find("backslash"), std::string::npos);
  EXPECT_NE(parseErr("/a/[z-a]").find("empty range"), std::string::npos);
  EXPECT_NE(parseErr("/a/[[:digit:]]").find("not supported"), std::string::npos);
  EXPECT_NE(parseErr("/a/*/../b").find("cannot follow a glob"), std::string::npos);
  EXPECT_NE(parseErr("/a/**/..").find("cannot follow a glob"), std::string::npos);
}

TEST(PathPattern, ClassesAreCanonicalised) {
  EXPECT_EQ(parseOk("/a/[!x]").components.back(), "[!x]");
  EXPECT_EQ(parseOk("/a/[^x]").components.back(), "[!x]");
  EXPECT_EQ(parseOk("/a/[]x]").components.back(), "[\\]x]");
  EXPECT_EQ(parseOk("/a/[a-c-]").components.back(), "[a-c\\-]");
  EXPECT_EQ(parseOk("/a/x[-]").components.back(), "x[\\-]");
}

TEST(PathPattern, EscapesMakeMetacharactersLiteral) {
  PathPattern star = parseOk("/a/\\*b");
  EXPECT_EQ(star.form, PatternForm::Subtree);
  EXPECT_EQ(star.components, (Comps{"a", "*b"}));
  EXPECT_EQ(star.text(), "/a/\\*b");
  EXPECT_EQ(parseOk(star.text()), star);

  PathPattern mixed = parseOk("/a/\\*b/*");
  EXPECT_EQ(mixed.form, PatternForm::Glob);
  EXPECT_EQ(mixed.components, (Comps{"a", "\\*b", "*"}));
  EXPECT_EQ(parseOk(mixed.text()), mixed);

  EXPECT_EQ(parseOk("/a/\\x").components, (Comps{"a", "x"})); // needless escape dropped
  EXPECT_EQ(parseOk("/a/b\\\\c").components, (Comps{"a", "b\\c"}));
  EXPECT_EQ(parseOk("/a/b\\\\c").text(), "/a/b\\\\c");
  EXPECT_EQ(parseOk("/a/\\[x]").form, PatternForm::Subtree);
  EXPECT_NE(parseErr("/a\\/b").find("cannot contain '/'"), std::string::npos);
}

TEST(PathPattern, ExactFiles) {
  PathPattern netrc = parseOk("~/.netrc", true);
  EXPECT_EQ(netrc.form, PatternForm::Exact);
  EXPECT_EQ(netrc.text(), "~/.netrc");
  EXPECT_FALSE(netrc == parseOk("~/.netrc"));
  EXPECT_EQ(parseOk("/", true).form, PatternForm::Exact);
  EXPECT_EQ(parseOk("/a/\\*", true).components, (Comps{"a", "*"}));
  for (const char *glob : {"/a/*", "~/**/x", "/a/[bc]", "/a?"}) {
    std::string err = parseErr(glob, true);
    EXPECT_NE(err.find("'file' takes a literal path"), std::string::npos) << glob << ": " << err;
  }
}

TEST(PathPattern, TextRoundTrips) {
  for (const char *text :
       {"/", "/usr/lib", "~", "~/.ssh", "$CWD", "$CWD/a", "$TMPDIR/x", "$V/x/y", "/**/.bashrc",
        "$CWD/**/*.pem", "/a/[!a-c]x?", "/a/\\*b", "/a/\\?/*", "/a/\\[", "/a/b\\\\c",
        "/a/\\$x", "/x/]", "/a/[\\]\\-]", "~/caf\xc3\xa9"}) {
    PathPattern p = parseOk(text);
    EXPECT_EQ(p.text(), text);
    EXPECT_EQ(parseOk(p.text()), p) << text;
    PathPattern e = parseOk(text, !p.isGlob());
    EXPECT_EQ(parseOk(e.text(), e.form == PatternForm::Exact), e) << text;
  }
}

TEST(PathPattern, HasGlobChars) {
  EXPECT_TRUE(hasGlobChars("a*"));
  EXPECT_TRUE(hasGlobChars("a?"));
  EXPECT_TRUE(hasGlobChars("[x]"));
  EXPECT_TRUE(hasGlobChars("**"));
  EXPECT_FALSE(hasGlobChars("abc"));
  EXPECT_FALSE(hasGlobChars("a\\*"));
  EXPECT_FALSE(hasGlobChars("\\[x]"));
  EXPECT_TRUE(hasGlobChars("\\\\*"));
}

TEST(PathPattern, NormaliseAbsolute) {
  EXPECT_EQ(normaliseAbsolute("/a//b/./c/../d/"), "/a/b/d");
  EXPECT_EQ(normaliseAbsolute("/"), "/");
  EXPECT_EQ(normaliseAbsolute("//"), "/");
  EXPECT_EQ(normaliseAbsolute("/.."), "/"); // the kernel clamps at the root
  EXPECT_EQ(normaliseAbsolute("/../etc/passwd"), "/etc/passwd");
  EXPECT_EQ(normaliseAbsolute("/a/b/../../.."), "/");
  EXPECT_EQ(normaliseAbsolute("/a*b/[x]"), "/a*b/[x]"); // paths are not patterns
  EXPECT_FALSE(normaliseAbsolute(""));
  EXPECT_FALSE(normaliseAbsolute("a/b"));
  EXPECT_FALSE(normaliseAbsolute("./a"));
  EXPECT_FALSE(normaliseAbsolute("~/a"));
  EXPECT_FALSE(normaliseAbsolute("/a\nb"));
  EXPECT_FALSE(normaliseAbsolute(std::string_view("/a\0b", 4)));
}

TEST(PathPattern, SplitPath) {
  EXPECT_TRUE(splitPath("/").empty());
  EXPECT_EQ(splitPath("/a/b"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_EQ(splitPath("/a//b/"), (std::vector<std::string_view>{"a", "b"}));
}

TEST(Specificity, Keys) {
  Specificity s = specificityOf(parseOk("/home/u/.ssh"));
  EXPECT_EQ(s.leadingLiterals, 3u);
  EXPECT_EQ(s.formRank, 0u);
  EXPECT_EQ(s.components, 3u);
  EXPECT_EQ(s.literalBytes, 4u + 1u + 4u);
  EXPECT_EQ(s.doubleStars, 0u);

  Specificity g = specificityOf(parseOk("/home/u/**/*.pem"));
  EXPECT_EQ(g.leadingLiterals, 2u);
  EXPECT_EQ(g.formRank, 1u);
  EXPECT_EQ(g.components, 4u);
  EXPECT_EQ(g.literalBytes, 4u + 1u + 4u);
  EXPECT_EQ(g.doubleStars, 1u);
  EXPECT_EQ(g.text(), "literal-prefix=2 form=glob components=4 literal-bytes=9 double-stars=1");

  Specificity e = specificityOf(parseOk("/a/b", true));
  EXPECT_EQ(e.formRank, 2u);
  // An escaped metacharacter is a literal byte; a class counts nothing.
  EXPECT_EQ(specificityOf(parseOk("/a/\\*[xy]")).literalBytes, 2u);
  EXPECT_EQ(specificityOf(parseOk("/a/\\*[xy]")).leadingLiterals, 1u);
  EXPECT_EQ(specificityOf(parseOk("/")).components, 0u);
}

TEST(Specificity, EachKeyDecidesInOrder) {
  auto spec = [](const char *t, bool exact = false) { return specificityOf(parseOk(t, exact)); };
  // a is strictly less specific than b, seen from both sides.
  auto less = [](Specificity a, Specificity b) {
    return compareSpecificity(a, b) < 0 && compareSpecificity(b, a) > 0;
  };
  // key 1: leading literal components, before everything else
  EXPECT_TRUE(less(spec("/**/.bashrc"), spec("/home/**/.bashrc")));
  EXPECT_TRUE(less(spec("/home/u/**/*.pem"), spec("/home/u/proj")));
  EXPECT_TRUE(less(spec("/a/b/*", false), spec("/a/b/c")));
  // key 2: at an equal literal prefix, Exact > Glob > Subtree
  EXPECT_TRUE(less(spec("/a/b"), spec("/a/b/*")));
  EXPECT_TRUE(less(spec("/a/b/*"), spec("/a/b", true)));
  EXPECT_TRUE(less(spec("/a/b"), spec("/a/b", true)));
  // key 3: total components
  EXPECT_TRUE(less(spec("/a/*"), spec("/a/*/*")));
  EXPECT_TRUE(less(spec("/a/*xyz"), spec("/a/*/*"))); // before literal bytes
  // key 4: literal bytes
  EXPECT_TRUE(less(spec("/a/*"), spec("/a/x*")));
  EXPECT_TRUE(less(spec("/a/*/b"), spec("/a/*/bc")));
  EXPECT_TRUE(less(spec("/a/[xy]"), spec("/a/x?")));
  EXPECT_TRUE(less(spec("/a/**/x"), spec("/a/*/xy"))); // before the `**` count
  // key 5: fewer `**`
  EXPECT_TRUE(less(spec("/a/**/*/b"), spec("/a/*/*/b")));
  EXPECT_TRUE(less(spec("/a/**/x/**"), spec("/a/*/x/*")));
  // Equal on every key: equally specific (the evaluator then prefers deny).
  EXPECT_EQ(compareSpecificity(spec("/a/*x"), spec("/a/x*")), 0);
  EXPECT_EQ(compareSpecificity(spec("/a/b"), spec("/a/c")), 0);
  EXPECT_EQ(compareSpecificity(spec("/a/b"), spec("/a/b")), 0);
}

TEST(Specificity, OrderIsTransitiveOverASample) {
  const char *sample[] = {"/",         "/**",      "/a",        "/a/**",     "/a/*",
                          "/a/b",      "/a/*/c",   "/a/**/c",   "/a/b/*.pem", "/**/.git/hooks",
                          "/a/[bc]/d", "/a/b/c/d", "/a/?/c",    "/a/b/**/x", "/x/y"};
  std::vector<Specificity> specs;
  for (const char *t : sample)
    specs.push_back(specificityOf(parseOk(t)));
  for (const Specificity &a : specs)
    for (const Specificity &b : specs) {
      EXPECT_EQ(compareSpecificity(a, b), -compareSpecificity(b, a));
      for (const Specificity &c : specs)
        if (compareSpecificity(a, b) <= 0 && compareSpecificity(b, c) <= 0) {
          EXPECT_LE(compareSpecificity(a, c), 0);
        }
    }
}

TEST(PathPattern, RandomInputsRoundTripOrFailWithAReason) {
  // Short strings over the bytes that matter to the parser: every accepted
  // pattern must print canonically and read back as itself, and every
  // rejection must say why.
  const char alphabet[] = {'/', '*', '?', '[', ']', '!', '^', '-', '\\', '.', 'a', 'b',
                           '$', '{', '}', '~', 'H', '_', '\n'};
  std::mt19937 rng(7);
  int accepted = 0, globs = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    size_t len = 1 + rng() % 12;
    for (size_t k = 0; k < len; ++k)
      text += alphabet[rng() % sizeof alphabet];
    if (rng() % 2)
      text.insert(0, "/");
    bool exact = rng() % 4 == 0;
    std::string error;
    auto p = parsePathPattern(text, exact, rng() % 3 ? "" : "CWD", error);
    if (!p) {
      EXPECT_FALSE(error.empty()) << text;
      continue;
    }
    ++accepted;
    globs += p->isGlob();
    std::string again;
    auto q = parsePathPattern(p->text(), exact, "", again);
    ASSERT_TRUE(q) << "'" << text << "' printed as '" << p->text() << "': " << again;
    EXPECT_EQ(*q, *p) << text << " -> " << p->text();
    for (const std::string &c : p->components) {
      EXPECT_FALSE(c.empty()) << text;
      EXPECT_NE(c, ".") << text;
      EXPECT_NE(c, "..") << text;
    }
  }
  EXPECT_GT(accepted, 1000);
  EXPECT_GT(globs, 500);
}
