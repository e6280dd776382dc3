// The one place rules are registered: one line each, in the order findings
// are reported. Ids are stable (DESIGN.md); never rename one.
#include "lint/Lint.h"

#include "lint/rules/AssertFailed.h"
#include "lint/rules/ExcludedCommandRisk.h"
#include "lint/rules/GitPushDefaultBranch.h"
#include "lint/rules/LocalBinding.h"
#include "lint/rules/ManagedViolation.h"
#include "lint/rules/NetBroadWildcard.h"
#include "lint/rules/NetExfilDomain.h"
#include "lint/rules/NetFrontingDomain.h"
#include "lint/rules/NetLocalExposure.h"
#include "lint/rules/NetMetadataEndpoint.h"
#include "lint/rules/OneSidedIsolation.h"
#include "lint/rules/ReadSecrets.h"
#include "lint/rules/RunsOutsideSandbox.h"
#include "lint/rules/ShadowedRule.h"
#include "lint/rules/UnixSocketBroad.h"
#include "lint/rules/UnixSocketContainerRuntime.h"
#include "lint/rules/UnixSocketSensitive.h"
#include "lint/rules/WeakerNestedSandbox.h"
#include "lint/rules/WeakeningSetting.h"
#include "lint/rules/RuntimeMechanics.h"
#include "lint/rules/WriteAgentConfig.h"
#include "lint/rules/WriteAutostart.h"
#include "lint/rules/WriteGitExec.h"
#include "lint/rules/WritePathDir.h"
#include "lint/rules/WritePolicySelf.h"
#include "lint/rules/WriteShellStartup.h"

namespace moat::lint {

const std::vector<RuleInfo> &lintRules() {
  static const std::vector<RuleInfo> rules = {
      {"write-shell-startup", Severity::Error, "A shell or tool startup file is writable", checkWriteShellStartup},
      {"write-path-dir", Severity::Error, "A directory on $PATH is writable", checkWritePathDir},
      {"write-git-exec", Severity::Error, "A git hook, config or other git execution point is writable", checkWriteGitExec},
      {"write-agent-config", Severity::Error, "Agent or editor configuration that runs commands is writable", checkWriteAgentConfig},
      {"write-policy-self", Severity::Error, "A sandbox policy, managed settings file or the sandbox's own installation is writable", checkWritePolicySelf},
      {"write-autostart", Severity::Error, "An autostart location (session, systemd, cron, launchd) is writable", checkWriteAutostart},
      {"read-secrets", Severity::Warning, "Credentials are readable (an error when data can also leave)", checkReadSecrets},
      {"unix-socket-container-runtime", Severity::Error, "A container or VM daemon's socket is reachable", checkUnixSocketContainerRuntime},
      {"unix-socket-sensitive", Severity::Warning, "A session socket (ssh-agent, gpg-agent, D-Bus, X11) is reachable", checkUnixSocketSensitive},
      {"unix-socket-broad", Severity::Warning, "A socket rule opens a whole socket directory, or every socket", checkUnixSocketBroad},
      {"net-metadata-endpoint", Severity::Error, "A cloud metadata endpoint is reachable", checkNetMetadataEndpoint},
      {"net-broad-wildcard", Severity::Warning, "A wildcard covers names anyone can register (public suffixes)", checkNetBroadWildcard},
      {"net-exfil-domain", Severity::Warning, "A host that accepts uploads from anyone is reachable", checkNetExfilDomain},
      {"net-fronting-domain", Severity::Warning, "A wildcard reaches every customer of a CDN (domain fronting)", checkNetFrontingDomain},
      {"net-local-exposure", Severity::Warning, "Loopback is reachable on all ports or a broad range", checkNetLocalExposure},
      {"local-binding", Severity::Warning, "The process may listen on local ports", checkLocalBinding},
      {"weaker-nested-sandbox", Severity::Warning, "The host /proc is bound into the sandbox", checkWeakerNestedSandbox},
      {"weakening-setting", Severity::Warning, "A setting on Claude Code's list of keys that weaken the sandbox (an error where it voids the write denies)", checkWeakeningSetting},
      {"one-sided-isolation", Severity::Warning, "Only one of filesystem and network is confined", checkOneSidedIsolation},
      {"runs-outside-sandbox", Severity::Warning, "Hooks, helpers, plugins and runtime binaries that run outside the sandbox (an error when the sandbox can rewrite them)", checkRunsOutsideSandbox},
      {"git-push-default-branch", Severity::Warning, "A git block lets the sandbox push to a default branch (main, master)", checkGitPushDefaultBranch},
      {"excluded-command-risk", Severity::Warning, "Commands that run code or move data run outside the sandbox", checkExcludedCommandRisk},
      {"shadowed-rule", Severity::Warning, "A rule decides nothing: rules that decide before it cover all it matches", checkShadowedRule},
      {"assert-failed", Severity::Error, "An assert of the policy does not hold", checkAssertFailed},
      {"managed-violation", Severity::Error, "A user or project layer breaks what the managed policy decided", checkManagedViolation},
      {"runtime-mechanics", Severity::Warning, "The runtime that reads the file enforces it differently on Linux (srt's mounts)", checkRuntimeMechanics},
  };
  return rules;
}

// Findings the front end reports while it reads an srt or Claude Code
// settings file (compiler/import/SettingsFindings.h). No check function: they
// are registered so .moat.yaml `rules:`/`ignore:`, inline suppressions, SARIF
// and `moat explain` know them like every other rule.
const std::vector<RuleInfo> &settingsRules() {
  static const std::vector<RuleInfo> rules = {
      {"unknown-setting", Severity::Warning, "A settings key the runtime does not know; it drops the key silently", nullptr},
      {"misplaced-setting", Severity::Error, "A known settings key in the wrong place; the setting is not in effect", nullptr},
      {"invalid-entry", Severity::Error, "An entry the runtime skips (Claude Code) or rejects the file for (srt)", nullptr},
      {"duplicate-setting", Severity::Warning, "A key written twice in one JSON object; only the last value counts", nullptr},
      {"conflicting-rule", Severity::Warning, "The same path or host both allowed and denied; the deny wins", nullptr},
  };
  return rules;
}

} // namespace moat::lint
