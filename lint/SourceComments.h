// Where the comments of a policy file are, line by line, without parsing it
// again. `moat check` needs this twice: inline suppressions are comments
// (`# moat: ignore[rule-id] reason`), and the content key of a finding
// (lint/FindingContent.h) is the code of its line with any comment removed,
// so editing a comment does not change what a baseline or SARIF fingerprint
// says the finding is about.
//
// .moat: `#` outside a string starts a comment; strings are double-quoted,
// with backslash escapes, and end on the line they start.
// YAML: `#` at the start of a line or after a space or tab, outside quoted
// scalars (which may span lines) and block scalars (`|`, `>`), whose content
// lines are text, not comments. JSON has no comments.
#pragma once
#include "compiler/diagnostics/SourceFiles.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string_view>
#include <vector>

namespace moat::lint {

enum class CommentSyntax { None, Moat, Yaml };

// The comment syntax of a registered buffer, from the same detection the
// front end uses to pick its reader (compiler/support/PolicySyntax.h).
CommentSyntax commentSyntaxOf(std::string_view name, std::string_view text);

struct SourceComment {
  uint32_t line = 0;     // 1-based
  uint32_t col = 0;      // 1-based byte column of the '#'
  std::string_view text; // after the '#', to the end of the line (no '\r')
  bool ownLine = false;  // nothing but blanks before it on its line
};

class CommentScan {
public:
  // `text` must outlive the scan (the views point into it).
  CommentScan(std::string_view text, CommentSyntax syntax);

  const std::vector<SourceComment> &comments() const { return comments_; }
  uint32_t lineCount() const { return static_cast<uint32_t>(lines_.size()); }
  // Line `line` (1-based) without its comment and line ending; "" past the end.
  std::string_view code(uint32_t line) const;
  // Whether the line holds anything but blanks and a comment.
  bool hasCode(uint32_t line) const;
  // The first line after `line` that holds code, or 0 if none does.
  uint32_t nextCodeLine(uint32_t line) const;

private:
  void scanMoat();
  void scanYaml();
  void addComment(uint32_t lineIndex, size_t col);

  std::vector<std::string_view> lines_;
  std::vector<uint32_t> commentCol_; // per line, 1-based; 0 = no comment
  std::vector<SourceComment> comments_;
};

// Scans of the buffers of a SourceFiles registry, made on first use and
// kept, so each file is scanned once however many findings point into it.
class CommentIndex {
public:
  explicit CommentIndex(const SourceFiles &files) : files_(files) {}
  const CommentScan &scan(uint32_t buffer);

private:
  const SourceFiles &files_;
  std::map<uint32_t, std::unique_ptr<CommentScan>> scans_;
};

} // namespace moat::lint
