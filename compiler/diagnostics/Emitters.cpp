#include "compiler/diagnostics/Emitters.h"

#include <llvm/Support/JSON.h>

namespace moat {

namespace {
llvm::SourceMgr::DiagKind toLlvm(Severity s) {
  switch (s) {
  case Severity::Note:
    return llvm::SourceMgr::DK_Note;
  case Severity::Warning:
    return llvm::SourceMgr::DK_Warning;
  case Severity::Error:
    return llvm::SourceMgr::DK_Error;
  }
  return llvm::SourceMgr::DK_Error;
}

// Messages echo user input (paths, hosts); control characters in them must
// not break the one-line format or reach the terminal.
std::string printable(const std::string &message) {
  std::string out;
  for (unsigned char c : message) {
    if (c < 0x20 || c == 0x7f)
      out += llvm::formatv("\\x{0:x-2}", unsigned(c)).str();
    else
      out += static_cast<char>(c);
  }
  return out;
}

void emitOne(const SourceFiles &files, const Diagnostic &d, llvm::raw_ostream &os, bool color) {
  std::string msg = printable(d.message) + " [" + d.id + "]";
  llvm::SMLoc sm = files.toSMLoc(d.loc);
  if (sm.isValid()) {
    files.mgr().PrintMessage(os, sm, toLlvm(d.severity), msg, {}, {}, color);
  } else {
    llvm::SMDiagnostic plain("moat", toLlvm(d.severity), msg);
    plain.print(nullptr, os, color, /*ShowKindLabel=*/true);
  }
}

llvm::json::Object toJson(const SourceFiles &files, const Diagnostic &d) {
  llvm::json::Object o{{"id", d.id},
                       {"severity", severityName(d.severity)},
                       {"message", d.message}};
  if (d.loc.valid()) {
    o["file"] = std::string(files.name(d.loc.buffer));
    o["line"] = static_cast<int64_t>(d.loc.line);
    o["column"] = static_cast<int64_t>(d.loc.col);
  }
  if (!d.notes.empty()) {
    llvm::json::Array notes;
    for (const Diagnostic &n : d.notes)
      notes.push_back(toJson(files, n));
    o["notes"] = std::move(notes);
  }
  return o;
}
} // namespace

void emitText(const SourceFiles &files, const Diagnostic &d, llvm::raw_ostream &os, bool color) {
  emitOne(files, d, os, color);
  for (const Diagnostic &n : d.notes)
    emitOne(files, n, os, color);
}

void emitText(const DiagnosticEngine &diags, llvm::raw_ostream &os, bool color) {
  for (const Diagnostic &d : diags.sorted())
    emitText(diags.files(), d, os, color);
}

void emitJson(const DiagnosticEngine &diags, llvm::raw_ostream &os) {
  const SourceFiles &files = diags.files();
  llvm::json::Array arr;
  for (const Diagnostic &d : diags.sorted())
    arr.push_back(toJson(files, d));
  os << llvm::formatv("{0:2}", llvm::json::Value(llvm::json::Object{{"diagnostics", std::move(arr)}}))
     << "\n";
}

} // namespace moat
