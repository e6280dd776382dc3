// `.moat.yaml`: per-repository settings of `moat check` (docs/config.md).
//
//   rules:          { <rule-id>: off | note | warning | error }
//   path-dirs:      [ "~/bin", "/opt/tools/bin" ]     -> LintOptions::extraPathDirs
//   exfil-domains:  [ "paste.corp.example", "*.share.example" ] -> extraExfilDomains
//   ignore:
//     - { rule: write-path-dir, path: "legacy/*.json", reason: "...", expires: 2027-01-31 }
//
// A policy uses the first `.moat.yaml` found walking up from its directory
// (stopping at its repository's root), or the file given with --config. Everything is validated with located
// errors (unknown keys, unknown rule ids, severities, dates, globs, paths,
// hosts); YAML anchors, tags and duplicate keys are refused as in policies.
// An ignore whose `expires` date has come stops hiding findings and is
// reported (`expired-ignore`).
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/fs/Glob.h"
#include "lint/Lint.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moat::lint {

// The file name searched for.
constexpr std::string_view kConfigFileName = ".moat.yaml";

struct CivilDate {
  int year = 0, month = 0, day = 0;
  friend bool operator<(const CivilDate &a, const CivilDate &b) {
    return a.year != b.year ? a.year < b.year : a.month != b.month ? a.month < b.month : a.day < b.day;
  }
  std::string text() const; // YYYY-MM-DD
};
// YYYY-MM-DD naming a real day (leap years included), or nullopt.
std::optional<CivilDate> parseCivilDate(std::string_view text);
// Today's UTC date, or the MOAT_TODAY=YYYY-MM-DD override (for tests and
// reproducible CI). Sets `error` for an invalid override.
std::optional<CivilDate> todayUtc(std::string &error);

// off drops a rule's findings; the others set their severity.
enum class RuleLevel { Off, Note, Warning, Error };

struct ConfigIgnore {
  std::string rule;
  std::string path;             // as written, relative to the config's directory
  std::optional<fs::PathGlob> glob;
  std::string reason;
  std::optional<CivilDate> expires;
  bool expired = false;         // expires <= today: hides nothing
  SourceLoc loc;                // the entry
};

struct CheckConfig {
  std::string file;             // as found or given
  std::string dir;              // its directory, absolute
  std::map<std::string, RuleLevel> rules;
  LintOptions lint;
  std::vector<ConfigIgnore> ignores;

  // The live ignore entry that hides `rule` findings of the policy file
  // `policyPath` (as given on the command line), or nullptr. A path glob
  // that names a directory covers the policies beneath it.
  const ConfigIgnore *ignoreFor(std::string_view rule, std::string_view policyPath) const;
};

// The `.moat.yaml` nearest to the policy: in its directory or the closest
// ancestor (lexically), not above the root of the repository holding the
// policy (the first directory with a `.git`), or nullopt.
std::optional<std::string> findConfigFor(std::string_view policyPath);

// Reads a config file. Reports every problem with its location and returns
// nullopt if there was any (a config with an error is not applied at all).
std::optional<CheckConfig> loadCheckConfig(const std::string &path, const CivilDate &today,
                                           DiagnosticEngine &diags);
// The same for an already registered buffer (tests); `dir` is where its
// ignore paths are relative to.
std::optional<CheckConfig> readCheckConfig(uint32_t buffer, std::string dir, const CivilDate &today,
                                           DiagnosticEngine &diags);

} // namespace moat::lint
