// Test support: the subset of Seatbelt's profile language that moat's sbpl
// backend emits, checked and evaluated, so tests can run a profile's
// decisions without macOS.
//
// Checked (readProfile fails with a reason otherwise):
//  * `(version 1)` first and `(deny default)` second; every other form is
//    `(allow|deny OPERATION... FILTER...)` with operations from the known
//    list (sbpl-operations.txt), never `lsopen`, `appleevent-send` or
//    `default` after the second form, no `(with ...)` modifiers at all (so no
//    `no-sandbox`), and no unfiltered `mach-lookup` allow;
//  * filters: literal, subpath, prefix, regex, require-all/any/not,
//    (remote ip "localhost:PORT"), (local ip "localhost:*"),
//    (remote unix-socket path-literal|path-regex), global-name,
//    global-name-prefix, (target same-sandbox);
//  * path strings: a string, (param "NAME") or
//    (string-append (param "NAME") "/..."); they must be absolute;
//  * regexes compile with regcomp(REG_EXTENDED); one that is not anchored
//    with `^` may appear only in a deny rule (where matching more is
//    stricter).
//
// Evaluated with Seatbelt's rule: the LAST rule whose operation covers the
// query's and whose filters (OR'ed) match decides; nothing matching means
// the default (deny). `file-read*` covers every operation starting with
// `file-read`; literal matches the path exactly, subpath the path and
// everything beneath it, regex with regexec on the whole path.
#pragma once
#include "SbplSyntax.h"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace moat::sbpltest {

// The known operation names (test/support/sbpl/sbpl-operations.txt).
const std::set<std::string> &knownOperations();

// A path string: literal pieces and parameters, concatenated.
struct PathExpr {
  struct Piece {
    bool param = false;
    std::string text; // the literal, or the parameter's name
  };
  std::vector<Piece> pieces;
  // The value with `params` bound; nullopt when a parameter is missing.
  std::optional<std::string> value(const std::map<std::string, std::string> &params) const;
};

struct Regex; // a compiled POSIX ERE (shared, immutable)

struct Filter {
  enum class Kind {
    Literal, Subpath, Prefix, Regex,          // file paths
    RequireAll, RequireAny, RequireNot,        // combinators
    RemoteIp, LocalIp,                         // (remote|local ip "host:port")
    UnixSocket,                                // (remote unix-socket F): F is a child
    PathLiteral, PathRegex,                    // socket paths
    GlobalName, GlobalNamePrefix,              // mach services
    Target,                                    // (target same-sandbox)
  };
  Kind kind = Kind::Literal;
  PathExpr path;                 // Literal, Subpath, Prefix, PathLiteral
  std::string text;              // ip spec, mach name, target, regex source
  std::shared_ptr<Regex> regex;  // Regex, PathRegex
  std::vector<Filter> children;  // combinators, UnixSocket
};

struct Rule {
  bool allow = false;
  std::vector<std::string> operations;
  std::vector<Filter> filters; // OR'ed; none = every query of the operations
  unsigned line = 0;
};

struct Profile {
  std::vector<Rule> rules;     // after (version 1) (deny default), in order
  std::set<std::string> params; // every (param "NAME") used
  size_t forms = 0;            // top-level forms, the header two included
};

std::optional<Profile> readProfile(std::string_view text, std::string &error);

// One access to decide.
struct Query {
  enum class Subject { Path, Ip, UnixSocket, MachName, Signal, None };
  std::string operation;
  Subject subject = Subject::None;
  std::string value; // the path, "host:port", socket path, service name
};

// True when the profile allows the query. Missing parameters are an error
// the caller must avoid: they make every filter that needs them fail to
// match (and set *missing when given).
bool allows(const Profile &profile, const Query &query,
            const std::map<std::string, std::string> &params, bool *missing = nullptr);

// Convenience: file and socket queries.
bool allowsPath(const Profile &profile, const std::string &operation, const std::string &path,
                const std::map<std::string, std::string> &params);
bool allowsUnixSocket(const Profile &profile, const std::string &path,
                      const std::map<std::string, std::string> &params);

// Every path string in the profile's file filters, in order (for the
// fuzzer's round trip).
std::vector<const PathExpr *> pathStrings(const Profile &profile);

} // namespace moat::sbpltest
