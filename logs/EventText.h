// One log event as one line of text (`moat log`, the default format):
//   2026-12-07T18:55:20.123Z deny connect evil.example:443 rule=default
//     protocol=connect pid=12 command="curl https://evil.example" reason="no rule allows it"
// (on one line). Values with spaces, quotes or control characters are
// quoted and escaped: the sandbox chose most of these bytes, and they must
// not be able to forge a second line or drive the terminal.
#pragma once
#include "logs/LogEvent.h"

#include <string>

namespace moat::logs {

std::string eventText(const LogEvent &event);

// `host:port` (IPv6 in brackets) or the target alone.
std::string targetText(const LogEvent &event);

} // namespace moat::logs
