// What the srt and claude target tests share: one policy text through the
// front end and a settings target, then questions about the diagnostics and
// the JSON it wrote. Each test file derives its own `Build` that sets the
// target's options (format, managed form) and where its sections live.
#pragma once
#include "backends/Backend.h"
#include "compiler/Frontend.h"
#include "compiler/sema/Sema.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <llvm/Support/JSON.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace moat::test_support {

// --define NAME=VALUE pairs of one build.
using Defines = std::vector<std::pair<std::string, std::string>>;

// The defines a build gets unless a test names its own: TMPDIR bound, so
// that the file can name it; HOME and CWD stay symbolic.
inline Defines defaultDefines() { return {{"TMPDIR", "/tmp"}}; }

class SettingsBuild {
public:
  SourceFiles files;
  DiagnosticEngine diags{files};
  std::optional<ir::Policy> policy;
  backends::BuildResult result;
  llvm::json::Value json = nullptr;

  SettingsBuild(const SettingsBuild &) = delete;
  SettingsBuild &operator=(const SettingsBuild &) = delete;

  std::string messages() const {
    std::string out;
    for (const Diagnostic &d : diags.diagnostics())
      out += fmt::format("{}:{}: {} [{}]\n", d.loc.line, d.loc.col, d.message, d.id);
    return out;
  }
  bool refused() const { return diags.hasErrors() && result.output.empty(); }
  // unenforceable-rule warnings whose message contains `text`, at `line`
  // (0: any line).
  size_t warnings(const std::string &text, unsigned line = 0) const {
    size_t n = 0;
    for (const Diagnostic &d : diags.diagnostics())
      if (d.id == "unenforceable-rule" && d.message.find(text) != std::string::npos &&
          (line == 0 || d.loc.line == line))
        ++n;
    return n;
  }
  // `key` in `section` of the target's object (section nullptr: the object
  // itself); nullptr when it is not there.
  const llvm::json::Value *value(const char *section, const char *key) const {
    const llvm::json::Object *o = json.getAsObject();
    if (o && root_)
      o = o->getObject(root_);
    if (o && section)
      o = o->getObject(section);
    return o ? o->get(key) : nullptr;
  }
  // A list's strings (a missing list is empty).
  std::vector<std::string> list(const char *section, const char *key) const {
    std::vector<std::string> out;
    const llvm::json::Value *v = value(section, key);
    if (v && v->getAsArray())
      for (const llvm::json::Value &item : *v->getAsArray())
        out.push_back(std::string(item.getAsString().getValueOr("")));
    return out;
  }
  bool has(const char *section, const char *key, const std::string &entry) const {
    auto l = list(section, key);
    return std::find(l.begin(), l.end(), entry) != l.end();
  }

protected:
  using BuildFn = void (*)(const ir::Policy &, const backends::BuildOptions &, DiagnosticEngine &,
                           backends::BuildResult &);

  // `root`: the key of the object the sections live in (nullptr: the top
  // level, as in srt-settings.json).
  explicit SettingsBuild(const char *root) : root_(root) {}

  // Reads `text` as p.moat (includes refused), analyses it and builds it
  // with `build`; the output, if any, must be JSON.
  void run(const std::string &text, backends::BuildOptions options, const Defines &defines,
           BuildFn build) {
    uint32_t buffer = files.addBuffer("p.moat", text);
    auto file = readPolicyBuffer(buffer, diags);
    EXPECT_TRUE(file) << messages();
    if (!file)
      return;
    sema::IncludeReader none = [](const std::string &, SourceLoc) {
      return std::optional<ast::File>();
    };
    policy = sema::analyse(*file, none, sema::SemaOptions{}, diags);
    EXPECT_FALSE(diags.hasErrors()) << messages();
    if (!policy || diags.hasErrors())
      return;
    std::string error;
    for (const auto &[name, value] : defines) {
      EXPECT_TRUE(options.bindings.define(name, value, error)) << error;
      options.definedNames.push_back(name);
    }
    build(*policy, options, diags, result);
    if (result.output.empty())
      return;
    auto parsed = llvm::json::parse(result.output);
    EXPECT_TRUE(bool(parsed));
    if (parsed)
      json = std::move(*parsed);
    else
      llvm::consumeError(parsed.takeError());
  }

private:
  const char *root_;
};

} // namespace moat::test_support
