// The fast-forward proof for a pushed ref update: is OLD an ancestor of
// NEW, judged only from the packfile the push carries? git's receive-pack
// would know (it has the repository), but the proxy does not, and a force
// push (history rewritten, commits dropped) is exactly what a policy
// without `allow force-push` must stop before the upstream sees it.
//
// How: read the pack (gitformat-pack(5): "PACK", version 2 or 3, the
// object count, then each object's type/size header and zlib stream),
// keep the commits (resolving OFS_DELTA and REF_DELTA chains whose base is
// in the pack), hash each one ourselves to get its id, and walk parent
// links from NEW. Reaching OLD proves it, because every id on the path was
// computed here from the content, so the upstream (which stores objects by
// the same hash) has exactly these parent links. A commit that is not in
// the pack is a dead end; the walk ending without OLD, or anything the
// reader does not understand, is "not proven", which the proxy treats as
// a force push. That a stale OLD cannot slip through is the upstream's
// part: receive-pack refuses an update whose OLD is not the ref's value.
//
// Bounded: the pack is already bounded by the proxy's body limit; inflated
// commit bytes are bounded by kMaxCommitBytes in total, every other
// object is inflated into a small scratch buffer and dropped, every
// declared size is checked, and delta chains are at most kMaxDeltaDepth.
#pragma once
#include "runtime/git/ReceivePack.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace moat::runtime::git {

inline constexpr size_t kMaxCommitBytes = 64u << 20;
inline constexpr size_t kMaxDeltaDepth = 1000;

// The commits of one pack, by hex id.
class PackCommits {
public:
  // nullopt, `error` saying why, when the pack cannot be read.
  static std::optional<PackCommits> read(std::string_view pack, ObjectFormat format, std::string &error);

  // Is `ancestor` reachable from `descendant` through parents (or equal)?
  // false with `why` when that cannot be shown from this pack.
  bool proves(const std::string &ancestor, const std::string &descendant, std::string &why) const;

  size_t size() const { return commits_.size(); }
  bool contains(const std::string &id) const { return commits_.count(id) != 0; }

private:
  ObjectFormat format_ = ObjectFormat::Sha1;
  std::map<std::string, std::string> commits_; // id -> raw commit content
};

// The object id git gives `content` of `type` ("commit", "blob", ...).
std::string objectId(ObjectFormat format, std::string_view type, std::string_view content);

// Applies a git delta (gitformat-pack(5), "Deltified representation") to
// `base`; nullopt when it is malformed or its sizes do not match.
std::optional<std::string> applyDelta(std::string_view base, std::string_view delta, std::string &error);

} // namespace moat::runtime::git
