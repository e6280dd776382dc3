// The text of a Seatbelt profile under construction, and the parts of it
// that do not depend on the filesystem rules: the header, the baseline every
// process needs, and the network section. Every string that reaches the text
// goes through SbplText.h; comments are sanitised so they always end at
// their own line's end.
#pragma once
#include "backends/Backend.h"
#include "backends/sbpl/Sbpl.h"

#include <set>
#include <string>
#include <vector>

namespace moat::backends::sbpl {

class Profile {
public:
  Profile(const ir::Policy &policy, const BuildOptions &options, const ProfileOptions &profileOptions,
          DiagnosticEngine &diags)
      : policy(policy), options(options), profileOptions(profileOptions), diags(diags) {}

  const ir::Policy &policy;
  const BuildOptions &options;
  const ProfileOptions &profileOptions;
  DiagnosticEngine &diags;
  std::set<std::string> params; // Seatbelt parameters the profile uses

  // A comment line opening a section (after a blank line).
  void section(const std::string &title);
  // `(allow|deny OPERATION FILTER...)`, with a trailing comment when
  // `comment` is not empty. Filters are already-written SBPL.
  void rule(ir::Effect effect, const char *operation, const std::vector<std::string> &filters,
            const std::string &comment);

  // "file:line:col" of a location.
  std::string locationText(SourceLoc loc) const;
  // Where a rule comes from, for its trailing comment.
  std::string provenance(const ir::FsRule &rule) const;
  std::string provenance(const ir::Provenance &prov) const;

  // What any process needs to start, plus what the policy's options ask
  // for (mach services, pseudo-terminals); reports what it will not allow.
  void baseline();
  // Outbound connections (only the proxy's loopback port: the launcher's,
  // else the policy's, else the default), local binding, unix sockets. False when an error was reported.
  bool network();

  // The finished profile: header (which names the parameters), then body.
  std::string text() const;
  // The sandbox-exec command line to run the profile with.
  std::string launchAdvice() const;

private:
  std::string body_;
};

} // namespace moat::backends::sbpl
