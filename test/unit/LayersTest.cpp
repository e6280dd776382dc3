// The layer merge (compiler/layers): what each layer contributes, which lower
// statements break the managed policy (and are dropped), and the search for
// the machine's managed files.
#include "compiler/eval/Evaluator.h"
#include "TestScratch.h"
#include "compiler/layers/Layers.h"
#include "TestModel.h"

#include <gtest/gtest.h>

#include <llvm/Support/FileSystem.h>

#include <unistd.h>

#include <fstream>

using namespace moat;

namespace {

class LayersTest : public testing::Test {
protected:
  SourceFiles files;
  DiagnosticEngine diags{files};

  std::string write(const std::string &name, const std::string &text) {
    std::string path = dir() + "/" + name;
    llvm::sys::fs::create_directories(llvm::StringRef(path).rsplit('/').first);
    std::ofstream(path) << text;
    return path;
  }
  static std::string dir() {
    static int counter = 0;
    static std::string base = test::ProcessScratch::dir() + "/layers";
    static std::string current;
    if (current.empty())
      current = base + "-" + std::to_string(++counter);
    return current;
  }

  ir::Policy load(const std::string &name, const std::string &text, ir::Layer layer) {
    auto p = layers::loadLayer(write(name, text), layer, diags);
    EXPECT_TRUE(p.has_value()) << text;
    return p ? std::move(*p) : ir::Policy{};
  }

  static eval::Bindings model() { return test::modelBindings(); }

  std::optional<ir::Policy> merge(const ir::Policy &managed, std::vector<const ir::Policy *> lower) {
    return layers::merge(&managed, lower, model(), diags);
  }

  static ir::Effect decide(const ir::Policy &p, const std::string &path, ir::Access access) {
    std::string error;
    auto ev = eval::Evaluator::create(p, model(), ir::Platform::Linux, error);
    EXPECT_TRUE(ev) << error;
    return ev ? ev->decide(path, access).effect : ir::Effect::Deny;
  }

  static size_t countFrom(const ir::Policy &p, ir::Layer layer) {
    size_t n = 0;
    for (const ir::FsRule &r : p.fsRules)
      n += r.prov.layer == layer;
    for (const ir::NetRule &r : p.netRules)
      n += r.prov.layer == layer;
    for (const ir::UnixSocketRule &r : p.unixSockets)
      n += r.prov.layer == layer;
    return n;
  }
};

TEST_F(LayersTest, NoLowerAllowDecidesAgainstAManagedDeny) {
  ir::Policy m = load("m.moat", "deny read \"~/.ssh\";\nallow read \"~/.ssh/known_hosts\";\n", ir::Layer::Managed);
  ir::Policy p = load("p.moat", "allow read \"~/.ssh/config\";\nallow read \"~\";\nallow read \"~/.ssh/config/x\";\n",
                      ir::Layer::SharedProject);
  auto e = merge(m, {&p});
  ASSERT_TRUE(e);
  // The more specific allows would decide inside the deny: both dropped,
  // even the one the other covers. `allow read "~"` is outranked there.
  ASSERT_EQ(e->managedViolations.size(), 2u);
  EXPECT_EQ(e->managedViolations[0].lowerLoc.line, 3u);
  EXPECT_EQ(e->managedViolations[1].lowerLoc.line, 1u);
  EXPECT_EQ(decide(*e, "/home/user/.ssh/config/x", ir::Access::Read), ir::Effect::Deny);
  EXPECT_EQ(decide(*e, "/home/user/.ssh/id_rsa", ir::Access::Read), ir::Effect::Deny);
  // The managed policy's own exception decides as written.
  EXPECT_EQ(decide(*e, "/home/user/.ssh/known_hosts", ir::Access::Read), ir::Effect::Allow);
  // Managed rules keep their tier: moat's built-in protections are not lifted.
  for (const ir::FsRule &r : e->fsRules)
    if (r.prov.layer == ir::Layer::Managed) {
      EXPECT_EQ(r.tier, ir::Tier::Ordinary);
    }
}

TEST_F(LayersTest, ALowerAlwaysAllowThatLiftsAManagedDenyIsDropped) {
  ir::Policy m = load("m.moat", "deny read \"~/.ssh\";\n", ir::Layer::Managed);
  ir::Policy p = load("p.moat", "always allow read \"~/.ssh/id_rsa\" because \"key\";\nallow write \"$CWD\";\n",
                      ir::Layer::SharedProject);
  auto e = merge(m, {&p});
  ASSERT_TRUE(e);
  ASSERT_EQ(e->managedViolations.size(), 1u);
  EXPECT_NE(e->managedViolations[0].message.find("~/.ssh/id_rsa"), std::string::npos);
  EXPECT_EQ(e->managedViolations[0].lowerLoc.line, 1u);
  EXPECT_EQ(e->managedViolations[0].managedLoc.line, 1u);
  EXPECT_EQ(decide(*e, "/home/user/.ssh/id_rsa", ir::Access::Read), ir::Effect::Deny);
  // The rest of the project stays.
  EXPECT_EQ(decide(*e, "/home/user/project/x", ir::Access::Write), ir::Effect::Allow);
}

TEST_F(LayersTest, LowerRulesConcatenateAndTheHighestLowerLayerSetsScalars) {
  ir::Policy m = load("m.moat", "deny read \"~/.aws\";\n", ir::Layer::Managed);
  ir::Policy p = load("p.moat", "allow write \"$CWD\";\nset allow-local-binding = false;\n", ir::Layer::SharedProject);
  ir::Policy u = load("u.moat", "allow write \"~/.cache/me\";\nset allow-local-binding = true;\ndefault connect ask;\n",
                      ir::Layer::User);
  auto e = merge(m, {&p, &u});
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->managedViolations.empty());
  EXPECT_EQ(decide(*e, "/home/user/.cache/me/x", ir::Access::Write), ir::Effect::Allow);
  EXPECT_EQ(decide(*e, "/home/user/project/x", ir::Access::Write), ir::Effect::Allow);
  EXPECT_FALSE(e->options.flag(ir::OptionId::AllowLocalBinding)); // the project's
  EXPECT_EQ(e->defaults.connect, ir::NetDefault::Ask);          // only the user set it
  EXPECT_EQ(e->name, "");                                       // no layer is named
}

TEST_F(LayersTest, BuiltinProtectionsAppearOnce) {
  ir::Policy m = load("m.moat", "deny read \"~/.aws\";\n", ir::Layer::Managed);
  ir::Policy p = load("p.moat", "allow write \"$CWD\";\n", ir::Layer::SharedProject);
  auto e = merge(m, {&p});
  ASSERT_TRUE(e);
  EXPECT_EQ(countFrom(*e, ir::Layer::Builtin), countFrom(p, ir::Layer::Builtin));
  EXPECT_EQ(decide(*e, "/home/user/project/.git/hooks/pre-commit", ir::Access::Write), ir::Effect::Deny);
}

TEST_F(LayersTest, LocksKeepOnlyManagedRulesOfTheirDimension) {
  ir::Policy m = load("m.moat",
                      "lock network;\nlock filesystem read, write;\nallow connect \"pypi.org\";\n"
                      "allow write \"$CWD\";\n",
                      ir::Layer::Managed);
  ir::Policy p = load("p.moat",
                      "allow connect \"example.com\";\nallow read \"~/x\";\nallow write \"~/y\";\n"
                      "allow unix-socket \"/run/a.sock\";\ndefault read deny;\n",
                      ir::Layer::SharedProject);
  auto e = merge(m, {&p});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->managedViolations.size(), 5u);
  EXPECT_EQ(countFrom(*e, ir::Layer::SharedProject), 0u);
  EXPECT_EQ(e->defaults.read, ir::Effect::Allow);
  EXPECT_EQ(decide(*e, "/home/user/project/x", ir::Access::Write), ir::Effect::Allow);
}

TEST_F(LayersTest, ForbidsDropOverlappingAllowsOnly) {
  ir::Policy m = load("m.moat",
                      "forbid write \"~/.local/bin\";\nforbid connect \"*.pastebin.com\";\n"
                      "forbid unix-socket \"/var/run/docker.sock\";\n",
                      ir::Layer::Managed);
  ir::Policy p = load("p.moat",
                      "allow write \"~\";\nallow write \"$CWD\";\nallow connect \"*.com\";\n"
                      "allow connect \"pypi.org\";\nallow unix-socket \"/var/run\";\n"
                      "allow unix-socket \"/run/user/1/x.sock\";\n",
                      ir::Layer::SharedProject);
  auto e = merge(m, {&p});
  ASSERT_TRUE(e);
  ASSERT_EQ(e->managedViolations.size(), 3u);
  EXPECT_EQ(e->managedViolations[0].lowerLoc.line, 1u);
  EXPECT_EQ(e->managedViolations[1].lowerLoc.line, 3u);
  EXPECT_EQ(e->managedViolations[2].lowerLoc.line, 5u);
  EXPECT_EQ(countFrom(*e, ir::Layer::SharedProject), 3u); // $CWD, pypi.org, the user socket
}

TEST_F(LayersTest, RequirementsCiteTheLowerRuleOrDefault) {
  ir::Policy m = load("m.moat", "require deny write \"~/.local/bin\";\n", ir::Layer::Managed);
  ir::Policy rule = load("r.moat", "allow write \"~/.local\";\n", ir::Layer::SharedProject);
  auto e = merge(m, {&rule});
  ASSERT_TRUE(e);
  ASSERT_EQ(e->managedViolations.size(), 1u);
  EXPECT_TRUE(e->managedViolations[0].dropped);
  EXPECT_EQ(decide(*e, "/home/user/.local/bin/x", ir::Access::Write), ir::Effect::Deny);

  ir::Policy def = load("d.moat", "default write allow;\n", ir::Layer::SharedProject);
  e = merge(m, {&def});
  ASSERT_TRUE(e);
  ASSERT_EQ(e->managedViolations.size(), 1u);
  EXPECT_EQ(e->defaults.write, ir::Effect::Deny); // the built-in default is back
}

TEST_F(LayersTest, ARequirementTheManagedPolicyFailsItselfIsNotDropped) {
  ir::Policy m = load("m.moat", "require deny read \"~/.aws/**\";\n", ir::Layer::Managed);
  ir::Policy p = load("p.moat", "allow write \"$CWD\";\n", ir::Layer::SharedProject);
  auto e = merge(m, {&p});
  ASSERT_TRUE(e);
  ASSERT_EQ(e->managedViolations.size(), 1u);
  EXPECT_FALSE(e->managedViolations[0].dropped);
  EXPECT_NE(e->managedViolations[0].message.find("does not satisfy its own requirement"), std::string::npos);
}

TEST_F(LayersTest, LowerLayersCannotSwitchConfinementOff) {
  ir::Policy m = load("m.moat", "deny read \"~/.aws\";\n", ir::Layer::Managed);
  ir::Policy p = load("p.moat", "set sandbox-disabled = true;\n", ir::Layer::SharedProject);
  auto e = merge(m, {&p});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->managedViolations.size(), 1u);
  EXPECT_FALSE(e->options.flag(ir::OptionId::SandboxDisabled));
}

TEST_F(LayersTest, AVariableTwoLayersDefineDifferentlyIsAnError) {
  ir::Policy m = load("m.moat", "let SRC = \"~/src\";\ndeny read \"$SRC/secret\";\n", ir::Layer::Managed);
  ir::Policy p = load("p.moat", "let SRC = \"~/code\";\nallow write \"$SRC\";\n", ir::Layer::SharedProject);
  EXPECT_FALSE(merge(m, {&p}));
  EXPECT_TRUE(diags.hasErrors());
}

TEST_F(LayersTest, AskUnderANetworkLockBecomesDeny) {
  ir::Policy m = load("m.moat", "lock network;\ndefault connect ask;\n", ir::Layer::Managed);
  ir::Policy p = load("p.moat", "allow write \"$CWD\";\n", ir::Layer::SharedProject);
  auto e = merge(m, {&p});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->defaults.connect, ir::NetDefault::Deny);
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].id, "ask-under-lock");
}

TEST_F(LayersTest, WithoutAManagedLayerOnePolicyIsUnchanged) {
  ir::Policy p = load("p.moat", "allow write \"$CWD\";\nforbid write \"~/x\";\n", ir::Layer::SharedProject);
  auto e = layers::merge(nullptr, {&p}, model(), diags);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->fsRules.size(), p.fsRules.size());
  EXPECT_TRUE(e->managedViolations.empty());
}

TEST_F(LayersTest, SeveralManagedFilesAreOneLayer) {
  std::vector<std::string> paths{write("a.moat", "lock network;\nallow connect \"pypi.org\";\n"),
                                 write("b.moat", "forbid write \"~/.local/bin\";\n")};
  auto m = layers::loadManaged(paths, diags);
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->options.flag(ir::OptionId::LockNetwork));
  EXPECT_EQ(m->forbids.size(), 1u);
  EXPECT_EQ(m->netRules.size(), 1u);
  EXPECT_EQ(countFrom(*m, ir::Layer::Builtin), countFrom(*layers::loadLayer(paths[1], ir::Layer::Managed, diags),
                                                         ir::Layer::Builtin));
}

TEST_F(LayersTest, FindsManagedFilesInLoadOrder) {
  std::string moatDir = dir() + "/etc-moat", claudeDir = dir() + "/etc-claude";
  write("etc-moat/managed.moat", "");
  write("etc-moat/managed.d/20-b.moat", "");
  write("etc-moat/managed.d/10-a.yaml", "");
  write("etc-moat/managed.d/notes.txt", "");
  write("etc-claude/managed-settings.d/x.json", "{}");
  std::string error;
  auto found = layers::findManagedFilesIn(moatDir, claudeDir, error);
  ASSERT_TRUE(found) << error;
  ASSERT_EQ(found->size(), 4u);
  EXPECT_EQ((*found)[0], moatDir + "/managed.moat");
  EXPECT_EQ((*found)[1], moatDir + "/managed.d/10-a.yaml");
  EXPECT_EQ((*found)[2], moatDir + "/managed.d/20-b.moat");
  EXPECT_EQ((*found)[3], claudeDir + "/managed-settings.d/x.json");

  auto none = layers::findManagedFilesIn(dir() + "/nothing", dir() + "/nothing", error);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());

  write("bad/managed.d", "a file, not a directory");
  EXPECT_FALSE(layers::findManagedFilesIn(dir() + "/bad", claudeDir, error));
  EXPECT_NE(error.find("not a directory"), std::string::npos);
}

} // namespace
