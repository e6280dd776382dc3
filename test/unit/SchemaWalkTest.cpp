// The schema walk: every key of srt 0.0.83's config schema and of Claude
// Code's settings schema (test/import/schema/*-keys.txt, generated from the
// npm packages by extract_keys.py) is accepted by moat's importer, and the
// keys that bear on confinement (marked `model`) change the IR.
//
// For each key: a minimal valid file, plus the line's WITH context (siblings
// the key needs), plus the key set to the line's example value. It must import
// with no input error and no settings finding at all (unknown-setting,
// misplaced-setting, invalid-entry: the example is valid, so any finding is
// moat misreading the schema). For `model` keys the analysed policy (rules
// and options, built-in protections left out) must differ from the same file
// without the key.
#include "compiler/import/Importers.h"
#include "compiler/ir/RuleText.h"
#include "compiler/sema/Sema.h"

#include <gtest/gtest.h>
#include <llvm/Support/JSON.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace moat;

namespace {

struct KeyLine {
  std::string path;
  bool model = false;
  llvm::json::Value example = nullptr;
  llvm::json::Value with = llvm::json::Object{};
  int lineNo = 0;
};

std::vector<KeyLine> readKeys(const std::string &name) {
  std::ifstream in(std::string(MOAT_SOURCE_DIR) + "/test/import/schema/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::vector<KeyLine> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#')
      continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t'))
      cols.push_back(col);
    if (cols.size() < 3) {
      ADD_FAILURE() << name << ":" << n << ": expected PATH, MARK, EXAMPLE";
      continue;
    }
    KeyLine k;
    k.path = cols[0];
    k.model = cols[1] == "model";
    k.lineNo = n;
    auto ex = llvm::json::parse(cols[2]);
    if (!ex) {
      ADD_FAILURE() << name << ":" << n << ": " << llvm::toString(ex.takeError());
      continue;
    }
    k.example = std::move(*ex);
    if (cols.size() > 3) {
      auto w = llvm::json::parse(cols[3]);
      if (!w) {
        ADD_FAILURE() << name << ":" << n << ": " << llvm::toString(w.takeError());
        continue;
      }
      k.with = std::move(*w);
    }
    out.push_back(std::move(k));
  }
  return out;
}

// Objects merge key by key; anything else is replaced.
void deepMerge(llvm::json::Value &into, const llvm::json::Value &from) {
  auto *a = into.getAsObject();
  auto *b = from.getAsObject();
  if (!a || !b) {
    into = from;
    return;
  }
  for (const auto &kv : *b) {
    if (auto *existing = a->get(kv.first))
      deepMerge(*existing, kv.second);
    else
      (*a)[kv.first] = kv.second;
  }
}

// Sets the dotted path: a missing step becomes an object; an array step
// descends into its first element (created when the array is empty), as
// the key lists list array members under the array's path.
void deepSet(llvm::json::Value &root, const std::string &path, const llvm::json::Value &value) {
  llvm::json::Value *cur = &root;
  size_t start = 0;
  for (;;) {
    size_t dot = path.find('.', start);
    std::string step = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (auto *arr = cur->getAsArray()) {
      if (arr->empty())
        arr->push_back(llvm::json::Object{});
      cur = &(*arr)[0];
    }
    auto *obj = cur->getAsObject();
    if (!obj) {
      *cur = llvm::json::Object{};
      obj = cur->getAsObject();
    }
    if (dot == std::string::npos) {
      (*obj)[step] = value;
      return;
    }
    if (!obj->get(step))
      (*obj)[step] = llvm::json::Object{};
    cur = obj->get(step);
    start = dot + 1;
  }
}

std::string text(const llvm::json::Value &v) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << v;
  return os.str();
}

struct Outcome {
  bool imported = false;
  std::string problems; // every warning or error, one per line
  std::string ir;       // rules and options of the analysed policy
};

Outcome importAndAnalyse(bool srt, const std::string &json) {
  SourceFiles files;
  DiagnosticEngine diags(files);
  uint32_t buffer = files.addBuffer(srt ? "srt-settings.json" : "settings.json", json);
  auto file = srt ? import::importSrt(buffer, diags) : import::importClaude(buffer, "/proj/.claude", diags);
  Outcome out;
  out.imported = file.has_value();
  if (file) {
    sema::SemaOptions options;
    options.addBuiltinProtections = false;
    if (auto policy = sema::analyse(*file, nullptr, options, diags)) {
      for (const ir::FsRule &r : policy->fsRules)
        out.ir += ir::ruleText(r) + "\n";
      for (const ir::NetRule &r : policy->netRules)
        out.ir += ir::ruleText(r) + "\n";
      out.ir += "unix sockets: " + std::to_string(policy->unixSockets.size()) + "\n";
      for (size_t k = 0; k < static_cast<size_t>(ir::OptionId::Count); ++k) {
        auto id = static_cast<ir::OptionId>(k);
        if (const auto &s = policy->options.get(id))
          out.ir += std::string(ir::optionInfo(id).name) + " = " + ir::optionValueText(s->value) + "\n";
      }
    } else {
      out.imported = false;
    }
  }
  for (const Diagnostic &d : diags.diagnostics())
    if (d.severity != Severity::Note || d.id == "unknown-setting")
      out.problems += d.id + ": " + d.message + "\n";
  return out;
}

void walk(bool srt, const std::string &listName, const char *base) {
  std::vector<KeyLine> keys = readKeys(listName);
  ASSERT_FALSE(keys.empty()) << listName;
  unsigned failed = 0;
  for (const KeyLine &k : keys) {
    SCOPED_TRACE(listName + ":" + std::to_string(k.lineNo) + " " + k.path);
    auto baseDoc = llvm::json::parse(base);
    ASSERT_TRUE(bool(baseDoc));
    llvm::json::Value without = std::move(*baseDoc);
    deepMerge(without, k.with);
    llvm::json::Value with = without;
    deepSet(with, k.path, k.example);

    Outcome got = importAndAnalyse(srt, text(with));
    bool ok = got.imported && got.problems.empty();
    EXPECT_TRUE(got.imported) << "refused: " << text(with) << "\n" << got.problems;
    EXPECT_EQ(got.problems, "") << "in " << text(with);
    if (ok && k.model) {
      Outcome before = importAndAnalyse(srt, text(without));
      EXPECT_NE(got.ir, before.ir) << "'" << k.path << "' is marked as modelled but the IR is the same "
                                   << "with and without it:\n" << got.ir << "file: " << text(with);
      ok = got.ir != before.ir;
    }
    failed += ok ? 0 : 1;
  }
  ::testing::Test::RecordProperty("keys", static_cast<int>(keys.size()));
  ::testing::Test::RecordProperty("failed", static_cast<int>(failed));
  std::cout << "[ schema   ] " << listName << ": " << keys.size() - failed << " of " << keys.size()
            << " keys accepted" << (failed ? " (see the failures above)" : "") << "\n";
}

} // namespace

TEST(SchemaWalk, EverySrtKeyIsAcceptedAndModelled) {
  walk(true, "srt-0.0.83-keys.txt",
       R"({"network": {"allowedDomains": [], "deniedDomains": []},
           "filesystem": {"denyRead": [], "allowWrite": [], "denyWrite": []}})");
}

TEST(SchemaWalk, EveryClaudeSettingsKeyIsAcceptedAndModelled) {
  walk(false, "claude-settings-keys.txt", "{}");
}
