// Kept beside the renderers rather than in docs/ so that the page is whole
// without the source tree. docs/cli.md says the same at length; the docs
// tests check that cli.md covers every subcommand and flag.
#include "tools/moat/clidoc/ManProse.h"

namespace moat::clidoc {

std::vector<Paragraph> moatDescription() {
  return {
      {"", "moat reads a sandbox policy, checks it for risks, proves its asserts, compiles it into the "
           "enforcement format of a sandbox (bubblewrap, seccomp, Seatbelt, sandbox-runtime, Claude Code, "
           "squid, moat's own proxy) and runs commands inside it."},
      {"", "A POLICY is a `.moat` file, a `.yaml`/`.yml` file in the same language, a sandbox-runtime "
           "`srt-settings.json` or a Claude Code `settings.json`/`managed-settings.json`; the kind is told "
           "from the content (JSON with top-level `network`/`filesystem` is srt, with `sandbox`/`permissions` "
           "is Claude Code)."},
      {"", "An option's value follows `=` or comes as the next argument (`--format=json`, `--format json`). "
           "`moat SUBCOMMAND --help` lists the options of one subcommand."},
  };
}

std::vector<ProseSection> moatSections() {
  return {
      {"EXIT STATUS",
       {
           {"0", "Success: no finding at or above `--fail-on`, every assert holds, the query was allowed, "
                 "the output was written."},
           {"1", "Findings at or above `--fail-on` (default `warning`), a failed assert (`verify`), a denied "
                 "query (or one the default `ask` decides), an unformatted file (`fmt --check`), something "
                 "looser (`diff --fail-on-loosen`)."},
           {"2", "A usage or input error: an unreadable file, a syntax error, an invalid pattern, an unknown "
                 "key, an invalid `.moat.yaml`, baseline or suppression comment, a build or conversion the "
                 "target refuses, an output file that cannot be written. No output file is written then."},
           {"", "`moat run` exits with the command's own status (128+N after signal N), 125 when moat could "
                "not confine the command (nothing ran), 126 when the command cannot be executed and 127 when "
                "it was not found."},
       }},
      {"ENVIRONMENT",
       {
           {"HOME, TMPDIR", "The roots `~` and `$TMPDIR` of a policy, unless `--define` binds them; `$CWD` is "
                            "the current directory. `check`, `verify` and `diff` judge in a fixed model "
                            "(`HOME=/home/user`, `CWD=/home/user/project`, `TMPDIR=/tmp`) instead."},
           {"NO_COLOR", "When set and not empty, diagnostics are never coloured (otherwise they are on a "
                        "terminal)."},
           {"MOAT_MANAGED_DIR", "Read the managed policy from this directory (`managed.moat`, `managed.d/`, "
                                "`managed-settings.json`, `managed-settings.d/`) instead of the system ones."},
           {"MOAT_TODAY", "The date (`YYYY-MM-DD`, UTC) that the expiry of `.moat.yaml` ignore entries is "
                          "judged on, for reproducible runs."},
           {"MOAT_LOG_NOW", "The time (RFC 3339) that `moat log --since` counts a duration back from, "
                            "instead of the clock, for reproducible runs."},
           {"XDG_RUNTIME_DIR", "`moat run` keeps its session directory in `$XDG_RUNTIME_DIR/moat/` (else "
                               "`/tmp/moat-UID/`)."},
           {"XDG_STATE_HOME", "`moat run` quarantines the files a command planted where they would run "
                              "later under `$XDG_STATE_HOME/moat/quarantine/` (else "
                              "`~/.local/state/moat/quarantine/`)."},
       }},
      {"FILES",
       {
           {".moat.yaml", "The lint configuration of the policies in its directory and below (rule levels, "
                          "ignore entries), found up to the repository's root; `--config` names one instead."},
           {"/etc/moat/managed.moat, /etc/moat/managed.d/",
            "The machine's managed policy, which every project policy is checked, built and run under "
            "(macOS: `/Library/Application Support/moat/`)."},
           {"/etc/claude-code/managed-settings.json, /etc/claude-code/managed-settings.d/",
            "Claude Code's managed settings, read as part of the managed policy "
            "(macOS: `/Library/Application Support/ClaudeCode/`)."},
       }},
      {"SEE ALSO",
       {
           {"", "bwrap(1), sandbox-exec(1). `moat explain RULE-ID` prints the page of one risk rule."},
           {"", "The documentation in the source tree's `docs/`: `tutorial.md` (a first policy in five "
                "minutes), `cli.md` (every subcommand and flag at length), `language.md`, `semantics.md`, "
                "`rules/`, `backends.md`, `runtime.md`, `managed.md`, `migration.md`."},
       }},
  };
}

} // namespace moat::clidoc
