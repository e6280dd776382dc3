// Times as `moat log` reads and shows them: RFC 3339 in UTC, to the
// millisecond, and `--since` as an RFC 3339 time or a duration back from now.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moat::logs {

// "2026-12-07T18:55:20.123Z".
std::string formatRfc3339(int64_t unixMillis);

// An RFC 3339 date-time ("2026-12-07T18:55:20Z", "...20.5+01:00", a
// lower-case "t"/"z" or a space between date and time) as milliseconds
// since 1970; nullopt when it is not one (or the date does not exist).
std::optional<int64_t> parseRfc3339(std::string_view text);

// `--since`: an RFC 3339 time, or a duration back from `nowMillis`: a
// positive integer and one unit, s, m, h or d ("10m", "2h", "1d").
// nullopt (with `error`) otherwise.
std::optional<int64_t> parseSince(std::string_view text, int64_t nowMillis, std::string &error);

// Now, from the clock, or from $MOAT_LOG_NOW (an RFC 3339 time) so tests
// of --since are deterministic. nullopt when MOAT_LOG_NOW is set but
// not a time.
inline constexpr const char *kNowEnv = "MOAT_LOG_NOW";
std::optional<int64_t> nowMillis(std::string &error);

} // namespace moat::logs
