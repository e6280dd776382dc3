#include "report/DocsMarkdown.h"

#include "report/HtmlText.h"

#include <algorithm>
#include <vector>

namespace moat::report {

namespace {

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string_view trimLeft(std::string_view s) {
  size_t i = s.find_first_not_of(" \t");
  return i == std::string_view::npos ? std::string_view() : s.substr(i);
}

class InlineRenderer {
public:
  explicit InlineRenderer(const std::set<std::string> &inPage) : inPage_(inPage) {}

  std::string render(std::string_view text) const {
    std::string out;
    bool bold = false;
    size_t i = 0;
    while (i < text.size()) {
      char c = text[i];
      if (c == '`') {
        size_t close = text.find('`', i + 1);
        if (close != std::string_view::npos) {
          out += "<code>" + escapeHtml(text.substr(i + 1, close - i - 1)) + "</code>";
          i = close + 1;
          continue;
        }
      }
      if (startsWith(text.substr(i), "**") && (bold || text.find("**", i + 2) != std::string_view::npos)) {
        out += bold ? "</strong>" : "<strong>";
        bold = !bold;
        i += 2;
        continue;
      }
      if (c == '[') {
        size_t mid = text.find("](", i);
        size_t close = mid == std::string_view::npos ? mid : text.find(')', mid);
        if (close != std::string_view::npos && text.substr(i + 1, mid - i - 1).find(']') == std::string_view::npos) {
          out += link(text.substr(i + 1, mid - i - 1), text.substr(mid + 2, close - mid - 2));
          i = close + 1;
          continue;
        }
      }
      out += escapeHtml(text.substr(i, 1));
      ++i;
    }
    if (bold)
      out += "</strong>";
    return out;
  }

private:
  std::string link(std::string_view label, std::string_view target) const {
    std::string inner = render(label);
    // "write-path-dir.md" or "../rules/write-path-dir.md#section"
    std::string_view file = target.substr(0, target.find('#'));
    file = file.substr(file.rfind('/') == std::string_view::npos ? 0 : file.rfind('/') + 1);
    if (file.size() > 3 && file.substr(file.size() - 3) == ".md") {
      std::string id(file.substr(0, file.size() - 3));
      if (inPage_.count(id))
        return "<a href=\"#rule-" + anchorId(id) + "\">" + inner + "</a>";
    }
    return inner;
  }

  const std::set<std::string> &inPage_;
};

// A list item's marker: "* ", "- " or "12. "; 0 when the line is none.
size_t listMarker(std::string_view line, bool &ordered) {
  std::string_view t = trimLeft(line);
  size_t indent = line.size() - t.size();
  if (startsWith(t, "* ") || startsWith(t, "- ")) {
    ordered = false;
    return indent + 2;
  }
  size_t digits = 0;
  while (digits < t.size() && t[digits] >= '0' && t[digits] <= '9')
    ++digits;
  if (digits > 0 && startsWith(t.substr(digits), ". ")) {
    ordered = true;
    return indent + digits + 2;
  }
  return 0;
}

class BlockRenderer {
public:
  BlockRenderer(std::string_view markdown, const std::set<std::string> &inPage) : inline_(inPage) {
    while (!markdown.empty()) {
      size_t nl = markdown.find('\n');
      lines_.push_back(markdown.substr(0, nl));
      markdown = nl == std::string_view::npos ? std::string_view() : markdown.substr(nl + 1);
    }
  }

  std::string render() {
    while (at_ < lines_.size()) {
      std::string_view line = lines_[at_];
      bool ordered = false;
      if (trimLeft(line).empty() || startsWith(line, "<!--"))
        ++at_;
      else if (startsWith(line, "```"))
        fence();
      else if (startsWith(line, "#"))
        heading(line);
      else if (startsWith(line, "|"))
        table();
      else if (listMarker(line, ordered))
        list(ordered);
      else
        paragraph();
    }
    return out_;
  }

private:
  bool endsParagraph(std::string_view line) const {
    bool ordered = false;
    return trimLeft(line).empty() || startsWith(line, "```") || startsWith(line, "#") || startsWith(line, "|") ||
           listMarker(line, ordered) != 0;
  }

  void fence() {
    ++at_;
    std::string code;
    while (at_ < lines_.size() && !startsWith(lines_[at_], "```"))
      code += escapeHtml(lines_[at_++]) + "\n";
    ++at_; // the closing fence
    out_ += "<pre><code>" + code + "</code></pre>\n";
  }

  void heading(std::string_view line) {
    size_t level = line.find_first_not_of('#');
    std::string tag = "h" + std::to_string(std::min<size_t>(level + 2, 6));
    out_ += "<" + tag + ">" + inline_.render(trimLeft(line.substr(level))) + "</" + tag + ">\n";
    ++at_;
  }

  void table() {
    std::string text;
    while (at_ < lines_.size() && startsWith(lines_[at_], "|"))
      text += escapeHtml(lines_[at_++]) + "\n";
    out_ += "<pre class=\"md-table\">" + text + "</pre>\n";
  }

  void list(bool ordered) {
    out_ += ordered ? "<ol>\n" : "<ul>\n";
    bool itemOrdered = ordered;
    size_t marker;
    while (at_ < lines_.size() && (marker = listMarker(lines_[at_], itemOrdered)) && itemOrdered == ordered) {
      std::string text(lines_[at_++].substr(marker));
      // Continuation lines: anything up to a blank line or the next item.
      bool o = false;
      while (at_ < lines_.size() && !trimLeft(lines_[at_]).empty() && !listMarker(lines_[at_], o) &&
             !startsWith(lines_[at_], "```"))
        text += " " + std::string(trimLeft(lines_[at_++]));
      out_ += "<li>" + inline_.render(text) + "</li>\n";
      // A blank line between items keeps the list going.
      if (at_ + 1 < lines_.size() && trimLeft(lines_[at_]).empty() && listMarker(lines_[at_ + 1], o) && o == ordered)
        ++at_;
    }
    out_ += ordered ? "</ol>\n" : "</ul>\n";
  }

  void paragraph() {
    std::string text(lines_[at_++]);
    while (at_ < lines_.size() && !endsParagraph(lines_[at_]))
      text += " " + std::string(trimLeft(lines_[at_++]));
    out_ += "<p>" + inline_.render(text) + "</p>\n";
  }

  InlineRenderer inline_;
  std::vector<std::string_view> lines_;
  size_t at_ = 0;
  std::string out_;
};

} // namespace

std::string markdownToHtml(std::string_view markdown, const std::set<std::string> &inPage) {
  return BlockRenderer(markdown, inPage).render();
}

} // namespace moat::report
