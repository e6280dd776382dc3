#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/diagnostics/Emitters.h"

#include <gtest/gtest.h>
#include <set>

using namespace moat;

TEST(Diagnostics, RegistryIdsAreUniqueAndNonEmpty) {
  std::set<std::string> seen;
  for (DiagKind k : allDiagKinds()) {
    const DiagKindInfo &info = diagKindInfo(k);
    ASSERT_NE(std::string(info.id), "");
    EXPECT_TRUE(seen.insert(info.id).second) << "duplicate id " << info.id;
  }
}

TEST(Diagnostics, TextShowsLocationLineAndCaret) {
  SourceFiles files;
  uint32_t buf = files.addBuffer("p.moat", "first\n  second line\n");
  DiagnosticEngine diags(files);
  diags.report(DiagKind::SyntaxError, SourceLoc{buf, 2, 3}, "bad thing");
  std::string out;
  llvm::raw_string_ostream os(out);
  emitText(diags, os, false);
  os.flush();
  EXPECT_NE(out.find("p.moat:2:3: error: bad thing [syntax-error]"), std::string::npos) << out;
  EXPECT_NE(out.find("  second line"), std::string::npos);
  EXPECT_NE(out.find("  ^"), std::string::npos);
  EXPECT_EQ(diags.errorCount(), 1u);
}

TEST(Diagnostics, LocForOffsetIsOneBased) {
  SourceFiles files;
  uint32_t buf = files.addBuffer("x", "ab\ncd");
  SourceLoc l = files.locForOffset(buf, 4);
  EXPECT_EQ(l.line, 2u);
  EXPECT_EQ(l.col, 2u);
}

#include "compiler/diagnostics/Printable.h"

TEST(Printable, EscapesControlsBidiAndInvalidUtf8) {
  EXPECT_EQ(printableText("a\nb"), "a\\x0ab");
  EXPECT_EQ(printableText(std::string("x\0y", 3)), "x\\x00y");
  EXPECT_EQ(printableText("\x1b[31mred"), "\\x1b[31mred");
  EXPECT_EQ(printableText("a\xe2\x80\xae" "b"), "a\\u{202e}b"); // RIGHT-TO-LEFT OVERRIDE
  EXPECT_EQ(printableText("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(printableText("caf\xc3\xa9"), "caf\xc3\xa9");
}

TEST(Diagnostics, SourceLineIsEchoedPrintably) {
  SourceFiles files;
  uint32_t buf = files.addBuffer("p.moat", "a\x1b[2J\"x\"\n");
  DiagnosticEngine diags(files);
  diags.report(DiagKind::SyntaxError, SourceLoc{buf, 1, 7}, "bad");
  std::string out;
  llvm::raw_string_ostream os(out);
  emitText(diags, os, false);
  os.flush();
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  EXPECT_NE(out.find("a\\x1b[2J\"x\"\n         ^"), std::string::npos) << out;
}
