#include "compiler/import/SrtSections.h"

#include "compiler/import/ImportPaths.h"
#include "compiler/import/SrtDomains.h"
#include "compiler/fs/Glob.h"
#include "compiler/net/Host.h"

#include <cctype>

#include <set>

namespace moat::import {

// ---- ImportBuilder ------------------------------------------------------------

void ImportBuilder::fsRule(bool always, ast::Effect effect, ast::Access access, SourceLoc loc,
                           std::string pattern, std::string origin, bool yieldsToSamePathAllow) {
  ast::FsRule r;
  r.always = always;
  r.yieldsToSamePathAllow = yieldsToSamePathAllow;
  r.effect = effect;
  r.accesses = {access};
  r.pattern = ast::Str{std::move(pattern), loc};
  r.loc = loc;
  r.origin = std::move(origin);
  stmts_.push_back(ast::Stmt{std::move(r)});
}

void ImportBuilder::netRule(ast::Effect effect, SourceLoc loc, std::string host,
                            std::string origin, bool resolvedAddressesOnly) {
  ast::NetRule r;
  r.effect = effect;
  r.resolvedAddressesOnly = resolvedAddressesOnly;
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

void ImportBuilder::setImplied(ir::OptionId id, ast::OptionValue value, SourceLoc nameLoc) {
  set(id, std::move(value), nameLoc);
  std::get<ast::SetStmt>(stmts_.back().node).implied = true;
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

// ---- older key readers (no SectionContext: wrong types are input errors) ----------

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

namespace {

// A required key srt's schema cannot do without: srt rejects the file.
void missing(const DocNode &section, const std::string &where, const char *key,
             const SectionContext &ctx) {
  ctx.invalid(section.loc, where, fmt::format("'{}' is required", key));
}

// A string list under `key` (required ones are reported when absent).
std::vector<const DocNode *> stringList(ObjectReader &r, const DocNode &section,
                                        const std::string &key, const std::string &where,
                                        bool required, bool nonEmpty, const SectionContext &ctx) {
  const DocNode *v = r.get(key);
  if (!v) {
    if (required)
      missing(section, where, key.c_str(), ctx);
    return {};
  }
  auto items = stringItems(*v, where + "." + key, nonEmpty, ctx);
  return items ? std::move(*items) : std::vector<const DocNode *>{};
}

bool hasGlobChar(std::string_view s) {
  return s.find_first_of("*?[]") != std::string_view::npos;
}

// srt 0.0.83 refuses a deny glob that can match nothing: one ending in '/'
// that is rooted (absolute or `~`); a relative one loses its '/' when srt
// resolves it, so it stays live.
bool inertSlashedDenyGlob(std::string_view p) {
  return !p.empty() && p.back() == '/' && hasGlobChar(p) && (p[0] == '/' || p[0] == '~');
}

// One entry of a path list as moat pattern text, or nullopt after a finding.
// A string is srt's spelling (a gitignore-like pattern when it has glob
// characters); `{"path": P, "literal": true}` (srt 0.0.79, srt files only)
// names P and nothing else: its glob characters are escaped, `~` still
// means home and a relative path still starts at the launch directory, as
// srt resolves a marked path. It may name a path that does not exist yet.
std::optional<std::string> pathEntry(const DocNode &item, const std::string &dotted, bool deny,
                                     bool fsEnforced, const SectionContext &ctx) {
  if (item.kind == DocNode::Kind::String) {
    if (item.string.empty()) {
      ctx.invalid(item.loc, dotted, "a path cannot be empty");
      return std::nullopt;
    }
    if (ctx.dialect == SettingsDialect::Srt && deny && fsEnforced && inertSlashedDenyGlob(item.string)) {
      ctx.invalid(item.loc, dotted,
                  fmt::format("the deny glob '{}' ends in '/', so it can match no path (srt "
                              "0.0.83 refuses it; drop the '/', or mark a real name with "
                              "{{\"path\": ..., \"literal\": true}})",
                              item.string));
      return std::nullopt;
    }
    return literalDollars(item.string);
  }
  if (item.kind != DocNode::Kind::Object || ctx.dialect != SettingsDialect::Srt) {
    ctx.invalid(item.loc, dotted,
                ctx.dialect == SettingsDialect::Srt
                    ? fmt::format("expected a path, or {{\"path\": \"<path>\", \"literal\": true}}, not {}",
                                  item.kindName())
                    : fmt::format("expected a path string, not {}", item.kindName()));
    return std::nullopt;
  }
  strictKeys(item, dotted, {"path", "literal"}, ctx);
  const DocNode *path = nullptr, *literal = nullptr;
  bool ok = true;
  for (const auto &[key, value] : item.members) {
    if (key == "path")
      path = &value;
    else if (key == "literal")
      literal = &value;
    else
      ok = false; // reported by strictKeys: the entry is invalid
  }
  if (!literal || literal->kind != DocNode::Kind::Bool || !literal->boolean) {
    ctx.invalid(literal ? literal->loc : item.loc, dotted,
                "a path object must say \"literal\": true (write a pattern as a plain string)");
    ok = false;
  }
  const std::string *p = nullptr;
  if (!path) {
    ctx.invalid(item.loc, dotted, "a path object needs \"path\"");
    ok = false;
  } else if (!(p = stringValue(*path, dotted + ".path", true, ctx))) {
    ok = false;
  }
  if (!ok)
    return std::nullopt;
  return fs::escapeGlobLiteral(*p);
}

// srt 0.0.83 (sandbox/path-entries.js) reads a spelling with glob
// characters also as NAMES wherever the components holding them exist on
// disk: for j = 1..k (k such components), the first j taken literally and the
// rest still a pattern; with all k literal, the entry also names that path. A
// deny must cover every reading or moat would be looser than srt, and moat
// cannot know what exists, so a deny gets all k extra readings (an allow does
// not: leaving them out is stricter). A trailing `/**` is set aside first, as
// srt does. Spellings with a backslash are left alone (no reading is certain).
std::vector<std::string> literalReadings(const std::string &spelling) {
  std::vector<std::string> out;
  if (spelling.find('\\') != std::string::npos)
    return out;
  std::string stripped = spelling;
  bool starStar = false;
  while (stripped.size() > 3 && stripped.compare(stripped.size() - 3, 3, "/**") == 0) {
    stripped.resize(stripped.size() - 3);
    starStar = true;
  }
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t slash = stripped.find('/', start);
    parts.push_back(stripped.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos)
      break;
    start = slash + 1;
  }
  std::vector<size_t> globAt;
  for (size_t i = 0; i < parts.size(); ++i)
    if (hasGlobChar(parts[i]))
      globAt.push_back(i);
  for (size_t j = 1; j <= globAt.size(); ++j) {
    std::string text;
    for (size_t i = 0; i < parts.size(); ++i) {
      if (i)
        text += '/';
      bool literal = false;
      for (size_t g = 0; g < j; ++g)
        literal = literal || globAt[g] == i;
      text += literal ? fs::escapeGlobLiteral(parts[i]) : literalDollars(parts[i]);
    }
    if (starStar && j < globAt.size())
      text += "/**";
    out.push_back(std::move(text));
  }
  return out;
}

// Path lists: strings (srt's spellings) and, in srt files, literal path
// objects; sema validates each pattern's syntax and resolves it.
void pathRules(ObjectReader &r, const DocNode &section, const std::string &key,
               const SectionContext &ctx, bool required, bool always, ast::Effect effect,
               ast::Access access, bool fsEnforced) {
  std::string where = ctx.prefix + "filesystem";
  std::string dotted = where + "." + key;
  const DocNode *v = r.get(key);
  if (!v) {
    if (required)
      missing(section, where, key.c_str(), ctx);
    return;
  }
  if (v->kind != DocNode::Kind::Array) {
    ctx.invalid(v->loc, dotted, fmt::format("expected an array of paths, not {}", v->kindName()));
    return;
  }
  // An allowRead beats a denyRead of the same path, however the two are
  // spelled (the textual case is also settled in ImportBuilder::finish).
  bool yields = effect == ast::Effect::Deny && access == ast::Access::Read && !always;
  for (size_t i = 0; i < v->items.size(); ++i) {
    std::string origin = fmt::format("{}[{}]", dotted, i);
    auto pattern = pathEntry(v->items[i], origin, effect == ast::Effect::Deny, fsEnforced, ctx);
    if (!pattern)
      continue;
    ctx.out.fsRule(always, effect, access, v->items[i].loc, std::move(*pattern), origin, yields);
    if (ctx.dialect == SettingsDialect::Srt && effect == ast::Effect::Deny &&
        v->items[i].kind == DocNode::Kind::String)
      for (std::string &reading : literalReadings(v->items[i].string))
        ctx.out.fsRule(always, effect, access, v->items[i].loc, std::move(reading), origin, yields);
  }
}

void domainRules(ObjectReader &r, const DocNode &section, const std::string &key,
                 const SectionContext &ctx, ast::Effect effect) {
  std::string where = ctx.prefix + "network";
  std::string dotted = where + "." + key;
  bool required = ctx.dialect == SettingsDialect::Srt;
  auto items = stringList(r, section, key, where, required, false, ctx);
  for (const DocNode *item : items) {
    size_t i = static_cast<size_t>(item - &r.get(key)->items[0]);
    std::string origin = fmt::format("{}[{}]", dotted, i);
    if (auto why = srtDomainProblem(item->string, effect == ast::Effect::Deny)) {
      ctx.invalid(item->loc, origin, fmt::format("'{}': {}", net::displayHost(item->string), *why));
      continue;
    }
    ctx.out.netRule(effect, item->loc, item->string, origin);
  }
}

// Portless domain patterns (mitmProxy.domains, excludeDomains, injectHosts):
// checked only, they open nothing. Returns the valid ones.
std::vector<std::string> portlessDomains(const DocNode &v, const std::string &dotted,
                                         const SectionContext &ctx) {
  std::vector<std::string> out;
  auto items = stringItems(v, dotted, false, ctx);
  if (!items)
    return out;
  for (const DocNode *item : *items) {
    if (auto why = srtPortlessDomainProblem(item->string))
      ctx.invalid(item->loc, dotted, fmt::format("'{}': {}", net::displayHost(item->string), *why));
    else
      out.push_back(item->string);
  }
  return out;
}

// zod's `.url()`: what WHATWG's URL parser accepts, approximated: a scheme,
// ':', then no spaces; the special schemes need a host.
bool looksLikeUrl(const std::string &s) {
  size_t colon = s.find(':');
  if (colon == std::string::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(s[0])))
    return false;
  for (size_t i = 0; i < colon; ++i) {
    char c = s[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
      return false;
  }
  if (s.find_first_of(" \t\n") != std::string::npos)
    return false;
  std::string scheme = s.substr(0, colon);
  for (char &c : scheme)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string rest = s.substr(colon + 1);
  if (scheme == "http" || scheme == "https" || scheme == "ws" || scheme == "wss" || scheme == "ftp") {
    size_t start = rest.find_first_not_of("/\\");
    return start != std::string::npos && rest[start] != ':' && rest[start] != '?' && rest[start] != '#';
  }
  return true;
}

// `tlsTerminate`: srt terminates TLS in its proxy with a CA it makes the
// sandbox trust. Allow/deny decisions stay those of the domain lists (a
// settings file cannot hold srt's per-request filter), so nothing opens or
// closes; moat records that it is on and where the CA's private key lives
// (lint: a key the sandbox can read lets it mint certificates the sandbox
// trusts). excludeDomains, extraCaCertPaths, maxTunnels, handshakeTimeoutMs
// only tune the proxy.
void readTlsTerminate(const DocNode &v, SourceLoc keyLoc, const std::string &dotted,
                      const SectionContext &ctx) {
  if (!objectValue(v, dotted, ctx))
    return;
  ObjectReader r = ctx.reader(v, dotted);
  auto sub = [&](const char *k) { return dotted + "." + k; };
  const DocNode *cert = r.get("caCertPath");
  const DocNode *key = r.get("caKeyPath");
  if (cert)
    stringValue(*cert, sub("caCertPath"), true, ctx);
  if (key)
    if (const std::string *k = stringValue(*key, sub("caKeyPath"), true, ctx))
      ctx.out.set(ir::OptionId::TlsCaKeyPath, ast::OptionValue{*k, key->loc}, r.keyLoc("caKeyPath"));
  if (!cert != !key)
    ctx.invalid((cert ? cert : key)->loc, dotted, "caCertPath and caKeyPath must be given together");
  if (const DocNode *x = r.get("excludeDomains"))
    portlessDomains(*x, sub("excludeDomains"), ctx);
  if (ctx.dialect == SettingsDialect::Srt) {
    if (const DocNode *x = r.get("extraCaCertPaths"))
      stringItems(*x, sub("extraCaCertPaths"), true, ctx);
    if (const DocNode *x = r.get("maxTunnels"))
      intValue(*x, sub("maxTunnels"), 1, 65536, ctx);
    if (const DocNode *x = r.get("handshakeTimeoutMs"))
      intValue(*x, sub("handshakeTimeoutMs"), 100, 600000, ctx);
  }
  r.finish();
  ctx.out.set(ir::OptionId::TlsTerminate, ast::OptionValue{true, keyLoc}, keyLoc);
}

// `mitmProxy`: srt still decides allow/deny, then hands the connections to
// the listed domains to an outside proxy on a unix socket (which also
// resolves their names: srt's resolved-address check does not run for them).
// moat records it; `moat build` refuses it (what the outside proxy does is
// unknown, and leaving it out would bypass it).
void readMitmProxy(const DocNode &v, SourceLoc keyLoc, const std::string &dotted,
                   const SectionContext &ctx) {
  if (!objectValue(v, dotted, ctx))
    return;
  ObjectReader r = ctx.reader(v, dotted);
  if (const DocNode *s = r.get("socketPath"))
    stringValue(*s, dotted + ".socketPath", true, ctx);
  else
    missing(v, dotted, "socketPath", ctx);
  if (const DocNode *d = r.get("domains")) {
    if (d->kind == DocNode::Kind::Array && d->items.empty())
      ctx.invalid(d->loc, dotted + ".domains", "at least one domain is required");
    portlessDomains(*d, dotted + ".domains", ctx);
  } else {
    missing(v, dotted, "domains", ctx);
  }
  r.finish();
  ctx.out.set(ir::OptionId::MitmProxy, ast::OptionValue{true, keyLoc}, keyLoc);
}

// `parentProxy`: srt's proxy reaches the internet through another proxy
// (without it, srt uses HTTP_PROXY/HTTPS_PROXY from its environment). What is
// allowed does not change, but srt's resolved-address check does not run for
// connections that go through it (that hop resolves the names).
void readParentProxy(const DocNode &v, SourceLoc keyLoc, const std::string &dotted,
                     const SectionContext &ctx) {
  if (!objectValue(v, dotted, ctx))
    return;
  ObjectReader r = ctx.reader(v, dotted);
  for (const char *k : {"http", "https"})
    if (const DocNode *u = r.get(k))
      if (const std::string *s = stringValue(*u, dotted + "." + k, false, ctx))
        if (!looksLikeUrl(*s))
          ctx.invalid(u->loc, dotted + "." + k, fmt::format("'{}' is not a URL", *s));
  if (const DocNode *n = r.get("noProxy"))
    stringValue(*n, dotted + ".noProxy", false, ctx);
  r.finish();
  ctx.out.set(ir::OptionId::ParentProxy, ast::OptionValue{true, keyLoc}, keyLoc);
}

} // namespace

// ---- sections -------------------------------------------------------------------

void readNetworkSection(const DocNode &network, const SectionContext &ctx) {
  std::string where = ctx.prefix + "network";
  if (!objectValue(network, where, ctx))
    return;
  ObjectReader r = ctx.reader(network, where);
  auto dotted = [&](const char *key) { return where + "." + key; };
  bool srt = ctx.dialect == SettingsDialect::Srt;

  domainRules(r, network, "allowedDomains", ctx, ast::Effect::Allow);
  domainRules(r, network, "deniedDomains", ctx, ast::Effect::Deny);

  // srt only: Claude Code's schema drops it (left to the reader's unknown-setting).
  std::vector<const DocNode *> ranges;
  if (srt)
    ranges = stringList(r, network, "deniedResolvedAddresses", where, false, false, ctx);
  for (const DocNode *item : ranges) {
    size_t i = static_cast<size_t>(item - &r.get("deniedResolvedAddresses")->items[0]);
    std::string origin = fmt::format("{}[{}]", dotted("deniedResolvedAddresses"), i);
    if (auto why = srtAddressRangeProblem(item->string)) {
      ctx.invalid(item->loc, origin, fmt::format("'{}': {}", net::displayHost(item->string), *why));
      continue;
    }
    ctx.out.netRule(ast::Effect::Deny, item->loc, item->string, origin, true);
  }

  // srt takes any string here (an empty one names no socket).
  auto sockets = stringList(r, network, "allowUnixSockets", where, false, false, ctx);
  std::vector<const DocNode *> socketPaths;
  for (const DocNode *item : sockets)
    if (!item->string.empty())
      socketPaths.push_back(item);
  ctx.out.macosUnixSockets(r.keyLoc("allowUnixSockets"), socketPaths, dotted("allowUnixSockets"));

  readBoolSetting(r, "allowAllUnixSockets", dotted("allowAllUnixSockets"),
                  ir::OptionId::AllowAllUnixSockets, ctx);
  readBoolSetting(r, "allowLocalBinding", dotted("allowLocalBinding"),
                  ir::OptionId::AllowLocalBinding, ctx);
  readBoolSetting(r, "strictAllowlist", dotted("strictAllowlist"), ir::OptionId::StrictAllowlist, ctx);
  readIntSetting(r, "httpProxyPort", dotted("httpProxyPort"), ir::OptionId::HttpProxyPort, 1,
                 65535, ctx);
  readIntSetting(r, "socksProxyPort", dotted("socksProxyPort"), ir::OptionId::SocksProxyPort, 1,
                 65535, ctx);

  if (const DocNode *v = r.get("allowMachLookup")) {
    if (auto items = stringItems(*v, dotted("allowMachLookup"), false, ctx)) {
      std::vector<std::string> services;
      for (const DocNode *item : *items) {
        if (auto why = srtMachServiceProblem(item->string)) {
          ctx.invalid(item->loc, dotted("allowMachLookup"),
                      fmt::format("'{}': {}", net::displayHost(item->string), *why));
          continue;
        }
        services.push_back(item->string);
      }
      if (!services.empty() || items->empty()) // nothing valid: nothing to model
        ctx.out.set(ir::OptionId::AllowMachLookup, ast::OptionValue{std::move(services), v->loc},
                    r.keyLoc("allowMachLookup"));
    }
  }

  if (const DocNode *v = r.get("tlsTerminate"))
    readTlsTerminate(*v, r.keyLoc("tlsTerminate"), dotted("tlsTerminate"), ctx);

  if (!srt) {
    readBoolSetting(r, "allowManagedDomainsOnly", dotted("allowManagedDomainsOnly"),
                    ir::OptionId::LockNetwork, ctx);
    r.finish();
    return;
  }

  // srt-only keys.
  if (const DocNode *v = r.get("deniedDomainReasons")) {
    // Only the text of srt's refusals: checked, nothing more.
    if (objectValue(*v, dotted("deniedDomainReasons"), ctx))
      for (const auto &[entry, reason] : v->members)
        stringValue(reason, dotted("deniedDomainReasons") + "." + entry, true, ctx);
  }
  if (const DocNode *v = r.get("mitmProxy"))
    readMitmProxy(*v, r.keyLoc("mitmProxy"), dotted("mitmProxy"), ctx);
  if (const DocNode *v = r.get("parentProxy"))
    readParentProxy(*v, r.keyLoc("parentProxy"), dotted("parentProxy"), ctx);
  // Both refuse more than the domain lists do (tunnels srt cannot see into;
  // a Host header or TLS name that is not the host connected to).
  readBoolSetting(r, "refuseOpaqueTunnels", dotted("refuseOpaqueTunnels"),
                  ir::OptionId::RefuseOpaqueTunnels, ctx);
  readBoolSetting(r, "requireHostMatch", dotted("requireHostMatch"),
                  ir::OptionId::RequireHostMatch, ctx);
  // These shape srt's per-request filter, which only a program can install
  // (filterRequest is a function): in a file they change nothing.
  if (const DocNode *v = r.get("allowPlaintextHeaderSet"))
    boolValue(*v, dotted("allowPlaintextHeaderSet"), ctx);
  if (const DocNode *v = r.get("stripResponseHeaders"))
    stringItems(*v, dotted("stripResponseHeaders"), true, ctx);
  if (const DocNode *v = r.get("ambiguousRequestTarget"))
    enumValue(*v, dotted("ambiguousRequestTarget"), {"refuse", "asSpelled", "normalize"}, ctx);
  if (const DocNode *v = r.get("filterRequest"))
    ctx.invalid(v->loc, dotted("filterRequest"),
                "srt takes a per-request filter only from a program (a function); no value "
                "in a file is one");
  r.finish();
}

void readFilesystemSection(const DocNode &filesystem, const SectionContext &ctx) {
  std::string where = ctx.prefix + "filesystem";
  if (!objectValue(filesystem, where, ctx))
    return;
  ObjectReader r = ctx.reader(filesystem, where);
  auto dotted = [&](const char *key) { return where + "." + key; };
  bool srt = ctx.dialect == SettingsDialect::Srt;

  // Read first: srt's check of deny globs is off when the filesystem is.
  bool fsEnforced = true;
  if (const DocNode *v = r.get("disabled"))
    if (auto b = boolValue(*v, dotted("disabled"), ctx)) {
      fsEnforced = !*b;
      ctx.out.set(ir::OptionId::FilesystemDisabled, ast::OptionValue{*b, v->loc},
                  r.keyLoc("disabled"));
    }

  // srt requires denyRead, allowWrite and denyWrite; Claude none of them.
  pathRules(r, filesystem, "denyRead", ctx, srt, false, ast::Effect::Deny, ast::Access::Read,
            fsEnforced);
  pathRules(r, filesystem, "allowRead", ctx, false, false, ast::Effect::Allow, ast::Access::Read,
            fsEnforced);
  pathRules(r, filesystem, "allowWrite", ctx, srt, false, ast::Effect::Allow, ast::Access::Write,
            fsEnforced);
  // denyWrite beats allowWrite in both: the `always` tier says exactly that.
  pathRules(r, filesystem, "denyWrite", ctx, srt, true, ast::Effect::Deny, ast::Access::Write,
            fsEnforced);

  if (srt)
    readBoolSetting(r, "allowGitConfig", dotted("allowGitConfig"), ir::OptionId::AllowGitConfig, ctx);
  else
    readBoolSetting(r, "allowManagedReadPathsOnly", dotted("allowManagedReadPathsOnly"),
                    ir::OptionId::LockFilesystemRead, ctx);
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
