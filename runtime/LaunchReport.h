// What every platform's launcher tells the user the same way: the rule a
// proxy decision names in the log, and the "N accesses blocked" line at
// exit. Kept here so the launchers cannot drift apart in what a log line
// or the summary says (docs/runtime.md, "The log").
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/ir/Policy.h"
#include "runtime/EventLog.h"

#include <string>

namespace moat::runtime {

// "file:line:col" of a network rule, "builtin" for moat's own, "default"
// for none.
std::string ruleLocation(const DiagnosticEngine &diags, const ir::NetRule *rule);

// `moat: N accesses blocked: 2 connect (a.example:443, 10.0.0.1:80), 1
// unix-socket (/run/docker.sock) (see LOG)` on stderr, when anything was:
// the count per kind in the order each kind was first refused, with the
// first few distinct targets ("..." when there were more).
void printBlockedSummary(const EventLog &log, const std::string &logPath);
// The same line (without its newline), for tests.
std::string blockedSummary(size_t total, const std::vector<EventLog::KindCount> &byKind, const std::string &logPath);

} // namespace moat::runtime
