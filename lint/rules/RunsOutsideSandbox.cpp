// runs-outside-sandbox: commands a settings file has run outside the
// sandbox: Claude Code's `hooks`, `statusLine`, `apiKeyHelper` and the other
// helper commands (awsAuthRefresh, otelHeadersHelper, ...) run as the user,
// unconfined, and plugins and extra marketplaces bring hooks and MCP
// servers of their own; srt's and Claude's executable-path keys (`bwrapPath`,
// `socatPath`, `ripgrep.command`) name programs the runtime itself starts
// outside the sandbox (reported only when the sandbox can rewrite them: the
// runtime starts such a program in any case). Each other entry is a
// warning; it is an error when a path the
// command names (its script, its program) is writable inside the sandbox: the
// confined process rewrites what runs unconfined next time. Entries of one
// key fold into one finding per severity. A disabled sandbox confines
// nothing, so nothing is "writable inside it": the other rules report that.
// Docs: docs/rules/runs-outside-sandbox.md.
#include "lint/rules/RunsOutsideSandbox.h"

#include <fmt/format.h>

namespace moat::lint {

namespace {

// Shell words of `command`, quotes removed; operators (; | & < > ( )) end a
// word and are dropped.
std::vector<std::string> shellWords(std::string_view command) {
  std::vector<std::string> words;
  std::string word;
  bool inWord = false;
  char quote = 0;
  auto flush = [&] {
    if (inWord)
      words.push_back(word);
    word.clear();
    inWord = false;
  };
  for (size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (quote) {
      if (c == quote)
        quote = 0;
      else if (c == '\\' && quote == '"' && i + 1 < command.size())
        word += command[++i];
      else
        word += c;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      inWord = true;
    } else if (c == '\\' && i + 1 < command.size()) {
      word += command[++i];
      inWord = true;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '|' || c == '&' || c == '<' || c == '>' ||
               c == '(' || c == ')') {
      flush();
    } else {
      word += c;
      inWord = true;
    }
  }
  flush();
  return words;
}

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// `word` in knowledge form, or "" when it names no path lint can place.
std::string knowledgePath(std::string word) {
  if (auto eq = word.find('='); eq != std::string::npos && !startsWith(word, "/") && !startsWith(word, "~"))
    word = word.substr(eq + 1); // VAR=/path, --opt=/path
  if (word.empty() || word[0] == '-' || word.find("://") != std::string::npos)
    return "";
  for (auto [var, root] : {std::pair{"${CLAUDE_PROJECT_DIR}", "$CWD"}, {"$CLAUDE_PROJECT_DIR", "$CWD"},
                           {"${PWD}", "$CWD"}, {"$PWD", "$CWD"}, {"${HOME}", "~"}, {"$HOME", "~"}}) {
    std::string_view v = var;
    if (startsWith(word, v) && (word.size() == v.size() || word[v.size()] == '/'))
      return std::string(root) + (word.size() == v.size() ? "/" : word.substr(v.size()));
  }
  if (word[0] == '$')
    return ""; // another variable: its value is unknown here
  if (word[0] == '/')
    return word;
  if (startsWith(word, "~/"))
    return word;
  if (word.find('/') == std::string::npos)
    return ""; // a bare command name: found on $PATH (write-path-dir's business)
  while (startsWith(word, "./"))
    word = word.substr(2);
  return "$CWD/" + word;
}

struct Entry {
  std::string label;    // what the finding names: "PreToolUse: ./check.sh"
  std::string command;  // the command line whose paths are probed
};

struct KeyInfo {
  ir::OptionId id;
  const char *key;     // as the settings file spells it
  const char *noun;    // "hook", "plugin", ...
  const char *what;    // completes "'X' <what>"
  bool commands;       // entries are command lines whose paths are probed
  bool onlyWritable;   // reported only when the sandbox can write what it names
};

} // namespace

std::vector<std::string> commandPaths(std::string_view command) {
  std::vector<std::string> out;
  for (const std::string &w : shellWords(command)) {
    std::string p = knowledgePath(w);
    if (!p.empty())
      out.push_back(std::move(p));
  }
  return out;
}

void checkRunsOutsideSandbox(const LintContext &ctx, const RuleInfo &self) {
  const ir::Options &options = ctx.policy().options;
  bool disabled = options.flag(ir::OptionId::SandboxDisabled);
  static const KeyInfo keys[] = {
      {ir::OptionId::HookCommands, "hooks", "hook", "runs as a shell command outside the sandbox, with the user's full rights", true, false},
      {ir::OptionId::StatusLineCommand, "statusLine", "statusLine command", "runs outside the sandbox on every prompt, with the user's full rights", true, false},
      {ir::OptionId::ApiKeyHelper, "apiKeyHelper", "apiKeyHelper", "runs outside the sandbox whenever Claude Code needs an API key, and its output is the key", true, false},
      {ir::OptionId::HelperCommands, "helpers", "helper", "runs outside the sandbox, with the user's full rights", true, false},
      {ir::OptionId::EnabledPlugins, "enabledPlugins", "plugin", "is enabled: its hooks and MCP servers run outside the sandbox, with the user's full rights", false, false},
      {ir::OptionId::ExtraKnownMarketplaces, "extraKnownMarketplaces", "marketplace", "is trusted: the plugins installed from it bring hooks and MCP servers that run outside the sandbox", false, false},
      {ir::OptionId::BwrapPath, "bwrapPath", "bwrapPath", "is the bubblewrap program the runtime starts, unconfined, to build the sandbox", true, true},
      {ir::OptionId::SocatPath, "socatPath", "socatPath", "is the socat program the runtime starts to bridge the proxy", true, true},
      {ir::OptionId::RipgrepCommand, "ripgrep.command", "ripgrep command", "is the program the runtime runs outside the sandbox to find the files it protects", true, true},
  };
  for (const KeyInfo &k : keys) {
    const auto &setting = options.get(k.id);
    if (!setting)
      continue;
    std::vector<Entry> entries;
    if (const auto *list = std::get_if<std::vector<std::string>>(&setting->value)) {
      for (const std::string &item : *list) {
        // Hooks are "EVENT: command", helpers "KEY: command": the paths
        // are in the command.
        std::string command = item;
        if (k.id == ir::OptionId::HookCommands || k.id == ir::OptionId::HelperCommands)
          if (auto colon = item.find(": "); colon != std::string::npos)
            command = item.substr(colon + 2);
        entries.push_back({item, command});
      }
    } else if (const auto *text = std::get_if<std::string>(&setting->value)) {
      entries.push_back({*text, *text});
    } else if (const auto *on = std::get_if<bool>(&setting->value); on && *on) {
      entries.push_back({k.key, ""});
    }
    if (entries.empty())
      continue;
    SourceLoc at = ctx.optionLoc(k.id);
    // Warnings fold into one finding; each writable path is its own error,
    // with a note at the rule that lets the sandbox write it.
    std::vector<std::string> plain;
    for (const Entry &e : entries) {
      bool writable = false;
      if (k.commands && !disabled) {
        for (const std::string &p : commandPaths(e.command)) {
          std::string abs = ctx.bind(p);
          auto o = ctx.fsOpen(abs, ir::Access::Write);
          if (!o)
            continue;
          writable = true;
          Diagnostic &d = ctx.report(
              self, Severity::Error, at,
              fmt::format("{} '{}' {}, and the sandbox can write '{}'{}: the confined process can rewrite what "
                          "runs unconfined next time; keep it out of every write root",
                          k.noun, e.label, k.what, ctx.display(abs), LintContext::platformSuffix(*o)));
          d.notes.push_back(LintContext::note(self, ctx.locate(o->decision, ir::Access::Write),
                                              "this lets the sandbox write it"));
          break;
        }
      }
      if (!writable)
        plain.push_back(e.label);
    }
    if (plain.empty() || k.onlyWritable)
      continue; // a runtime binary the sandbox cannot rewrite is what the runtime runs anyway
    std::string message = fmt::format("{} '{}' {}", k.noun, plain.front(), k.what);
    if (plain.size() > 1) {
      constexpr size_t kNamed = 5; // spelled out before "and N others"
      message += fmt::format("; so do {} more:", plain.size() - 1);
      for (size_t i = 1; i < plain.size() && i <= kNamed; ++i)
        message += fmt::format("{} '{}'", i == 1 ? "" : ",", plain[i]);
      if (plain.size() - 1 > kNamed)
        message += fmt::format(" and {} other{}", plain.size() - 1 - kNamed, plain.size() - 1 - kNamed == 1 ? "" : "s");
    }
    ctx.report(self, at, message);
  }
}

} // namespace moat::lint
