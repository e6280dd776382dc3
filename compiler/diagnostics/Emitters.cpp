#include "compiler/diagnostics/Emitters.h"

#include "compiler/diagnostics/Printable.h"

#include <algorithm>

#include <llvm/Support/JSON.h>

namespace moat {

namespace {
// clang's layout, drawn by hand so that every byte of user input we echo
// (the message and the source line) goes through printableText.
void emitOne(const SourceFiles &files, const Diagnostic &d, llvm::raw_ostream &os, bool color) {
  std::string msg = printableText(d.message) + " [" + d.id + "]";
  const char *label = severityName(d.severity);
  llvm::raw_ostream::Colors labelColor = d.severity == Severity::Error     ? llvm::raw_ostream::RED
                                         : d.severity == Severity::Warning ? llvm::raw_ostream::MAGENTA
                                                                           : llvm::raw_ostream::BLACK;
  if (color)
    os.changeColor(llvm::raw_ostream::SAVEDCOLOR, true);
  if (d.loc.valid())
    os << printableText(files.name(d.loc.buffer)) << ":" << d.loc.line << ":" << d.loc.col << ": ";
  else
    os << "moat: ";
  if (color)
    os.changeColor(labelColor, true);
  os << label << ": ";
  if (color)
    os.changeColor(llvm::raw_ostream::SAVEDCOLOR, true);
  os << msg << "\n";
  if (color)
    os.resetColor();
  if (!d.loc.valid())
    return;
  std::string_view line = files.lineText(d.loc);
  size_t caretByte = std::min<size_t>(d.loc.col > 0 ? d.loc.col - 1 : 0, line.size());
  os << printableText(line) << "\n";
  os.indent(displayWidth(printableText(line.substr(0, caretByte))));
  if (color)
    os.changeColor(llvm::raw_ostream::GREEN, true);
  os << "^\n";
  if (color)
    os.resetColor();
}

// JSON strings must be valid UTF-8; file names and echoed input need not be.
std::string jsonText(std::string_view s) {
  llvm::StringRef ref(s.data(), s.size());
  return llvm::json::isUTF8(ref) ? ref.str() : llvm::json::fixUTF8(ref);
}

llvm::json::Object toJson(const SourceFiles &files, const Diagnostic &d) {
  llvm::json::Object o{{"id", d.id},
                       {"severity", severityName(d.severity)},
                       {"message", jsonText(d.message)}};
  if (d.loc.valid()) {
    o["file"] = jsonText(files.name(d.loc.buffer));
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

namespace {
// Workflow-command escaping: data escapes %, CR and LF; properties also
// escape ':' and ','.
std::string githubEscape(std::string_view text, bool property) {
  std::string out;
  for (char c : printableText(text)) {
    switch (c) {
    case '%':
      out += "%25";
      break;
    case ':':
      out += property ? "%3A" : ":";
      break;
    case ',':
      out += property ? "%2C" : ",";
      break;
    default:
      out += c;
    }
  }
  return out;
}
} // namespace

void emitGithub(const DiagnosticEngine &diags, llvm::raw_ostream &os) {
  for (const Diagnostic &d : diags.sorted()) {
    os << "::" << (d.severity == Severity::Error ? "error" : d.severity == Severity::Warning ? "warning" : "notice");
    if (d.loc.valid())
      os << " file=" << githubEscape(diags.files().name(d.loc.buffer), true) << ",line=" << d.loc.line
         << ",col=" << d.loc.col << ",";
    else
      os << " ";
    os << "title=" << githubEscape("moat [" + d.id + "]", true) << "::" << githubEscape(d.message, false) << "\n";
  }
}

} // namespace moat
