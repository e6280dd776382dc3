// A scratch directory for the unit tests of one process: made under
// testing::TempDir() at first use, removed with everything in it when the
// process exits. ctest runs every test in its own process, two at a time,
// so names must be unique across processes (mkdtemp) and each process
// cleans up after itself: the suite leaves nothing in /tmp.
#pragma once
#include <gtest/gtest.h>
#include <llvm/Support/FileSystem.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace moat::test {

class ProcessScratch {
public:
  static const std::string &dir() {
    static ProcessScratch scratch;
    return scratch.path_;
  }

private:
  ProcessScratch() {
    std::string pattern = testing::TempDir() + "moat-unit-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()))
      path_ = buf.data();
    else
      ADD_FAILURE() << "cannot make a scratch directory under " << testing::TempDir();
  }
  ~ProcessScratch() {
    if (!path_.empty())
      llvm::sys::fs::remove_directories(path_);
  }
  std::string path_;
};

// A file of `text` in the process's scratch directory, named
// NAME-N.EXTENSION with N counting up.
inline std::string scratchFile(const std::string &name, const std::string &extension, const std::string &text) {
  static int counter = 0;
  std::string path = ProcessScratch::dir() + "/" + name + "-" + std::to_string(++counter) + extension;
  std::ofstream(path) << text;
  return path;
}

} // namespace moat::test
