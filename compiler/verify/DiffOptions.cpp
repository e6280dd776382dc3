// Option changes for `moat diff`. Every option in Options.def has a
// direction here: the switches list every option without a default case, so
// a new option does not compile silently (-Wswitch) until someone decides
// which way it loosens.
#include "compiler/verify/Diff.h"

#include <algorithm>
#include <set>
#include <string>

namespace moat::verify {

namespace {

// How a change of the option's value moves the policy.
enum class Sense {
  TrueLoosens,    // bool: setting it opens something up
  TrueTightens,   // bool: setting it closes something
  AddingLoosens,  // list: each added element opens something up
  HigherTightens, // number: a larger value is stricter
  SetLoosens,     // number: a proxy port: any other proxy than moat's own is looser
  TextSetLoosens, // string: a helper program or key file: any change is looser
  AddingTightens, // list: each added element closes something
};

Sense senseOf(ir::OptionId id) {
  switch (id) {
  case ir::OptionId::WeakerNestedSandbox:
  case ir::OptionId::WeakerNetworkIsolation:
  case ir::OptionId::AllowLocalBinding:
  case ir::OptionId::AllowAllUnixSockets:
  case ir::OptionId::AllowGitConfig:
  case ir::OptionId::AllowAppleEvents:
  case ir::OptionId::AllowPty:
  case ir::OptionId::SandboxDisabled:
  case ir::OptionId::FilesystemDisabled:
  case ir::OptionId::AutoAllowBashIfSandboxed:
  case ir::OptionId::AllowUnsandboxedCommands:
    return Sense::TrueLoosens;
  case ir::OptionId::StrictAllowlist:
  case ir::OptionId::FailIfUnavailable:
  case ir::OptionId::LockNetwork:
  case ir::OptionId::LockFilesystemRead:
    return Sense::TrueTightens;
  case ir::OptionId::AllowMachLookup:
  case ir::OptionId::ExcludedCommands:
    return Sense::AddingLoosens;
  case ir::OptionId::MandatoryDenySearchDepth:
    return Sense::HigherTightens;
  case ir::OptionId::HttpProxyPort:
  case ir::OptionId::SocksProxyPort:
    return Sense::SetLoosens;
  // srt keys (SrtSections / SrtSwitches / SrtCredentials).
  case ir::OptionId::AllowNestedUserNamespaces:
  case ir::OptionId::TlsTerminate:
  case ir::OptionId::MitmProxy:
  case ir::OptionId::ParentProxy:
  case ir::OptionId::CredentialPlaintextInject:
    return Sense::TrueLoosens;
  case ir::OptionId::RefuseOpaqueTunnels:
  case ir::OptionId::RequireHostMatch:
    return Sense::TrueTightens;
  case ir::OptionId::GitSafeDirectories:
    return Sense::AddingLoosens;
  case ir::OptionId::CredentialEnvVars:
    return Sense::AddingTightens;
  case ir::OptionId::TlsCaKeyPath:
  case ir::OptionId::CustomSeccomp:
  case ir::OptionId::BwrapPath:
  case ir::OptionId::SocatPath:
  case ir::OptionId::RipgrepCommand:
    return Sense::TextSetLoosens;
  // Claude keys (ClaudeImporter.cpp).
  case ir::OptionId::HookCommands:
  case ir::OptionId::HelperCommands:
  case ir::OptionId::EnabledPlugins:
  case ir::OptionId::ExtraKnownMarketplaces:
    return Sense::AddingLoosens;
  case ir::OptionId::ApiKeyHelper:
  case ir::OptionId::StatusLineCommand:
  case ir::OptionId::DefaultMode:
    return Sense::TextSetLoosens;
  case ir::OptionId::AllowManagedHooksOnly:
  case ir::OptionId::AllowManagedPermissionRulesOnly:
  case ir::OptionId::DisableBypassPermissionsMode:
  case ir::OptionId::DisableAutoMode:
  case ir::OptionId::BlockReadsOutsideWorkingDirectories:
    return Sense::TrueTightens;
  case ir::OptionId::EnabledPlatforms: // each platform added is one more the sandbox covers
    return Sense::AddingTightens;
  case ir::OptionId::Count:
    break;
  }
  return Sense::SetLoosens; // unreachable; the strictest reading of a change
}

// The value an unset number option has in effect. srt scans for protected
// files to depth 3 unless told otherwise; a proxy port of 0 means moat's own.
int64_t effectiveNumber(const ir::Options &o, ir::OptionId id) {
  if (!o.get(id))
    return id == ir::OptionId::MandatoryDenySearchDepth ? 3 : 0;
  return o.number(id);
}

std::string numberText(const ir::Options &o, ir::OptionId id) {
  return o.get(id) ? std::to_string(o.number(id)) : "unset";
}

} // namespace

std::vector<OptionChange> diffOptions(const ir::Options &before, const ir::Options &after) {
  std::vector<OptionChange> out;
  for (size_t k = 0; k < static_cast<size_t>(ir::OptionId::Count); ++k) {
    auto id = static_cast<ir::OptionId>(k);
    Sense sense = senseOf(id);
    switch (sense) {
    case Sense::TrueLoosens:
    case Sense::TrueTightens: {
      bool a = before.flag(id), b = after.flag(id);
      if (a == b)
        break;
      OptionChange c;
      c.option = id;
      c.before = a ? "true" : "false";
      c.after = b ? "true" : "false";
      c.direction = (b == (sense == Sense::TrueLoosens)) ? Direction::Looser : Direction::Tighter;
      out.push_back(std::move(c));
      break;
    }
    case Sense::HigherTightens:
    case Sense::SetLoosens: {
      int64_t a = effectiveNumber(before, id), b = effectiveNumber(after, id);
      if (a == b)
        break;
      OptionChange c;
      c.option = id;
      c.before = numberText(before, id);
      c.after = numberText(after, id);
      if (sense == Sense::HigherTightens)
        c.direction = b > a ? Direction::Tighter : Direction::Looser;
      else
        c.direction = b != 0 ? Direction::Looser : Direction::Tighter;
      out.push_back(std::move(c));
      break;
    }
    case Sense::AddingLoosens:
    case Sense::AddingTightens: {
      bool addingLoosens = sense == Sense::AddingLoosens;
      std::vector<std::string> a = before.list(id), b = after.list(id);
      std::set<std::string> sa(a.begin(), a.end()), sb(b.begin(), b.end());
      for (const std::string &e : sb)
        if (!sa.count(e))
          out.push_back(OptionChange{id, addingLoosens ? Direction::Looser : Direction::Tighter,
                                     true, "", "", e, true});
      for (const std::string &e : sa)
        if (!sb.count(e))
          out.push_back(OptionChange{id, addingLoosens ? Direction::Tighter : Direction::Looser,
                                     true, "", "", e, false});
      break;
    }
    case Sense::TextSetLoosens: {
      auto text = [&](const ir::Options &o) -> std::string {
        const auto &v = o.get(id);
        const std::string *s = v ? std::get_if<std::string>(&v->value) : nullptr;
        return s ? *s : std::string();
      };
      std::string a = text(before), b = text(after);
      if (a == b)
        break;
      OptionChange c;
      c.option = id;
      c.before = a.empty() ? "unset" : a;
      c.after = b.empty() ? "unset" : b;
      c.direction = b.empty() ? Direction::Tighter : Direction::Looser;
      out.push_back(std::move(c));
      break;
    }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const OptionChange &x, const OptionChange &y) {
    return x.direction < y.direction;
  });
  return out;
}

} // namespace moat::verify
