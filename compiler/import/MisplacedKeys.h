// The settings schemas of srt and Claude Code as lists of dotted key paths,
// and what a key that is not where its schema puts it most likely is: a
// comment (`_`-prefixed), a known key in the wrong place (the place it
// belongs is the one other path that ends in the same key), a near-miss
// typo of a key that belongs here, or a key the runtime does not know.
// ObjectReader's settings mode (DocTree.h) asks this for every key an
// importer did not claim.
#pragma once
#include "compiler/import/SettingsFindings.h"

#include <string>
#include <string_view>
#include <vector>

namespace moat::import {

// Claude Code's schema (ClaudeKeys.cpp): top-level keys, and every key
// under `sandbox` and `permissions` as a dotted path.
const std::vector<std::string_view> &claudeTopLevelKeys();
const std::vector<std::string_view> &claudeNestedKeys();
// srt 0.0.83's schema (dist/sandbox/sandbox-config.js), dotted paths.
const std::vector<std::string_view> &srtKeyPaths();

// `parent.key`, with array indexes dropped (`credentials.files[2]` ->
// `credentials.files`); `key` alone at the top level.
std::string settingsPath(std::string_view parent, std::string_view key);
bool isKnownSettingsPath(SettingsRuntime rt, std::string_view dottedPath);

struct SettingsKeyVerdict {
  enum class Kind { Known, Comment, Misplaced, Typo, Unknown } kind = Kind::Unknown;
  std::string suggestion; // Misplaced: the dotted path; Typo: the key
};
// Classifies `key` found in the object at `parent` (a dotted path, "" for
// the top level).
SettingsKeyVerdict classifySettingsKey(SettingsRuntime rt, std::string_view parent,
                                       std::string_view key);

} // namespace moat::import
