#include "backends/bwrap/MountPlan.h"

#include <algorithm>
#include <map>

namespace moat::backends::bwrap {

const std::vector<std::string> &genericChildNames() {
  // Different shapes (plain, dot-file, one letter) so that a glob such as
  // `*.txt` or `.*` cannot make one unusual name stand for every child.
  static const std::vector<std::string> names = {"moat-any-name", ".moat-any-name", "Z"};
  return names;
}

namespace {

constexpr size_t kNone = static_cast<size_t>(-1);

struct Node {
  std::string path;
  Disk::Info info;
  bool isLink = false;      // a symbolic link met while resolving a request
  std::string linkTarget;
  bool linkNeeded = false;  // a readable request goes through the link
  unsigned why = 0;
  std::vector<std::string> aliases; // request paths that resolve here
  size_t parent = kNone;
  std::vector<size_t> children;

  // Decisions met over every name of the node (its aliases and itself).
  bool r = true, w = true, gr = true, gw = true;
  // Decisions for its first name alone, for reports.
  eval::FsDecision pr, pw, pgr, pgw;
  // Whether some generic child may be read / written by the first name's
  // decisions, and a decision that allows it.
  bool someChildRead = false, someChildWrite = false;
  eval::FsDecision agr, agw;
  bool capReadOnly = false;
  TightenReason capReason = TightenReason::HardLink;

  bool writeProtect = false;  // the policy denies some write here
  bool protectedBelow = false;
  bool writeAllowedBelow = false; // some write is allowed here or beneath

  bool isDirLike() const { return info.type == Disk::Type::Dir || info.type == Disk::Type::Missing; }
  bool readOK() const { return isDirLike() ? r && gr : r; }
  bool writeOK() const { return isDirLike() ? w && gw : w; }
  bool allows(const eval::FsDecision &d) const { return d.effect == ir::Effect::Allow; }
};

class Planner {
public:
  Planner(const eval::Evaluator &ev, const Disk &disk) : ev_(ev), disk_(disk) {}

  Plan run(const std::vector<PlanRequest> &requests) {
    node("/");
    node("/dev");
    node("/proc");
    for (const PlanRequest &req : requests)
      addRequest(req);
    closeOverAncestors();
    for (Node &n : nodes_)
      decide(n);
    applyLinkCaps();
    summariseBelow(0);
    visitRoot();
    finishOps();
    return std::move(plan_);
  }

private:
  size_t node(const std::string &path) {
    auto [it, fresh] = index_.try_emplace(path, nodes_.size());
    if (fresh) {
      Node n;
      n.path = path;
      n.info = disk_.lstat(path);
      nodes_.push_back(std::move(n));
    }
    return it->second;
  }

  struct Chain {
    size_t target;
    std::vector<size_t> links;
  };

  void addRequest(const PlanRequest &req) {
    std::string error;
    auto res = resolvePhysical(disk_, req.path, error);
    if (!res) {
      plan_.errors.push_back("cannot find where '" + req.path + "' leads: " + error);
      return;
    }
    const std::string &phys = res->physical;
    // The sandbox gets its own /dev, and /proc/PID names its own processes:
    // neither is the host's file a rule means (the backend reports them).
    if (isWithin(phys, "/dev") || namesProcess(phys))
      return;
    Chain chain{node(phys), {}};
    Node &target = nodes_[chain.target];
    target.why |= req.why;
    if (req.path != phys)
      target.aliases.push_back(req.path);
    for (const auto &[where, text] : res->links) {
      size_t l = node(where);
      nodes_[l].isLink = true;
      nodes_[l].linkTarget = text;
      chain.links.push_back(l);
    }
    chains_.push_back(std::move(chain));
  }

  void closeOverAncestors() {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (nodes_[i].path == "/")
        continue;
      size_t p = node(parentPath(nodes_[i].path)); // may append: indices stay valid
      nodes_[i].parent = p;
    }
    for (size_t i = 0; i < nodes_.size(); ++i)
      if (nodes_[i].parent != kNone)
        nodes_[nodes_[i].parent].children.push_back(i);
    for (Node &n : nodes_)
      std::sort(n.children.begin(), n.children.end(),
                [&](size_t a, size_t b) { return nodes_[a].path < nodes_[b].path; });
  }

  void decide(Node &n) {
    std::vector<std::string> names = n.aliases;
    names.push_back(n.path);
    bool first = true;
    for (const std::string &name : names) {
      eval::FsDecision dr = ev_.decide(name, ir::Access::Read);
      eval::FsDecision dw = ev_.decide(name, ir::Access::Write);
      n.r &= n.allows(dr);
      n.w &= n.allows(dw);
      if (first) {
        n.pr = dr;
        n.pw = dw;
      }
      for (const std::string &probe : genericChildNames()) {
        std::string child = joinPath(name, probe);
        eval::FsDecision cr = ev_.decide(child, ir::Access::Read);
        eval::FsDecision cw = ev_.decide(child, ir::Access::Write);
        n.gr &= n.allows(cr);
        n.gw &= n.allows(cw);
        if (first) {
          // A probe that denies decides the view; one that allows names the
          // rule whose allowance a stricter view tightens.
          if (!n.allows(cr) || probe == genericChildNames()[0])
            n.pgr = cr;
          if (!n.allows(cw) || probe == genericChildNames()[0])
            n.pgw = cw;
          if (n.allows(cr)) {
            n.someChildRead = true;
            n.agr = cr;
          }
          if (n.allows(cw)) {
            n.someChildWrite = true;
            n.agw = cw;
          }
        }
      }
      first = false;
    }
    n.writeProtect = !n.isLink && n.info.type != Disk::Type::Symlink && !n.writeOK();
    if (n.why & PlanRequest::HardLink)
      cap(n, TightenReason::HardLink);
    if (n.why & PlanRequest::Unreadable)
      cap(n, TightenReason::Unreadable);
  }

  static void cap(Node &n, TightenReason why) {
    if (!n.capReadOnly) {
      n.capReadOnly = true;
      n.capReason = why;
    }
  }

  // A link on the way to a write-protected path, in a directory the sandbox
  // may write, could be replaced by a real directory or file: the
  // protection would then no longer be at that name. Its directory becomes
  // read-only.
  void applyLinkCaps() {
    for (const Chain &c : chains_) {
      Node &t = nodes_[c.target];
      for (size_t l : c.links) {
        if (t.readOK())
          nodes_[l].linkNeeded = true;
        if (t.writeProtect && nodes_[l].parent != kNone)
          cap(nodes_[nodes_[l].parent], TightenReason::SymlinkInWritableDir);
      }
    }
  }

  void summariseBelow(size_t i) {
    Node &n = nodes_[i];
    n.writeAllowedBelow = !n.isLink && (n.allows(n.pw) || n.someChildWrite);
    for (size_t c : n.children) {
      summariseBelow(c);
      const Node &ch = nodes_[c];
      n.protectedBelow |= ch.writeProtect || ch.protectedBelow;
      n.writeAllowedBelow |= ch.writeAllowedBelow;
    }
  }

  View viewOf(const Node &n, bool *capped = nullptr) const {
    View v = !n.readOK() ? View::Hidden : n.writeOK() ? View::ReadWrite : View::ReadOnly;
    if (n.capReadOnly && v == View::ReadWrite) {
      if (capped)
        *capped = true;
      return View::ReadOnly;
    }
    return v;
  }

  void emit(MountOp::Kind kind, const std::string &path, const std::string &target = "") {
    plan_.ops.push_back(MountOp{kind, path, target});
  }

  void tighten(const Node &n, ir::Access access, bool subtree, TightenReason why) {
    const eval::FsDecision &d = access == ir::Access::Read ? (subtree ? n.agr : n.pr) : (subtree ? n.agw : n.pw);
    plan_.tightenings.push_back(Tightening{n.path, access, subtree, why, d.rule});
  }

  // Records what the view `v` of an existing node refuses although the
  // node's first name allows it.
  void reportView(const Node &n, View v, bool capped) {
    bool dirLike = n.isDirLike();
    bool met = n.aliases.size() > 0 && (n.r != n.allows(n.pr) || n.w != n.allows(n.pw) ||
                                        n.gr != n.allows(n.pgr) || n.gw != n.allows(n.pgw));
    // Some generic names are allowed and others denied: a glob tells them apart.
    bool globNamesR = n.someChildRead && !n.allows(n.pgr), globNamesW = n.someChildWrite && !n.allows(n.pgw);
    if (v == View::Hidden) {
      bool self = n.allows(n.pr), below = dirLike && n.someChildRead;
      if (self || below)
        tighten(n, ir::Access::Read, below,
                met          ? TightenReason::SymlinkTarget
                : globNamesR ? TightenReason::NamesDecidedByGlob
                             : TightenReason::DirectoryAndContents);
    }
    if (v != View::ReadWrite) {
      bool self = n.allows(n.pw), below = dirLike && n.someChildWrite;
      if (self || below)
        tighten(n, ir::Access::Write, below,
                capped                       ? n.capReason
                : !n.readOK() && n.writeOK() ? TightenReason::WriteWithoutRead
                : met                        ? TightenReason::SymlinkTarget
                : globNamesW                 ? TightenReason::NamesDecidedByGlob
                                             : TightenReason::DirectoryAndContents);
    }
  }

  void visitRoot() {
    Node &root = nodes_[0];
    bool capped = false;
    View v = viewOf(root, &capped);
    if (v == View::ReadWrite)
      emit(MountOp::Kind::Bind, "/");
    else if (v == View::ReadOnly)
      emit(MountOp::Kind::RoBind, "/");
    else
      remounts_.push_back("/"); // bwrap's own empty root, made read-only
    reportView(root, v, capped);
    for (size_t c : root.children)
      visit(c, v);
  }

  void visit(size_t i, View region) {
    Node &n = nodes_[i];
    if (n.isLink) {
      // In a hidden tree the link must be made again for paths through it.
      if (region == View::Hidden && (n.r || n.linkNeeded))
        emit(MountOp::Kind::Symlink, n.path, n.linkTarget);
      return;
    }
    if (n.path == "/dev") {
      emit(MountOp::Kind::Dev, "/dev");
      return;
    }
    if (n.path == "/proc") {
      emit(MountOp::Kind::Proc, "/proc");
      for (size_t c : n.children)
        visitProc(c);
      return;
    }
    switch (n.info.type) {
    case Disk::Type::Missing:
      visitMissing(n, region);
      return;
    case Disk::Type::Symlink:
      return; // only under /proc, whose links name the build process
    default:
      break;
    }
    bool capped = false;
    View v = viewOf(n, &capped);
    bool isDir = n.info.type == Disk::Type::Dir;
    if (v != region) {
      if (v == View::ReadWrite)
        emit(MountOp::Kind::Bind, n.path);
      else if (v == View::ReadOnly)
        emit(MountOp::Kind::RoBind, n.path);
      else if (isDir) {
        emit(MountOp::Kind::Tmpfs, n.path);
        remounts_.push_back(n.path);
      } else {
        emit(MountOp::Kind::DevNull, n.path);
      }
    } else if (region == View::ReadWrite && isDir && n.protectedBelow) {
      // A pin: a mount point cannot be renamed, so no parent of a protected
      // path can be moved away to put something else in its place.
      emit(MountOp::Kind::Bind, n.path);
    }
    reportView(n, v, capped);
    if (isDir)
      for (size_t c : n.children)
        visit(c, v);
  }

  // Entries of the sandbox's own /proc: only hiding makes sense there.
  void visitProc(size_t i) {
    Node &n = nodes_[i];
    if (n.isLink || n.info.type == Disk::Type::Missing || n.info.type == Disk::Type::Symlink)
      return;
    if (!n.readOK()) {
      if (n.info.type == Disk::Type::Dir) {
        emit(MountOp::Kind::Tmpfs, n.path);
        remounts_.push_back(n.path);
      } else {
        emit(MountOp::Kind::DevNull, n.path);
      }
      return;
    }
    for (size_t c : n.children)
      visitProc(c);
  }

  void visitMissing(Node &n, View region) {
    if (region != View::ReadWrite) {
      // Nothing the sandbox can create here: report the topmost paths whose
      // writes the policy allows.
      if (n.allows(n.pw) || n.someChildWrite) {
        tighten(n, ir::Access::Write, true, TightenReason::CannotCreate);
        return;
      }
      for (size_t c : n.children)
        if (!nodes_[c].isLink && nodes_[c].writeAllowedBelow)
          visitMissing(nodes_[c], region);
      return;
    }
    const Node &parent = nodes_[n.parent];
    if (parent.info.type != Disk::Type::Dir && parent.info.type != Disk::Type::Missing)
      return; // under a file: nobody can create it
    if (n.writeProtect || n.protectedBelow) {
      // A placeholder: bwrap creates the mount point on the host (an empty
      // file or directory) and covers it, so the sandbox cannot create the
      // path. A missing directory cannot be pinned (bwrap resolves mount
      // sources before it creates anything), so when only something beneath
      // is protected the directory itself becomes an empty read-only one.
      bool dir = !n.writeProtect || (n.why & PlanRequest::DirectoryPlaceholder) || !n.children.empty();
      if (dir) {
        emit(MountOp::Kind::Tmpfs, n.path);
        remounts_.push_back(n.path);
      } else {
        emit(MountOp::Kind::DevNull, n.path);
      }
      plan_.placeholders.push_back(n.path);
      if (n.writeAllowedBelow)
        tighten(n, ir::Access::Write, true,
                n.writeProtect ? TightenReason::DirectoryAndContents : TightenReason::PlaceholderDirectory);
      return;
    }
    for (size_t c : n.children)
      visit(c, View::ReadWrite);
  }

  void finishOps() {
    // Parents before children; siblings in byte order. A later mount covers
    // an earlier one, so this order is what makes deeper rules win.
    std::stable_sort(plan_.ops.begin(), plan_.ops.end(), [](const MountOp &a, const MountOp &b) {
      size_t da = pathDepth(a.path), db = pathDepth(b.path);
      if (da != db)
        return da < db;
      return a.path < b.path;
    });
    // Read-only remounts last: bwrap creates mount points for deeper
    // mounts inside a hidden tmpfs, which must still be writable then.
    std::sort(remounts_.begin(), remounts_.end());
    for (const std::string &p : remounts_)
      emit(MountOp::Kind::RemountRo, p);
    std::sort(plan_.placeholders.begin(), plan_.placeholders.end());
  }

  const eval::Evaluator &ev_;
  const Disk &disk_;
  std::vector<Node> nodes_;
  std::map<std::string, size_t> index_;
  std::vector<Chain> chains_;
  std::vector<std::string> remounts_;
  Plan plan_;
};

} // namespace

Plan planMounts(const eval::Evaluator &evaluator, const Disk &disk, const std::vector<PlanRequest> &requests) {
  return Planner(evaluator, disk).run(requests);
}

} // namespace moat::backends::bwrap
