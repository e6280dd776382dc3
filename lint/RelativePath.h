// Lexical path arithmetic for matching policy files against a config's
// `ignore` globs and for the policy names a baseline stores: both are
// relative to the directory of the file that names them, so a repository
// can be checked from any working directory. Lexical only: symlinks are not
// resolved (a policy reached through a symlink is named by that path).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace moat::lint {

// Absolute (against the working directory) with `.` and `..` removed.
std::string absoluteLexical(std::string_view path);
// The directory part of absoluteLexical(path).
std::string parentDirectory(std::string_view path);
// The components of absolute path `path` relative to absolute directory
// `dir`, with leading ".." steps when `path` is not beneath it.
std::vector<std::string> relativeComponents(std::string_view path, std::string_view dir);
// The same joined with '/'.
std::string relativePath(std::string_view path, std::string_view dir);

} // namespace moat::lint
