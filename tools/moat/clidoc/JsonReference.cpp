// The reference as JSON: what the docs tests compare docs/ against.
#include "tools/moat/clidoc/CliReference.h"

#include <llvm/Support/JSON.h>

namespace moat::clidoc {
namespace {

const char *completionName(Completion c) {
  switch (c) {
  case Completion::None:
    return "none";
  case Completion::Files:
    return "files";
  case Completion::Choices:
    return "choices";
  }
  return "none";
}

void writeChoices(llvm::json::OStream &j, const std::vector<Choice> &choices) {
  j.attributeArray("choices", [&] {
    for (const Choice &c : choices)
      j.object([&] {
        j.attribute("name", c.name);
        j.attribute("help", c.help);
      });
  });
}

void writeFlags(llvm::json::OStream &j, const char *key, const std::vector<Flag> &flags) {
  j.attributeArray(key, [&] {
    for (const Flag &f : flags)
      j.object([&] {
        j.attribute("spelling", f.spelling);
        j.attribute("value", f.valueName);
        j.attribute("help", f.help);
        writeChoices(j, f.choices);
        j.attribute("completion", completionName(f.completion));
        j.attribute("repeatable", f.repeatable);
        j.attribute("required", f.required);
      });
  });
}

void writeProse(llvm::json::OStream &j, const std::vector<Paragraph> &paragraphs) {
  for (const Paragraph &p : paragraphs)
    j.object([&] {
      j.attribute("tag", p.tag);
      j.attribute("text", p.text);
    });
}

} // namespace

void renderJson(const CliReference &ref, llvm::raw_ostream &os) {
  llvm::json::OStream j(os, 2);
  j.object([&] {
    j.attribute("program", ref.program);
    j.attribute("version", ref.version);
    j.attribute("summary", ref.summary);
    writeFlags(j, "options", ref.globalFlags);
    j.attributeArray("subcommands", [&] {
      for (const Subcommand &s : ref.subcommands)
        j.object([&] {
          j.attribute("name", s.name);
          j.attribute("description", s.description);
          j.attribute("usage", usageLine(ref, s));
          writeFlags(j, "options", s.flags);
          j.attributeArray("positionals", [&] {
            for (const Positional &p : s.positionals)
              j.object([&] {
                j.attribute("name", p.name);
                writeChoices(j, p.choices);
                j.attribute("completion", completionName(p.completion));
                j.attribute("required", p.required);
              });
          });
          j.attribute("trailing", s.trailing);
        });
    });
    j.attributeArray("description", [&] { writeProse(j, ref.description); });
    j.attributeArray("sections", [&] {
      for (const ProseSection &s : ref.sections)
        j.object([&] {
          j.attribute("title", s.title);
          j.attributeArray("paragraphs", [&] { writeProse(j, s.paragraphs); });
        });
    });
  });
  os << "\n";
}

} // namespace moat::clidoc
