// The parts of the sandbox-runtime settings schema that Claude Code reuses
// under `sandbox`: the `network` and `filesystem` sections, and a builder for
// the statements both importers produce. Keeping one reader for both means a
// key means the same thing whichever file it appears in.
#pragma once
#include "compiler/ast/Ast.h"
#include "compiler/import/DocTree.h"
#include "compiler/ir/Options.h"

#include <optional>
#include <string>
#include <vector>

namespace moat::import {

// Collects an importer's statements. Also applies the one precedence rule the
// IR cannot express by itself: in srt (and Claude) `allowRead` beats
// `denyRead` at the *same* path, while the IR lets deny win at equal
// specificity. So a read deny whose path an allow also names is dropped;
// a deny deeper inside an allowed path stays (the IR's most-specific rule
// then decides as srt does).
class ImportBuilder {
public:
  void fsRule(bool always, ast::Effect effect, ast::Access access, SourceLoc loc,
              std::string pattern, std::string origin);
  void netRule(ast::Effect effect, SourceLoc loc, std::string host, std::string origin);
  // Allowed unix sockets. srt honours the list on macOS only (on Linux its
  // seccomp filter cannot tell sockets apart), so the rules go in `on macos`.
  void macosUnixSockets(SourceLoc blockLoc, const std::vector<const DocNode *> &paths,
                        const std::string &originPrefix);
  void set(ir::OptionId id, ast::OptionValue value, SourceLoc nameLoc);
  // A write grant the source format implies without a key saying so. Emitted
  // first, unless an ordinary allow-write of the same path is in the file
  // (then it would only repeat that rule).
  void impliedWrite(SourceLoc loc, std::string pattern, std::string origin);

  std::vector<ast::Stmt> finish();
  // The imported file, or nullopt when errors were reported since
  // `errorsBefore` (an importer never returns a partial policy).
  std::optional<ast::File> finishFile(uint32_t buffer, ast::SourceKind kind, unsigned errorsBefore,
                                      DiagnosticEngine &diags);

private:
  std::vector<ast::Stmt> stmts_;
  std::optional<ast::FsRule> implied_;
};

// Where a section sits: "" for srt, "sandbox." for Claude. Decides the
// messages' key paths, the rules' origins, and which keys exist.
enum class SettingsDialect { Srt, Claude };
struct SectionContext {
  SettingsDialect dialect;
  std::string prefix;
  ImportBuilder &out;
  DiagnosticEngine &diags;
};

void readNetworkSection(const DocNode &network, const SectionContext &ctx);
void readFilesystemSection(const DocNode &filesystem, const SectionContext &ctx);

// Reads `key` from `r` when present and maps it onto option `id`, reporting
// wrong-type at the value. Used for the many plain switches of both formats.
void readBoolSetting(ObjectReader &r, const std::string &key, const std::string &dotted,
                     ir::OptionId id, ImportBuilder &out, DiagnosticEngine &diags);
// An integer in [lo, hi]; invalid-value outside.
void readIntSetting(ObjectReader &r, const std::string &key, const std::string &dotted,
                    ir::OptionId id, int64_t lo, int64_t hi, ImportBuilder &out,
                    DiagnosticEngine &diags);
// Reports `ignored-setting` (a warning) for a key that is present.
void ignoreSetting(ObjectReader &r, const std::string &key, const std::string &dotted,
                   const char *why, DiagnosticEngine &diags);
// Reports `unsupported-setting` (an error) for a key that is present.
void refuseSetting(ObjectReader &r, const std::string &key, const std::string &dotted,
                   const char *why, DiagnosticEngine &diags);

} // namespace moat::import
