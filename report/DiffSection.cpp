#include "report/DiffSection.h"

namespace moat::report {

DiffSection buildDiffSection(const verify::DiffReportContext &ctx, const verify::PolicyDiff &diff,
                             std::string oldFile, std::string newFile) {
  DiffSection section;
  section.oldFile = std::move(oldFile);
  section.newFile = std::move(newFile);
  section.looser = diff.count(verify::Direction::Looser);
  section.tighter = diff.count(verify::Direction::Tighter);
  for (verify::Direction dir : {verify::Direction::Looser, verify::Direction::Tighter}) {
    for (const verify::DiffRegion &r : diff.regions) {
      if (r.direction != dir)
        continue;
      DiffEntry e;
      e.direction = verify::directionName(dir);
      e.access = verify::diffAccessName(r.access);
      e.subject = verify::witnessText(ctx, r);
      e.platform = r.platform == ir::Platform::Linux   ? "Linux"
                   : r.platform == ir::Platform::MacOS ? "macOS"
                                                       : "";
      e.before = verify::describeDecider(ctx, r.before, r.access, false);
      e.after = verify::describeDecider(ctx, r.after, r.access, true);
      section.entries.push_back(std::move(e));
    }
    for (const verify::OptionChange &c : diff.options)
      if (c.direction == dir)
        section.entries.push_back({verify::directionName(dir), "option", verify::optionLine(c), "", "", ""});
  }
  return section;
}

} // namespace moat::report
