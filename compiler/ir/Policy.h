// The Policy IR: the single source of truth every checker, backend and the
// runtime read. Produced by sema from the AST of any input kind. Every rule
// carries its provenance so findings and compiled output point back to the
// source. Patterns stay symbolic (roots are bound late: see eval/Bindings.h).
#pragma once
#include "compiler/diagnostics/SourceLoc.h"
#include "compiler/fs/PathPattern.h"
#include "compiler/ir/Options.h"
#include "compiler/net/Host.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace moat::ir {

enum class Effect { Allow, Deny };
enum class Access { Read, Write };
enum class Tier { Ordinary, Always };
enum class Platform { Any, Linux, MacOS };
// Claude Code's precedence order, highest first. Builtin = moat's own
// protections.
enum class Layer { Managed, CommandLine, LocalProject, SharedProject, User, Builtin };

// Whose semantics a policy is judged by (docs/semantics.md, "Runtimes"):
// moat's (the file's rules plus moat's built-in protections), or those of the
// runtime an srt or Claude Code settings file is written for (its own
// protection set and, on Linux, its mount mechanics: compiler/sema/
// RuntimeSemantics.h).
enum class Runtime { Moat, Srt, Claude };

const char *runtimeName(Runtime r); // "moat", "srt", "claude"
const char *effectName(Effect e);
const char *accessName(Access a);
const char *layerName(Layer l);
const char *platformName(Platform p);

struct Provenance {
  SourceLoc loc;              // invalid for built-in rules
  Layer layer = Layer::SharedProject;
  std::string origin;         // importer key ("filesystem.denyWrite[2]") or "builtin"
};

struct FsRule {
  Effect effect = Effect::Deny;
  Access access = Access::Read;
  Tier tier = Tier::Ordinary;
  fs::PathPattern pattern;
  Platform platform = Platform::Any;
  std::string reason; // `because "..."`; required to lift a protection
  // A deny that an allow of the same tier and access at the same bound path
  // beats (srt's denyRead against its allowRead: `~/proj/src` and `src`
  // from ~/proj are one path, and the allow wins there). The evaluator
  // ranks it after the allows of its level when such an allow exists
  // (eval::decidesBefore); without one it is an ordinary deny.
  bool yieldsToSamePathAllow = false;
  Provenance prov;
};

struct NetRule {
  Effect effect = Effect::Deny;
  Tier tier = Tier::Ordinary;
  net::HostPattern host;
  Platform platform = Platform::Any;
  Provenance prov;
  // From srt's deniedResolvedAddresses. srt checks those only against what
  // an allowed NAME resolves to: never an IP-literal host, never a loopback
  // name (resolved-address-guard.js). moat's own semantics deny the
  // addresses outright, and the loopback names that are them: stricter,
  // and what moat's proxy does. Under --runtime=srt the rule is dropped
  // (RuntimeSemantics.cpp): without DNS nothing else of it can be decided.
  bool resolvedAddressesOnly = false;
};

struct UnixSocketRule {
  Effect effect = Effect::Allow;
  fs::PathPattern path;
  Platform platform = Platform::Any;
  Provenance prov;
};

enum class NetDefault { Deny, Allow, Ask };

struct Defaults {
  Effect read = Effect::Allow;
  Effect write = Effect::Deny;
  NetDefault connect = NetDefault::Deny;
  SourceLoc readLoc, writeLoc, connectLoc; // where set; invalid = built-in default
  bool connectImplied = false; // the connect default is the runtime's default for an absent key
};

enum class AssertSubject { Read, Write, Connect };

struct Assertion {
  Effect expected = Effect::Deny;
  AssertSubject subject = AssertSubject::Read;
  // Exactly one of these is meaningful, by subject.
  fs::PathPattern path;
  net::HostPattern host;
  std::string text; // as written
  Platform platform = Platform::Any;
  Provenance prov;
};

// `forbid read|write|connect|unix-socket "PATTERN"` of a managed policy: no
// lower layer may allow anything the pattern covers (docs/managed.md).
enum class ForbidSubject { Read, Write, Connect, UnixSocket };
struct Forbid {
  ForbidSubject subject = ForbidSubject::Write;
  // By subject: `path` for read, write and unix-socket, `host` for connect.
  fs::PathPattern path;
  net::HostPattern host;
  std::string text;   // as written
  std::string reason; // `because "..."`, may be empty
  Platform platform = Platform::Any;
  Provenance prov;
};

// A place where a lower layer breaks what the managed layer decided, found
// when the layers are merged (compiler/layers). The effective policy keeps
// them so that `moat check` reports them (managed-violation) and `moat build`
// says what it dropped.
struct ManagedViolation {
  std::string message;       // about the lower statement
  SourceLoc lowerLoc;        // the lower rule, default or option
  std::string managedNote;   // about the managed statement it breaks
  SourceLoc managedLoc;      // invalid when the managed input has no location
  bool dropped = true;       // enforcement removed the lower statement
};

// A user `let` variable: a root with a default value that --define or the
// launcher may override.
struct Variable {
  std::string name;
  fs::PathPattern value; // may itself start at another root
  SourceLoc loc;
};

// A place where a runtime's own mechanics make it differ from what its file
// says (srt on Linux): recorded by the runtime transform so that `moat
// check` can explain it (rule runtime-mechanics).
struct RuntimeMechanic {
  std::string message;
  SourceLoc loc;      // the entry it affects
  bool looser = false; // the runtime enforces less than the entry asks
};

// ---- `git { ... }` ----
// The `git { ... }` block's IR (docs/language.md, "git"): what the runtime's
// git proxy lets the sandbox's git client do, and which real credential it
// attaches upstream on the sandbox's behalf. The sandbox never holds that
// credential: its git talks to moat's proxy with a per-session one, and the
// proxy checks every smart-HTTP interaction against these rules before it
// forwards it (runtime/git). A remote that no block names is not reachable
// through the git proxy at all (ordinary `connect` rules still decide plain
// network access to its host).

// `remote "https://host[:port]/path" [fetch];` (push: whether its block has
// `push` patterns, set by sema)
struct GitRemote {
  // Canonical: scheme "https" or "http" lower case, host canonical
  // (net::canonicaliseHost), default port dropped, path without a trailing
  // "/" or ".git". Two spellings of one repository compare equal.
  std::string url;
  std::string text; // as written
  bool fetch = false; // `git fetch`/`clone`/`pull` (upload-pack)
  bool push = false;  // `git push` (receive-pack), of refs the block's `push` patterns allow
  SourceLoc loc;
};

// `push "refs/heads/agent/*";`: a glob over full ref names (`*` stays
// within one path component, `**` crosses them). A tag is pushed only when
// a pattern starting with "refs/tags/" matches it.
struct GitRefPattern {
  std::string pattern;
  SourceLoc loc;
};

// `token env "NAME";` or `token file "PATH";` (+ optional `user "NAME";`)
struct GitToken {
  enum class Kind { Env, File } kind = Kind::Env;
  std::string envName;   // Kind::Env
  fs::PathPattern file;  // Kind::File (roots bound late, like any path)
  std::string fileText;  // as written
  std::string user = "x-access-token"; // the Basic-auth user sent upstream with the token
  SourceLoc loc;
};

struct GitBlock {
  std::vector<GitRemote> remotes;
  std::vector<GitRefPattern> push;
  bool allowDelete = false;    // `allow delete;`     branch deletion
  bool allowForcePush = false; // `allow force-push;` non-fast-forward updates
  std::optional<GitToken> token;
  Provenance prov; // the block's `git` keyword, and its layer
};

struct Policy {
  std::string name;
  SourceLoc nameLoc;
  std::vector<FsRule> fsRules;   // built-in protections first, then source order
  std::vector<NetRule> netRules; // source order
  std::vector<UnixSocketRule> unixSockets;
  Defaults defaults;
  Options options;
  std::vector<Assertion> asserts;
  std::map<std::string, Variable> variables;
  std::vector<std::string> sourceFiles; // main file then includes, for write-policy-self
  std::vector<GitBlock> git;            // `git { ... }` blocks, source order (layers: concatenated)

  // Managed-policy statements (docs/managed.md). `lock network` and `lock
  // filesystem read` set the lock-network / lock-filesystem-read options
  // (what Claude's managed settings carry); `lock filesystem write` has no
  // Claude key and is kept here.
  std::optional<SourceLoc> lockFilesystemWrite;
  std::vector<Assertion> requirements; // `require`: asserts over the effective policy
  std::vector<Forbid> forbids;
  // Filled by compiler/layers in an effective policy only.
  std::vector<ManagedViolation> managedViolations;

  // Which input kind the main file is (set by sema): the runtime `moat
  // check` judges it by unless --runtime says otherwise.
  Runtime fileRuntime = Runtime::Moat;
  // Whose semantics the rules above express: Moat as loaded; another
  // runtime after sema::applyRuntime. `runtimePlatform` is the one platform
  // that runtime is judged on (Any: both, as for moat).
  Runtime runtime = Runtime::Moat;
  Platform runtimePlatform = Platform::Any;
  std::vector<RuntimeMechanic> runtimeMechanics;
};

} // namespace moat::ir
