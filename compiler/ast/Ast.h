// The AST: what a policy source *says*, with a location on every node. Every
// front end (.moat via ANTLR, YAML, srt JSON, Claude JSON) produces this; sema
// turns it into the Policy IR. Nothing here is validated yet: strings are the
// raw text the user wrote (escapes already decoded).
#pragma once
#include "compiler/diagnostics/SourceLoc.h"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace moat::ast {

enum class Effect { Allow, Deny };
enum class Access { Read, Write };
// What a default or assert talks about.
enum class Subject { Read, Write, Connect };
enum class DefaultValue { Allow, Deny, Ask };

struct Str {
  std::string value;
  SourceLoc loc;
};

// `[always] allow|deny read|write[, ...] [file] "PATTERN" [because "REASON"]`
struct FsRule {
  bool always = false;
  Effect effect = Effect::Deny;
  std::vector<Access> accesses; // one or both, in the order written
  bool exactFile = false;       // `file "..."`: only that path, not beneath it
  // srt's (and Claude Code's sandbox) denyRead: an allowRead that names the
  // same path, however spelled, beats it (ir::FsRule). No .moat syntax.
  bool yieldsToSamePathAllow = false;
  Str pattern;
  std::optional<Str> reason;
  SourceLoc loc;
  // Where an importer got the rule from, e.g. "filesystem.denyWrite[2]".
  std::string origin;
};

// `allow|deny connect "HOST[:PORT|:LO-HI]"`
struct NetRule {
  bool always = false;
  Effect effect = Effect::Deny;
  Str host; // host pattern with optional port suffix, unparsed
  SourceLoc loc;
  std::string origin;
  // srt's deniedResolvedAddresses (ir::NetRule). No .moat syntax.
  bool resolvedAddressesOnly = false;
};

// `allow unix-socket "PATH"`
struct UnixSocketRule {
  Effect effect = Effect::Allow;
  Str path;
  SourceLoc loc;
  std::string origin;
};

// `default read|write|connect allow|deny|ask`
struct DefaultStmt {
  Subject subject = Subject::Read;
  DefaultValue value = DefaultValue::Deny;
  SourceLoc loc;
  // The runtime's default for a key the file left out (Claude Code asks about
  // unlisted hosts unless told otherwise), not something the file wrote: in
  // a stack of layers it holds only where no layer sets the default
  // (compiler/layers/Merge.cpp).
  bool implied = false;
};

// `let NAME = "VALUE"` (referenced as $NAME)
struct LetStmt {
  Str name;
  Str value;
  SourceLoc loc;
};

// `include "FILE"` (relative to the including file)
struct IncludeStmt {
  Str path;
  SourceLoc loc;
};

// `set NAME = true|false|NUMBER|"STRING"|["A", "B"]`
struct OptionValue {
  std::variant<bool, int64_t, std::string, std::vector<std::string>> value;
  SourceLoc loc;
};
struct SetStmt {
  Str name;
  OptionValue value;
  SourceLoc loc;
  bool implied = false; // as DefaultStmt::implied: an absent key's runtime default
};

// `assert allow|deny read|write|connect "SUBJECT"`
struct AssertStmt {
  Effect expected = Effect::Deny;
  Subject subject = Subject::Read;
  Str pattern;
  SourceLoc loc;
};

// Managed-policy statements (docs/managed.md).
// `lock network` / `lock filesystem read[, write]`: only the managed layer's
// rules count for that dimension.
enum class LockTarget { Network, FilesystemRead, FilesystemWrite };
struct LockStmt {
  std::vector<LockTarget> targets; // in the order written
  SourceLoc loc;
};

// `require allow|deny read|write|connect "SUBJECT"`: an assert over the
// effective policy of every layer.
struct RequireStmt {
  Effect expected = Effect::Deny;
  Subject subject = Subject::Read;
  Str pattern;
  SourceLoc loc;
};

// `forbid read|write|connect|unix-socket "PATTERN" [because "REASON"]`: no
// lower layer may allow anything the pattern covers.
enum class ForbidSubject { Read, Write, Connect, UnixSocket };
struct ForbidStmt {
  ForbidSubject subject = ForbidSubject::Write;
  Str pattern;
  std::optional<Str> reason;
  SourceLoc loc;
};

// `git { ... }` (docs/language.md, "git"): its statements in source order.
// `remote "URL" [fetch]`
struct GitRemote {
  Str url;
  bool fetch = false;
  SourceLoc loc;
};
// `push "REF-PATTERN"` (one node per pattern of the list)
struct GitPush {
  Str pattern;
  SourceLoc loc;
};
// `allow delete` / `allow force-push`
enum class GitPermission { Delete, ForcePush };
struct GitAllow {
  GitPermission what = GitPermission::Delete;
  SourceLoc loc;
};
// `token env "NAME"` / `token file "PATH"`
enum class GitTokenSource { Env, File };
struct GitToken {
  GitTokenSource source = GitTokenSource::Env;
  Str value;
  SourceLoc loc;
};
// `user "NAME"`
struct GitUser {
  Str name;
  SourceLoc loc;
};
using GitItem = std::variant<GitRemote, GitPush, GitAllow, GitToken, GitUser>;
struct GitBlock {
  std::vector<GitItem> items;
  SourceLoc loc;
  std::string origin; // importer key ("git[0]") or ""
};

struct Stmt;

// `on linux|macos { ... }`
struct PlatformBlock {
  Str platform;
  std::vector<Stmt> body;
  SourceLoc loc;
};

// `policy "NAME" { ... }`
struct PolicyBlock {
  Str name;
  std::vector<Stmt> body;
  SourceLoc loc;
};

struct Stmt {
  std::variant<FsRule, NetRule, UnixSocketRule, DefaultStmt, LetStmt, IncludeStmt, SetStmt,
               AssertStmt, PlatformBlock, PolicyBlock, LockStmt, RequireStmt, ForbidStmt,
               GitBlock>
      node;
};

enum class SourceKind { Moat, Yaml, Srt, Claude };
const char *sourceKindName(SourceKind k);

struct File {
  std::string path;    // as given (for messages)
  std::string baseDir; // directory that relative includes resolve against
  uint32_t buffer = 0; // SourceFiles buffer id
  SourceKind kind = SourceKind::Moat;
  std::vector<Stmt> stmts;
};

} // namespace moat::ast
