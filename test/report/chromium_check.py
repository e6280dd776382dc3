#!/usr/bin/env python3
"""Renders a `moat report` page in headless Chromium and checks, for real:

  1. the page renders: a 1280x2000 screenshot that is not blank and shows the
     header and the allow/deny badges in their colours;
  2. the parsed DOM (--dump-dom) has the sections and elements tests rely on,
     and no element a policy string could have smuggled in (<script>, <img>);
  3. the page fetches nothing: Chromium runs in a fresh, empty network
     namespace (`unshare -n`) with --log-net-log, and the net log must hold no
     request made for the page. The page is checked as written and with its
     Content-Security-Policy removed (so the check does not rest on the CSP),
     and a control page with <img src="http://127.0.0.1:9/x.png"> must be
     caught by the same check, so the check can fail.

Usage: chromium_check.py --moat MOAT --scratch DIR POLICY [NEW-POLICY]
Exit 0: all good; 1: a check failed. Without chromium, the test is skipped
(lit: REQUIRES: chromium) unless CI=true, where it fails.
"""
import argparse
import html.parser
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib

TIMEOUT = 90  # seconds per Chromium run (a cold start on a busy CI box takes ~5 s)

# Chromium's own background traffic (component updater, network time) is
# switched off where a flag exists; what remains is started by the browser,
# not by a page: its URL requests have no initiating origin. Every request a
# page makes carries the page's origin as initiator ("null" for file://).
BROWSER_INITIATOR = "not an origin"

CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
    "--disable-default-apps", "--disable-breakpad", "--metrics-recording-only", "--no-pings",
    "--hide-scrollbars", "--force-device-scale-factor=1",
]


def fail(message):
    sys.stderr.write("chromium_check: FAIL: " + message + "\n")
    sys.exit(1)


def find_chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Chromium:
    def __init__(self, exe, scratch, netns_prefix):
        self.exe = exe
        self.scratch = scratch
        self.netns_prefix = netns_prefix
        self.runs = 0

    def run(self, url, extra, isolate=False):
        """Runs Chromium once on `url` with a fresh profile; returns stdout."""
        self.runs += 1
        profile = os.path.join(self.scratch, "profile-%d" % self.runs)
        cmd = [self.exe] + CHROMIUM_FLAGS + ["--user-data-dir=" + profile] + extra + [url]
        if isolate:
            cmd = self.netns_prefix + cmd
        # Chromium (through GLib/dconf) also writes under $HOME and the XDG directories,
        # beside --user-data-dir; lit's HOME is the fixed /home/user that other tests
        # expect not to exist, so every such write goes to the run's own scratch home.
        home = os.path.join(profile, "home")
        env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
                   XDG_CACHE_HOME=os.path.join(home, ".cache"), XDG_RUNTIME_DIR=os.path.join(home, "run"))
        os.makedirs(os.path.join(home, "run"), mode=0o700)
        try:
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT, env=env)
        except subprocess.TimeoutExpired:
            fail("chromium did not finish within %d s: %s" % (TIMEOUT, " ".join(cmd)))
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        if proc.returncode != 0:
            fail("chromium exited %d: %s\n%s" % (proc.returncode, " ".join(cmd),
                                                   proc.stderr.decode(errors="replace")[-2000:]))
        return proc.stdout.decode("utf-8", errors="replace")


# ---- PNG (python3 without PIL: zlib and the PNG filters by hand) ----

def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("%s is not a PNG" % path)
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        fail("unexpected PNG format (depth %d, colour type %d, interlace %d)" % (depth, colour, interlace))
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        prev = line
    pixels = [[tuple(row[x * bpp:x * bpp + 3]) for x in range(width)] for row in rows]
    return width, height, pixels


def hex_colour(text):
    return tuple(int(text[i:i + 2], 16) for i in (1, 3, 5))


def check_screenshot(path):
    width, height, pixels = read_png(path)
    if (width, height) != (1280, 2000):
        fail("screenshot is %dx%d, expected 1280x2000" % (width, height))
    counts = {}
    for row in pixels:
        for p in row:
            counts[p] = counts.get(p, 0) + 1
    background = max(counts, key=counts.get)
    ink = sum(n for p, n in counts.items() if p != background) / float(width * height)
    if len(counts) < 50 or ink < 0.03:
        fail("screenshot looks blank: %d colours, %.1f%% non-background" % (len(counts), ink * 100))
    # The header bar across the top, and the badge backgrounds (solid fills,
    # so their exact colours) from the stylesheet.
    header = hex_colour("#24292f")
    if sum(1 for p in pixels[5] if p == header) < width // 2:
        fail("no header bar at the top of the screenshot")
    # The title is light text on the header bar: text rendered (a font exists).
    title_ink = sum(1 for row in pixels[15:50] for p in row[:700] if min(p) > 200)
    if title_ink < 300:
        fail("no title text on the header bar (%d light pixels): are fonts installed?" % title_ink)
    for name, colour in (("allow badge", "#dafbe1"), ("deny badge", "#ffe4e1")):
        if counts.get(hex_colour(colour), 0) < 200:
            fail("no %s (%s) in the screenshot" % (name, colour))
    print("screenshot: %dx%d, %d colours, %.1f%% ink" % (width, height, len(counts), ink * 100))


# ---- DOM ----

class DomCensus(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()
        self.tags = {}
        self.classes = {}
        self.urls = []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for name, value in attrs:
            value = value or ""
            if name == "id":
                self.ids.add(value)
            elif name == "class":
                for c in value.split():
                    key = tag + "." + c
                    self.classes[key] = self.classes.get(key, 0) + 1
            elif name in ("src", "href", "action", "srcset", "poster", "data") and not value.startswith("#"):
                self.urls.append((tag, name, value))


def check_dom(dom, with_diff):
    census = DomCensus()
    census.feed(dom)
    wanted = ["summary", "fs-tree", "network", "findings"] + (["diff"] if with_diff else [])
    missing = [i for i in wanted if i not in census.ids]
    if missing:
        fail("the rendered DOM lacks #%s" % ", #".join(missing))
    if not with_diff and "diff" in census.ids:
        fail("#diff rendered for a single policy")
    for key, least in (("li.node", 10), ("li.finding", 1), ("span.badge", 20)) + \
            ((("tr.looser", 1),) if with_diff else ()):
        if census.classes.get(key, 0) < least:
            fail("the rendered DOM has %d %s, expected at least %d" % (census.classes.get(key, 0), key, least))
    for tag in ("script", "img", "iframe", "object", "embed", "link"):
        if census.tags.get(tag):
            fail("the rendered DOM has a <%s> element" % tag)
    if census.urls:
        fail("the rendered DOM points outside the page: %r" % census.urls[:5])
    print("dom: %d tree nodes, %d findings, ids %s" % (
        census.classes.get("li.node", 0), census.classes.get("li.finding", 0), " ".join(sorted(wanted))))


# ---- net log ----

def load_net_log(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    try:
        return json.loads(text)
    except ValueError:
        # A log whose writer was cut short lacks its closing brackets.
        return json.loads(text.rstrip().rstrip(",") + "]}")


def page_requests(net_log_path):
    """Every URL request the net log shows a page making."""
    log = load_net_log(net_log_path)
    types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    requests = []
    for event in log["events"]:
        if types.get(event["type"]) != "URL_REQUEST_START_JOB":
            continue
        params = event.get("params") or {}
        if "url" in params and params.get("initiator") != BROWSER_INITIATOR:
            requests.append(params["url"])
    return requests


def net_requests(chromium, page_path, log_name):
    net_log = os.path.join(chromium.scratch, log_name)
    chromium.run("file://" + page_path, ["--log-net-log=" + net_log, "--dump-dom"], isolate=True)
    return page_requests(net_log)


def netns_prefix():
    """A command prefix that runs its command in a fresh, empty network namespace."""
    candidates = [["unshare", "--net"]] if os.geteuid() == 0 else []
    candidates.append(["unshare", "--user", "--map-root-user", "--net"])
    for prefix in candidates:
        probe = subprocess.run(prefix + ["cat", "/proc/net/dev"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        interfaces = [l.split(":")[0].strip() for l in probe.stdout.decode().splitlines()[2:]]
        if probe.returncode == 0 and interfaces == ["lo"]:
            return prefix
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--moat", required=True)
    parser.add_argument("--scratch", required=True)
    parser.add_argument("policies", nargs="+")
    args = parser.parse_args()
    in_ci = os.environ.get("CI") == "true"

    exe = find_chromium()
    prefix = netns_prefix()
    if not exe or not prefix:
        why = "chromium is not installed" if not exe else "cannot create an empty network namespace (unshare)"
        if in_ci:
            fail(why + " (CI=true: this check must run)")
        print("chromium_check: SKIPPED: " + why)
        return 0

    scratch = os.path.abspath(args.scratch)
    os.makedirs(scratch, exist_ok=True)
    report = os.path.join(scratch, "report.html")
    proc = subprocess.run([args.moat, "report", "-o", report] + args.policies)
    if proc.returncode not in (0, 1) or not os.path.exists(report):
        fail("moat report exited %d" % proc.returncode)

    chromium = Chromium(exe, scratch, prefix)
    shot = os.path.join(scratch, "shot.png")
    chromium.run("file://" + report, ["--screenshot=" + shot, "--window-size=1280,2000"], isolate=True)
    check_screenshot(shot)

    dom = chromium.run("file://" + report, ["--dump-dom"], isolate=True)
    check_dom(dom, len(args.policies) == 2)

    # The page as written, and without its CSP: neither may fetch anything.
    with open(report, encoding="utf-8") as f:
        page = f.read()
    no_csp = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    if no_csp == page:
        fail("the report has no Content-Security-Policy meta tag")
    no_csp_path = os.path.join(scratch, "report-no-csp.html")
    with open(no_csp_path, "w", encoding="utf-8") as f:
        f.write(no_csp)
    for name, path in (("report", report), ("report without CSP", no_csp_path)):
        requests = net_requests(chromium, path, name.replace(" ", "-") + ".netlog.json")
        if requests:
            fail("the %s made network requests: %r" % (name, requests[:5]))
        print("net log: the %s made no request" % name)

    # The control: the same observation must see a page that does fetch.
    control = os.path.join(scratch, "control.html")
    with open(control, "w", encoding="utf-8") as f:
        f.write('<!DOCTYPE html><html><head><meta charset="utf-8"><title>control</title></head>'
                '<body><p>control</p><img src="http://127.0.0.1:9/x.png"></body></html>\n')
    requests = net_requests(chromium, control, "control.netlog.json")
    if "http://127.0.0.1:9/x.png" not in requests:
        fail("the net log check did not see the control page's request (saw %r)" % requests)
    print("net log: the control page's request was seen: %s" % requests[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
