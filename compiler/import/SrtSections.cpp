#include "compiler/import/SrtSections.h"

#include "compiler/import/ImportPaths.h"
#include "compiler/import/SrtDomains.h"
#include "compiler/net/Host.h"

#include <set>

namespace moat::import {

// ---- ImportBuilder ------------------------------------------------------------

void ImportBuilder::fsRule(bool always, ast::Effect effect, ast::Access access, SourceLoc loc,
                           std::string pattern, std::string origin) {
  ast::FsRule r;
  r.always = always;
  r.effect = effect;
  r.accesses = {access};
  r.pattern = ast::Str{std::move(pattern), loc};
  r.loc = loc;
  r.origin = std::move(origin);
  stmts_.push_back(ast::Stmt{std::move(r)});
}

void ImportBuilder::netRule(ast::Effect effect, SourceLoc loc, std::string host,
                            std::string origin) {
  ast::NetRule r;
  r.effect = effect;
  r.host = ast::Str{std::move(host), loc};
  r.loc = loc;
  r.origin = std::move(origin);
  stmts_.push_back(ast::Stmt{std::move(r)});
}

void ImportBuilder::macosUnixSockets(SourceLoc blockLoc, const std::vector<const DocNode *> &paths,
                                     const std::string &originPrefix) {
  if (paths.empty())
    return;
  ast::PlatformBlock block;
  block.platform = ast::Str{"macos", blockLoc};
  block.loc = blockLoc;
  for (size_t i = 0; i < paths.size(); ++i) {
    ast::UnixSocketRule r;
    r.effect = ast::Effect::Allow;
    r.path = ast::Str{literalDollars(paths[i]->string), paths[i]->loc};
    r.loc = paths[i]->loc;
    r.origin = fmt::format("{}[{}]", originPrefix, i);
    block.body.push_back(ast::Stmt{std::move(r)});
  }
  stmts_.push_back(ast::Stmt{std::move(block)});
}

void ImportBuilder::set(ir::OptionId id, ast::OptionValue value, SourceLoc nameLoc) {
  ast::SetStmt s;
  s.name = ast::Str{ir::optionInfo(id).name, nameLoc};
  s.value = std::move(value);
  s.loc = nameLoc;
  stmts_.push_back(ast::Stmt{std::move(s)});
}

void ImportBuilder::impliedWrite(SourceLoc loc, std::string pattern, std::string origin) {
  ast::FsRule r;
  r.effect = ast::Effect::Allow;
  r.accesses = {ast::Access::Write};
  r.pattern = ast::Str{std::move(pattern), loc};
  r.loc = loc;
  r.origin = std::move(origin);
  implied_ = std::move(r);
}

namespace {

bool isOrdinary(const ast::FsRule &r, ast::Effect effect, ast::Access access) {
  return !r.always && r.effect == effect && r.accesses.size() == 1 && r.accesses[0] == access;
}

} // namespace

std::vector<ast::Stmt> ImportBuilder::finish() {
  std::set<std::string> readAllowed, writeAllowed;
  for (const ast::Stmt &s : stmts_) {
    if (auto *r = std::get_if<ast::FsRule>(&s.node)) {
      if (isOrdinary(*r, ast::Effect::Allow, ast::Access::Read))
        readAllowed.insert(samePathKey(r->pattern.value));
      if (isOrdinary(*r, ast::Effect::Allow, ast::Access::Write))
        writeAllowed.insert(samePathKey(r->pattern.value));
    }
  }
  std::vector<ast::Stmt> out;
  if (implied_ && !writeAllowed.count(samePathKey(implied_->pattern.value)))
    out.push_back(ast::Stmt{std::move(*implied_)});
  implied_.reset();
  for (ast::Stmt &s : stmts_) {
    if (auto *r = std::get_if<ast::FsRule>(&s.node))
      if (isOrdinary(*r, ast::Effect::Deny, ast::Access::Read) &&
          readAllowed.count(samePathKey(r->pattern.value)))
        continue; // allowRead beats denyRead at the same path
    out.push_back(std::move(s));
  }
  stmts_.clear();
  return out;
}

// ---- shared key readers -----------------------------------------------------------

void readBoolSetting(ObjectReader &r, const std::string &key, const std::string &dotted,
                     ir::OptionId id, ImportBuilder &out, DiagnosticEngine &diags) {
  const DocNode *v = r.get(key);
  if (!v)
    return;
  if (auto b = expectBool(*v, dotted, diags))
    out.set(id, ast::OptionValue{*b, v->loc}, r.keyLoc(key));
}

void readIntSetting(ObjectReader &r, const std::string &key, const std::string &dotted,
                    ir::OptionId id, int64_t lo, int64_t hi, ImportBuilder &out,
                    DiagnosticEngine &diags) {
  const DocNode *v = r.get(key);
  if (!v)
    return;
  auto n = expectInt(*v, dotted, diags);
  if (!n)
    return;
  if (*n < lo || *n > hi) {
    diags.report(DiagKind::InvalidValue, v->loc, dotted,
                 fmt::format("{} is outside {}-{}", *n, lo, hi));
    return;
  }
  out.set(id, ast::OptionValue{*n, v->loc}, r.keyLoc(key));
}

void ignoreSetting(ObjectReader &r, const std::string &key, const std::string &dotted,
                   const char *why, DiagnosticEngine &diags) {
  if (r.get(key))
    diags.report(DiagKind::IgnoredSetting, r.keyLoc(key), dotted, why);
}

void refuseSetting(ObjectReader &r, const std::string &key, const std::string &dotted,
                   const char *why, DiagnosticEngine &diags) {
  if (r.get(key))
    diags.report(DiagKind::UnsupportedSetting, r.keyLoc(key), dotted, why);
}

namespace {

// A string array under `key`; srt requires some of them. Returns the items
// (empty when absent or wrong, after reporting).
std::vector<const DocNode *> stringList(ObjectReader &r, const DocNode &section,
                                        const std::string &key, const std::string &where,
                                        bool required, DiagnosticEngine &diags) {
  const DocNode *v = r.get(key);
  if (!v) {
    if (required)
      diags.report(DiagKind::MissingKey, section.loc, key, where);
    return {};
  }
  auto items = expectStringArray(*v, where + "." + key, diags);
  return items ? std::move(*items) : std::vector<const DocNode *>{};
}

// Path lists: srt's schema refuses empty strings; every other string is a
// path (sema validates its syntax and resolves it).
void pathRules(ObjectReader &r, const DocNode &section, const std::string &key,
               const SectionContext &ctx, bool required, bool always, ast::Effect effect,
               ast::Access access) {
  std::string where = ctx.prefix + "filesystem";
  std::string dotted = where + "." + key;
  auto items = stringList(r, section, key, where, required, ctx.diags);
  for (size_t i = 0; i < items.size(); ++i) {
    const DocNode &item = *items[i];
    if (item.string.empty()) {
      ctx.diags.report(DiagKind::InvalidValue, item.loc, dotted, "a path cannot be empty");
      continue;
    }
    ctx.out.fsRule(always, effect, access, item.loc, literalDollars(item.string),
                   fmt::format("{}[{}]", dotted, i));
  }
}

void domainRules(ObjectReader &r, const DocNode &section, const std::string &key,
                 const SectionContext &ctx, ast::Effect effect) {
  std::string where = ctx.prefix + "network";
  std::string dotted = where + "." + key;
  bool required = ctx.dialect == SettingsDialect::Srt;
  auto items = stringList(r, section, key, where, required, ctx.diags);
  for (size_t i = 0; i < items.size(); ++i) {
    const DocNode &item = *items[i];
    if (auto why = srtDomainProblem(item.string, effect == ast::Effect::Deny)) {
      ctx.diags.report(DiagKind::InvalidValue, item.loc, dotted,
                       fmt::format("'{}': {}", net::displayHost(item.string), *why));
      continue;
    }
    ctx.out.netRule(effect, item.loc, item.string, fmt::format("{}[{}]", dotted, i));
  }
}

} // namespace

// ---- sections -------------------------------------------------------------------

void readNetworkSection(const DocNode &network, const SectionContext &ctx) {
  std::string where = ctx.prefix + "network";
  if (!expectObject(network, where, ctx.diags))
    return;
  ObjectReader r(network, where, ctx.diags);
  auto dotted = [&](const char *key) { return where + "." + key; };
  bool srt = ctx.dialect == SettingsDialect::Srt;

  domainRules(r, network, "allowedDomains", ctx, ast::Effect::Allow);
  domainRules(r, network, "deniedDomains", ctx, ast::Effect::Deny);

  if (srt) {
    auto ranges = stringList(r, network, "deniedResolvedAddresses", where, false, ctx.diags);
    for (size_t i = 0; i < ranges.size(); ++i) {
      const DocNode &item = *ranges[i];
      if (auto why = srtAddressRangeProblem(item.string)) {
        ctx.diags.report(DiagKind::InvalidValue, item.loc, dotted("deniedResolvedAddresses"),
                         fmt::format("'{}': {}", net::displayHost(item.string), *why));
        continue;
      }
      ctx.out.netRule(ast::Effect::Deny, item.loc, item.string,
                      fmt::format("{}[{}]", dotted("deniedResolvedAddresses"), i));
    }
  }

  auto sockets = stringList(r, network, "allowUnixSockets", where, false, ctx.diags);
  std::vector<const DocNode *> socketPaths;
  for (const DocNode *item : sockets) {
    if (item->string.empty())
      ctx.diags.report(DiagKind::InvalidValue, item->loc, dotted("allowUnixSockets"),
                       "a socket path cannot be empty");
    else
      socketPaths.push_back(item);
  }
  if (socketPaths.size() == sockets.size())
    ctx.out.macosUnixSockets(r.keyLoc("allowUnixSockets"), socketPaths,
                             dotted("allowUnixSockets"));

  readBoolSetting(r, "allowAllUnixSockets", dotted("allowAllUnixSockets"),
                  ir::OptionId::AllowAllUnixSockets, ctx.out, ctx.diags);
  readBoolSetting(r, "allowLocalBinding", dotted("allowLocalBinding"),
                  ir::OptionId::AllowLocalBinding, ctx.out, ctx.diags);
  readBoolSetting(r, "strictAllowlist", dotted("strictAllowlist"), ir::OptionId::StrictAllowlist,
                  ctx.out, ctx.diags);
  readIntSetting(r, "httpProxyPort", dotted("httpProxyPort"), ir::OptionId::HttpProxyPort, 1,
                 65535, ctx.out, ctx.diags);
  readIntSetting(r, "socksProxyPort", dotted("socksProxyPort"), ir::OptionId::SocksProxyPort, 1,
                 65535, ctx.out, ctx.diags);

  if (const DocNode *v = r.get("allowMachLookup")) {
    if (auto items = expectStringArray(*v, dotted("allowMachLookup"), ctx.diags)) {
      std::vector<std::string> services;
      bool ok = true;
      for (const DocNode *item : *items) {
        if (auto why = srtMachServiceProblem(item->string)) {
          ctx.diags.report(DiagKind::InvalidValue, item->loc, dotted("allowMachLookup"),
                           fmt::format("'{}': {}", net::displayHost(item->string), *why));
          ok = false;
          continue;
        }
        services.push_back(item->string);
      }
      if (ok)
        ctx.out.set(ir::OptionId::AllowMachLookup, ast::OptionValue{std::move(services), v->loc},
                    r.keyLoc("allowMachLookup"));
    }
  }

  if (srt) {
    ignoreSetting(r, "parentProxy", dotted("parentProxy"),
                  "it only routes traffic that is already allowed through another proxy", ctx.diags);
    refuseSetting(r, "mitmProxy", dotted("mitmProxy"),
                  "it hands matching traffic to an outside proxy whose behaviour moat cannot "
                  "check or reproduce",
                  ctx.diags);
    refuseSetting(r, "tlsTerminate", dotted("tlsTerminate"),
                  "TLS termination and per-request filtering have no moat equivalent; "
                  "dropping them silently would change what the policy enforces",
                  ctx.diags);
  } else {
    readBoolSetting(r, "allowManagedDomainsOnly", dotted("allowManagedDomainsOnly"),
                    ir::OptionId::LockNetwork, ctx.out, ctx.diags);
  }
  r.finish();
}

void readFilesystemSection(const DocNode &filesystem, const SectionContext &ctx) {
  std::string where = ctx.prefix + "filesystem";
  if (!expectObject(filesystem, where, ctx.diags))
    return;
  ObjectReader r(filesystem, where, ctx.diags);
  auto dotted = [&](const char *key) { return where + "." + key; };
  bool srt = ctx.dialect == SettingsDialect::Srt;

  // srt requires denyRead, allowWrite and denyWrite; Claude none of them.
  pathRules(r, filesystem, "denyRead", ctx, srt, false, ast::Effect::Deny, ast::Access::Read);
  pathRules(r, filesystem, "allowRead", ctx, false, false, ast::Effect::Allow, ast::Access::Read);
  pathRules(r, filesystem, "allowWrite", ctx, srt, false, ast::Effect::Allow, ast::Access::Write);
  // denyWrite beats allowWrite in both: the `always` tier says exactly that.
  pathRules(r, filesystem, "denyWrite", ctx, srt, true, ast::Effect::Deny, ast::Access::Write);

  readBoolSetting(r, "disabled", dotted("disabled"), ir::OptionId::FilesystemDisabled, ctx.out,
                  ctx.diags);
  if (srt)
    readBoolSetting(r, "allowGitConfig", dotted("allowGitConfig"), ir::OptionId::AllowGitConfig,
                    ctx.out, ctx.diags);
  else
    readBoolSetting(r, "allowManagedReadPathsOnly", dotted("allowManagedReadPathsOnly"),
                    ir::OptionId::LockFilesystemRead, ctx.out, ctx.diags);
  r.finish();
}

std::optional<ast::File> ImportBuilder::finishFile(uint32_t buffer, ast::SourceKind kind, unsigned errorsBefore,
                                                   DiagnosticEngine &diags) {
  if (diags.inputErrorCount() != errorsBefore) // findings do not stop an import
    return std::nullopt;
  ast::File file;
  file.path = std::string(diags.files().name(buffer));
  file.buffer = buffer;
  file.kind = kind;
  file.stmts = finish();
  return file;
}

} // namespace moat::import
