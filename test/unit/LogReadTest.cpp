// logs/: the reading side of `moat run --log` (LogEvent.h, LogTime.h,
// EventText.h) and the writing side's summary (runtime/LaunchReport.h):
// lines EventLog writes read back as the same event; what is not an event
// is an error with a column, never an event with a field missing.
#include "logs/EventText.h"
#include "logs/LogEvent.h"
#include "logs/LogTime.h"
#include "runtime/EventLog.h"
#include "runtime/LaunchReport.h"
#include "runtime/ProcessCommand.h"

#include <gtest/gtest.h>

#include <unistd.h>

using namespace moat;

TEST(LogRead, WhatEventLogWritesReadsBack) {
  runtime::Event e;
  e.kind = "unix-socket";
  e.target = "/run/docker.sock";
  e.decision = "deny";
  e.reason = "the policy does not allow this unix socket";
  e.pid = 42;
  e.command = "curl --unix-socket /run/docker.sock http://x/";
  std::string line = runtime::EventLog::line(e, 1767225600123);
  line.pop_back(); // the newline
  logs::LineError error;
  auto read = logs::parseEventLine(line, error);
  ASSERT_TRUE(read) << error.message;
  EXPECT_EQ(read->timeMs, 1767225600123);
  EXPECT_EQ(read->kind, e.kind);
  EXPECT_EQ(read->target, e.target);
  EXPECT_FALSE(read->port);
  EXPECT_EQ(read->decision, "deny");
  EXPECT_EQ(read->pid, 42);
  EXPECT_EQ(read->command, e.command);
  EXPECT_TRUE(read->denied());
  EXPECT_TRUE(read->extra.empty());
}

TEST(LogRead, MalformedLinesAreErrorsWithAColumn) {
  logs::LineError error;
  EXPECT_FALSE(logs::parseEventLine(R"({"time_ms":1,"kind":"connect","decision":"deny")", error));
  EXPECT_EQ(error.column, 48u); // where the closing brace is missing
  EXPECT_FALSE(logs::parseEventLine(R"({"time_ms":1,"kind":"connect","decision":"deny","port":"443"})", error));
  EXPECT_EQ(error.column, 49u);
  EXPECT_NE(error.message.find("\"port\""), std::string::npos);
  EXPECT_FALSE(logs::parseEventLine(R"({"time_ms":-5,"kind":"connect","decision":"deny"})", error));
  EXPECT_FALSE(logs::parseEventLine(R"({"time_ms":1.5,"kind":"connect","decision":"deny"})", error));
  EXPECT_FALSE(logs::parseEventLine(R"({"time_ms":1,"kind":"","decision":"deny"})", error));
  EXPECT_FALSE(logs::parseEventLine(R"({"time_ms":1,"kind":"connect"})", error));
  EXPECT_EQ(error.message, "missing \"decision\"");
  EXPECT_FALSE(logs::parseEventLine(R"({"time_ms":1,"kind":"connect","decision":"deny","pid":0})", error));
  EXPECT_FALSE(logs::parseEventLine(R"({"time_ms":1,"kind":"connect","decision":"deny","target":7})", error));
  EXPECT_FALSE(logs::parseEventLine("[]", error));
  EXPECT_FALSE(logs::parseEventLine("", error));
}

TEST(LogRead, UnknownFieldsAndKindsAreKept) {
  logs::LineError error;
  auto e = logs::parseEventLine(
      R"({"time_ms":1,"kind":"git","decision":"deny","target":"https://h/r","ref":"refs/heads/main","old":{"a":1}})",
      error);
  ASSERT_TRUE(e) << error.message;
  ASSERT_EQ(e->extra.size(), 2u);
  EXPECT_EQ(e->extra[0], (std::pair<std::string, std::string>{"old", R"({"a":1})"}));
  EXPECT_EQ(e->extra[1], (std::pair<std::string, std::string>{"ref", "refs/heads/main"}));
  EXPECT_EQ(logs::eventText(*e),
            R"(1970-01-01T00:00:00.001Z deny git https://h/r old="{\"a\":1}" ref=refs/heads/main)");
}

TEST(LogRead, TextEscapesWhatTheSandboxChose) {
  logs::LogEvent e;
  e.timeMs = 0;
  e.kind = "unix-socket";
  e.decision = "deny";
  e.target = "/tmp/a\nb\x1b[2J";
  e.command = "sh -c \"x\"";
  EXPECT_EQ(logs::eventText(e), R"(1970-01-01T00:00:00.000Z deny unix-socket "/tmp/a\x0ab\x1b[2J" command="sh -c \"x\"")");
  e.kind = "connect";
  e.target = "::1";
  e.port = 8080;
  EXPECT_EQ(logs::targetText(e), "[::1]:8080");
}

TEST(LogTime, Rfc3339BothWays) {
  EXPECT_EQ(logs::formatRfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(logs::formatRfc3339(1767225600123), "2026-01-01T00:00:00.123Z");
  EXPECT_EQ(logs::formatRfc3339(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(logs::parseRfc3339("2026-01-01T00:00:00.123Z"), 1767225600123);
  EXPECT_EQ(logs::parseRfc3339("2026-01-01t01:00:00+01:00"), 1767225600000);
  EXPECT_EQ(logs::parseRfc3339("2025-12-31 23:30:00.5-00:30"), 1767225600500);
  EXPECT_EQ(logs::parseRfc3339("2000-02-29T00:00:00Z"), 951782400000);
  EXPECT_FALSE(logs::parseRfc3339("2001-02-29T00:00:00Z"));
  EXPECT_FALSE(logs::parseRfc3339("2026-01-01T00:00:00"));   // no offset
  EXPECT_FALSE(logs::parseRfc3339("2026-01-01T24:00:00Z"));
  EXPECT_FALSE(logs::parseRfc3339("2026-01-01T00:00:00.Z"));
  EXPECT_FALSE(logs::parseRfc3339("2026-01-01T00:00:00Zjunk"));
  EXPECT_FALSE(logs::parseRfc3339("yesterday"));
  for (int64_t ms : {int64_t(0), int64_t(1), int64_t(1767225600123), int64_t(4102444800999)})
    EXPECT_EQ(logs::parseRfc3339(logs::formatRfc3339(ms)), ms);
}

TEST(LogTime, SinceIsATimeOrADurationBack) {
  std::string error;
  int64_t now = 1767225600000;
  EXPECT_EQ(logs::parseSince("10m", now, error), now - 600000);
  EXPECT_EQ(logs::parseSince("2h", now, error), now - 7200000);
  EXPECT_EQ(logs::parseSince("1d", now, error), now - 86400000);
  EXPECT_EQ(logs::parseSince("30s", now, error), now - 30000);
  EXPECT_EQ(logs::parseSince("2026-01-01T00:00:00Z", 0, error), 1767225600000);
  for (const char *bad : {"", "m", "0m", "-1h", "10", "10w", "1.5h", "10mm", "99999999999999d"})
    EXPECT_FALSE(logs::parseSince(bad, now, error)) << bad;
}

TEST(LogSummary, CountsPerKindWithTheFirstTargets) {
  std::string error;
  auto log = runtime::EventLog::open("", false, error);
  ASSERT_TRUE(log);
  auto deny = [&](const std::string &kind, const std::string &target, std::optional<uint16_t> port) {
    runtime::Event e;
    e.kind = kind;
    e.target = target;
    e.port = port;
    e.decision = "deny";
    log->record(e);
  };
  deny("connect", "evil.example", 443);
  deny("unix-socket", "/run/docker.sock", std::nullopt);
  deny("connect", "10.0.0.1", 80);
  deny("connect", "evil.example", 443); // counted, named once
  deny("proxy-credential", "", std::nullopt);
  deny("connect", "c.example", 443);
  deny("connect", "d.example", 443);
  deny("quarantine", "/p/.git/hooks/x\n", std::nullopt);
  runtime::Event allowed;
  allowed.kind = "connect";
  allowed.target = "ok.example";
  allowed.decision = "allow";
  log->record(allowed);
  EXPECT_EQ(log->denials(), 8u);
  EXPECT_EQ(runtime::blockedSummary(log->denials(), log->denialsByKind(), "/tmp/log.jsonl"),
            "moat: 8 accesses blocked: 5 connect (evil.example:443, 10.0.0.1:80, c.example:443, ...), "
            "1 unix-socket (/run/docker.sock), 1 proxy-credential, 1 quarantine (/p/.git/hooks/x\\x0a) "
            "(see /tmp/log.jsonl)");
  EXPECT_EQ(runtime::blockedSummary(1, {{"connect", 1, {"a:1"}, false}}, ""), "moat: 1 access blocked: 1 connect (a:1)");
}

TEST(LogProcessCommand, ReadsTheCommandLineOrNothing) {
  std::string self = runtime::processCommand(::getpid());
  EXPECT_NE(self.find("moat_unit_tests"), std::string::npos) << self;
  EXPECT_LE(self.size(), runtime::kMaxCommandBytes);
  EXPECT_EQ(runtime::processCommand(0), "");
  EXPECT_EQ(runtime::processCommand(-1), "");
}
