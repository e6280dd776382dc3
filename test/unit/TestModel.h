// What the unit tests share: lint's canonical model (HOME=/home/user,
// CWD=/home/user/project, TMPDIR=/tmp) as bindings, and the seed of the
// randomized tests (MOAT_TEST_SEED replays one).
#pragma once
#include "compiler/eval/Bindings.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace moat::test {

inline eval::Bindings modelBindings(const char *cwd = "/home/user/project") {
  eval::Bindings b;
  std::string error;
  EXPECT_TRUE(b.define("HOME", "/home/user", error)) << error;
  EXPECT_TRUE(b.define("CWD", cwd, error)) << error;
  EXPECT_TRUE(b.define("TMPDIR", "/tmp", error)) << error;
  return b;
}

// `fallback`, unless MOAT_TEST_SEED names another seed.
inline unsigned testSeed(unsigned fallback) {
  if (const char *s = std::getenv("MOAT_TEST_SEED"))
    return static_cast<unsigned>(std::strtoul(s, nullptr, 0));
  return fallback;
}

} // namespace moat::test
