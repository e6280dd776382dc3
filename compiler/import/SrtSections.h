// The parts of the sandbox-runtime settings schema that Claude Code reuses
// under `sandbox`: the `network`, `filesystem` and `credentials` sections,
// the switches both accept at their top (`allowNestedUserNamespaces`,
// `ripgrep`, `bwrapPath`, ...), and a builder for the statements both
// importers produce. Keeping one reader for both means a key means the same
// thing whichever file it appears in.
//
// Both runtimes read their files leniently, so nothing here refuses a file:
// a value the runtime cannot use is an `invalid-entry` finding at the value
// (srt then rejects the whole file; Claude Code skips the entry), a key it
// drops silently is an `unknown-setting` finding (ObjectReader's settings
// mode), and the rest of the file is still read.
#pragma once
#include "compiler/ast/Ast.h"
#include "compiler/import/DocTree.h"
#include "compiler/import/SettingsFindings.h"
#include "compiler/ir/Options.h"

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace moat::import {

// Collects an importer's statements. Also applies the one precedence rule the
// IR cannot express by itself: in srt (and Claude) `allowRead` beats
// `denyRead` at the *same* path, while the IR lets deny win at equal
// specificity. So a read deny whose path an allow also names is dropped;
// a deny deeper inside an allowed path stays (the IR's most-specific rule
// then decides as srt does). The same path spelled two ways (`~/proj/src`
// and `src`) is only known once the roots are bound: those denies carry
// ir::FsRule::yieldsToSamePathAllow.
class ImportBuilder {
public:
  void fsRule(bool always, ast::Effect effect, ast::Access access, SourceLoc loc,
              std::string pattern, std::string origin, bool yieldsToSamePathAllow = false);
  void netRule(ast::Effect effect, SourceLoc loc, std::string host, std::string origin,
               bool resolvedAddressesOnly = false);
  // Allowed unix sockets. srt honours the list on macOS only (on Linux its
  // seccomp filter cannot tell sockets apart), so the rules go in `on macos`.
  void macosUnixSockets(SourceLoc blockLoc, const std::vector<const DocNode *> &paths,
                        const std::string &originPrefix);
  void set(ir::OptionId id, ast::OptionValue value, SourceLoc nameLoc);
  // The runtime's default for a key the file left out (ast::SetStmt::implied).
  void setImplied(ir::OptionId id, ast::OptionValue value, SourceLoc nameLoc);
  // A write grant the source format implies without a key saying so. Emitted
  // first, unless an ordinary allow-write of the same path is in the file
  // (then it would only repeat that rule).
  void impliedWrite(SourceLoc loc, std::string pattern, std::string origin);

  std::vector<ast::Stmt> finish();
  // The imported file, or nullopt when input errors (not findings) were
  // reported since `inputErrorsBefore` (an importer never returns a partial
  // policy; a file with findings is still a whole policy).
  std::optional<ast::File> finishFile(uint32_t buffer, ast::SourceKind kind,
                                      unsigned inputErrorsBefore, DiagnosticEngine &diags);

private:
  std::vector<ast::Stmt> stmts_;
  std::optional<ast::FsRule> implied_;
};

// Where a section sits: "" for srt, "sandbox." for Claude. Decides the
// messages' key paths, the rules' origins, which keys exist and what the
// runtime does with an invalid entry.
enum class SettingsDialect { Srt, Claude };
struct SectionContext {
  SettingsDialect dialect;
  std::string prefix;
  ImportBuilder &out;
  DiagnosticEngine &diags;

  SettingsRuntime runtime() const {
    return dialect == SettingsDialect::Srt ? SettingsRuntime::Srt : SettingsRuntime::Claude;
  }
  // An ObjectReader in settings mode for this runtime (unknown keys are
  // unknown-setting findings, `_` keys are comments).
  ObjectReader reader(const DocNode &object, const std::string &where) const {
    return ObjectReader(object, where, diags, runtime());
  }
  // invalid-entry at `loc`: "invalid entry in 'KEY': WHAT; <what the runtime does>".
  void invalid(SourceLoc loc, const std::string &key, const std::string &what) const {
    reportInvalidEntry(diags, runtime(), loc, key, what);
  }
};

// ---- sections (each takes the section's value; wrong shapes are findings) ----
void readNetworkSection(const DocNode &network, const SectionContext &ctx);
void readFilesystemSection(const DocNode &filesystem, const SectionContext &ctx);
// `credentials` (srt top level, Claude `sandbox.credentials`): declared
// files become `always deny read` rules (moat hides a masked file outright),
// declared variables the `credential-env-vars` option, `allowPlaintextInject`
// the `credential-plaintext-inject` option. `network` and `filesystem` are
// the sibling sections (either may be null): srt checks `injectHosts`
// against the network's allowedDomains, requires its tlsTerminate for masking
// (unless allowPlaintextInject), and checks deny-mode paths like denyRead
// entries unless filesystem.disabled is true.
void readCredentialsSection(const DocNode &credentials, const SectionContext &ctx,
                            const DocNode *network, const DocNode *filesystem);
// The switches srt has at its top level and Claude under `sandbox`:
// enableWeakerNestedSandbox, allowNestedUserNamespaces,
// enableWeakerNetworkIsolation, allowAppleEvents, ignoreViolations,
// ripgrep, bwrapPath, socatPath, windows; srt also mandatoryDenySearchDepth,
// allowPty, seccomp, javaAgentJarPath, git. Claims each from `r`.
void readSandboxSwitches(ObjectReader &r, const SectionContext &ctx);

// ---- typed values: a wrong shape is an invalid-entry finding at the value ----
std::optional<bool> boolValue(const DocNode &v, const std::string &dotted, const SectionContext &ctx);
// An integer in [lo, hi].
std::optional<int64_t> intValue(const DocNode &v, const std::string &dotted, int64_t lo,
                                int64_t hi, const SectionContext &ctx);
const std::string *stringValue(const DocNode &v, const std::string &dotted, bool nonEmpty,
                               const SectionContext &ctx);
// One of `choices`.
const std::string *enumValue(const DocNode &v, const std::string &dotted,
                             std::initializer_list<const char *> choices, const SectionContext &ctx);
bool objectValue(const DocNode &v, const std::string &dotted, const SectionContext &ctx);
// The string items of an array (each bad item is reported, the good ones
// returned); nullopt when `v` is not an array.
std::optional<std::vector<const DocNode *>> stringItems(const DocNode &v, const std::string &dotted,
                                                        bool nonEmpty, const SectionContext &ctx);
// A zod `.strict()` object: every key not in `known` makes srt reject the
// file (`_` keys too: srt does not strip them there). Claude Code strips them
// (ObjectReader reports them there), so this only reports for srt.
void strictKeys(const DocNode &object, const std::string &dotted,
                std::initializer_list<const char *> known, const SectionContext &ctx);

// Reads `key` from `r` when present and maps it onto option `id`; a wrong
// type is an invalid-entry finding. Used for the many plain switches.
void readBoolSetting(ObjectReader &r, const std::string &key, const std::string &dotted,
                     ir::OptionId id, const SectionContext &ctx);
// An integer in [lo, hi].
void readIntSetting(ObjectReader &r, const std::string &key, const std::string &dotted,
                    ir::OptionId id, int64_t lo, int64_t hi, const SectionContext &ctx);

// The older forms, for readers that have no SectionContext: wrong types are
// input errors there (DocTree's expect*).
void readBoolSetting(ObjectReader &r, const std::string &key, const std::string &dotted,
                     ir::OptionId id, ImportBuilder &out, DiagnosticEngine &diags);
void readIntSetting(ObjectReader &r, const std::string &key, const std::string &dotted,
                    ir::OptionId id, int64_t lo, int64_t hi, ImportBuilder &out,
                    DiagnosticEngine &diags);

} // namespace moat::import
