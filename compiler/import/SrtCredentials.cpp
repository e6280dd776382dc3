// `credentials` (srt top level; Claude Code `sandbox.credentials`): secrets
// the runtime keeps from the sandboxed process. Files it hides (mode "deny")
// or replaces by a sentinel its proxy swaps back on the way out (mode
// "mask"); environment variables it unsets or masks. moat hides every
// declared file outright, in the `always` tier like any protection: that is
// what "deny" means, and stricter than "mask" (the process sees nothing
// rather than a sentinel). The declared variables become the
// `credential-env-vars` option (the names the runtime hides), and
// `allowPlaintextInject` (real values sent over unencrypted HTTP) the
// `credential-plaintext-inject` option, which lint reports.
//
// srt's schema is strict here (an unknown key makes it reject the file) and
// cross-checks entries; each failed check is an invalid-entry finding.
#include "compiler/import/ImportPaths.h"
#include "compiler/import/SrtDomains.h"
#include "compiler/import/SrtSections.h"

#include <fmt/format.h>

#include <map>
#include <regex>

namespace moat::import {

namespace {

bool isEnvName(const std::string &s) {
  static const std::regex name("^[A-Za-z_][A-Za-z0-9_]*$");
  return std::regex_match(s, name);
}

// srt compiles `extract` as a JavaScript RegExp and requires a capturing
// group. Counted here as '(' not followed by '?' (or followed by '?<' and a
// name), outside classes and escapes; syntax errors are left to srt.
bool hasCapturingGroup(const std::string &re) {
  bool inClass = false;
  for (size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (c == '\\') {
      ++i;
      continue;
    }
    if (inClass) {
      inClass = c != ']';
      continue;
    }
    if (c == '[') {
      inClass = true;
      continue;
    }
    if (c != '(')
      continue;
    if (i + 1 >= re.size() || re[i + 1] != '?')
      return true;
    if (i + 2 < re.size() && re[i + 2] == '<' && i + 3 < re.size() && re[i + 3] != '=' &&
        re[i + 3] != '!')
      return true;
  }
  return false;
}

struct EntryFacts {
  bool masked = false;
  bool extractOrDecode = false;
  const DocNode *injectHosts = nullptr;
  SourceLoc loc;
};

// The keys files[] and envVars[] entries share (not strict in srt: other
// keys are stripped). Returns what the cross-checks need.
EntryFacts readEntryCommon(ObjectReader &f, const DocNode &entry, const std::string &where,
                           bool file, const SectionContext &ctx) {
  EntryFacts facts;
  facts.loc = entry.loc;
  if (const DocNode *mode = f.get("mode")) {
    if (const std::string *m = enumValue(*mode, where + ".mode", {"deny", "mask"}, ctx))
      facts.masked = *m == "mask";
  } else {
    ctx.invalid(entry.loc, where, "'mode' is required (\"deny\" or \"mask\")");
  }
  const DocNode *decode = f.get("decode");
  if (decode)
    enumValue(*decode, where + ".decode", {"jwt"}, ctx);
  if (const DocNode *x = f.get("extract")) {
    facts.extractOrDecode = true;
    if (const std::string *re = stringValue(*x, where + ".extract", false, ctx))
      if (!hasCapturingGroup(*re))
        ctx.invalid(x->loc, where + ".extract",
                    "the pattern needs a capturing group: group 1 is the value to mask");
  }
  facts.extractOrDecode = facts.extractOrDecode || decode;
  if (const DocNode *x = f.get("onExtractNoMatch"))
    enumValue(*x, where + ".onExtractNoMatch", {"warn", "deny", "error"}, ctx);
  if (const DocNode *x = f.get("maskClaims")) {
    stringItems(*x, where + ".maskClaims", true, ctx);
    if (!decode)
      ctx.invalid(x->loc, where + ".maskClaims", "maskClaims requires decode");
    else if (x->kind == DocNode::Kind::Array && x->items.empty())
      ctx.invalid(x->loc, where + ".maskClaims", "an empty maskClaims masks nothing");
  }
  if (file) {
    if (const DocNode *x = f.get("maskDuplicates"))
      boolValue(*x, where + ".maskDuplicates", ctx);
  }
  if (const DocNode *x = f.get("injectHosts")) {
    facts.injectHosts = x;
    if (auto items = stringItems(*x, where + ".injectHosts", false, ctx))
      for (const DocNode *item : *items)
        if (auto why = srtPortlessDomainProblem(item->string))
          ctx.invalid(item->loc, where + ".injectHosts", fmt::format("'{}': {}", item->string, *why));
  }
  return facts;
}

// srt's checks of a masked entry against the network section.
void checkInjection(const EntryFacts &facts, const std::string &where,
                    const std::vector<std::string> &allowed, const SectionContext &ctx) {
  if (!facts.injectHosts || facts.injectHosts->kind != DocNode::Kind::Array)
    return;
  for (size_t i = 0; i < facts.injectHosts->items.size(); ++i) {
    const DocNode &h = facts.injectHosts->items[i];
    if (h.kind == DocNode::Kind::String && !srtInjectHostCovered(h.string, allowed))
      ctx.invalid(h.loc, fmt::format("{}.injectHosts[{}]", where, i),
                  fmt::format("'{}' is not reachable through network.allowedDomains", h.string));
  }
  if (facts.masked && facts.injectHosts->items.empty())
    ctx.invalid(facts.injectHosts->loc, where + ".injectHosts",
                "an empty injectHosts masks a credential that is never injected");
}

} // namespace

void readCredentialsSection(const DocNode &creds, const SectionContext &ctx, const DocNode *network,
                            const DocNode *filesystem) {
  // What srt checks the declarations against, from the sibling sections.
  const DocNode *allowedDomains = nullptr;
  bool tlsTerminate = false, fsEnforced = true;
  if (network && network->kind == DocNode::Kind::Object)
    for (const auto &[key, value] : network->members) {
      if (key == "allowedDomains")
        allowedDomains = &value;
      tlsTerminate = tlsTerminate || key == "tlsTerminate";
    }
  if (filesystem && filesystem->kind == DocNode::Kind::Object)
    for (const auto &[key, value] : filesystem->members)
      if (key == "disabled" && value.kind == DocNode::Kind::Bool && value.boolean)
        fsEnforced = false;
  std::string dotted = ctx.prefix + "credentials";
  if (!objectValue(creds, dotted, ctx))
    return;
  strictKeys(creds, dotted, {"files", "envVars", "allowPlaintextInject", "awsPairs", "sigv4"}, ctx);
  ObjectReader r = ctx.reader(creds, dotted);

  std::vector<std::string> allowed;
  if (allowedDomains && allowedDomains->kind == DocNode::Kind::Array)
    for (const DocNode &d : allowedDomains->items)
      if (d.kind == DocNode::Kind::String)
        allowed.push_back(d.string);

  bool anyMasked = false;
  if (const DocNode *files = r.get("files")) {
    if (files->kind != DocNode::Kind::Array) {
      ctx.invalid(files->loc, dotted + ".files", fmt::format("expected an array, not {}", files->kindName()));
    } else {
      for (size_t i = 0; i < files->items.size(); ++i) {
        const DocNode &entry = files->items[i];
        std::string where = fmt::format("{}.files[{}]", dotted, i);
        if (!objectValue(entry, where, ctx))
          continue;
        ObjectReader f = ctx.reader(entry, where);
        EntryFacts facts = readEntryCommon(f, entry, where, /*file=*/true, ctx);
        anyMasked = anyMasked || facts.masked;
        checkInjection(facts, where, allowed, ctx);
        const DocNode *path = f.get("path");
        f.finish();
        if (!path) {
          ctx.invalid(entry.loc, where, "'path' is required");
          continue;
        }
        const std::string *p = stringValue(*path, where + ".path", true, ctx);
        if (!p)
          continue;
        if (facts.masked && p->back() == '/') {
          ctx.invalid(path->loc, where + ".path",
                      "mode \"mask\" masks one file, not a directory (use \"deny\" for a directory)");
          continue;
        }
        // A deny-mode path joins denyRead in srt, and its check: a rooted glob
        // ending in '/' matches nothing, so srt refuses it.
        if (ctx.dialect == SettingsDialect::Srt && !facts.masked && fsEnforced && p->back() == '/' &&
            p->find_first_of("*?[]") != std::string::npos && ((*p)[0] == '/' || (*p)[0] == '~')) {
          ctx.invalid(path->loc, where + ".path",
                      fmt::format("the deny glob '{}' ends in '/', so it can match no path", *p));
          continue;
        }
        ctx.out.fsRule(/*always=*/true, ast::Effect::Deny, ast::Access::Read, path->loc,
                       literalDollars(*p), where);
      }
    }
  }

  // name -> (masked whole-value?) for the awsPairs checks.
  std::map<std::string, bool> maskedWhole;
  if (const DocNode *vars = r.get("envVars")) {
    if (vars->kind != DocNode::Kind::Array) {
      ctx.invalid(vars->loc, dotted + ".envVars", fmt::format("expected an array, not {}", vars->kindName()));
    } else {
      std::vector<std::string> names;
      for (size_t i = 0; i < vars->items.size(); ++i) {
        const DocNode &entry = vars->items[i];
        std::string where = fmt::format("{}.envVars[{}]", dotted, i);
        if (!objectValue(entry, where, ctx))
          continue;
        ObjectReader f = ctx.reader(entry, where);
        EntryFacts facts = readEntryCommon(f, entry, where, /*file=*/false, ctx);
        anyMasked = anyMasked || facts.masked;
        checkInjection(facts, where, allowed, ctx);
        const DocNode *name = f.get("name");
        f.finish();
        if (!name) {
          ctx.invalid(entry.loc, where, "'name' is required");
          continue;
        }
        const std::string *n = stringValue(*name, where + ".name", false, ctx);
        if (!n)
          continue;
        if (!isEnvName(*n)) {
          ctx.invalid(name->loc, where + ".name",
                      fmt::format("'{}' is not a variable name (letters, digits and '_', not "
                                  "starting with a digit)",
                                  *n));
          continue;
        }
        names.push_back(*n);
        maskedWhole[*n] = facts.masked && !facts.extractOrDecode;
      }
      if (!names.empty())
        ctx.out.set(ir::OptionId::CredentialEnvVars, ast::OptionValue{std::move(names), vars->loc},
                    r.keyLoc("envVars"));
    }
  }

  bool plaintextInject = false;
  if (const DocNode *v = r.get("allowPlaintextInject"))
    if (auto b = boolValue(*v, dotted + ".allowPlaintextInject", ctx)) {
      plaintextInject = *b;
      ctx.out.set(ir::OptionId::CredentialPlaintextInject, ast::OptionValue{*b, v->loc},
                  r.keyLoc("allowPlaintextInject"));
    }

  // awsPairs / sigv4 only say how the proxy re-signs AWS requests made with
  // masked keys: checked, nothing to model.
  if (const DocNode *pairs = r.get("awsPairs")) {
    if (pairs->kind != DocNode::Kind::Array) {
      ctx.invalid(pairs->loc, dotted + ".awsPairs", fmt::format("expected an array, not {}", pairs->kindName()));
    } else {
      std::map<std::string, bool> seen;
      for (size_t i = 0; i < pairs->items.size(); ++i) {
        const DocNode &pair = pairs->items[i];
        std::string where = fmt::format("{}.awsPairs[{}]", dotted, i);
        if (!objectValue(pair, where, ctx))
          continue;
        strictKeys(pair, where, {"accessKeyIdVar", "secretAccessKeyVar", "sessionTokenVar"}, ctx);
        ObjectReader p = ctx.reader(pair, where);
        for (const char *slot : {"accessKeyIdVar", "secretAccessKeyVar", "sessionTokenVar"}) {
          const DocNode *v = p.get(slot);
          if (!v) {
            if (std::string(slot) != "sessionTokenVar")
              ctx.invalid(pair.loc, where, fmt::format("'{}' is required", slot));
            continue;
          }
          std::string key = where + "." + slot;
          const std::string *n = stringValue(*v, key, false, ctx);
          if (!n)
            continue;
          if (!isEnvName(*n))
            ctx.invalid(v->loc, key, fmt::format("'{}' is not a variable name", *n));
          else if (seen[*n])
            ctx.invalid(v->loc, key, fmt::format("'{}' fills more than one awsPairs slot", *n));
          else if (!maskedWhole.count(*n) || !maskedWhole[*n])
            ctx.invalid(v->loc, key,
                        fmt::format("'{}' must be a credentials.envVars entry with mode \"mask\" "
                                    "and no extract or decode",
                                    *n));
          seen[*n] = true;
        }
        if (ctx.dialect != SettingsDialect::Srt) // srt: strictKeys reported them
          p.finish();
      }
    }
  }
  if (const DocNode *sig = r.get("sigv4")) {
    std::string where = dotted + ".sigv4";
    if (objectValue(*sig, where, ctx)) {
      strictKeys(*sig, where, {"streaming", "presigned", "sigv4a"}, ctx);
      ObjectReader s = ctx.reader(*sig, where);
      for (const char *k : {"streaming", "presigned", "sigv4a"})
        if (const DocNode *v = s.get(k))
          enumValue(*v, where + "." + k, {"deny", "passthrough"}, ctx);
      if (ctx.dialect != SettingsDialect::Srt)
        s.finish();
    }
  }
  if (ctx.dialect != SettingsDialect::Srt)
    r.finish();

  if (ctx.dialect == SettingsDialect::Srt && anyMasked && !tlsTerminate && !plaintextInject)
    ctx.invalid(creds.loc, dotted,
                "masking a credential requires network.tlsTerminate (or "
                "credentials.allowPlaintextInject)");
}

} // namespace moat::import
