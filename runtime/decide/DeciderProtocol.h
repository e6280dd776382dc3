// The JSON-lines protocol of `moat run --decider=CMD` (docs/runtime.md,
// "Asking"): one request object per line on the decider's standard input,
// one reply per line on its standard output, matched by `id`. Pure
// functions, so the parsing that stands between a program's bytes and an
// "allow" is unit-tested on its own (test/unit/DeciderProtocolTest.cpp).
//
// The parser is strict on purpose: anything it does not understand is a
// deny, never an allow (an unknown decision, a scope or reason of the
// wrong type, a line that is not one JSON object).
#pragma once
#include "runtime/decide/Decider.h"

#include <cstdint>
#include <optional>
#include <string>

namespace moat::runtime::decide {

inline constexpr int kProtocolVersion = 1;

// The request line (ending in '\n').
std::string requestLine(uint64_t id, const Question &question);

struct Reply {
  std::optional<uint64_t> id; // present whenever the line had a usable id
  std::optional<Answer> answer; // nullopt: garbage (see `error`)
  std::string error;
};
// One line of the decider's output (without its '\n').
Reply parseReply(const std::string &line);

} // namespace moat::runtime::decide
