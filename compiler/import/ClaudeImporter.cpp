// Claude Code settings (user, project, local, managed) -> AST.
//
// Claude Code reads its settings leniently, and moat reads them the same way:
// every key of its schema is accepted (ClaudeKeys.cpp lists them); a key it
// does not know, or knows elsewhere, is a finding (SettingsFindings.h); an
// entry it skips (a permission rule that does not parse) is an invalid-entry
// finding and the rest of the file still counts. Exit 2 is left for files
// that are not JSON or not settings at all.
//
// What bears on confinement is modelled, with Claude Code's defaults:
//  * `sandbox`: off unless `enabled` is literally true (the default is
//    false), which is the `sandbox-disabled` option; `allowUnsandboxedCommands`
//    defaults to true; hosts outside the allow list are asked about
//    (`default connect ask`) unless `network.strictAllowlist` or
//    `network.allowManagedDomainsOnly`; the network, filesystem and
//    credentials sections and the switches srt shares go through srt's
//    readers (SrtSections.h), since Claude Code runs srt underneath;
//    `enabledPlatforms` becomes an option, and a list without linux, wsl or
//    macos turns the sandbox off like `enabled: false`.
//  * `permissions`: Edit/Read/WebFetch rules feed the sandbox (as Claude Code
//    does); `additionalDirectories` are writable like the launch directory;
//    `defaultMode`, `disableBypassPermissionsMode`, `disableAutoMode` are
//    options.
//  * Commands Claude Code runs OUTSIDE the sandbox: hooks, statusLine,
//    apiKeyHelper and the other helper keys; plugins and marketplaces (which
//    bring hooks and MCP servers); allowManagedHooksOnly and
//    allowManagedPermissionRulesOnly. Each is an option that keeps the
//    location of its key, for lint to report.
// docs/importing.md explains each mapping.
#include "compiler/import/Importers.h"

#include "compiler/import/ClaudeRules.h"
#include "compiler/import/DocTree.h"
#include "compiler/import/ImportPaths.h"
#include "compiler/import/SettingsFindings.h"
#include "compiler/import/SrtDomains.h"
#include "compiler/import/SrtSections.h"
#include "compiler/net/Host.h"

namespace moat::import {

namespace {

constexpr SettingsRuntime kClaude = SettingsRuntime::Claude;

constexpr const char *kImpliedCwdOrigin =
    "implied: Claude Code's sandbox always allows writing the working directory";

// A setting whose whole value has the wrong type: Claude Code's schema
// rejects the value, so the setting is not in effect; the rest of the file
// still is.
void reportWrongSetting(const DocNode &n, const std::string &key, const char *expected,
                        DiagnosticEngine &diags) {
  reportSettingsFinding(diags, kInvalidEntry, Severity::Error, n.loc,
                        fmt::format("'{}' must be {}, not {}; Claude Code does not apply it", key,
                                    expected, n.kindName()));
}

std::optional<bool> boolSetting(const DocNode &v, const std::string &key, DiagnosticEngine &diags) {
  if (v.kind == DocNode::Kind::Bool)
    return v.boolean;
  reportWrongSetting(v, key, "a boolean", diags);
  return std::nullopt;
}

const std::string *stringSetting(const DocNode &v, const std::string &key,
                                 DiagnosticEngine &diags) {
  if (v.kind == DocNode::Kind::String)
    return &v.string;
  reportWrongSetting(v, key, "a string", diags);
  return nullptr;
}

// The string items of a list; other items are invalid entries Claude Code
// skips. nullopt when the value is not a list at all.
std::optional<std::vector<const DocNode *>> stringList(const DocNode &v, const std::string &key,
                                                       DiagnosticEngine &diags) {
  if (v.kind != DocNode::Kind::Array) {
    reportWrongSetting(v, key, "an array of strings", diags);
    return std::nullopt;
  }
  std::vector<const DocNode *> out;
  for (const DocNode &item : v.items) {
    if (item.kind == DocNode::Kind::String)
      out.push_back(&item);
    else
      reportInvalidEntry(diags, kClaude, item.loc, key,
                         fmt::format("{} where a string goes", item.kindName()));
  }
  return out;
}

void setBool(ObjectReader &r, const char *key, const std::string &dotted, ir::OptionId id,
             ImportBuilder &out, DiagnosticEngine &diags) {
  if (const DocNode *v = r.get(key))
    if (auto b = boolSetting(*v, dotted, diags))
      out.set(id, ast::OptionValue{*b, v->loc}, r.keyLoc(key));
}

// ---- sandbox ----------------------------------------------------------------

// What the sandbox section decided that the importer needs afterwards.
struct SandboxFacts {
  bool enabled = false;
  bool askUnlisted = true; // hosts outside the allow list are asked about
};

bool networkFlag(const DocNode &sandbox, const char *key) {
  for (const auto &[k, network] : sandbox.members)
    if (k == "network" && network.kind == DocNode::Kind::Object)
      for (const auto &[nk, v] : network.members)
        if (nk == key && v.kind == DocNode::Kind::Bool && v.boolean)
          return true;
  return false;
}

// `enabledPlatforms`: the sandbox settings hold only on the listed platforms.
// Returns false when the list leaves out every platform moat models (Linux,
// with WSL, and macOS): then the sandbox is off wherever moat runs.
bool readEnabledPlatforms(ObjectReader &r, ImportBuilder &out, DiagnosticEngine &diags) {
  const DocNode *v = r.get("enabledPlatforms");
  if (!v)
    return true;
  auto items = stringList(*v, "sandbox.enabledPlatforms", diags);
  if (!items)
    return true; // not applied: every platform
  std::vector<std::string> platforms;
  bool modelled = false;
  for (const DocNode *item : *items) {
    const std::string &p = item->string;
    if (p != "macos" && p != "linux" && p != "wsl" && p != "windows") {
      reportInvalidEntry(diags, kClaude, item->loc, "sandbox.enabledPlatforms",
                         fmt::format("'{}' is not a platform (macos, linux, wsl, windows)",
                                     net::displayHost(p)));
      continue;
    }
    modelled |= p != "windows";
    platforms.push_back(p);
  }
  out.set(ir::OptionId::EnabledPlatforms, ast::OptionValue{platforms, v->loc},
          r.keyLoc("enabledPlatforms"));
  return modelled;
}

SandboxFacts readSandbox(const DocNode &sandbox, SourceLoc sandboxKey, ImportBuilder &out,
                         DiagnosticEngine &diags) {
  SandboxFacts facts;
  if (sandbox.kind != DocNode::Kind::Object) {
    reportWrongSetting(sandbox, "sandbox", "an object", diags);
    out.setImplied(ir::OptionId::SandboxDisabled, ast::OptionValue{true, sandbox.loc}, sandboxKey);
    out.setImplied(ir::OptionId::AllowUnsandboxedCommands, ast::OptionValue{true, sandbox.loc},
            sandboxKey);
    return facts;
  }
  ObjectReader r(sandbox, "sandbox", diags, kClaude);
  SectionContext ctx{SettingsDialect::Claude, "sandbox.", out, diags};

  // Off unless `enabled` is literally true.
  SourceLoc enabledAt = sandboxKey, enabledValue = sandbox.loc;
  bool enabledWritten = false;
  if (const DocNode *enabled = r.get("enabled")) {
    enabledAt = r.keyLoc("enabled");
    enabledValue = enabled->loc;
    if (auto on = boolSetting(*enabled, "sandbox.enabled", diags)) {
      facts.enabled = *on;
      enabledWritten = true; // an invalid value is skipped: the default stands
    }
  }
  bool platformsOn = readEnabledPlatforms(r, out, diags);
  // An absent `enabled` is Claude Code's default (off), which another scope
  // may override; `enabled: false` or a platform list without this one is
  // this file's own word.
  if (!platformsOn || (enabledWritten && !facts.enabled))
    out.set(ir::OptionId::SandboxDisabled, ast::OptionValue{true, enabledValue}, enabledAt);
  else if (!facts.enabled)
    out.setImplied(ir::OptionId::SandboxDisabled, ast::OptionValue{true, enabledValue}, enabledAt);
  else // written `true`: said outright, so it outranks another scope's implied default
    out.set(ir::OptionId::SandboxDisabled, ast::OptionValue{false, enabledValue}, enabledAt);
  facts.enabled = facts.enabled && platformsOn;

  setBool(r, "failIfUnavailable", "sandbox.failIfUnavailable", ir::OptionId::FailIfUnavailable,
          out, diags);
  setBool(r, "autoAllowBashIfSandboxed", "sandbox.autoAllowBashIfSandboxed",
          ir::OptionId::AutoAllowBashIfSandboxed, out, diags);
  // Absent means true: a command may ask to run outside the sandbox.
  if (const DocNode *v = r.get("allowUnsandboxedCommands")) {
    if (auto b = boolSetting(*v, "sandbox.allowUnsandboxedCommands", diags))
      out.set(ir::OptionId::AllowUnsandboxedCommands, ast::OptionValue{*b, v->loc},
              r.keyLoc("allowUnsandboxedCommands"));
  } else {
    out.setImplied(ir::OptionId::AllowUnsandboxedCommands, ast::OptionValue{true, sandbox.loc},
                   sandboxKey);
  }
  if (const DocNode *excluded = r.get("excludedCommands")) {
    if (auto items = stringList(*excluded, "sandbox.excludedCommands", diags)) {
      std::vector<std::string> commands;
      for (const DocNode *item : *items)
        commands.push_back(item->string);
      out.set(ir::OptionId::ExcludedCommands, ast::OptionValue{std::move(commands), excluded->loc},
              r.keyLoc("excludedCommands"));
    }
  }
  const DocNode *network = r.get("network");
  if (network)
    readNetworkSection(*network, ctx);
  const DocNode *filesystem = r.get("filesystem");
  if (filesystem)
    readFilesystemSection(*filesystem, ctx);
  if (const DocNode *creds = r.get("credentials")) // srt checks them as it does its own
    readCredentialsSection(*creds, ctx, network, filesystem);
  // enableWeakerNestedSandbox, allowNestedUserNamespaces,
  // enableWeakerNetworkIsolation, allowAppleEvents, ignoreViolations,
  // ripgrep, bwrapPath, socatPath, windows: as srt reads them.
  readSandboxSwitches(r, ctx);
  r.finish();

  facts.askUnlisted = !networkFlag(sandbox, "strictAllowlist") &&
                      !networkFlag(sandbox, "allowManagedDomainsOnly");
  return facts;
}

// ---- permissions -------------------------------------------------------------

enum class RuleList { Allow, Deny, Ask };

// One permission rule's effect on the sandbox. Claude feeds Edit, Read and
// WebFetch(domain:...) rules into its sandbox; every other tool's rules only
// decide whether Claude asks before using the tool, which moat does not model.
void applyRule(const DocNode &item, RuleList list, const std::string &listKey, size_t index,
               const std::string &settingsDir, ImportBuilder &out, DiagnosticEngine &diags) {
  std::string error;
  auto rule = parsePermissionRule(item.string, error);
  if (!rule) {
    reportInvalidEntry(diags, kClaude, item.loc, listKey,
                       fmt::format("'{}': {}", net::displayHost(item.string), error));
    return;
  }
  std::string origin = fmt::format("{}[{}]", listKey, index);
  if (rule->tool == "WebFetch" && rule->specifier) {
    static constexpr std::string_view kDomain = "domain:";
    const std::string &spec = *rule->specifier;
    if (spec.compare(0, kDomain.size(), kDomain) != 0) {
      reportInvalidEntry(diags, kClaude, item.loc, listKey,
                         fmt::format("'{}': WebFetch rules take 'domain:HOST'",
                                     net::displayHost(item.string)));
      return;
    }
    std::string host = spec.substr(kDomain.size());
    bool deny = list == RuleList::Deny;
    if (auto why = srtDomainProblem(host, deny)) {
      reportInvalidEntry(diags, kClaude, item.loc, listKey,
                         fmt::format("'{}': {}", net::displayHost(item.string), *why));
      return;
    }
    if (list != RuleList::Ask)
      out.netRule(deny ? ast::Effect::Deny : ast::Effect::Allow, item.loc, std::move(host),
                  origin);
    return;
  }
  if (!rule->specifier || list == RuleList::Ask)
    return; // a bare tool name or an ask rule grants or removes no access

  const std::string &spec = *rule->specifier;
  if (rule->tool == "Edit" || (rule->tool == "Read" && list == RuleList::Deny)) {
    // A deny covers the pattern wherever gitignore would match it; an allow
    // stays at the narrower, anchored reading.
    auto path = claudeRulePath(spec, settingsDir, list == RuleList::Deny, error);
    if (!path) {
      reportInvalidEntry(diags, kClaude, item.loc, listKey,
                         fmt::format("'{}': {}", net::displayHost(item.string), error));
      return;
    }
    if (rule->tool == "Read")
      out.fsRule(false, ast::Effect::Deny, ast::Access::Read, item.loc, std::move(*path), origin);
    else if (list == RuleList::Allow)
      out.fsRule(false, ast::Effect::Allow, ast::Access::Write, item.loc, std::move(*path), origin);
    else // Claude: a deny rule beats every allow rule
      out.fsRule(true, ast::Effect::Deny, ast::Access::Write, item.loc, std::move(*path), origin);
  }
}

// Claude Code expands a leading `~` and `$HOME` in these directories; any
// other `$` is an ordinary character.
std::string additionalDirectory(const std::string &dir) {
  for (std::string_view home : {"${HOME}", "$HOME"}) {
    if (dir.compare(0, home.size(), home) == 0 &&
        (dir.size() == home.size() || dir[home.size()] == '/'))
      return "~" + literalDollars(std::string_view(dir).substr(home.size()));
  }
  return literalDollars(dir);
}

// A key whose only accepted value is the string "disable".
void readDisableSwitch(ObjectReader &r, const char *key, ir::OptionId id, ImportBuilder &out,
                       DiagnosticEngine &diags) {
  const DocNode *v = r.get(key);
  if (!v)
    return;
  std::string dotted = std::string("permissions.") + key;
  const std::string *s = stringSetting(*v, dotted, diags);
  if (!s)
    return;
  if (*s != "disable") {
    reportInvalidEntry(diags, kClaude, v->loc, dotted,
                       fmt::format("'{}': the only value is \"disable\"", net::displayHost(*s)));
    return;
  }
  out.set(id, ast::OptionValue{true, v->loc}, r.keyLoc(key));
}

void readPermissions(const DocNode &perms, const std::string &settingsDir, ImportBuilder &out,
                     DiagnosticEngine &diags) {
  if (perms.kind != DocNode::Kind::Object) {
    reportWrongSetting(perms, "permissions", "an object", diags);
    return;
  }
  ObjectReader r(perms, "permissions", diags, kClaude);
  const std::pair<const char *, RuleList> lists[] = {
      {"allow", RuleList::Allow}, {"deny", RuleList::Deny}, {"ask", RuleList::Ask}};
  for (const auto &[key, list] : lists) {
    const DocNode *v = r.get(key);
    if (!v)
      continue;
    std::string listKey = std::string("permissions.") + key;
    if (v->kind != DocNode::Kind::Array) {
      reportWrongSetting(*v, listKey, "an array of strings", diags);
      continue;
    }
    for (size_t i = 0; i < v->items.size(); ++i) {
      const DocNode &item = v->items[i];
      if (item.kind != DocNode::Kind::String)
        reportInvalidEntry(diags, kClaude, item.loc, listKey,
                           fmt::format("{} where a rule string goes", item.kindName()));
      else
        applyRule(item, list, listKey, i, settingsDir, out, diags);
    }
  }
  // Claude lets the session edit these directories as it does the launch
  // directory. They are plain paths, not rule patterns.
  if (const DocNode *dirs = r.get("additionalDirectories")) {
    if (auto items = stringList(*dirs, "permissions.additionalDirectories", diags)) {
      for (size_t i = 0; i < items->size(); ++i) {
        const DocNode &item = *(*items)[i];
        if (item.string.empty()) {
          reportInvalidEntry(diags, kClaude, item.loc, "permissions.additionalDirectories",
                             "a path cannot be empty");
          continue;
        }
        out.fsRule(false, ast::Effect::Allow, ast::Access::Write, item.loc,
                   additionalDirectory(item.string),
                   fmt::format("permissions.additionalDirectories[{}]", i));
      }
    }
  }
  if (const DocNode *mode = r.get("defaultMode")) {
    if (const std::string *m = stringSetting(*mode, "permissions.defaultMode", diags)) {
      // 'manual' is Claude Code's alias for 'default'.
      static const char *const kModes[] = {"acceptEdits", "auto",    "bypassPermissions",
                                           "default",     "dontAsk", "plan", "manual"};
      bool known = false;
      for (const char *k : kModes)
        known |= *m == k;
      if (known)
        out.set(ir::OptionId::DefaultMode,
                ast::OptionValue{*m == "manual" ? std::string("default") : *m, mode->loc},
                r.keyLoc("defaultMode"));
      else
        reportInvalidEntry(diags, kClaude, mode->loc, "permissions.defaultMode",
                           fmt::format("'{}' is not a mode (acceptEdits, auto, bypassPermissions, "
                                       "default, dontAsk, plan)",
                                       net::displayHost(*m)));
    }
  }
  readDisableSwitch(r, "disableBypassPermissionsMode", ir::OptionId::DisableBypassPermissionsMode,
                    out, diags);
  readDisableSwitch(r, "disableAutoMode", ir::OptionId::DisableAutoMode, out, diags);
  // The sandbox, where it is on, denies reads outside the working
  // directories; `moat build` refuses it (SettingsBuildLimits.cpp).
  setBool(r, "blockReadsOutsideWorkingDirectories", "permissions.blockReadsOutsideWorkingDirectories",
          ir::OptionId::BlockReadsOutsideWorkingDirectories, out, diags);
  // The other keys (blockWritesOutsideWorkingDirectories, ...) bind Claude's
  // own file tools, not the sandbox: read and ignored (ClaudeKeys.cpp).
  r.finish();
}

// ---- commands that run outside the sandbox -------------------------------------

// `{"type": "command", "command": "..."}` (statusLine, fileSuggestion, ...).
const DocNode *commandOf(const DocNode &v) {
  if (v.kind != DocNode::Kind::Object)
    return nullptr;
  for (const auto &[k, c] : v.members)
    if (k == "command" && c.kind == DocNode::Kind::String && !c.string.empty())
      return &c;
  return nullptr;
}

// hooks: {EVENT: [{matcher, hooks: [{type: "command", command}]}]}.
std::vector<std::string> hookCommands(const DocNode &hooks, DiagnosticEngine &diags) {
  std::vector<std::string> out;
  if (hooks.kind != DocNode::Kind::Object) {
    reportWrongSetting(hooks, "hooks", "an object", diags);
    return out;
  }
  for (const auto &[event, matchers] : hooks.members) {
    std::string key = "hooks." + event;
    if (matchers.kind != DocNode::Kind::Array) {
      reportWrongSetting(matchers, key, "an array of matchers", diags);
      continue;
    }
    for (const DocNode &m : matchers.items) {
      const DocNode *list = nullptr;
      if (m.kind == DocNode::Kind::Object)
        for (const auto &[k, v] : m.members)
          if (k == "hooks")
            list = &v;
      if (!list || list->kind != DocNode::Kind::Array) {
        reportInvalidEntry(diags, kClaude, m.loc, key,
                           "a matcher needs a 'hooks' array of {\"type\": \"command\", "
                           "\"command\": ...}");
        continue;
      }
      for (const DocNode &h : list->items)
        if (const DocNode *c = commandOf(h))
          out.push_back(event + ": " + c->string);
    }
  }
  return out;
}

// enabledPlugins: {"name@marketplace": true | [...] | {...}}; false disables.
std::vector<std::string> enabledPlugins(const DocNode &v, DiagnosticEngine &diags) {
  std::vector<std::string> out;
  if (v.kind != DocNode::Kind::Object) {
    reportWrongSetting(v, "enabledPlugins", "an object", diags);
    return out;
  }
  for (const auto &[name, value] : v.members)
    if (!(value.kind == DocNode::Kind::Bool && !value.boolean))
      out.push_back(name);
  return out;
}

// extraKnownMarketplaces: {NAME: {source: {source: "github", repo: ...}}}.
std::vector<std::string> marketplaces(const DocNode &v, DiagnosticEngine &diags) {
  std::vector<std::string> out;
  if (v.kind != DocNode::Kind::Object) {
    reportWrongSetting(v, "extraKnownMarketplaces", "an object", diags);
    return out;
  }
  for (const auto &[name, entry] : v.members) {
    std::string where;
    if (entry.kind == DocNode::Kind::Object)
      for (const auto &[k, source] : entry.members)
        if (k == "source" && source.kind == DocNode::Kind::Object)
          for (const auto &[sk, sv] : source.members)
            if (sv.kind == DocNode::Kind::String && sk != "ref" && sk != "path" && where.empty() &&
                (sk == "repo" || sk == "url" || sk == "package"))
              where = sv.string;
    out.push_back(where.empty() ? name : name + ": " + where);
  }
  return out;
}

// Top-level keys that name one program Claude Code runs outside the sandbox.
constexpr const char *kHelperStrings[] = {"proxyAuthHelper", "awsCredentialExport",
                                          "awsAuthRefresh",  "gcpAuthRefresh",
                                          "otelHeadersHelper", "processWrapper"};
constexpr const char *kHelperObjects[] = {"fileSuggestion", "subagentStatusLine"};

void readCommands(ObjectReader &r, ImportBuilder &out, DiagnosticEngine &diags) {
  bool hooksOff = false;
  if (const DocNode *off = r.get("disableAllHooks"))
    hooksOff = off->kind == DocNode::Kind::Bool && off->boolean;
  // disableAllHooks turns off hooks and the status line alike.
  if (const DocNode *hooks = r.get("hooks")) {
    auto commands = hookCommands(*hooks, diags);
    if (!hooksOff && !commands.empty())
      out.set(ir::OptionId::HookCommands, ast::OptionValue{std::move(commands), hooks->loc},
              r.keyLoc("hooks"));
  }
  if (const DocNode *status = r.get("statusLine")) {
    const DocNode *c = commandOf(*status);
    if (!c)
      reportInvalidEntry(diags, kClaude, status->loc, "statusLine",
                         "expected {\"type\": \"command\", \"command\": \"...\"}");
    else if (!hooksOff)
      out.set(ir::OptionId::StatusLineCommand, ast::OptionValue{c->string, c->loc},
              r.keyLoc("statusLine"));
  }
  if (const DocNode *helper = r.get("apiKeyHelper"))
    if (const std::string *s = stringSetting(*helper, "apiKeyHelper", diags))
      out.set(ir::OptionId::ApiKeyHelper, ast::OptionValue{*s, helper->loc},
              r.keyLoc("apiKeyHelper"));
  std::vector<std::string> helpers;
  SourceLoc first, firstKey;
  auto add = [&](const char *key, const DocNode &v, const std::string &command) {
    if (helpers.empty()) {
      first = v.loc;
      firstKey = r.keyLoc(key);
    }
    helpers.push_back(std::string(key) + ": " + command);
  };
  for (const char *key : kHelperStrings)
    if (const DocNode *v = r.get(key))
      if (const std::string *s = stringSetting(*v, key, diags))
        add(key, *v, *s);
  for (const char *key : kHelperObjects)
    if (const DocNode *v = r.get(key)) {
      if (const DocNode *c = commandOf(*v))
        add(key, *v, c->string);
      else
        reportInvalidEntry(diags, kClaude, v->loc, key,
                           "expected {\"type\": \"command\", \"command\": \"...\"}");
    }
  if (const DocNode *policy = r.get("policyHelper"))
    if (policy->kind == DocNode::Kind::Object)
      for (const auto &[k, p] : policy->members)
        if (k == "path" && p.kind == DocNode::Kind::String)
          add("policyHelper", *policy, p.string);
  if (!helpers.empty())
    out.set(ir::OptionId::HelperCommands, ast::OptionValue{std::move(helpers), first}, firstKey);

  if (const DocNode *plugins = r.get("enabledPlugins")) {
    auto names = enabledPlugins(*plugins, diags);
    if (!names.empty())
      out.set(ir::OptionId::EnabledPlugins, ast::OptionValue{std::move(names), plugins->loc},
              r.keyLoc("enabledPlugins"));
  }
  if (const DocNode *extra = r.get("extraKnownMarketplaces")) {
    auto names = marketplaces(*extra, diags);
    if (!names.empty())
      out.set(ir::OptionId::ExtraKnownMarketplaces, ast::OptionValue{std::move(names), extra->loc},
              r.keyLoc("extraKnownMarketplaces"));
  }
  setBool(r, "allowManagedHooksOnly", "allowManagedHooksOnly", ir::OptionId::AllowManagedHooksOnly,
          out, diags);
  setBool(r, "allowManagedPermissionRulesOnly", "allowManagedPermissionRulesOnly",
          ir::OptionId::AllowManagedPermissionRulesOnly, out, diags);
}

} // namespace

std::optional<ast::File> importClaude(uint32_t buffer, const std::string &settingsDir,
                                      DiagnosticEngine &diags) {
  unsigned errorsBefore = diags.inputErrorCount();
  auto doc = readJson(buffer, diags, JsonDuplicates::LastWins);
  if (!doc)
    return std::nullopt;
  if (!expectObject(*doc, "the Claude Code settings", diags))
    return std::nullopt; // not a settings file at all

  ImportBuilder out;
  ObjectReader r(*doc, "", diags, kClaude);
  const DocNode *sandbox = r.get("sandbox");
  SourceLoc sandboxKey = sandbox ? r.keyLoc("sandbox") : doc->loc;
  out.impliedWrite(sandboxKey, "$CWD", kImpliedCwdOrigin);
  SandboxFacts facts;
  if (sandbox) {
    facts = readSandbox(*sandbox, sandboxKey, out, diags);
  } else {
    // No sandbox section: the sandbox is off, as with "enabled": false.
    out.setImplied(ir::OptionId::SandboxDisabled, ast::OptionValue{true, doc->loc}, doc->loc);
    out.setImplied(ir::OptionId::AllowUnsandboxedCommands, ast::OptionValue{true, doc->loc}, doc->loc);
  }
  if (const DocNode *perms = r.get("permissions"))
    readPermissions(*perms, settingsDir, out, diags);
  readCommands(r, out, diags);
  r.finish(); // the other keys of Claude Code's schema are read and ignored

  auto file = out.finishFile(buffer, ast::SourceKind::Claude, errorsBefore, diags);
  if (file && facts.askUnlisted) {
    // Hosts outside the allow list are asked about, not refused.
    ast::DefaultStmt ask;
    ask.subject = ast::Subject::Connect;
    ask.value = ast::DefaultValue::Ask;
    ask.loc = sandboxKey;
    ask.implied = true;
    file->stmts.insert(file->stmts.begin(), ast::Stmt{std::move(ask)});
  }
  return file;
}

} // namespace moat::import
