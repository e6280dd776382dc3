// The switches at srt's top level that Claude Code also takes under
// `sandbox`. Each is read the way the runtime reads it and lands where it
// matters:
//  * confinement switches become IR options (weaker nested sandbox, nested
//    user namespaces, Apple Events, ...), which lint reports;
//  * helper programs that run outside the sandbox (`bwrapPath`, `socatPath`,
//    `ripgrep.command`) and srt's custom seccomp program become options
//    naming them: the sandbox is only as good as they are; `moat build`
//    refuses a custom seccomp program (compiler/import/SettingsBuildLimits.cpp);
//  * `git.safeDirectories` becomes an option: it tells git inside the
//    sandbox to trust repositories it would otherwise refuse to run the
//    config of;
//  * keys that only tune reporting or another platform (`ignoreViolations`,
//    `windows`, `javaAgentJarPath`) are checked and otherwise ignored,
//    silently: nobody reads them as confinement.
#include "compiler/import/SrtSections.h"

#include <fmt/format.h>

#include <regex>

namespace moat::import {

namespace {

// srt's binaryPathSchema: a non-empty absolute path.
const std::string *binaryPath(const DocNode &v, const std::string &dotted, const SectionContext &ctx) {
  const std::string *s = stringValue(v, dotted, true, ctx);
  if (s && (*s)[0] != '/') {
    ctx.invalid(v.loc, dotted, fmt::format("'{}' is not an absolute path", *s));
    return nullptr;
  }
  return s;
}

void readBinaryPath(ObjectReader &r, const char *key, ir::OptionId id, const SectionContext &ctx) {
  if (const DocNode *v = r.get(key))
    if (const std::string *p = binaryPath(*v, ctx.prefix + key, ctx))
      ctx.out.set(id, ast::OptionValue{*p, v->loc}, r.keyLoc(key));
}

void readIgnoreViolations(const DocNode &v, const std::string &dotted, const SectionContext &ctx) {
  if (!objectValue(v, dotted, ctx))
    return;
  for (const auto &[command, paths] : v.members)
    stringItems(paths, dotted + "." + command, false, ctx);
}

void readRipgrep(ObjectReader &top, const DocNode &v, const std::string &dotted,
                 const SectionContext &ctx) {
  if (!objectValue(v, dotted, ctx))
    return;
  ObjectReader r = ctx.reader(v, dotted);
  const DocNode *command = r.get("command");
  if (const DocNode *args = r.get("args"))
    stringItems(*args, dotted + ".args", false, ctx);
  if (ctx.dialect == SettingsDialect::Srt)
    if (const DocNode *argv0 = r.get("argv0"))
      stringValue(*argv0, dotted + ".argv0", false, ctx);
  r.finish();
  if (!command) {
    ctx.invalid(v.loc, dotted, "'command' is required");
    return;
  }
  if (const std::string *c = stringValue(*command, dotted + ".command", false, ctx))
    ctx.out.set(ir::OptionId::RipgrepCommand, ast::OptionValue{*c, command->loc},
                top.keyLoc("ripgrep"));
}

void readSeccomp(ObjectReader &top, const DocNode &v, const std::string &dotted,
                 const SectionContext &ctx) {
  if (!objectValue(v, dotted, ctx))
    return;
  ObjectReader r = ctx.reader(v, dotted);
  const DocNode *apply = r.get("applyPath");
  const DocNode *argv0 = r.get("argv0");
  r.finish();
  const std::string *a = apply ? stringValue(*apply, dotted + ".applyPath", false, ctx) : nullptr;
  const std::string *z = argv0 ? stringValue(*argv0, dotted + ".argv0", false, ctx) : nullptr;
  // Either names another program that installs the syscall filter.
  if (a || z)
    ctx.out.set(ir::OptionId::CustomSeccomp,
                ast::OptionValue{a ? *a : fmt::format("ARGV0={}", *z), (apply ? apply : argv0)->loc},
                top.keyLoc("seccomp"));
}

bool isUuid(const std::string &s) {
  static const std::regex uuid(
      "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  return std::regex_match(s, uuid);
}

void readWindows(const DocNode &v, const std::string &dotted, const SectionContext &ctx) {
  if (!objectValue(v, dotted, ctx))
    return;
  ObjectReader r = ctx.reader(v, dotted);
  auto sub = [&](const char *k) { return dotted + "." + k; };
  if (const DocNode *b = r.get("backend"))
    enumValue(*b, sub("backend"), {"mxc", "srt-win"}, ctx);
  if (ctx.dialect == SettingsDialect::Srt) {
    if (const DocNode *u = r.get("sandboxUser"))
      if (const std::string *s = stringValue(*u, sub("sandboxUser"), true, ctx))
        if (s->size() > 20)
          ctx.invalid(u->loc, sub("sandboxUser"), "Windows user names have at most 20 characters");
    for (const char *k : {"sublayerGuid", "wfpSublayerGuid"})
      if (const DocNode *g = r.get(k))
        if (const std::string *s = stringValue(*g, sub(k), false, ctx))
          if (!isUuid(*s))
            ctx.invalid(g->loc, sub(k), fmt::format("'{}' is not a UUID", *s));
    if (const DocNode *range = r.get("proxyPortRange")) {
      if (range->kind != DocNode::Kind::Array || range->items.size() != 2) {
        ctx.invalid(range->loc, sub("proxyPortRange"), "expected [LOW, HIGH]");
      } else {
        auto lo = intValue(range->items[0], sub("proxyPortRange") + "[0]", 1, INT64_MAX, ctx);
        auto hi = intValue(range->items[1], sub("proxyPortRange") + "[1]", INT64_MIN, 65535, ctx);
        if (lo && hi && (*lo > *hi || *hi - *lo > 64))
          ctx.invalid(range->loc, sub("proxyPortRange"),
                      "LOW must be at most HIGH, and the range at most 64 ports wide");
      }
    }
    if (const DocNode *w = r.get("srtWin")) {
      if (objectValue(*w, sub("srtWin"), ctx)) {
        ObjectReader s = ctx.reader(*w, sub("srtWin"));
        if (const DocNode *p = s.get("path"))
          stringValue(*p, sub("srtWin") + ".path", true, ctx);
        else
          ctx.invalid(w->loc, sub("srtWin"), "'path' is required");
        s.finish();
      }
    }
  }
  r.finish();
}

void readGit(ObjectReader &top, const DocNode &v, const std::string &dotted,
             const SectionContext &ctx) {
  if (!objectValue(v, dotted, ctx))
    return;
  ObjectReader r = ctx.reader(v, dotted);
  const DocNode *dirs = r.get("safeDirectories");
  r.finish();
  if (!dirs)
    return;
  if (auto items = stringItems(*dirs, dotted + ".safeDirectories", false, ctx)) {
    std::vector<std::string> names;
    for (const DocNode *item : *items)
      names.push_back(item->string);
    ctx.out.set(ir::OptionId::GitSafeDirectories, ast::OptionValue{std::move(names), dirs->loc},
                top.keyLoc("git"));
  }
}

} // namespace

void readSandboxSwitches(ObjectReader &r, const SectionContext &ctx) {
  auto dotted = [&](const char *key) { return ctx.prefix + key; };
  bool srt = ctx.dialect == SettingsDialect::Srt;

  readBoolSetting(r, "enableWeakerNestedSandbox", dotted("enableWeakerNestedSandbox"),
                  ir::OptionId::WeakerNestedSandbox, ctx);
  readBoolSetting(r, "allowNestedUserNamespaces", dotted("allowNestedUserNamespaces"),
                  ir::OptionId::AllowNestedUserNamespaces, ctx);
  readBoolSetting(r, "enableWeakerNetworkIsolation", dotted("enableWeakerNetworkIsolation"),
                  ir::OptionId::WeakerNetworkIsolation, ctx);
  readBoolSetting(r, "allowAppleEvents", dotted("allowAppleEvents"), ir::OptionId::AllowAppleEvents,
                  ctx);
  if (const DocNode *v = r.get("ignoreViolations"))
    readIgnoreViolations(*v, dotted("ignoreViolations"), ctx);
  if (const DocNode *v = r.get("ripgrep"))
    readRipgrep(r, *v, dotted("ripgrep"), ctx);
  readBinaryPath(r, "bwrapPath", ir::OptionId::BwrapPath, ctx);
  readBinaryPath(r, "socatPath", ir::OptionId::SocatPath, ctx);
  if (const DocNode *v = r.get("windows"))
    readWindows(*v, dotted("windows"), ctx);
  if (!srt)
    return;

  readIntSetting(r, "mandatoryDenySearchDepth", dotted("mandatoryDenySearchDepth"),
                 ir::OptionId::MandatoryDenySearchDepth, 1, 10, ctx);
  readBoolSetting(r, "allowPty", dotted("allowPty"), ir::OptionId::AllowPty, ctx);
  if (const DocNode *v = r.get("seccomp"))
    readSeccomp(r, *v, dotted("seccomp"), ctx);
  // The JVM agent that points Java at srt's proxy: it runs inside the
  // sandbox like the program it is loaded into.
  if (const DocNode *v = r.get("javaAgentJarPath"))
    binaryPath(*v, dotted("javaAgentJarPath"), ctx);
  if (const DocNode *v = r.get("git"))
    readGit(r, *v, dotted("git"), ctx);
}

} // namespace moat::import
