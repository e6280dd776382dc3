// Registry of every source buffer read (policy files, includes, JSON, YAML).
// Wraps llvm::SourceMgr so diagnostics can show the source line and a caret.
#pragma once
#include "compiler/diagnostics/SourceLoc.h"

#include <llvm/Support/SourceMgr.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace moat {

class SourceFiles {
public:
  // Policy files larger than this are refused (hostile-input guard).
  static constexpr size_t kMaxFileBytes = 16u << 20;

  // Reads a file; on failure returns nullopt and sets `error` to a
  // human-readable reason (the caller reports it with a location).
  std::optional<uint32_t> load(const std::string &path, std::string &error);
  // Registers in-memory text (fuzzers, tests, --define values).
  uint32_t addBuffer(std::string name, std::string text);

  std::string_view name(uint32_t buffer) const;
  std::string_view text(uint32_t buffer) const;
  // 1-based line/col of a byte offset in a buffer.
  SourceLoc locForOffset(uint32_t buffer, size_t offset) const;
  SourceLoc locForPointer(const char *ptr) const;
  llvm::SMLoc toSMLoc(SourceLoc loc) const;
  // The text of one line (without its newline), for emitters.
  std::string_view lineText(SourceLoc loc) const;
  llvm::SourceMgr &mgr() { return mgr_; }
  const llvm::SourceMgr &mgr() const { return mgr_; }

private:
  // mutable: SourceMgr caches line offsets in its const-looking lookups.
  mutable llvm::SourceMgr mgr_;
};

} // namespace moat
