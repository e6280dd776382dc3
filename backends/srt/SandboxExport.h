// The part the `srt` and `claude` targets share: Claude Code runs
// sandbox-runtime underneath and its `sandbox` block has the same
// `filesystem` / `network` lists, so both targets compile the IR into the
// same lists and differ only in how the file around them is written.
//
// What the lists mean is fixed by moat's importers (docs/importing.md):
// denyRead / allowRead are ordinary rules (most specific wins; allowRead
// beats denyRead at the same path), allowWrite is ordinary, denyWrite is
// `always`, reads default to allowed, writes to denied, connections to
// denied, and the built-in protections come on top. Claude Code adds an
// allow-write of the launch directory. The export is built so that reading
// it back through those importers is never looser than the policy
// (RoundTrip.h proves it for each build), and it also closes the gaps that
// the real runtimes have beyond what the importers model (write globs that
// srt ignores on Linux, protected files srt only finds under the launch
// directory). docs/backends.md lists every tightening.
#pragma once
#include "backends/Backend.h"
#include "compiler/eval/Bindings.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace moat::backends::sandbox {

enum class Dialect { Srt, Claude };
// "srt settings" / "Claude Code settings", for messages.
const char *dialectName(Dialect d);

// Which platforms the file is for. The settings file itself is the same on
// Linux and macOS, so by default it must be right on both.
enum class Scope { Portable, Linux, MacOS };
// --format: "" (portable), "linux" or "macos".
std::optional<Scope> parseScope(const std::string &format);
bool scopeIncludesLinux(Scope s);
bool scopeIncludesMacOS(Scope s);

// The depth to which the srt target asks srt to search for protected files
// under the launch directory (`mandatoryDenySearchDepth`; srt's maximum).
inline constexpr int kSrtSearchDepth = 10;

struct SettingsLists {
  std::vector<std::string> denyRead, allowRead, allowWrite, denyWrite;
  // denyWrite entries that spell out moat's built-in protections for the
  // runtime (see ExportFilesystem.cpp). Each lies inside a built-in
  // protection, which the importers add back anyway, and every `always`
  // write rule of the read-back is a deny: they cannot change what the
  // read-back decides, so the round-trip check may leave them out.
  std::vector<std::string> protectionDenyWrite;
  std::vector<std::string> allowedDomains, deniedDomains;
  std::vector<std::string> deniedResolvedAddresses; // srt only
  std::vector<std::string> allowUnixSockets;
  bool allowAllUnixSockets = false;
};

// State of one export: where diagnostics go and which policy rules already
// carry a warning that explains their tightening (RoundTrip.h does not
// repeat those).
class ExportContext {
public:
  ExportContext(const ir::Policy &policy, const BuildOptions &options, DiagnosticEngine &diags,
                Dialect dialect, Scope scope);

  const ir::Policy &policy;
  const BuildOptions &options;
  // The roots every binding-dependent choice is made with: the values given
  // with --define, and for the rest moat's canonical model (HOME=/home/user,
  // CWD=/home/user/project, TMPDIR=/tmp), as lint and `moat diff` use it.
  // Roots the settings keep symbolic are never taken from the environment,
  // so the output does not depend on where it is built.
  eval::Bindings bindings;
  DiagnosticEngine &diags;
  Dialect dialect;
  Scope scope;

  // An unenforceable-rule warning at `loc`, remembering `subject` (a rule,
  // or a default's address) as explained.
  void tightened(const void *subject, SourceLoc loc, const std::string &message);
  // tightened() at the option `id`, which the policy set: the setting is
  // the subject, so the round-trip check does not explain it again.
  void optionLeftOut(ir::OptionId id, const std::string &message);
  bool explained(const void *subject) const { return explained_.count(subject) != 0; }
  // Marks `subject` as explained by a warning reported elsewhere.
  void explain(const void *subject) { explained_.insert(subject); }
  void refuse(SourceLoc loc, const std::string &message);

  // An allow rule takes part when it holds on every platform of the scope;
  // a deny when it holds on any of them (so the file is never looser on
  // either platform).
  bool allowApplies(ir::Platform p) const;
  bool denyApplies(ir::Platform p) const;

private:
  std::set<const void *> explained_;
};

// Each fills its part of `lists`; false when an error was reported.
bool exportFilesystem(ExportContext &ctx, SettingsLists &lists);
bool exportNetwork(ExportContext &ctx, SettingsLists &lists);
void exportUnixSockets(ExportContext &ctx, SettingsLists &lists);

// Appends `text` unless it is already there (lists keep policy order).
void appendUnique(std::vector<std::string> &list, const std::string &text);

// denyWrite as written: the policy's entries, then the spelled-out
// protections (when `withProtections`).
std::vector<std::string> denyWriteList(const SettingsLists &lists, bool withProtections);

} // namespace moat::backends::sandbox
