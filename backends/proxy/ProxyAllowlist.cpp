#include "backends/proxy/ProxyAllowlist.h"

#include "compiler/eval/NetDecide.h"
#include "compiler/import/DocTree.h"

#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/JSON.h>

namespace moat::backends::proxy {

namespace {

const char *defaultName(ir::NetDefault d) {
  switch (d) {
  case ir::NetDefault::Deny:
    return "deny";
  case ir::NetDefault::Allow:
    return "allow";
  case ir::NetDefault::Ask:
    return "ask";
  }
  return "deny";
}

std::string locText(const SourceFiles &files, SourceLoc loc) {
  if (!loc.valid())
    return "";
  return fmt::format("{}:{}:{}", files.name(loc.buffer), loc.line, loc.col);
}

} // namespace

eval::NetDecider ProxyAllowlist::decider() const {
  std::vector<eval::NetRuleView> views;
  for (const AllowlistRule &r : rules)
    views.push_back(eval::NetRuleView{r.effect, &r.host});
  return eval::NetDecider(std::move(views));
}

AllowlistDecision ProxyAllowlist::decide(const eval::NetDecider &decider, const net::CanonicalHost &host,
                                         uint16_t port) const {
  AllowlistDecision d;
  std::optional<size_t> deciding = decider.decide(host, port);
  if (deciding) {
    d.rule = &rules[*deciding];
    d.outcome = d.rule->effect == ir::Effect::Deny ? AllowlistDecision::Outcome::Deny
                                                   : AllowlistDecision::Outcome::Allow;
    return d;
  }
  switch (defaultDecision) {
  case ir::NetDefault::Deny:
    d.outcome = AllowlistDecision::Outcome::Deny;
    break;
  case ir::NetDefault::Allow:
    d.outcome = AllowlistDecision::Outcome::Allow;
    break;
  case ir::NetDefault::Ask:
    d.outcome = AllowlistDecision::Outcome::Ask;
    break;
  }
  return d;
}

ProxyAllowlist allowlistFromPolicy(const ir::Policy &policy, ir::Platform platform,
                                   const SourceFiles &files) {
  ProxyAllowlist list;
  list.platform = platform;
  list.policy = policy.name;
  if (policy.options.flag(ir::OptionId::SandboxDisabled)) {
    // The evaluator allows every connection of a disabled sandbox; so does
    // this list (lint reports the option).
    list.defaultDecision = ir::NetDefault::Allow;
    return list;
  }
  list.defaultDecision = policy.defaults.connect;
  for (const ir::NetRule &rule : policy.netRules) {
    if (rule.platform != ir::Platform::Any && rule.platform != platform)
      continue;
    list.rules.push_back(AllowlistRule{rule.effect, rule.host, locText(files, rule.prov.loc)});
  }
  return list;
}

std::string renderAllowlist(const ProxyAllowlist &list) {
  llvm::json::Array rules;
  for (const AllowlistRule &r : list.rules) {
    llvm::json::Object o{{"effect", ir::effectName(r.effect)}, {"host", r.host.text()}};
    if (!r.source.empty())
      o["source"] = r.source;
    rules.push_back(std::move(o));
  }
  llvm::json::Object top{{"format", kFormatName},
                         {"version", kFormatVersion},
                         {"platform", ir::platformName(list.platform)},
                         {"policy", list.policy},
                         {"default", defaultName(list.defaultDecision)},
                         {"rules", std::move(rules)}};
  // llvm::json prints object keys sorted, so the bytes depend only on the
  // content.
  return llvm::formatv("{0:2}", llvm::json::Value(std::move(top))).str() + "\n";
}

namespace {

// Walks the document; every problem is reported to `diags` at its location.
std::optional<ProxyAllowlist> readAllowlist(const import::DocNode &doc, DiagnosticEngine &diags) {
  const std::string where = "the proxy allowlist";
  if (!import::expectObject(doc, where, diags))
    return std::nullopt;
  unsigned errorsBefore = diags.errorCount();
  import::ObjectReader r(doc, where, diags);
  ProxyAllowlist list;

  // format and version first: a file of another kind or version must not be
  // half-read with this version's meaning.
  const import::DocNode *format = r.get("format");
  const import::DocNode *version = r.get("version");
  if (!format) {
    diags.report(DiagKind::MissingKey, doc.loc, "format", where);
    return std::nullopt;
  }
  const std::string *formatText = import::expectString(*format, "format", diags);
  if (!formatText)
    return std::nullopt;
  if (*formatText != kFormatName) {
    diags.report(DiagKind::InvalidValue, format->loc, "format",
                 fmt::format("expected \"{}\"", kFormatName));
    return std::nullopt;
  }
  if (!version) {
    diags.report(DiagKind::MissingKey, doc.loc, "version", where);
    return std::nullopt;
  }
  auto v = import::expectInt(*version, "version", diags);
  if (!v)
    return std::nullopt;
  if (*v != kFormatVersion) {
    diags.report(DiagKind::InvalidValue, version->loc, "version",
                 fmt::format("this moat reads version {} only, not {}", kFormatVersion, *v));
    return std::nullopt;
  }

  if (const import::DocNode *platform = r.get("platform")) {
    if (const std::string *p = import::expectString(*platform, "platform", diags)) {
      if (*p == "linux")
        list.platform = ir::Platform::Linux;
      else if (*p == "macos")
        list.platform = ir::Platform::MacOS;
      else
        diags.report(DiagKind::InvalidValue, platform->loc, "platform",
                     "expected \"linux\" or \"macos\"");
    }
  } else {
    diags.report(DiagKind::MissingKey, doc.loc, "platform", where);
  }

  if (const import::DocNode *policy = r.get("policy")) {
    if (const std::string *p = import::expectString(*policy, "policy", diags))
      list.policy = *p;
  } else {
    diags.report(DiagKind::MissingKey, doc.loc, "policy", where);
  }

  if (const import::DocNode *def = r.get("default")) {
    if (const std::string *d = import::expectString(*def, "default", diags)) {
      if (*d == "deny")
        list.defaultDecision = ir::NetDefault::Deny;
      else if (*d == "ask")
        list.defaultDecision = ir::NetDefault::Ask;
      else if (*d == "allow")
        list.defaultDecision = ir::NetDefault::Allow;
      else
        diags.report(DiagKind::InvalidValue, def->loc, "default",
                     "expected \"deny\", \"ask\" or \"allow\"");
    }
  } else {
    diags.report(DiagKind::MissingKey, doc.loc, "default", where);
  }

  const import::DocNode *rules = r.get("rules");
  if (!rules) {
    diags.report(DiagKind::MissingKey, doc.loc, "rules", where);
  } else if (rules->kind != import::DocNode::Kind::Array) {
    diags.report(DiagKind::WrongType, rules->loc, "rules", "an array", rules->kindName());
  } else {
    for (size_t i = 0; i < rules->items.size(); ++i) {
      const import::DocNode &item = rules->items[i];
      std::string key = fmt::format("rules[{}]", i);
      if (!import::expectObject(item, key, diags))
        continue;
      import::ObjectReader rr(item, key, diags);
      AllowlistRule rule;
      bool ok = true;
      if (const import::DocNode *effect = rr.get("effect")) {
        const std::string *e = import::expectString(*effect, key + ".effect", diags);
        if (e && *e == "allow")
          rule.effect = ir::Effect::Allow;
        else if (e && *e == "deny")
          rule.effect = ir::Effect::Deny;
        else {
          ok = false;
          if (e)
            diags.report(DiagKind::InvalidValue, effect->loc, key + ".effect",
                         "expected \"allow\" or \"deny\"");
        }
      } else {
        ok = false;
        diags.report(DiagKind::MissingKey, item.loc, "effect", key);
      }
      if (const import::DocNode *host = rr.get("host")) {
        if (const std::string *h = import::expectString(*host, key + ".host", diags)) {
          std::string why;
          if (auto pattern = net::parseHostPattern(*h, why))
            rule.host = std::move(*pattern);
          else {
            ok = false;
            diags.report(DiagKind::InvalidHost, host->loc, net::displayHost(*h), why);
          }
        } else {
          ok = false;
        }
      } else {
        ok = false;
        diags.report(DiagKind::MissingKey, item.loc, "host", key);
      }
      if (const import::DocNode *source = rr.get("source")) {
        if (const std::string *s = import::expectString(*source, key + ".source", diags))
          rule.source = *s;
        else
          ok = false;
      }
      if (!rr.finish())
        ok = false;
      if (ok)
        list.rules.push_back(std::move(rule));
    }
  }
  r.finish();
  if (diags.errorCount() != errorsBefore)
    return std::nullopt;
  return list;
}

} // namespace

std::optional<ProxyAllowlist> loadAllowlist(std::string_view text, std::string_view name,
                                            std::string &error) {
  SourceFiles files;
  DiagnosticEngine diags(files);
  if (text.size() > SourceFiles::kMaxFileBytes) {
    error = fmt::format("{}: larger than {} bytes", name, SourceFiles::kMaxFileBytes);
    return std::nullopt;
  }
  uint32_t buffer = files.addBuffer(std::string(name), std::string(text));
  std::optional<ProxyAllowlist> list;
  if (auto doc = import::readJson(buffer, diags))
    list = readAllowlist(*doc, diags);
  if (list && !diags.hasErrors())
    return list;
  // The first error in reading order names the problem; a caller that wants
  // all of them can re-run `moat build`.
  for (const Diagnostic &d : diags.sorted()) {
    if (d.severity != Severity::Error)
      continue;
    if (d.loc.valid())
      error = fmt::format("{}:{}:{}: {} [{}]", files.name(d.loc.buffer), d.loc.line, d.loc.col,
                          d.message, d.id);
    else
      error = fmt::format("{}: {} [{}]", name, d.message, d.id);
    return std::nullopt;
  }
  error = fmt::format("{}: not a proxy allowlist", name);
  return std::nullopt;
}

} // namespace moat::backends::proxy
