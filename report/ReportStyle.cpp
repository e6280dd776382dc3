#include "report/ReportStyle.h"

namespace moat::report {

// Readable at 1280px and narrower; no web fonts, no images, no external
// anything. Colours: allow green, deny red, ask amber; looser diff entries
// are the loudest thing on the page.
const char *reportStyle() {
  return R"css(
:root { --allow: #1a7f37; --allow-bg: #dafbe1; --deny: #b42318; --deny-bg: #ffe4e1; --ask: #9a6700;
  --ask-bg: #fff3c4; --line: #d0d7de; --muted: #57606a; --bg: #f6f8fa; --ink: #1f2328; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--ink);
  background: #fff; }
header { background: #24292f; color: #fff; padding: 18px 32px 12px; }
header h1 { margin: 0 0 8px; font-size: 22px; font-weight: 600; }
header dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0 0 10px; }
header dt { color: #8c959f; }
header dd { margin: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; }
nav a { color: #9ecbff; margin-right: 18px; text-decoration: none; }
nav .count { color: #fff; background: #57606a; border-radius: 9px; padding: 0 7px; font-size: 12px; margin-left: 4px; }
main { max-width: 1240px; margin: 0 auto; padding: 8px 24px 48px; }
section { margin-top: 28px; }
h2 { font-size: 19px; border-bottom: 1px solid var(--line); padding-bottom: 6px; }
h3 { font-size: 16px; }
p.lead { color: var(--muted); margin-top: -4px; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
code { background: var(--bg); padding: 1px 4px; border-radius: 4px; }
.badge { display: inline-block; min-width: 52px; text-align: center; border-radius: 10px; padding: 0 8px;
  font-size: 12px; font-weight: 600; white-space: nowrap; }
.badge.allow { color: var(--allow); background: var(--allow-bg); }
.badge.deny { color: var(--deny); background: var(--deny-bg); }
.badge.ask { color: var(--ask); background: var(--ask-bg); }
.layer { display: inline-block; border: 1px solid var(--line); border-radius: 4px; padding: 0 5px; font-size: 11.5px;
  color: var(--muted); }
.layer.managed { border-color: #8250df; color: #8250df; }
.layer.builtin { border-color: #0969da; color: #0969da; }
.loc { color: var(--muted); font-size: 12px; }
ul.tree, ul.tree ul { list-style: none; margin: 0; padding-left: 20px; }
ul.tree { padding-left: 0; }
ul.tree ul { border-left: 1px dotted #afb8c1; margin-left: 7px; }
li.node { margin: 2px 0; }
.row { display: grid; grid-template-columns: minmax(180px, 1fr) 350px 350px; gap: 10px; align-items: start;
  padding: 3px 6px; border-radius: 6px; }
.row:hover { background: var(--bg); }
.node.named > .row .name, .node.named > details > summary .name { font-weight: 600; }
.node.structural > .row .name, .node.structural > details > summary .name { color: var(--muted); }
.name { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; word-break: break-all; }
.root { color: #8250df; font-weight: 600; margin-left: 6px; font-size: 12px; }
.glob .name { color: #0969da; }
.example { display: block; color: var(--muted); font-size: 11.5px; }
.why { font-size: 12px; color: var(--muted); word-break: break-word; }
.why code { font-size: 12px; }
details > summary { cursor: pointer; }
details > summary::marker { color: #8c959f; }
li.node > details > summary { list-style-position: outside; }
/* The marker hangs outside: a directory's row is as wide as a leaf's, so the columns align. */
li.node > details > summary .row { display: inline-grid; width: 100%; vertical-align: top; }
details.more > summary { color: var(--muted); font-size: 12.5px; padding: 3px 6px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--bg); font-weight: 600; font-size: 12.5px; }
ol.findings { list-style: none; padding: 0; }
li.finding { border: 1px solid var(--line); border-left: 5px solid var(--line); border-radius: 6px; padding: 8px 12px;
  margin: 8px 0; }
li.finding.error { border-left-color: var(--deny); }
li.finding.warning { border-left-color: #d4a72c; }
li.finding.note { border-left-color: #0969da; }
li.finding.suppressed { opacity: .65; }
.sev { font-weight: 700; text-transform: uppercase; font-size: 11.5px; margin-right: 8px; }
.error .sev { color: var(--deny); } .warning .sev { color: var(--ask); } .note .sev { color: #0969da; }
.message { margin: 4px 0 0; white-space: pre-wrap; }
ul.notes { margin: 4px 0 0; padding-left: 18px; color: var(--muted); font-size: 12.5px; }
.docs details { border: 1px solid var(--line); border-radius: 6px; padding: 6px 14px; margin: 8px 0; }
.docs summary { font-weight: 600; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.docs pre { background: var(--bg); padding: 8px 12px; border-radius: 6px; overflow-x: auto; }
.docs pre code { background: none; padding: 0; }
.summary-counts { margin: 6px 0 0; }
tr.looser { background: #fff1f0; }
tr.looser td:first-child { border-left: 5px solid var(--deny); font-weight: 700; color: var(--deny); }
tr.tighter td:first-child { border-left: 5px solid var(--allow); color: var(--allow); }
.empty { color: var(--muted); font-style: italic; }
)css";
}

} // namespace moat::report
