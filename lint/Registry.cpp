// The one place rules are registered: one line each, in the order findings
// are reported. Ids are stable (DESIGN.md); never rename one.
#include "lint/Lint.h"

#include "lint/rules/WriteAgentConfig.h"
#include "lint/rules/WriteAutostart.h"
#include "lint/rules/WriteGitExec.h"
#include "lint/rules/WritePathDir.h"
#include "lint/rules/WriteShellStartup.h"

namespace moat::lint {

const std::vector<RuleInfo> &lintRules() {
  static const std::vector<RuleInfo> rules = {
      {"write-shell-startup", Severity::Error, "A shell or tool startup file is writable", checkWriteShellStartup},
      {"write-path-dir", Severity::Error, "A directory on $PATH is writable", checkWritePathDir},
      {"write-git-exec", Severity::Error, "A git hook, config or other git execution point is writable", checkWriteGitExec},
      {"write-agent-config", Severity::Error, "Agent or editor configuration that runs commands is writable", checkWriteAgentConfig},
      {"write-autostart", Severity::Error, "An autostart location (session, systemd, cron, launchd) is writable", checkWriteAutostart},
  };
  return rules;
}

} // namespace moat::lint
