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
