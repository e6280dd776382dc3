// Every key of Claude Code's settings schema that moat knows, as data: the
// top-level keys and every key under `sandbox` and `permissions` (the two
// objects moat walks key by key). Taken from the settings interface of
// @anthropic-ai/claude-agent-sdk (sdk.d.ts, `interface Settings`) plus the
// sandbox keys ../shared/REFERENCE.md lists beyond it (enabledPlatforms,
// windows) and the one the SDK bundle's zod schema has beyond both
// (sandbox.allowManagedExcludedCommandsOnly: only managed excludedCommands
// count; read and ignored, which can only overstate excluded commands). A key listed here is accepted; keys that bear on confinement are
// also modelled by ClaudeImporter.cpp, the rest are read and ignored. An
// array of objects lists its members under the array's path
// (`sandbox.credentials.files.path`).
#include "compiler/import/MisplacedKeys.h"

namespace moat::import {

const std::vector<std::string_view> &claudeTopLevelKeys() {
  static const std::vector<std::string_view> keys = {
    "$schema", "apiKeyHelper", "proxyAuthHelper", "awsCredentialExport", "awsAuthRefresh",
    "gcpAuthRefresh", "processWrapper", "policyHelper", "fileSuggestion", "respectGitignore",
    "cleanupPeriodDays", "desktopSessionCleanupPeriodDays", "syncClaudeAiSkills",
    "syncClaudeAiPlugins", "skillListingMaxDescChars", "skillListingBudgetFraction",
    "wslInheritsWindowsSettings", "env", "attribution", "attributionProject",
    "attributionProjectPolicy", "includeCoAuthoredBy", "includeGitInstructions", "permissions",
    "model", "fallbackModel", "availableModels", "enforceAvailableModels", "availableModelsMatch",
    "deniedModels", "modelOverrides", "modelPicker", "modelPricing", "enableAllProjectMcpServers",
    "enabledMcpjsonServers", "disabledMcpjsonServers", "disableClaudeAiConnectors",
    "skillOverrides", "disableBundledSkills", "managedMcpServers", "allowedMcpServers",
    "deniedMcpServers", "hooks", "worktree", "disableAllHooks", "disableReplyCheck",
    "disableAgentView", "disableRemoteControl", "disableWorkflows", "disableArtifact",
    "enableArtifact", "enableWorkflows", "workflowSizeGuideline", "workflowKeywordTriggerEnabled",
    "disableSkillShellExecution", "disableWindowsBashCommandSplit", "defaultShell",
    "bashEditDiffEnabled", "bashOutputMaxChars", "taskOutputMaxChars", "respondToBashCommands",
    "allowManagedHooksOnly", "allowedHttpHookUrls", "httpHookAllowedEnvVars",
    "allowManagedPermissionRulesOnly", "allowManagedMcpServersOnly", "desktopMcpServersListScope",
    "allowAllClaudeAiMcps", "allowClaudeInChromeWithManagedMcp", "strictPluginOnlyCustomization",
    "statusLine", "prUrlTemplate", "footerLinksRegexes", "subagentStatusLine", "enabledPlugins",
    "prependPlugins", "appendPlugins", "extraKnownMarketplaces", "additionalMarketplaces",
    "strictKnownMarketplaces", "allowedMarketplaces", "blockedMarketplaces",
    "disableCommandPluginSources", "disableSideloadFlags", "pluginSuggestionMarketplaces",
    "forceLoginMethod", "forceLoginGatewayUrl", "gatewayInternalNetworks", "parentSettingsBehavior",
    "managedSourcesBehavior", "forceLoginOrgUUID", "allowNestedModelAccessUnderForceLogin",
    "allowedProviders", "forceRemoteSettingsRefresh", "otelHeadersHelper", "outputStyle",
    "viewMode", "language", "skipWebFetchPreflight", "sandbox", "feedbackSurveyRate",
    "feedbackDrafts", "spinnerTipsEnabled", "spinnerVerbs", "spinnerTipsOverride",
    "syntaxHighlightingDisabled", "maxProseWidth", "spellcheck", "terminalTitleFromRename",
    "promptCacheTtl", "subagentPromptCacheTtl", "alwaysThinkingEnabled", "effortLevel",
    "maxEffortLevel", "modelSettings", "ultracode", "autoCompactWindow", "advisorModel", "fastMode",
    "fastModePerSessionOptIn", "promptSuggestionEnabled", "emojiCompletionEnabled",
    "showClearContextOnPlanAccept", "askUserQuestionTimeout", "dialogExpiry", "agent",
    "companyAnnouncements", "pluginConfigs", "remote", "autoUpdatesChannel", "minimumVersion",
    "requiredMinimumVersion", "requiredMaximumVersion", "downloadsMirrorUrl", "plansDirectory",
    "tui", "voice", "channelsEnabled", "allowedChannelPlugins", "prefersReducedMotion",
    "timeFormat", "timeZone", "autoMemoryEnabled", "autoMemoryDirectory", "autoDreamEnabled",
    "showThinkingSummaries", "skipDangerousModePermissionPrompt", "disableAutoMode", "sshConfigs",
    "sshHostCommands", "claudeMd", "claudeMdExcludes", "pluginTrustMessage", "theme", "editorMode",
    "keybindingFlavor", "vimInsertModeRemaps", "verbose", "preferredNotifChannel",
    "autoCompactEnabled", "precomputeCompactionEnabled", "idleCompaction", "switchModelsOnFlag",
    "autoContinueAtUsageLimit", "autoScrollEnabled", "wheelScrollAccelerationEnabled",
    "fileCheckpointingEnabled", "showTurnDuration", "showMessageTimestamps",
    "terminalProgressBarEnabled", "todoFeatureEnabled", "teammateMode", "remoteControlAtStartup",
    "isolatePeerMachines", "daemonColdStart", "crossSessionInbound", "autoUploadSessions",
    "inputNeededNotifEnabled", "agentPushNotifEnabled", "skipAutoPermissionPrompt",
    "useAutoModeDuringPlan", "autoMode", "disableDeepLinkRegistration", "voiceEnabled",
    "defaultView",
  };
  return keys;
}

const std::vector<std::string_view> &claudeNestedKeys() {
  static const std::vector<std::string_view> keys = {
    "permissions.allow", "permissions.deny", "permissions.ask", "permissions.defaultMode",
    "permissions.disableBypassPermissionsMode", "permissions.blockReadsOutsideWorkingDirectories",
    "permissions.blockWritesOutsideWorkingDirectories", "permissions.blockReadsExemptPaths",
    "permissions.workingDirectoriesAsGiven", "permissions.workingDirectoriesExclude",
    "permissions.disableAutoMode", "permissions.denyInsteadOfPrompting",
    "permissions.additionalDirectories", "sandbox.enabled", "sandbox.failIfUnavailable",
    "sandbox.autoAllowBashIfSandboxed", "sandbox.allowUnsandboxedCommands", "sandbox.network",
    "sandbox.network.allowedDomains", "sandbox.network.deniedDomains",
    "sandbox.network.strictAllowlist", "sandbox.network.allowManagedDomainsOnly",
    "sandbox.network.allowUnixSockets", "sandbox.network.allowAllUnixSockets",
    "sandbox.network.allowLocalBinding", "sandbox.network.allowMachLookup",
    "sandbox.network.httpProxyPort", "sandbox.network.socksProxyPort",
    "sandbox.network.tlsTerminate", "sandbox.network.tlsTerminate.caCertPath",
    "sandbox.network.tlsTerminate.caKeyPath", "sandbox.filesystem", "sandbox.filesystem.allowWrite",
    "sandbox.filesystem.denyWrite", "sandbox.filesystem.denyRead", "sandbox.filesystem.allowRead",
    "sandbox.filesystem.allowManagedReadPathsOnly", "sandbox.filesystem.disabled",
    "sandbox.credentials", "sandbox.credentials.files", "sandbox.credentials.files.path",
    "sandbox.credentials.files.mode", "sandbox.credentials.files.extract",
    "sandbox.credentials.files.onExtractNoMatch", "sandbox.credentials.files.decode",
    "sandbox.credentials.files.maskClaims", "sandbox.credentials.files.maskDuplicates",
    "sandbox.credentials.files.injectHosts", "sandbox.credentials.envVars",
    "sandbox.credentials.envVars.name", "sandbox.credentials.envVars.mode",
    "sandbox.credentials.envVars.extract", "sandbox.credentials.envVars.onExtractNoMatch",
    "sandbox.credentials.envVars.decode", "sandbox.credentials.envVars.maskClaims",
    "sandbox.credentials.envVars.injectHosts", "sandbox.credentials.allowPlaintextInject",
    "sandbox.credentials.awsPairs", "sandbox.credentials.awsPairs.accessKeyIdVar",
    "sandbox.credentials.awsPairs.secretAccessKeyVar",
    "sandbox.credentials.awsPairs.sessionTokenVar", "sandbox.credentials.sigv4",
    "sandbox.credentials.sigv4.streaming", "sandbox.credentials.sigv4.presigned",
    "sandbox.credentials.sigv4.sigv4a", "sandbox.ignoreViolations",
    "sandbox.enableWeakerNestedSandbox", "sandbox.allowNestedUserNamespaces",
    "sandbox.enableWeakerNetworkIsolation", "sandbox.allowAppleEvents", "sandbox.excludedCommands",
    "sandbox.ripgrep", "sandbox.ripgrep.command", "sandbox.ripgrep.args", "sandbox.bwrapPath",
    "sandbox.socatPath", "sandbox.enabledPlatforms",
    "sandbox.allowManagedExcludedCommandsOnly", "sandbox.windows", "sandbox.windows.backend",
  };
  return keys;
}

} // namespace moat::import
