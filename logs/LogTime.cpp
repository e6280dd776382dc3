// See LogTime.h. Civil dates by Howard Hinnant's days-from-civil algorithm
// (no time zone database: everything here is UTC plus an explicit offset).
#include "logs/LogTime.h"

#include <chrono>
#include <cstdlib>
#include <fmt/format.h>

namespace moat::logs {

namespace {
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civilFromDays(int64_t z, int64_t &y, unsigned &m, unsigned &d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool isLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned daysInMonth(int64_t y, unsigned m) {
  static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && isLeap(y) ? 29 : days[m - 1];
}

// Exactly `n` digits at `pos`.
bool digits(std::string_view s, size_t pos, size_t n, unsigned &out) {
  if (pos + n > s.size())
    return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    out = out * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return true;
}
} // namespace

std::string formatRfc3339(int64_t ms) {
  int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
  int64_t rest = ms - days * 86400000;
  int64_t y;
  unsigned m, d;
  civilFromDays(days, y, m, d);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", y, m, d, rest / 3600000, rest / 60000 % 60,
                     rest / 1000 % 60, rest % 1000);
}

std::optional<int64_t> parseRfc3339(std::string_view s) {
  unsigned y, mo, d, h, mi, se;
  if (!digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, h) ||
      s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || se > 60)
    return std::nullopt;
  size_t pos = 19;
  int64_t millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    size_t start = ++pos;
    int64_t scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      millis += (s[pos] - '0') * scale; // beyond milliseconds: truncated
      scale /= 10;
      ++pos;
    }
    if (pos == start)
      return std::nullopt;
  }
  int64_t offsetMinutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    unsigned oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om) ||
        oh > 23 || om > 59)
      return std::nullopt;
    offsetMinutes = (s[pos] == '-' ? -1 : 1) * static_cast<int64_t>(oh * 60 + om);
    pos += 6;
  } else {
    return std::nullopt; // RFC 3339 requires the offset
  }
  if (pos != s.size())
    return std::nullopt;
  if (se == 60)
    se = 59; // a leap second: the last representable millisecond range
  int64_t seconds = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offsetMinutes * 60;
  return seconds * 1000 + millis;
}

std::optional<int64_t> parseSince(std::string_view text, int64_t now, std::string &error) {
  if (auto t = parseRfc3339(text))
    return t;
  size_t i = 0;
  int64_t n = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9' && n < 1000000000)
    n = n * 10 + (text[i++] - '0');
  int64_t unit = 0;
  if (i > 0 && i + 1 == text.size())
    switch (text[i]) {
    case 's': unit = 1000; break;
    case 'm': unit = 60 * 1000; break;
    case 'h': unit = 3600 * 1000; break;
    case 'd': unit = 86400 * 1000; break;
    default: break;
    }
  if (!unit || n <= 0) {
    error = "--since='" + std::string(text) +
            "' is neither an RFC 3339 time (2026-12-07T18:00:00Z) nor a duration (30s, 10m, 2h, 1d)";
    return std::nullopt;
  }
  return now - n * unit;
}

std::optional<int64_t> nowMillis(std::string &error) {
  if (const char *fixed = std::getenv(kNowEnv)) {
    auto t = parseRfc3339(fixed);
    if (!t)
      error = std::string(kNowEnv) + "='" + fixed + "' is not an RFC 3339 time";
    return t;
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

} // namespace moat::logs
