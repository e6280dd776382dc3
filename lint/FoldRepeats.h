// Folds repeats of one pattern into one finding. A settings file that
// copies its denyRead list into `permissions` gets one duplicate-rule
// warning, not twenty; a rule that says the same thing about every item of
// one list (every socket of allowUnixSockets, every ssh host) says it once.
// The first finding stays, names the others ("; so are 2 more: 'a', 'b'",
// or "(and 19 more like it in this file)"), and carries them as notes at
// their own locations (the first five, then "and N more"), so SARIF keeps
// every location as a relatedLocation.
//
// Findings fold when three or more have the same id, severity and file and
// the same message once the quoted subjects are taken out: the same
// explanation about different subjects. Two such findings are shown as they
// are (they read fine side by side). A finding that already folds others (its message has
// "; so "), the settings findings (unknown-setting, misplaced-setting, ...:
// each names one key that needs its own fix) and exact repeats (the same location and message: one managed
// file checked under several policies) are left alone. `moat check` folds
// what it is about to show, after suppressions and baselines, so those
// still see (and can hide) each repeat.
#pragma once
#include "compiler/diagnostics/Diagnostics.h"

#include <string>
#include <string_view>
#include <vector>

namespace moat::lint {

std::vector<Diagnostic> foldRepeats(const std::vector<Diagnostic> &diags);

// The message with every '...' run replaced by '', the key findings fold by.
std::string messageTemplate(std::string_view message);

} // namespace moat::lint
