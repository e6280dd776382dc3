// Which nodes the tree has, and why:
//  * a subtree or exact rule gives the node of its bound path;
//  * a glob rule gives a glob node under its literal prefix (`/**/.bashrc`
//    under `/`), decided at the shortest example path of the glob
//    (verify::findPath), so the decision shown is one the evaluator really
//    makes for a path the glob matches;
//  * a glob of the form PREFIX/**/NAME (most built-in protections) also
//    gives the node PREFIX'/NAME at the roots under PREFIX ($HOME, $CWD):
//    `~/.bashrc` is what a reviewer looks for, not `/**/.bashrc`;
//  * the roots themselves ($HOME, $CWD, $TMPDIR, `let` variables) always
//    appear, so the tree reads as the policy is written.
// Every ancestor of a node is a node too (decided as well: a directory's
// decision says what happens to whatever no rule names inside it).
#include "report/FsTree.h"

#include "compiler/fs/Glob.h"
#include "compiler/verify/DiffReport.h"
#include "compiler/verify/Witness.h"
#include "report/Verdicts.h"

#include <algorithm>

namespace moat::report {

namespace {

bool applies(ir::Platform rule, ir::Platform on) { return rule == ir::Platform::Any || rule == on; }

std::string joinPath(const std::vector<std::string> &components, size_t n) {
  std::string path;
  for (size_t i = 0; i < n; ++i)
    path += "/" + components[i];
  return path.empty() ? "/" : path;
}

// `root` is `path` or one of its ancestors.
bool isUnder(const std::string &path, const std::string &root) {
  if (root == "/")
    return true;
  return path.compare(0, root.size(), root) == 0 && (path.size() == root.size() || path[root.size()] == '/');
}

class TreeBuilder {
public:
  TreeBuilder() {
    root_.label = "/";
    root_.path = "/";
  }

  FsNode &addPath(const std::string &absPath, bool named, bool builtin) {
    FsNode *node = &root_;
    mark(*node, builtin);
    for (std::string_view part : fs::splitPath(absPath)) {
      node = &child(*node, std::string(part), "");
      mark(*node, builtin);
    }
    node->named |= named;
    return *node;
  }

  void addGlob(const std::string &prefix, const std::string &tail, const std::string &glob,
               const std::string &example, bool builtin) {
    FsNode &parent = addPath(prefix, false, builtin);
    FsNode &node = child(parent, tail, glob);
    node.path = example;
    node.named = true;
    mark(node, builtin);
  }

  FsNode take() { return std::move(root_); }

private:
  static void mark(FsNode &node, bool builtin) { node.builtinOnly &= builtin; }

  static FsNode &child(FsNode &parent, const std::string &label, const std::string &glob) {
    for (FsNode &c : parent.children)
      if (c.label == label && c.glob == glob)
        return c;
    FsNode c;
    c.label = label;
    c.glob = glob;
    c.path = glob.empty() ? (parent.path == "/" ? "" : parent.path) + "/" + label : "";
    parent.children.push_back(std::move(c));
    return parent.children.back();
  }

  FsNode root_;
};

class Decorator {
public:
  Decorator(const ir::Policy &policy, const eval::Evaluator &evaluator, const SourceFiles &files,
            const std::vector<NamedRoot> &roots, const verify::DiffReportContext &display)
      : policy_(policy), evaluator_(evaluator), files_(files), roots_(roots), display_(display) {}

  void decorate(FsNode &node) const {
    if (!node.path.empty()) {
      node.read = fsVerdict(evaluator_.decide(node.path, ir::Access::Read), ir::Access::Read, policy_, files_);
      node.write = fsVerdict(evaluator_.decide(node.path, ir::Access::Write), ir::Access::Write, policy_, files_);
      node.shown = verify::displayPath(display_, node.path);
    }
    if (node.glob.empty())
      for (const NamedRoot &r : roots_)
        if (r.path == node.path)
          node.rootName += (node.rootName.empty() ? "" : " ") + r.name;
    // Directories by name, then the globs beneath this directory.
    std::sort(node.children.begin(), node.children.end(), [](const FsNode &a, const FsNode &b) {
      return a.glob.empty() != b.glob.empty() ? a.glob.empty() : a.label < b.label;
    });
    for (FsNode &c : node.children)
      decorate(c);
  }

private:
  const ir::Policy &policy_;
  const eval::Evaluator &evaluator_;
  const SourceFiles &files_;
  const std::vector<NamedRoot> &roots_;
  const verify::DiffReportContext &display_;
};

} // namespace

std::vector<NamedRoot> policyRoots(const ir::Policy &policy, const eval::Bindings &bindings) {
  std::vector<NamedRoot> roots;
  std::string error;
  auto add = [&](const std::string &var, std::string shown) {
    if (auto value = eval::resolveRoot(policy, bindings, var, error); value && !value->empty())
      roots.push_back({std::move(shown), *value});
  };
  add("HOME", "~");
  add("CWD", "$CWD");
  add("TMPDIR", "$TMPDIR");
  for (const auto &[name, variable] : policy.variables)
    add(name, "$" + name);
  return roots;
}

std::optional<FsNode> buildFsTree(const ir::Policy &policy, const eval::Evaluator &evaluator,
                                  const eval::Bindings &bindings, ir::Platform platform, const SourceFiles &files,
                                  std::string &error) {
  TreeBuilder tree;
  std::vector<NamedRoot> roots = policyRoots(policy, bindings);
  for (const NamedRoot &r : roots)
    tree.addPath(r.path, false, true);
  for (const ir::FsRule &rule : policy.fsRules) {
    if (!applies(rule.platform, platform))
      continue;
    bool builtin = rule.prov.layer == ir::Layer::Builtin;
    auto bound = eval::bindPatternParts(policy, bindings, rule.pattern, error);
    if (!bound)
      return std::nullopt;
    const std::vector<std::string> &parts = bound->components;
    if (!bound->isGlob()) {
      tree.addPath(joinPath(parts, parts.size()), true, builtin);
      continue;
    }
    size_t firstGlob = 0;
    while (firstGlob + 1 < parts.size() && !fs::hasGlobChars(parts[firstGlob]))
      ++firstGlob;
    std::string prefix = joinPath(parts, firstGlob), tail;
    for (size_t i = firstGlob; i < parts.size(); ++i)
      tail += (i == firstGlob ? "" : "/") + parts[i];
    verify::SearchBudget budget;
    std::optional<std::string> example = verify::findPath({&*bound}, {}, budget);
    tree.addGlob(prefix, tail, bound->text(), example.value_or(""), builtin);
    // PREFIX/**/NAME...: the same names at each root under PREFIX.
    bool literalRest = parts[firstGlob] == "**" && firstGlob + 1 < parts.size();
    for (size_t i = firstGlob + 1; literalRest && i < parts.size(); ++i)
      literalRest = !fs::hasGlobChars(parts[i]);
    if (!literalRest)
      continue;
    std::string rest;
    for (size_t i = firstGlob + 1; i < parts.size(); ++i)
      rest += "/" + fs::unescapeGlobLiteral(parts[i]);
    for (const NamedRoot &r : roots)
      if ((r.name == "~" || r.name == "$CWD") && isUnder(r.path, prefix))
        tree.addPath(r.path + rest, true, builtin);
  }
  FsNode root = tree.take();
  verify::DiffReportContext display{files, policy, policy, bindings.lookup("HOME").value_or(""),
                                    bindings.lookup("CWD").value_or("")};
  Decorator(policy, evaluator, files, roots, display).decorate(root);
  return root;
}

} // namespace moat::report
