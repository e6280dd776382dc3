// One line of a `moat run --log` file, read back (runtime/EventLog.h writes
// them). Reading is strict where it matters and additive elsewhere: the
// fields moat log shows must have their types (a line with "port":"x" is an
// error, not a line shown without a port), and fields it does not know (a
// later version's) are kept in `extra` and shown, never dropped.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace moat::logs {

struct LogEvent {
  int64_t timeMs = 0;
  std::string kind;
  std::string target;
  std::optional<uint16_t> port;
  std::string decision;
  std::string rule;
  std::string reason;
  std::string protocol;
  std::optional<int64_t> pid;
  std::string command;
  // Other members, sorted by name: a string's value, else its JSON text.
  std::vector<std::pair<std::string, std::string>> extra;

  bool denied() const { return decision != "allow"; }
};

struct LineError {
  size_t column = 1; // 1-based byte column
  std::string message;
};

// Parses one line (without its newline). `time_ms`, `kind` and `decision`
// are required.
std::optional<LogEvent> parseEventLine(std::string_view line, LineError &error);

} // namespace moat::logs
