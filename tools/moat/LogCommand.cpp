// moat log [--follow] [--since=WHEN] [--kind=KIND]... [--format=text|json] FILE
// moat log --suggest [--policy=FILE] [--since=WHEN] [--kind=KIND]... FILE
// Reading, filtering, following and suggesting live in logs/; this file
// wires them to the options and prints.
#include "Cli.h"
#include "Subcommands.h"

#include "logs/EventText.h"
#include "logs/LogReader.h"
#include "logs/LogTime.h"
#include "logs/Suggest.h"

#include <cstdlib>
#include <unistd.h>

namespace moat::cli {

llvm::cl::SubCommand LogSub("log", "Read a moat run --log file; --suggest the policy lines that would have allowed "
                                   "what it shows blocked");

namespace {
enum class LogFormat { Text, Json };
llvm::cl::opt<bool> Follow("follow", llvm::cl::desc("Keep reading lines appended to FILE until SIGINT or SIGTERM"),
                           llvm::cl::sub(LogSub), llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> Since("since",
                                 llvm::cl::desc("Only events at or after WHEN: an RFC 3339 time, or a duration back "
                                                "from now (30s, 10m, 2h, 1d)"),
                                 llvm::cl::value_desc("WHEN"), llvm::cl::sub(LogSub), llvm::cl::cat(MoatCategory));
llvm::cl::list<std::string> Kinds("kind",
                                  llvm::cl::desc("Only events of this kind (connect, unix-socket, quarantine, ...); "
                                                 "repeatable"),
                                  llvm::cl::value_desc("KIND"), llvm::cl::sub(LogSub), llvm::cl::cat(MoatCategory));
llvm::cl::opt<LogFormat> LogFormatOpt("format", llvm::cl::desc("Output format"), llvm::cl::sub(LogSub),
                                      llvm::cl::init(LogFormat::Text), llvm::cl::cat(MoatCategory),
                                      llvm::cl::values(clEnumValN(LogFormat::Text, "text", "one readable line per event"),
                                                       clEnumValN(LogFormat::Json, "json", "the JSON lines as written")));
llvm::cl::opt<bool> Suggest("suggest",
                            llvm::cl::desc("Print a policy with the lines that would have allowed what was blocked, "
                                           "each with what moat check reports on it"),
                            llvm::cl::sub(LogSub), llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> SuggestPolicy("policy",
                                         llvm::cl::desc("With --suggest: add the lines to this .moat policy "
                                                        "(default: an empty policy)"),
                                         llvm::cl::value_desc("FILE"), llvm::cl::sub(LogSub),
                                         llvm::cl::cat(MoatCategory));
llvm::cl::opt<std::string> LogFile(llvm::cl::Positional, llvm::cl::desc("FILE"), llvm::cl::Required,
                                   llvm::cl::sub(LogSub), llvm::cl::cat(MoatCategory));

int usage(const std::string &message) {
  llvm::errs() << "moat: error: " << message << "\n";
  return kExitInputError;
}
} // namespace

int runLog() {
  if (Suggest && Follow)
    return usage("--suggest reads the whole log once; it cannot be combined with --follow");
  if (Suggest && LogFormatOpt.getNumOccurrences())
    return usage("--suggest prints a .moat policy; --format does not apply");
  if (SuggestPolicy.getNumOccurrences() && !Suggest)
    return usage("--policy is for --suggest");

  logs::EventFilter filter;
  if (Since.getNumOccurrences()) {
    std::string error;
    auto now = logs::nowMillis(error);
    if (!now)
      return usage(error);
    filter.sinceMs = logs::parseSince(Since, *now, error);
    if (!filter.sinceMs)
      return usage(error);
  }
  for (const std::string &kind : Kinds) {
    if (kind.empty())
      return usage("--kind needs a kind (connect, unix-socket, quarantine, ...)");
    filter.kinds.insert(kind);
  }

  std::vector<logs::LogEvent> events;
  size_t malformed = 0;
  logs::ReadCallbacks callbacks;
  callbacks.event = [&](const logs::LogEvent &event, std::string_view line) {
    if (Suggest)
      return events.push_back(event);
    if (LogFormatOpt == LogFormat::Json)
      llvm::outs() << line << "\n";
    else
      llvm::outs() << logs::eventText(event) << "\n";
    if (Follow)
      llvm::outs().flush();
  };
  callbacks.malformed = [&](size_t line, const logs::LineError &error) {
    ++malformed;
    llvm::outs().flush(); // the error after the lines before it
    llvm::errs() << LogFile << ":" << line << ":" << error.column << ": error: " << error.message << "\n";
  };
  callbacks.note = [&](const std::string &note) { llvm::errs() << "moat: note: " << note << "\n"; };
  if (Follow)
    logs::stopFollowingOnSignals();
  std::string error;
  bool read = logs::readLog(LogFile, Follow, filter, callbacks, error);
  llvm::outs().flush();
  if (!read)
    return usage(error);
  if (malformed) {
    llvm::errs() << "moat: " << malformed << (malformed == 1 ? " line" : " lines") << " of " << LogFile
                 << " could not be read" << (Suggest ? "; nothing suggested" : "") << "\n";
    return kExitInputError;
  }
  if (!Suggest)
    return kExitOk;

  logs::SuggestOptions options;
  options.logName = LogFile;
  options.policyPath = SuggestPolicy;
  if (const char *home = std::getenv("HOME"))
    options.home = home;
  char cwd[4096];
  if (::getcwd(cwd, sizeof cwd))
    options.cwd = cwd;
  auto policy = logs::suggestPolicy(events, options, error);
  if (!policy) {
    llvm::errs() << error;
    return kExitInputError;
  }
  llvm::outs() << *policy;
  return kExitOk;
}

} // namespace moat::cli
