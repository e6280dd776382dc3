#include "report/ReportHtml.h"

#include "report/DocsMarkdown.h"
#include "report/HtmlText.h"
#include "report/ReportStyle.h"

#include <set>

namespace moat::report {

namespace {

// Nothing may be fetched: no scripts, images, fonts, frames or
// connections; only the inline stylesheet applies.
constexpr const char *kContentSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'";

std::string e(std::string_view s) { return escapeHtml(s); }

std::string plural(size_t n, const char *one, const char *many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

class Page {
public:
  Page(const Report &r) : r_(r) {
    for (const RuleDoc &d : r.docs)
      documented_.insert(d.id);
  }

  std::string render() {
    out_ += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    out_ += "<meta http-equiv=\"Content-Security-Policy\" content=\"" + std::string(kContentSecurityPolicy) + "\">\n";
    out_ += "<meta name=\"referrer\" content=\"no-referrer\">\n";
    out_ += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out_ += "<title>moat report: " + e(r_.title) + "</title>\n";
    out_ += "<style>" + std::string(reportStyle()) + "</style>\n</head>\n<body>\n";
    header();
    out_ += "<main>\n";
    if (r_.diff)
      diff(*r_.diff);
    fsTree();
    network();
    options();
    findings();
    docs();
    out_ += "</main>\n</body>\n</html>\n";
    return std::move(out_);
  }

private:
  void header() {
    out_ += "<header id=\"summary\">\n<h1>moat report: <span class=\"title\">" + e(r_.title) + "</span></h1>\n<dl>\n";
    for (const auto &[layer, file] : r_.inputs)
      out_ += "<dt>" + e(layer) + " layer</dt><dd>" + e(file) + "</dd>\n";
    out_ += "<dt>semantics</dt><dd>" + e(r_.runtime) + ", decided on " + e(r_.platform) + "</dd>\n";
    std::string roots;
    for (const auto &[name, path] : r_.roots)
      roots += (roots.empty() ? "" : ", ") + e(name) + " = " + e(path);
    out_ += "<dt>roots</dt><dd>" + roots + "</dd>\n</dl>\n<nav>";
    if (r_.diff)
      out_ += "<a href=\"#diff\">Diff<span class=\"count\">" + std::to_string(r_.diff->looser) + " looser</span></a>";
    out_ += "<a href=\"#fs-tree\">Filesystem</a><a href=\"#network\">Network<span class=\"count\">" +
            std::to_string(r_.network.rules.size()) + "</span></a>";
    if (!r_.options.empty())
      out_ += "<a href=\"#options\">Options<span class=\"count\">" + std::to_string(r_.options.size()) + "</span></a>";
    out_ += "<a href=\"#findings\">Findings<span class=\"count\">" + std::to_string(shownFindings()) + "</span></a>";
    if (!r_.docs.empty())
      out_ += "<a href=\"#rule-docs\">Rule docs</a>";
    out_ += "</nav>\n</header>\n";
  }

  size_t shownFindings() const {
    size_t n = 0;
    for (const Finding &f : r_.findings)
      n += !f.suppressed;
    return n;
  }

  static std::string badge(const std::string &effect, const std::string &text) {
    return "<span class=\"badge " + e(effect) + "\">" + e(text) + "</span>";
  }

  static std::string layerTag(const std::string &layer) {
    return "<span class=\"layer " + e(layer) + "\">" + e(layer) + "</span>";
  }

  // "<code>deny read "~/.ssh"</code> a.moat:3:5 [project]"
  static std::string why(const Verdict &v) {
    std::string s = "<code>" + e(v.rule) + "</code>";
    if (!v.location.empty())
      s += " <span class=\"loc\">" + e(v.location) + "</span>";
    if (!v.layer.empty())
      s += " " + layerTag(v.layer);
    if (!v.origin.empty())
      s += " <span class=\"loc\">(" + e(v.origin) + ")</span>";
    return s;
  }

  static std::string access(const char *name, const Verdict &v) {
    if (v.effect.empty())
      return "<div class=\"access\"><span class=\"empty\">no example path</span></div>";
    return "<div class=\"access " + std::string(name) + "\">" + badge(v.effect, std::string(name) + " " + v.effect) +
           " <span class=\"why\">" + why(v) + "</span></div>";
  }

  // ---- diff ----
  void diff(const DiffSection &d) {
    out_ += "<section id=\"diff\">\n<h2>What changed</h2>\n";
    out_ += "<p class=\"lead\">From <code>" + e(d.oldFile) + "</code> to <code>" + e(d.newFile) + "</code>: " +
            std::to_string(d.looser) + " looser, " + std::to_string(d.tighter) +
            " tighter (what <code>moat diff</code> reports; each line is one region of accesses, shown by one "
            "example).</p>\n";
    if (d.entries.empty()) {
      out_ += "<p class=\"empty\">No access is decided differently.</p>\n</section>\n";
      return;
    }
    out_ += "<table>\n<thead><tr><th>Change</th><th>Access</th><th>Example</th><th>Was</th><th>Now</th></tr></thead>"
            "\n<tbody>\n";
    for (const DiffEntry &x : d.entries) {
      std::string subject = e(x.subject) + (x.platform.empty() ? "" : " <span class=\"loc\">(on " + e(x.platform) + ")</span>");
      out_ += "<tr class=\"" + e(x.direction) + "\" data-access=\"" + e(x.access) + "\"><td>" + e(x.direction) +
              "</td><td>" + e(x.access) + "</td><td class=\"mono\">" + subject + "</td><td>" + codeSpansToHtml(x.before) +
              "</td><td>" + codeSpansToHtml(x.after) + "</td></tr>\n";
    }
    out_ += "</tbody>\n</table>\n</section>\n";
  }

  // ---- filesystem ----
  void fsTree() {
    out_ += "<section id=\"fs-tree\">\n<h2>Filesystem</h2>\n";
    out_ += "<p class=\"lead\">Every path a rule names, built-in protections included, with the read and write "
            "decision of the reference evaluator (what <code>moat query</code> answers) and the rule that decides "
            "it. A glob is decided at an example path it matches. Paths only built-in protections name are folded "
            "away.</p>\n<ul class=\"tree\">\n";
    node(r_.fsRoot, 0);
    out_ += "</ul>\n</section>\n";
  }

  void node(const FsNode &n, int depth) {
    std::string cls = "node ";
    cls += n.named ? "named" : "structural";
    if (!n.glob.empty())
      cls += " glob";
    if (n.builtinOnly)
      cls += " builtin";
    out_ += "<li class=\"" + cls + "\" data-path=\"" + e(n.glob.empty() ? n.path : n.glob) + "\" data-read=\"" +
            e(n.read.effect) + "\" data-write=\"" + e(n.write.effect) + "\">";
    std::string row = "<div class=\"row\"><div><span class=\"name\" title=\"" + e(n.glob.empty() ? n.shown : n.glob) +
                      "\">" + e(n.label) + "</span>";
    if (!n.rootName.empty())
      row += "<span class=\"root\">" + e(n.rootName) + "</span>";
    if (!n.glob.empty())
      row += "<span class=\"example\">" + (n.path.empty() ? std::string("no example path") : "e.g. " + e(n.shown)) +
             "</span>";
    row += "</div>" + access("read", n.read) + access("write", n.write) + "</div>";
    if (n.children.empty()) {
      out_ += row + "</li>\n";
      return;
    }
    bool open = depth == 0 || !n.builtinOnly;
    out_ += std::string("<details") + (open ? " open" : "") + "><summary>" + row + "</summary>\n<ul>\n";
    std::vector<const FsNode *> folded;
    for (const FsNode &c : n.children) {
      if (c.builtinOnly && !n.builtinOnly)
        folded.push_back(&c);
      else
        node(c, depth + 1);
    }
    if (!folded.empty()) {
      out_ += "<li class=\"more\"><details class=\"more\"><summary>" +
              plural(folded.size(), "more path", "more paths") + " only built-in protections name</summary>\n<ul>\n";
      for (const FsNode *c : folded)
        node(*c, depth + 1);
      out_ += "</ul></details></li>\n";
    }
    out_ += "</ul></details></li>\n";
  }

  // ---- network ----
  void network() {
    const NetworkSection &n = r_.network;
    out_ += "<section id=\"network\">\n<h2>Network</h2>\n";
    out_ += "<p class=\"lead\">Each connect rule, an endpoint it covers, and what decides that endpoint (a deny "
            "anywhere beats every allow). Everything no rule covers: " +
            badge(n.fallback.effect, n.fallback.effect) + " <span class=\"why\" id=\"net-default\">" + why(n.fallback) +
            "</span></p>\n";
    if (n.rules.empty()) {
      out_ += "<p class=\"empty\">No connect rules.</p>\n";
    } else {
      out_ += "<table id=\"net-rules\">\n<thead><tr><th>Rule</th><th>Layer</th><th>Where</th><th>Example</th>"
              "<th>Decided there</th></tr></thead>\n<tbody>\n";
      for (const NetEntry &r : n.rules) {
        std::string decided = r.example.empty()
                                  ? std::string("<span class=\"empty\">no endpoint</span>")
                                  : badge(r.atExample.effect, r.atExample.effect) +
                                        (r.atExample.rule == r.rule && r.atExample.location == r.location
                                             ? std::string(" <span class=\"why\">by this rule</span>")
                                             : " <span class=\"why\">" + why(r.atExample) + "</span>");
        out_ += "<tr class=\"" + e(r.effect) + "\"><td><code>" + e(r.rule) + "</code>" +
                (r.platform.empty() ? "" : " <span class=\"loc\">(on " + e(r.platform) + ")</span>") + "</td><td>" +
                layerTag(r.layer) + "</td><td class=\"loc\">" + e(r.location) + "</td><td class=\"mono\">" +
                e(r.example) + "</td><td>" + decided + "</td></tr>\n";
      }
      out_ += "</tbody>\n</table>\n";
    }
    gitRemotes(n.git);
    out_ += "<h3 id=\"unix-sockets\">Unix sockets</h3>\n";
    if (n.allSockets)
      out_ += "<p>" + badge("allow", "allow") + " every unix socket (<code>allow-all-unix-sockets</code>)</p>\n";
    if (n.sockets.empty() && !n.allSockets)
      out_ += "<p class=\"empty\">No unix-socket rules: the process may connect to none.</p>\n";
    for (const SocketEntry &s : n.sockets)
      out_ += "<p>" + badge(s.effect, s.effect) + " <code>" + e(s.rule) + "</code> <span class=\"loc\">" +
              e(s.location) + "</span> " + layerTag(s.layer) + "</p>\n";
    out_ += "</section>\n";
  }

  // The git blocks: only `moat run`'s git proxy enforces them, with a
  // token the sandbox never holds; the connect rules above do not apply to
  // that traffic.
  void gitRemotes(const std::vector<GitEntry> &git) {
    if (git.empty())
      return;
    out_ += "<h3 id=\"git\">Git remotes</h3>\n<p class=\"lead\">What <code>moat run</code>'s git proxy lets the "
            "sandbox's git do, with a token the sandbox never holds (other tools do not enforce git blocks).</p>\n"
            "<table id=\"git-remotes\">\n<thead><tr><th>Remote</th><th>Layer</th><th>Where</th><th>Fetch</th>"
            "<th>Push</th><th>Token</th></tr></thead>\n<tbody>\n";
    for (const GitEntry &g : git) {
      std::string push;
      for (const auto &[pattern, location] : g.push)
        push += "<div><code>" + e(pattern) + "</code> <span class=\"loc\">" + e(location) + "</span></div>";
      if (push.empty())
        push = badge("deny", "no push");
      else if (g.allowDelete || g.allowForcePush)
        push += std::string("<div>") + (g.allowDelete ? "<code>allow delete</code>" : "") +
                (g.allowDelete && g.allowForcePush ? " " : "") +
                (g.allowForcePush ? "<code>allow force-push</code>" : "") + "</div>";
      out_ += "<tr><td><code>" + e(g.remote) + "</code></td><td>" + layerTag(g.layer) + "</td><td class=\"loc\">" +
              e(g.location) + "</td><td>" + (g.fetch ? badge("allow", "fetch") : badge("deny", "no fetch")) +
              "</td><td>" + push + "</td><td>" +
              (g.token.empty() ? std::string("<span class=\"empty\">none</span>") : "<code>" + e(g.token) + "</code>") +
              "</td></tr>\n";
    }
    out_ += "</tbody>\n</table>\n";
  }

  void options() {
    if (r_.options.empty())
      return;
    out_ += "<section id=\"options\">\n<h2>Options</h2>\n<table>\n<tbody>\n";
    for (const auto &[text, location] : r_.options)
      out_ += "<tr><td><code>" + e(text) + "</code></td><td class=\"loc\">" + e(location) + "</td></tr>\n";
    out_ += "</tbody>\n</table>\n</section>\n";
  }

  // ---- findings ----
  void findings() {
    size_t counts[3] = {0, 0, 0}, suppressed = 0;
    for (const Finding &f : r_.findings) {
      if (f.suppressed)
        ++suppressed;
      else
        ++counts[f.severity == "error" ? 0 : f.severity == "warning" ? 1 : 2];
    }
    out_ += "<section id=\"findings\">\n<h2>Findings</h2>\n<p class=\"lead\">What <code>moat check</code> reports: " +
            plural(counts[0], "error", "errors") + ", " + plural(counts[1], "warning", "warnings") + ", " +
            plural(counts[2], "note", "notes") + (suppressed ? " (" + std::to_string(suppressed) + " suppressed)" : "") +
            ".</p>\n";
    if (r_.findings.empty()) {
      out_ += "<p class=\"empty\">No findings.</p>\n</section>\n";
      return;
    }
    out_ += "<ol class=\"findings\">\n";
    for (const Finding &f : r_.findings) {
      out_ += "<li class=\"finding " + e(f.severity) + (f.suppressed ? " suppressed" : "") + "\" data-rule=\"" +
              e(f.id) + "\"><span class=\"sev\">" + e(f.severity) + (f.suppressed ? " (suppressed)" : "") +
              "</span>";
      if (documented_.count(f.id))
        out_ += "<a href=\"#rule-" + anchorId(f.id) + "\"><code>" + e(f.id) + "</code></a>";
      else
        out_ += "<code>" + e(f.id) + "</code>";
      out_ += " <span class=\"loc\">" + e(f.location) + "</span>";
      out_ += "<p class=\"message\">" + e(f.message) + "</p>";
      if (f.suppressed && !f.justification.empty())
        out_ += "<p class=\"loc\">suppressed: " + e(f.justification) + "</p>";
      if (!f.notes.empty()) {
        out_ += "<ul class=\"notes\">";
        for (const FindingNote &n : f.notes)
          out_ += "<li><span class=\"loc\">" + e(n.location) + "</span> " + e(n.message) + "</li>";
        out_ += "</ul>";
      }
      out_ += "</li>\n";
    }
    out_ += "</ol>\n</section>\n";
  }

  void docs() {
    if (r_.docs.empty())
      return;
    out_ += "<section id=\"rule-docs\" class=\"docs\">\n<h2>Rule docs</h2>\n";
    for (const RuleDoc &d : r_.docs)
      out_ += "<details open id=\"rule-" + anchorId(d.id) + "\"><summary>" + e(d.id) + "</summary>\n" +
              markdownToHtml(d.markdown, documented_) + "</details>\n";
    out_ += "</section>\n";
  }

  const Report &r_;
  std::set<std::string> documented_;
  std::string out_;
};

} // namespace

std::string renderHtml(const Report &report) { return Page(report).render(); }

} // namespace moat::report
