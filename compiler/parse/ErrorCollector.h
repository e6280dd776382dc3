// Collects the errors of one .moat parse (lexical, syntax, AST checks), then
// reports them to the DiagnosticEngine in source order, at most
// kMaxErrors of them followed by one `too-many-errors` note. Collecting first
// lets lexical problems found in a pre-pass and syntax errors found by the
// parser come out interleaved by position.
#pragma once
#include "compiler/diagnostics/Diagnostics.h"
#include "compiler/parse/LineTable.h"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

namespace moat::parse {

class ErrorCollector {
public:
  static constexpr size_t kMaxErrors = 20;

  struct Pending {
    size_t offset;
    DiagKind kind;
    std::string message;
    std::optional<size_t> noteOffset; // a `defined-here` note, e.g. an unclosed '{'
    std::string noteMessage;
  };

  // Formats with the kind's registry format, like DiagnosticEngine::report.
  template <typename... Args> void report(size_t offset, DiagKind kind, Args &&...args) {
    errors_.push_back({offset, kind, format(kind, std::forward<Args>(args)...), std::nullopt, {}});
  }
  // The same with a `defined-here` note (its text is the note's whole message).
  template <typename... Args>
  void reportWithNote(size_t offset, size_t noteOffset, std::string note, DiagKind kind,
                      Args &&...args) {
    errors_.push_back(
        {offset, kind, format(kind, std::forward<Args>(args)...), noteOffset, std::move(note)});
  }
  size_t count() const { return errors_.size(); }
  // True once more errors than will be shown have been seen: phases stop.
  bool full() const { return errors_.size() > kMaxErrors; }

  // Reports in source order; returns the number of errors reported.
  size_t flush(DiagnosticEngine &diags, const LineTable &lines);

private:
  template <typename... Args> static std::string format(DiagKind kind, Args &&...args) {
    return fmt::format(fmt::runtime(diagKindInfo(kind).format), std::forward<Args>(args)...);
  }
  std::vector<Pending> errors_;
};

} // namespace moat::parse
