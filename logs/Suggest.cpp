// See Suggest.h.
#include "logs/Suggest.h"

#include "logs/EventText.h"

#include "compiler/Frontend.h"
#include "compiler/parse/Parser.h"
#include "compiler/sema/RuntimeSemantics.h"
#include "lint/FoldRepeats.h"
#include "lint/Lint.h"
#include "lint/SourceComments.h"
#include "lint/Triage.h"
#include "lint/rules/AssertFailed.h"

#include <llvm/Support/raw_ostream.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <string_view>

namespace moat::logs {

namespace {

constexpr const char *kMarker = "# moat-log-suggestion ";
constexpr size_t kMaxNotSuggested = 20;

struct Candidate {
  int order;             // connect, unix-socket, write
  std::string statement; // without indentation
  std::string subject;   // for the sort: the target
};

struct Refused {
  std::string what; // "connect 10.0.0.1:80"
  std::string why;
};

// Characters a pattern reads as something other than themselves: globs,
// roots, escapes. A target holding one gets no line (writing it by hand is
// safer than a line that means more than the target).
bool literalSafe(const std::string &text) {
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7f || std::string_view("*?[]{}$\\\"").find(static_cast<char>(c)) != std::string_view::npos)
      return false;
  return !text.empty();
}

// An absolute path in the one spelling a rule can hold: no `.`, `..` or
// empty component, no trailing slash (a rule is matched against the
// normalised path; another spelling would not load, or mean another path).
bool normalPath(const std::string &path) {
  if (path.size() < 2 || path[0] != '/' || path.back() == '/')
    return false;
  for (size_t start = 1; start <= path.size();) {
    size_t end = path.find('/', start);
    if (end == std::string::npos)
      end = path.size();
    std::string_view part(path.data() + start, end - start);
    if (part.empty() || part == "." || part == "..")
      return false;
    start = end + 1;
  }
  return true;
}

bool isIpLiteral(const std::string &host) {
  return !host.empty() && host.find_first_not_of("0123456789abcdef.:") == std::string::npos &&
         (host.find('.') != std::string::npos || host.find(':') != std::string::npos);
}

std::string underRoot(const std::string &path, const SuggestOptions &o) {
  auto under = [&](const std::string &root) {
    return !root.empty() && root != "/" && path.size() > root.size() + 1 && path.compare(0, root.size(), root) == 0 &&
           path[root.size()] == '/';
  };
  // The deeper root first: the project is usually under $HOME.
  bool cwdFirst = o.cwd.size() >= o.home.size();
  if (cwdFirst && under(o.cwd))
    return "$CWD" + path.substr(o.cwd.size());
  if (under(o.home))
    return "~" + path.substr(o.home.size());
  if (!cwdFirst && under(o.cwd))
    return "$CWD" + path.substr(o.cwd.size());
  return path;
}

std::string oneLine(std::string text) {
  for (char &c : text)
    if (c == '\n' || c == '\r' || static_cast<unsigned char>(c) < 0x20)
      c = ' ';
  return text;
}

// The quarantine reason up to "; moved to ...".
std::string quarantineWhy(const std::string &reason) {
  size_t cut = reason.find("; ");
  std::string why = cut == std::string::npos ? reason : reason.substr(0, cut);
  std::string out;
  for (char c : why)
    if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20)
      out += c;
  return out.empty() ? "quarantined" : out;
}

class Planner {
public:
  explicit Planner(const SuggestOptions &o) : o_(o) {}

  void add(const LogEvent &e) {
    if (!e.denied())
      return;
    if (e.kind == "connect")
      return connect(e);
    if (e.kind == "unix-socket")
      return unixSocket(e);
    if (e.kind == "quarantine")
      return quarantine(e);
    if (e.kind == "proxy-credential" || e.kind == "proxy-limit" || e.kind == "proxy-request")
      return refuse(e, "moat's own guard (" + e.reason + "); no policy line lifts it");
    refuse(e, "moat log --suggest has no policy line for kind '" + e.kind + "'");
  }

  std::vector<Candidate> candidates() const {
    std::vector<Candidate> out;
    for (const auto &[key, c] : candidates_)
      out.push_back(c);
    return out;
  }
  // Distinct, sorted (a stable order whatever the log's), at most
  // kMaxNotSuggested; `dropped` says how many more.
  std::vector<Refused> refused(size_t &dropped) const {
    std::vector<Refused> out;
    for (const auto &[what, why] : refused_)
      if (out.size() < kMaxNotSuggested)
        out.push_back({what, why});
    dropped = refused_.size() - out.size();
    return out;
  }

private:
  void candidate(int order, const std::string &subject, const std::string &statement) {
    candidates_.try_emplace({order, subject}, Candidate{order, statement, subject});
  }

  void refuse(const LogEvent &e, const std::string &why) {
    std::string what = e.kind + (e.target.empty() && !e.port ? "" : " " + targetText(e));
    refused_.emplace(oneLine(what), oneLine(why));
  }

  void connect(const LogEvent &e) {
    bool liftable = e.rule != "builtin" ||
                    (e.reason.find(" address and no rule names it") != std::string::npos && isIpLiteral(e.target));
    if (!liftable)
      return refuse(e, "moat's own guard (" + e.reason + "); no policy line lifts it");
    if (!literalSafe(e.target) || e.target.find('/') != std::string::npos)
      return refuse(e, "the host name is not one a rule can name literally");
    std::string text = targetText(e);
    candidate(0, text, "allow connect \"" + text + "\";");
  }

  void unixSocket(const LogEvent &e) {
    if (!e.target.empty() && e.target[0] != '/')
      return refuse(e, "a relative socket path cannot be decided from outside the process; no policy line lifts it");
    // "PATH -> SPELLING": the link led to a spelling the policy refuses.
    std::string path = e.target;
    size_t arrow = path.rfind(" -> ");
    if (arrow != std::string::npos)
      path = path.substr(arrow + 4);
    if (!literalSafe(path) || !normalPath(path))
      return refuse(e, "the path is not one a rule can name literally (a glob or control character, or a "
                       "'.', '..' or empty component); write the rule by hand");
    candidate(1, path, "allow unix-socket \"" + underRoot(path, o_) + "\";");
  }

  void quarantine(const LogEvent &e) {
    if (!literalSafe(e.target) || !normalPath(e.target))
      return refuse(e, "the path is not one a rule can name literally (a glob or control character, or a "
                       "'.', '..' or empty component); write the rule by hand");
    candidate(2, e.target,
              "always allow write file \"" + underRoot(e.target, o_) + "\" because \"moat log: " +
                  quarantineWhy(e.reason) + "\";");
  }

  const SuggestOptions &o_;
  std::map<std::pair<int, std::string>, Candidate> candidates_;
  std::set<std::pair<std::string, std::string>> refused_;
};

struct Finding {
  std::string id;
  Severity severity;
  unsigned line; // 0: no location
  std::string message;
};

std::string renderDiagnostics(SourceFiles &files, const DiagnosticEngine &diags) {
  std::string out;
  for (const Diagnostic &d : diags.diagnostics()) {
    if (d.severity != Severity::Error)
      continue;
    std::string where = d.loc.valid() ? fmt::format("{}:{}:{}: ", files.name(d.loc.buffer), d.loc.line, d.loc.col)
                                      : std::string();
    out += where + "error: " + d.message + "\n";
  }
  return out;
}

// What `moat check` reports on `text` as a file alone.
std::optional<std::vector<Finding>> lintText(const std::string &name, const std::string &text, std::string &error) {
  SourceFiles files;
  DiagnosticEngine diags(files);
  uint32_t buffer = files.addBuffer(name, text);
  auto policy = loadPolicyBuffer(buffer, ir::Layer::SharedProject, diags);
  if (!policy || diags.inputErrorCount() != 0) {
    error = renderDiagnostics(files, diags);
    return std::nullopt;
  }
  sema::applyRuntime(*policy, ir::Runtime::Moat, ir::Platform::Any, lint::modelBindings());
  // moat check's reading (lint::lintForTriage), and the given policy's own
  // `# moat: ignore[...]` comments hide what they hide there (a stale one
  // is reported), so the same here.
  lint::CommentIndex comments(files);
  lint::Triage triage(comments);
  DiagnosticEngine shown(files);
  std::vector<Diagnostic> triaged = lint::lintForTriage(*policy, diags, lint::LintOptions{}, true, shown);
  std::vector<uint32_t> buffers;
  for (unsigned b = 1; b <= files.mgr().getNumBuffers(); ++b)
    buffers.push_back(b);
  if (!triage.addPolicy(name, buffers, nullptr, triaged, true, shown)) {
    error = renderDiagnostics(files, shown);
    return std::nullopt;
  }
  triage.finish(nullptr, "", shown);
  std::vector<Finding> out;
  for (const Diagnostic &d : lint::foldRepeats(shown.diagnostics()))
    out.push_back({d.id, d.severity, d.loc.buffer == buffer ? d.loc.line : 0u, oneLine(d.message)});
  return out;
}

std::optional<std::string> format(const std::string &name, const std::string &text, std::string &error) {
  SourceFiles files;
  DiagnosticEngine diags(files);
  auto formatted = parse::formatMoat(files.addBuffer(name, text), diags);
  if (!formatted || diags.hasErrors()) {
    error = renderDiagnostics(files, diags);
    return std::nullopt;
  }
  return formatted;
}

std::vector<std::string> splitLines(const std::string &text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

std::string joinLines(const std::vector<std::string> &lines) {
  std::string out;
  for (const std::string &l : lines)
    out += l + "\n";
  return out;
}

std::string findingComment(const Finding &f) {
  return fmt::format("{} ({}): {}", f.id, severityName(f.severity), f.message);
}

} // namespace

std::optional<std::string> suggestPolicy(const std::vector<LogEvent> &events, const SuggestOptions &options,
                                         std::string &error) {
  Planner planner(options);
  for (const LogEvent &e : events)
    planner.add(e);
  std::vector<Candidate> candidates = planner.candidates();
  std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate &a, const Candidate &b) {
    return a.order != b.order ? a.order < b.order : a.subject < b.subject;
  });

  // The base: the given policy as `moat fmt` writes it, or an empty one.
  std::string name = options.policyPath.empty() ? "suggested.moat" : options.policyPath;
  std::string base = "policy \"suggested\" {\n}\n";
  if (!options.policyPath.empty()) {
    SourceFiles files;
    DiagnosticEngine diags(files);
    std::string loadError;
    auto buffer = files.load(options.policyPath, loadError);
    if (!buffer) {
      error = "cannot read '" + options.policyPath + "': " + loadError + "\n";
      return std::nullopt;
    }
    auto formatted = parse::formatMoat(*buffer, diags);
    if (!formatted || diags.hasErrors()) {
      error = renderDiagnostics(files, diags) +
              "moat log --suggest --policy needs a .moat policy (moat convert --to=moat writes one)\n";
      return std::nullopt;
    }
    base = *formatted;
  }
  if (base.find(kMarker) != std::string::npos) {
    error = name + ": holds a '" + std::string(kMarker).substr(2) + "' comment, which --suggest uses as its own marker\n";
    return std::nullopt;
  }
  std::vector<std::string> lines = splitLines(base);
  size_t close = lines.size();
  while (close > 0 && lines[close - 1] != "}")
    --close;
  if (close == 0) {
    error = name + ": no policy block to add the suggested lines to\n";
    return std::nullopt;
  }
  // Pass 1: the lines with numbered markers, formatted, linted.
  std::vector<std::string> added;
  if (!candidates.empty())
    added.push_back("");
  for (size_t i = 0; i < candidates.size(); ++i) {
    added.push_back("  " + std::string(kMarker) + std::to_string(i));
    added.push_back("  " + candidates[i].statement);
  }
  lines.insert(lines.begin() + static_cast<long>(close - 1), added.begin(), added.end());
  auto formatted = format(name, joinLines(lines), error);
  if (!formatted)
    return std::nullopt;
  auto findings = lintText(name, *formatted, error);
  if (!findings)
    return std::nullopt;

  // Which line each suggestion landed on.
  lines = splitLines(*formatted);
  std::map<unsigned, size_t> suggestionAt;   // statement line -> candidate
  std::map<size_t, size_t> markerLine;       // candidate -> marker line index
  for (size_t i = 0; i < lines.size(); ++i) {
    size_t at = lines[i].find(kMarker);
    if (at == std::string::npos)
      continue;
    size_t index = std::strtoul(lines[i].c_str() + at + std::string(kMarker).size(), nullptr, 10);
    if (index >= candidates.size() || markerLine.count(index)) {
      error = "internal error: the formatter moved --suggest's markers\n";
      return std::nullopt;
    }
    size_t next = i + 1;
    while (next < lines.size() && lines[next].find_first_not_of(' ') != std::string::npos &&
           lines[next][lines[next].find_first_not_of(' ')] == '#')
      ++next;
    markerLine[index] = i;
    suggestionAt[static_cast<unsigned>(next + 1)] = index;
  }
  std::map<size_t, std::vector<Finding>> perSuggestion;
  std::vector<Finding> elsewhere;
  for (const Finding &f : *findings) {
    auto it = suggestionAt.find(f.line);
    if (it != suggestionAt.end())
      perSuggestion[it->second].push_back(f);
    else
      elsewhere.push_back(f);
  }
  // Pass 2: markers become the announcements; the header goes on top.
  for (auto it = markerLine.rbegin(); it != markerLine.rend(); ++it) {
    std::string indent = lines[it->second].substr(0, lines[it->second].find('#'));
    std::vector<std::string> comments;
    for (const Finding &f : perSuggestion[it->first])
      comments.push_back(indent + "# would trip " + findingComment(f));
    if (comments.empty())
      comments.push_back(indent + "# trips no finding");
    lines.erase(lines.begin() + static_cast<long>(it->second));
    lines.insert(lines.begin() + static_cast<long>(it->second), comments.begin(), comments.end());
  }
  std::vector<std::string> header;
  header.push_back("# Suggested by moat log --suggest from " + oneLine(options.logName) + ": the lines at the end");
  header.push_back("# would have allowed what it shows blocked (" + std::to_string(candidates.size()) +
                   (candidates.size() == 1 ? " line" : " lines") + "). Each is preceded by what");
  header.push_back("# moat check reports on it; review them before use.");
  if (!elsewhere.empty()) {
    header.push_back("#");
    header.push_back("# moat check also reports, on the rest of the policy:");
    for (const Finding &f : elsewhere)
      header.push_back("#   " + findingComment(f));
  }
  size_t dropped = 0;
  std::vector<Refused> refused = planner.refused(dropped);
  if (!refused.empty()) {
    header.push_back("#");
    header.push_back("# Not suggested:");
    for (const Refused &r : refused)
      header.push_back("#   " + r.what + ": " + r.why);
    if (dropped)
      header.push_back("#   ... and " + std::to_string(dropped) + " more");
  }
  header.push_back("");
  lines.insert(lines.begin(), header.begin(), header.end());

  // What is printed must be formatted and must report what it announces.
  auto final = format(name, joinLines(lines), error);
  if (!final)
    return std::nullopt;
  auto check = lintText(name, *final, error);
  if (!check)
    return std::nullopt;
  auto key = [](std::vector<Finding> fs) {
    std::vector<std::string> out;
    for (const Finding &f : fs)
      out.push_back(f.id + "|" + severityName(f.severity) + "|" + f.message);
    std::sort(out.begin(), out.end());
    return out;
  };
  if (key(*check) != key(*findings)) {
    error = "internal error: the suggested policy does not report what its comments announce\n";
    return std::nullopt;
  }
  return final;
}

} // namespace moat::logs
