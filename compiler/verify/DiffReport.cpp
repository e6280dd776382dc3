#include "compiler/verify/DiffReport.h"

#include "compiler/diagnostics/Printable.h"
#include "compiler/ir/RuleText.h"

#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/JSON.h>

#include <fmt/format.h>

namespace moat::verify {

namespace {

std::string locText(const SourceFiles &files, SourceLoc loc) {
  if (!loc.valid())
    return "";
  return fmt::format("{}:{}:{}", files.name(loc.buffer), loc.line, loc.col);
}

// JSON strings must be valid UTF-8; paths and file names need not be.
std::string jsonText(const std::string &s) {
  return llvm::json::isUTF8(s) ? s : llvm::json::fixUTF8(s);
}

llvm::json::Value jsonLoc(const SourceFiles &files, SourceLoc loc) {
  if (!loc.valid())
    return nullptr;
  return jsonText(locText(files, loc));
}

const ir::Policy &policyOf(const DiffReportContext &ctx, bool after) { return after ? ctx.after : ctx.before; }

std::string socketRuleText(const ir::UnixSocketRule &rule) {
  return fmt::format("{} unix-socket {}", ir::effectName(rule.effect), ir::quoted(rule.path.text()));
}

// The rule's text and location, and whether it is a built-in protection.
struct RuleView {
  std::string text;
  SourceLoc loc;
  bool builtin = false;
};

RuleView ruleOf(const Decider &d) {
  if (d.fsRule)
    return {ir::ruleText(*d.fsRule), d.fsRule->prov.loc, d.fsRule->prov.layer == ir::Layer::Builtin};
  if (d.netRule)
    return {ir::ruleText(*d.netRule), d.netRule->prov.loc, d.netRule->prov.layer == ir::Layer::Builtin};
  if (d.socketRule)
    return {socketRuleText(*d.socketRule), d.socketRule->prov.loc, d.socketRule->prov.layer == ir::Layer::Builtin};
  return {};
}

SourceLoc defaultLoc(const ir::Policy &policy, DiffAccess access) {
  switch (access) {
  case DiffAccess::Read:
    return policy.defaults.readLoc;
  case DiffAccess::Write:
    return policy.defaults.writeLoc;
  case DiffAccess::Connect:
    return policy.defaults.connectLoc;
  case DiffAccess::UnixSocket:
    break;
  }
  return SourceLoc{};
}

SourceLoc optionLoc(const ir::Policy &policy, ir::OptionId id) {
  const auto &setting = policy.options.get(id);
  return setting ? setting->loc : SourceLoc{};
}

// Where the decider was written: the rule, the `default` statement, the
// `set` of the option; invalid for built-in rules and defaults.
SourceLoc whereSet(const DiffReportContext &ctx, const Decider &d, DiffAccess access, bool after) {
  switch (d.kind) {
  case Decider::Kind::Rule:
    return ruleOf(d).loc;
  case Decider::Kind::Default:
    return defaultLoc(policyOf(ctx, after), access);
  case Decider::Kind::Option:
    return optionLoc(policyOf(ctx, after), d.option);
  }
  return SourceLoc{};
}

const char *platformText(ir::Platform p) {
  switch (p) {
  case ir::Platform::Any:
    return "";
  case ir::Platform::Linux:
    return " (on Linux)";
  case ir::Platform::MacOS:
    return " (on macOS)";
  }
  return "";
}

llvm::json::Value optionValue(ir::OptionId id, const std::string &text) {
  if (ir::optionInfo(id).type == ir::OptionType::Bool)
    return text == "true";
  if (text == "unset")
    return nullptr;
  if (ir::optionInfo(id).type == ir::OptionType::Int)
    return static_cast<int64_t>(std::stoll(text));
  return jsonText(text);
}

llvm::json::Object deciderJson(const DiffReportContext &ctx, const Decider &d, DiffAccess access, bool after) {
  llvm::json::Object o{{"effect", outcomeName(d.outcome)},
                       {"loc", jsonLoc(ctx.files, whereSet(ctx, d, access, after))}};
  switch (d.kind) {
  case Decider::Kind::Rule: {
    RuleView rule = ruleOf(d);
    o["by"] = rule.builtin ? "builtin" : "rule";
    o["rule"] = jsonText(rule.text);
    break;
  }
  case Decider::Kind::Default:
    o["by"] = "default";
    o["rule"] = nullptr;
    break;
  case Decider::Kind::Option:
    o["by"] = "option";
    o["rule"] = ir::optionInfo(d.option).name;
    break;
  }
  return o;
}

} // namespace

std::string displayPath(const DiffReportContext &ctx, const std::string &absPath) {
  auto under = [&](const std::string &root) {
    return !root.empty() && root != "/" && absPath.compare(0, root.size(), root) == 0 &&
           (absPath.size() == root.size() || absPath[root.size()] == '/');
  };
  // CWD first: in the model it lies inside HOME.
  if (under(ctx.cwd))
    return "$CWD" + absPath.substr(ctx.cwd.size());
  if (under(ctx.home))
    return "~" + absPath.substr(ctx.home.size());
  return absPath;
}

std::string witnessText(const DiffReportContext &ctx, const DiffRegion &r) {
  if (r.access == DiffAccess::Connect)
    return r.endpoint.host.text() + ":" + std::to_string(r.endpoint.port);
  return displayPath(ctx, r.path);
}

std::string optionLine(const OptionChange &c) {
  const char *name = ir::optionInfo(c.option).name;
  if (c.isList)
    return fmt::format("option {}: {} {}", name, c.added ? "adds" : "removes", ir::quoted(c.element));
  return fmt::format("option {}: {} \u2192 {}", name, c.before, c.after);
}

std::string describeDecider(const DiffReportContext &ctx, const Decider &d, DiffAccess access, bool after) {
  std::string out = std::string(outcomeName(d.outcome)) + " by ";
  std::string at = locText(ctx.files, whereSet(ctx, d, access, after));
  switch (d.kind) {
  case Decider::Kind::Rule: {
    RuleView rule = ruleOf(d);
    if (rule.builtin)
      out += "built-in protection";
    else if (!at.empty())
      out += at;
    else
      out += "rule";
    return out + " `" + rule.text + "`";
  }
  case Decider::Kind::Default:
    out += "default";
    break;
  case Decider::Kind::Option:
    out += std::string("option ") + ir::optionInfo(d.option).name;
    break;
  }
  if (!at.empty())
    out += " (set at " + at + ")";
  return out;
}

std::string gitLine(const GitChange &c) {
  if (c.grant.empty())
    return fmt::format("git remote {}: {}", ir::quoted(c.remote), c.added ? "added" : "removed");
  return fmt::format("git remote {}: {} {}", ir::quoted(c.remote), c.added ? "adds" : "removes", c.grant);
}

void printDiffText(const DiffReportContext &ctx, const PolicyDiff &diff, llvm::raw_ostream &os) {
  for (Direction dir : {Direction::Looser, Direction::Tighter}) {
    size_t n = diff.count(dir);
    if (n == 0)
      continue;
    os << directionName(dir) << " (" << n << "):\n";
    for (const DiffRegion &r : diff.regions) {
      if (r.direction != dir)
        continue;
      std::string line = fmt::format("{} {}{}  (was: {}; now: {})", diffAccessName(r.access), witnessText(ctx, r),
                                     platformText(r.platform), describeDecider(ctx, r.before, r.access, false),
                                     describeDecider(ctx, r.after, r.access, true));
      os << "  " << printableText(line) << "\n";
    }
    for (const OptionChange &c : diff.options)
      if (c.direction == dir)
        os << "  " << printableText(optionLine(c)) << "\n";
    for (const GitChange &c : diff.git)
      if (c.direction == dir)
        os << "  " << printableText(gitLine(c)) << "\n";
  }
  os << "moat: diff: " << diff.count(Direction::Looser) << " looser, " << diff.count(Direction::Tighter)
     << " tighter\n";
}

void printDiffJson(const DiffReportContext &ctx, const PolicyDiff &diff, llvm::raw_ostream &os) {
  llvm::json::Array byDirection[2], options, git;
  for (const DiffRegion &r : diff.regions) {
    llvm::json::Object o{{"access", diffAccessName(r.access)},
                         {"platform", ir::platformName(r.platform)},
                         {"witness", jsonText(witnessText(ctx, r))},
                         {"old", deciderJson(ctx, r.before, r.access, false)},
                         {"new", deciderJson(ctx, r.after, r.access, true)}};
    if (r.access == DiffAccess::Connect) {
      o["host"] = r.endpoint.host.text();
      o["port"] = static_cast<int64_t>(r.endpoint.port);
    } else {
      o["path"] = jsonText(r.path);
    }
    byDirection[r.direction == Direction::Looser ? 0 : 1].push_back(std::move(o));
  }
  for (const OptionChange &c : diff.options) {
    llvm::json::Object o{{"option", ir::optionInfo(c.option).name}, {"direction", directionName(c.direction)}};
    if (c.isList) {
      o[c.added ? "added" : "removed"] = jsonText(c.element);
    } else {
      o["old"] = optionValue(c.option, c.before);
      o["new"] = optionValue(c.option, c.after);
    }
    options.push_back(std::move(o));
  }
  for (const GitChange &c : diff.git) {
    llvm::json::Object o{{"remote", jsonText(c.remote)}, {"direction", directionName(c.direction)}};
    o[c.added ? "added" : "removed"] = c.grant.empty() ? "remote" : jsonText(c.grant);
    git.push_back(std::move(o));
  }
  llvm::json::Object top{{"looser", std::move(byDirection[0])},
                         {"tighter", std::move(byDirection[1])},
                         {"options", std::move(options)},
                         {"git", std::move(git)},
                         {"summary",
                          llvm::json::Object{{"looser", static_cast<int64_t>(diff.count(Direction::Looser))},
                                             {"tighter", static_cast<int64_t>(diff.count(Direction::Tighter))}}}};
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(top))) << "\n";
}

} // namespace moat::verify
