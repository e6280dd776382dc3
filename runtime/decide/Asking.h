// How `moat run` asks (its flags, carried by LaunchRequest), and the setup
// a launcher calls once per run: who answers (--decider=CMD, else the
// controlling terminal, else nobody) and where "always" writes.
#pragma once
#include "compiler/eval/Evaluator.h"
#include "compiler/ir/Policy.h"
#include "runtime/decide/Asker.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace moat::runtime::decide {

inline constexpr std::chrono::milliseconds kDefaultDeciderTimeout{10000};

struct AskingOptions {
  std::string deciderCommand; // --decider=CMD ("" = the terminal, if any)
  bool askAll = false;        // --decider-all
  std::chrono::milliseconds deciderTimeout = kDefaultDeciderTimeout; // --decider-timeout
  std::string userLayer;      // where "always" writes ("" = nowhere: it means "session")
};

// nullptr and no error: the policy never asks (no `default connect ask`,
// no --decider-all), so nothing is started. nullptr and an error: the
// decider could not be started (the launch fails: the user asked for it).
// `evaluator`: the run's; "always" is not written (it is "session") when the
// sandbox may write the user layer's directory, since replacing the file
// there would take its read-only mount away in the running sandbox.
std::unique_ptr<Asker> startAsking(const AskingOptions &options, const ir::Policy &policy,
                                   const eval::Evaluator &evaluator, const std::vector<std::string> &command,
                                   std::string &error);
} // namespace moat::runtime::decide
