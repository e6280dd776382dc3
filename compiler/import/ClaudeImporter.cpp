// Claude Code settings.json / managed-settings.json -> AST. Only `sandbox`
// and `permissions` affect what the sandboxed process may do; the sandbox
// sections reuse srt's reader (Claude Code runs srt underneath), and the
// permission rules that feed the sandbox (Edit, Read, WebFetch) become path
// and host rules. docs/importing.md explains each mapping.
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

// A setting whose whole value has the wrong type: Claude Code's schema
// rejects the value, so the setting is not in effect; the rest of the file
// still is.
void reportWrongSetting(const DocNode &n, const std::string &key, const char *expected,
                        DiagnosticEngine &diags) {
  reportSettingsFinding(diags, kInvalidEntry, Severity::Error, n.loc,
                        fmt::format("'{}' must be {}, not {}; Claude Code does not apply it", key,
                                    expected, n.kindName()));
}

constexpr const char *kImpliedCwdOrigin =
    "implied: Claude Code's sandbox always allows writing the working directory";

void readSandbox(const DocNode &sandbox, ImportBuilder &out, DiagnosticEngine &diags) {
  if (!expectObject(sandbox, "sandbox", diags))
    return;
  ObjectReader r(sandbox, "sandbox", diags, SettingsRuntime::Claude);
  SectionContext ctx{SettingsDialect::Claude, "sandbox.", out, diags};

  if (const DocNode *enabled = r.get("enabled")) {
    // Only `false` says something: the sandbox is on when the key is absent.
    if (auto on = expectBool(*enabled, "sandbox.enabled", diags); on && !*on)
      out.set(ir::OptionId::SandboxDisabled, ast::OptionValue{true, enabled->loc},
              r.keyLoc("enabled"));
  }
  readBoolSetting(r, "failIfUnavailable", "sandbox.failIfUnavailable",
                  ir::OptionId::FailIfUnavailable, out, diags);
  readBoolSetting(r, "autoAllowBashIfSandboxed", "sandbox.autoAllowBashIfSandboxed",
                  ir::OptionId::AutoAllowBashIfSandboxed, out, diags);
  readBoolSetting(r, "allowUnsandboxedCommands", "sandbox.allowUnsandboxedCommands",
                  ir::OptionId::AllowUnsandboxedCommands, out, diags);
  if (const DocNode *excluded = r.get("excludedCommands")) {
    if (auto items = expectStringArray(*excluded, "sandbox.excludedCommands", diags)) {
      std::vector<std::string> commands;
      for (const DocNode *item : *items)
        commands.push_back(item->string);
      out.set(ir::OptionId::ExcludedCommands, ast::OptionValue{std::move(commands), excluded->loc},
              r.keyLoc("excludedCommands"));
    }
  }
  readBoolSetting(r, "enableWeakerNestedSandbox", "sandbox.enableWeakerNestedSandbox",
                  ir::OptionId::WeakerNestedSandbox, out, diags);
  readBoolSetting(r, "enableWeakerNetworkIsolation", "sandbox.enableWeakerNetworkIsolation",
                  ir::OptionId::WeakerNetworkIsolation, out, diags);
  readBoolSetting(r, "allowAppleEvents", "sandbox.allowAppleEvents",
                  ir::OptionId::AllowAppleEvents, out, diags);
  ignoreSetting(r, "ignoreViolations", "sandbox.ignoreViolations",
                "it only silences violation reports; it does not change what is allowed", diags);
  if (const DocNode *network = r.get("network"))
    readNetworkSection(*network, ctx);
  if (const DocNode *filesystem = r.get("filesystem"))
    readFilesystemSection(*filesystem, ctx);
  r.finish();
}

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
    return;
  }
  if (rule->tool == "WebFetch") {
    static constexpr std::string_view kDomain = "domain:";
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
    out.netRule(deny ? ast::Effect::Deny : ast::Effect::Allow, item.loc, std::move(host), origin);
  }
}

void readPermissions(const DocNode &perms, const std::string &settingsDir, ImportBuilder &out,
                     DiagnosticEngine &diags) {
  if (!expectObject(perms, "permissions", diags))
    return;
  ObjectReader r(perms, "permissions", diags, SettingsRuntime::Claude);
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
    if (auto items = expectStringArray(*dirs, "permissions.additionalDirectories", diags)) {
      for (size_t i = 0; i < items->size(); ++i) {
        const DocNode &item = *(*items)[i];
        if (item.string.empty()) {
          diags.report(DiagKind::InvalidValue, item.loc, "permissions.additionalDirectories",
                       "a path cannot be empty");
          continue;
        }
        out.fsRule(false, ast::Effect::Allow, ast::Access::Write, item.loc,
                   literalDollars(item.string),
                   fmt::format("permissions.additionalDirectories[{}]", i));
      }
    }
  }
  // Prompting behaviour only: checked for type, no effect on the sandbox.
  if (const DocNode *mode = r.get("defaultMode"))
    expectString(*mode, "permissions.defaultMode", diags);
  if (const DocNode *bypass = r.get("disableBypassPermissionsMode"))
    expectString(*bypass, "permissions.disableBypassPermissionsMode", diags);
  r.finish();
}

} // namespace

std::optional<ast::File> importClaude(uint32_t buffer, const std::string &settingsDir,
                                      DiagnosticEngine &diags) {
  unsigned errorsBefore = diags.inputErrorCount();
  auto doc = readJson(buffer, diags, JsonDuplicates::LastWins);
  if (!doc)
    return std::nullopt;
  const std::string where = "the Claude Code settings";
  if (!expectObject(*doc, where, diags))
    return std::nullopt;

  ImportBuilder out;
  ObjectReader r(*doc, "", diags, SettingsRuntime::Claude);
  const DocNode *sandbox = r.get("sandbox");
  out.impliedWrite(sandbox ? r.keyLoc("sandbox") : doc->loc, "$CWD", kImpliedCwdOrigin);
  if (sandbox)
    readSandbox(*sandbox, out, diags);
  if (const DocNode *perms = r.get("permissions"))
    readPermissions(*perms, settingsDir, out, diags);
  r.finish(); // the other keys of Claude Code's schema are read and ignored

  return out.finishFile(buffer, ast::SourceKind::Claude, errorsBefore, diags);
}

} // namespace moat::import
