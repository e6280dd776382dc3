// Where a machine keeps its managed policy. moat's own files come first,
// then Claude Code's managed settings (read as managed input too, so one
// deployment serves both). A directory that does not exist contributes
// nothing (no managed policy: behaviour unchanged); one that exists but
// cannot be listed is an error, because skipping it would silently drop what
// the organisation decided.
#include "compiler/layers/Layers.h"

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <algorithm>
#include <cstdlib>

namespace moat::layers {

namespace {

#if defined(__APPLE__)
constexpr const char *kMoatDir = "/Library/Application Support/moat";
constexpr const char *kClaudeDir = "/Library/Application Support/ClaudeCode";
#else
constexpr const char *kMoatDir = "/etc/moat";
constexpr const char *kClaudeDir = "/etc/claude-code";
#endif

std::string join(const std::string &dir, const char *name) {
  llvm::SmallString<256> p(dir);
  llvm::sys::path::append(p, name);
  return std::string(p);
}

// `file` if it exists. A path that exists but is not a regular file is
// returned too, so that loading it reports the problem.
void addIfExists(const std::string &file, std::vector<std::string> &out) {
  if (llvm::sys::fs::exists(file))
    out.push_back(file);
}

// The files of `dir` whose names end in one of `suffixes`, sorted by name
// (the load order Claude Code uses for managed-settings.d).
bool addDirectory(const std::string &dir, std::initializer_list<llvm::StringRef> suffixes,
                  std::vector<std::string> &out, std::string &error) {
  if (!llvm::sys::fs::exists(dir))
    return true;
  if (!llvm::sys::fs::is_directory(dir)) {
    error = "'" + dir + "' is not a directory";
    return false;
  }
  std::vector<std::string> found;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec; it.increment(ec)) {
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    if (name.startswith("."))
      continue; // editor and package-manager leftovers
    for (llvm::StringRef s : suffixes)
      if (name.endswith(s)) {
        found.push_back(it->path());
        break;
      }
  }
  if (ec) {
    error = "cannot list '" + dir + "': " + ec.message();
    return false;
  }
  std::sort(found.begin(), found.end());
  out.insert(out.end(), found.begin(), found.end());
  return true;
}

} // namespace

std::optional<std::vector<std::string>> findManagedFilesIn(const std::string &moatDir, const std::string &claudeDir,
                                                           std::string &error) {
  std::vector<std::string> out;
  addIfExists(join(moatDir, "managed.moat"), out);
  if (!addDirectory(join(moatDir, "managed.d"), {".moat", ".yaml", ".yml"}, out, error))
    return std::nullopt;
  addIfExists(join(claudeDir, "managed-settings.json"), out);
  if (!addDirectory(join(claudeDir, "managed-settings.d"), {".json"}, out, error))
    return std::nullopt;
  return out;
}

std::optional<std::vector<std::string>> findManagedFiles(std::string &error) {
  if (const char *dir = std::getenv(kManagedDirEnv)) {
    // Set means "the managed policy is here": a wrong value must not fall
    // back to "none".
    if (!*dir || !llvm::sys::fs::is_directory(dir)) {
      error = std::string(kManagedDirEnv) + "='" + dir + "' is not a directory";
      return std::nullopt;
    }
    return findManagedFilesIn(dir, dir, error);
  }
  return findManagedFilesIn(kMoatDir, kClaudeDir, error);
}

} // namespace moat::layers
