#!/usr/bin/env python3
"""moat run's git proxy end to end (docs/runtime.md, "Git credentials").

The upstream is the real `git http-backend` behind Inputs/git_server.py on
127.0.0.1, over HTTPS with a throwaway certificate (trusted through
SSL_CERT_FILE) and once over plain HTTP; it requires the real token on every
request and records every request it sees. A sandboxed script clones,
pushes what the policy allows and tries what it refuses; every verdict is
checked on the host side: the bare repository's refs, the server's request
log, moat's --log, and dumps of what the sandbox could see (its processes'
environments and command lines, its files) searched for the real token.

Usage: git_proxy_suite.py --moat PATH --base-dir DIR
Exit 0: passed; 1: failed; 77: bubblewrap cannot make namespaces here.
"""
import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time

FAILURES = []


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what)
    if not condition:
        FAILURES.append(what)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


def git(*args, cwd=None):
    out = run(["git", *args], cwd=cwd)
    if out.returncode != 0:
        raise RuntimeError("git %s: %s" % (" ".join(args), out.stderr))
    return out.stdout.strip()


def start_server(scratch, root, token_file, name, tls):
    log = os.path.join(scratch, name + ".log")
    port_file = os.path.join(scratch, name + ".port")
    cmd = [sys.executable, os.path.join(os.path.dirname(__file__), "Inputs", "git_server.py"),
           "--root", root, "--token-file", token_file, "--log", log, "--port-file", port_file,
           "--lifetime", "120"]
    if tls:
        cmd += ["--cert", os.path.join(scratch, "cert.pem"), "--key", os.path.join(scratch, "key.pem")]
    proc = subprocess.Popen(cmd)
    for _ in range(100):
        if os.path.exists(port_file):
            break
        time.sleep(0.05)
    with open(port_file) as f:
        return proc, int(f.read()), log


def requests_seen(log):
    if not os.path.exists(log):
        return []
    with open(log) as f:
        return [json.loads(line) for line in f if line.strip()]


def events(log):
    if not os.path.exists(log):
        return []
    with open(log) as f:
        return [json.loads(line) for line in f if line.strip()]


INSIDE = r"""#!/bin/sh
# Runs inside the sandbox; the host judges what happened.
set -u
say() { echo "== $*"; }
export GIT_AUTHOR_NAME=agent GIT_AUTHOR_EMAIL=a@example.com GIT_COMMITTER_NAME=agent GIT_COMMITTER_EMAIL=a@example.com
cd "$WORK"
say clone;        git clone -q "$REMOTE" work 2>&1; cd work || exit 3
git config commit.gpgsign false
say create;       git checkout -q -b agent/x && git commit -q --allow-empty -m A && git push origin agent/x 2>&1
say fastforward;  git commit -q --allow-empty -m B && git push origin agent/x 2>&1
# A push larger than git's http.postBuffer (1 MiB) goes as a chunked request.
say big;          git checkout -q -b agent/big && head -c 3000000 /dev/urandom > big && git add big && git commit -q -m big && git push origin agent/big 2>&1; git checkout -q agent/x
say force;        git reset -q --hard HEAD~1 && git commit -q --allow-empty -m C && git push -f origin agent/x 2>&1
say default;      git push origin HEAD:main 2>&1
say mixed;        git push origin HEAD:refs/heads/agent/y HEAD:main 2>&1
say delete;       git push origin --delete agent/x 2>&1
say tag;          git tag v1 && git push origin v1 2>&1
say other;        git clone -q "$OTHER" ../other 2>&1
say plain;        git clone -q "$PLAIN" ../plain 2>&1 && git -C ../plain log -1 --format=%s
# A fetch into a repository with much unrelated history: git's negotiation
# grows past 1 KiB within a few rounds, and git gzips such requests.
say gzip;         (git init -q ../unrelated && cd ../unrelated && for i in $(seq 60); do git commit -q --allow-empty -m "local $i"; done &&
                   GIT_TRACE_CURL=1 GIT_TRACE_CURL_NO_DATA=1 git fetch -q "$REMOTE" refs/heads/agent/x 2>&1 | grep -i -c 'Send header: Content-Encoding: gzip';
                   git rev-parse --verify -q FETCH_HEAD >/dev/null && echo fetched)
# Routing does not hang on the proxy variables: git's own http.<url>.proxy.
say noenv;        env -u http_proxy -u HTTP_PROXY -u all_proxy -u ALL_PROXY git ls-remote "$REMOTE" refs/heads/main 2>&1 | wc -l
say foreign;      curl -s -o /dev/null -w '%{http_code}\n' -x "$HTTP_PROXY" -u "moat:$FOREIGN" "$PROBE"
# The session's own credential, as git's credential helper hands it out.
OWN=$(printf 'protocol=http\nhost=moat-git.invalid\n\n' | git credential fill | sed -n 's/^password=//p')
say own;          curl -s -o /dev/null -w '%{http_code}\n' -x "$HTTP_PROXY" -u "moat:$OWN" "$PROBE"
say tokenfile;    cat "$TOKEN_FILE" > "$WORK/tokenfile-view" 2>&1; cat "$WORK/tokenfile-view"; echo "($(wc -c < "$WORK/tokenfile-view") bytes)"
# The policy lets the sandbox write the token's directory: the file itself stays the host's.
say tokenwrite;   (echo chosen-by-the-sandbox > "$TOKEN_FILE") 2>/dev/null; rm -f "$TOKEN_FILE" 2>/dev/null; mv "$TOKEN_FILE" "$TOKEN_FILE.moved" 2>/dev/null; echo tried
# What the sandbox can see, for the host to search.
for p in /proc/[0-9]*; do cat "$p/environ" "$p/cmdline" 2>/dev/null; echo; done > "$WORK/proc-dump"
env > "$WORK/env-dump"
say done
"""


def through_upstream(args, scratch, servers, env, token_file, port, https_log, real):
    """--upstream-proxy=socks5h://: the git proxy reaches a remote by name
    through the organisation's proxy (test/upstream's SOCKS5 server, which
    alone knows the name git.test), as the filtering proxy's traffic does."""
    socks_log = os.path.join(scratch, "socks.log")
    socks = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                           "upstream", "Inputs", "socks5_server.py"),
                              "--log", socks_log, "--user", "org", "--password", "org-secret",
                              "--map", "git.test=127.0.0.1"], stdout=subprocess.PIPE, text=True)
    servers.append(socks)
    socks_port = int(socks.stdout.readline().split()[1])
    remote = "https://git.test:%d/repo.git" % port
    policy = os.path.join(scratch, "upstream.moat")
    with open(policy, "w") as f:
        f.write('policy "git-upstream" {\n  default connect deny;\n  allow read "/";\n'
                '  git {\n    remote "%s" fetch;\n    token file "%s";\n  }\n}\n' % (remote, token_file))
    before = len(requests_seen(https_log))
    upstream_env = dict(env, MOAT_UPSTREAM_PROXY_USER="org", MOAT_UPSTREAM_PROXY_PASSWORD="org-secret")
    result = run([args.moat, "run", "--policy=" + policy, "--upstream-proxy=socks5h://127.0.0.1:%d" % socks_port,
                  "--", "git", "ls-remote", remote], cwd=os.path.join(scratch, "work"), env=upstream_env)
    print(result.stdout, result.stderr)
    check("refs/heads/main" in result.stdout, "through --upstream-proxy: git ls-remote of a remote by name works")
    seen = requests_seen(https_log)[before:]
    check(seen and all(r["authorization"] == real for r in seen),
          "through --upstream-proxy: the upstream saw the real token (%d requests)" % len(seen))
    connects = [json.loads(line) for line in open(socks_log)] if os.path.exists(socks_log) else []
    check(any(c.get("host") == "git.test" and c.get("result") == "connected" for c in connects),
          "through --upstream-proxy: the SOCKS5 proxy carried git.test")


def tls_verification(args, scratch, env, token_file, port, https_log):
    """The remote's certificate is verified: an untrusted one, or one that
    does not name the host, ends the exchange before any request (and so
    before the token) is sent."""
    cases = [
        ("https://127.0.0.1:%d/repo.git" % port, {k: v for k, v in env.items() if k != "SSL_CERT_FILE"},
         "an untrusted certificate"),
        ("https://localhost:%d/repo.git" % port, env, "a certificate that does not name the host"),
    ]
    for remote, run_env, what in cases:
        policy = os.path.join(scratch, "tls.moat")
        with open(policy, "w") as f:
            f.write('policy "git-tls" {\n  default connect deny;\n  allow read "/";\n'
                    '  git {\n    remote "%s" fetch;\n    token file "%s";\n  }\n}\n' % (remote, token_file))
        before = len(requests_seen(https_log))
        result = run([args.moat, "run", "--policy=" + policy, "--", "git", "ls-remote", remote],
                     cwd=os.path.join(scratch, "work"), env=dict(run_env, SSL_CERT_DIR="/nonexistent"))
        check(result.returncode != 0 and "certificate verification failed" in result.stderr,
              "TLS: %s is refused (git: %s)" % (what, result.stderr.strip().splitlines()[-1:]))
        check(len(requests_seen(https_log)) == before, "TLS: with %s no request reached the remote" % what)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--moat", required=True)
    parser.add_argument("--base-dir", required=True)
    args = parser.parse_args()
    args.moat = os.path.abspath(args.moat)
    os.makedirs(args.base_dir, exist_ok=True)
    started = time.monotonic()
    # As root: a pass as root, then one as uid/gid 65534 (moat run started
    # through setpriv), each against fresh repositories. Otherwise one pass
    # as the current user.
    passes = [None, 65534] if os.geteuid() == 0 else [None]
    status = 0
    for uid in passes:
        print("--- pass as %s" % ("uid %d" % uid if uid is not None else "uid %d" % os.geteuid()))
        scratch = tempfile.mkdtemp(prefix="git-proxy-", dir=os.path.abspath(args.base_dir))
        servers = []
        try:
            result = suite(args, scratch, servers, uid)
        finally:
            for proc in servers:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            if not os.environ.get("MOAT_KEEP_SCRATCH"):
                shutil.rmtree(scratch, ignore_errors=True)
        if result == 77 and uid is not None:
            print("NOTE: bubblewrap cannot create namespaces as uid %d: that pass is not run" % uid)
            continue
        if result != 0:
            status = result
            break
    print("git-proxy suite: %.1f s" % (time.monotonic() - started))
    return status


def suite(args, scratch, servers, uid):
    # The command prefix that runs moat as `uid` (None: as we are).
    as_user = [] if uid is None else ["/usr/bin/setpriv", "--reuid=%d" % uid, "--regid=%d" % uid, "--clear-groups"]
    token = "real-" + secrets.token_hex(16)
    secrets_dir = os.path.join(scratch, "secrets")
    os.makedirs(secrets_dir)
    token_file = os.path.join(secrets_dir, "token")
    with open(token_file, "w") as f:
        f.write(token + "\n")
    for d in ("home", "tmp", "work"):
        os.makedirs(os.path.join(scratch, d))
    os.makedirs(os.path.join(scratch, "logs"))
    if uid is not None:
        os.chmod(scratch, 0o755)
        for d in ("home", "tmp", "work", "secrets", "logs"):
            for root, dirs, files in os.walk(os.path.join(scratch, d)):
                for name in [root] + [os.path.join(root, n) for n in dirs + files]:
                    os.lchown(name, uid, uid)
    # A throwaway certificate for 127.0.0.1, trusted only through SSL_CERT_FILE.
    out = run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
               "-keyout", os.path.join(scratch, "key.pem"), "-out", os.path.join(scratch, "cert.pem"),
               "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:git.test"])
    if out.returncode != 0:
        print(out.stderr)
        return 1
    # The upstream: repo.git (main with one commit) and other.git.
    srv = os.path.join(scratch, "srv")
    os.makedirs(srv)
    seed = os.path.join(scratch, "seed")
    git("init", "-q", "-b", "main", seed)
    git("-c", "user.email=s@example.com", "-c", "user.name=s", "commit", "-q", "--allow-empty", "-m", "init", cwd=seed)
    for name in ("repo.git", "other.git"):
        bare = os.path.join(srv, name)
        git("init", "-q", "--bare", "-b", "main", bare)
        git("config", "http.receivepack", "true", cwd=bare)
        git("push", "-q", bare, "main", cwd=seed)
    repo = os.path.join(srv, "repo.git")
    main_before = git("rev-parse", "main", cwd=repo)

    https, port, https_log = start_server(scratch, srv, token_file, "https", True)
    servers.append(https)
    plain, plain_port, plain_log = start_server(scratch, srv, token_file, "plain", False)
    servers.append(plain)
    remote = "https://127.0.0.1:%d/repo.git" % port
    plain_remote = "http://127.0.0.1:%d/repo.git" % plain_port

    policy = os.path.join(scratch, "p.moat")
    with open(policy, "w") as f:
        f.write('policy "git-proxy" {\n'
                '  default connect deny;\n'
                '  allow read "/";\n'
                '  allow write "%s";\n'
                '  allow write "%s";\n'
                '  git {\n'
                '    remote "%s" fetch;\n'
                '    push "refs/heads/agent/*";\n'
                '    token file "%s";\n'
                '  }\n'
                '  git {\n'
                '    remote "%s" fetch;\n'
                '    token env "MOAT_TEST_GIT_TOKEN";\n'
                '  }\n'
                '}\n' % (os.path.join(scratch, "work"), secrets_dir, remote, token_file, plain_remote))
    script = os.path.join(scratch, "inside.sh")
    with open(script, "w") as f:
        f.write(INSIDE)
    moat_log = os.path.join(scratch, "logs", "moat-log.jsonl")
    env = dict(os.environ)
    env.update({
        "HOME": os.path.join(scratch, "home"), "TMPDIR": os.path.join(scratch, "tmp"),
        "SSL_CERT_FILE": os.path.join(scratch, "cert.pem"),
        "MOAT_TEST_GIT_TOKEN": token,
        "WORK": os.path.join(scratch, "work"), "REMOTE": remote, "PLAIN": plain_remote,
        "OTHER": "https://127.0.0.1:%d/other.git" % port,
        "PROBE": "http://moat-git.invalid/https/127.0.0.1:%d/repo.git/info/refs?service=git-upload-pack" % port,
        "FOREIGN": secrets.token_hex(32),  # another session's credential: as good as any other
        "TOKEN_FILE": token_file,
    })
    result = run(as_user + [args.moat, "run", "--policy=" + policy, "--log=" + moat_log, "--", "sh", script],
                 cwd=os.path.join(scratch, "work"), env=env)
    print(result.stdout)
    print(result.stderr, file=sys.stderr)
    if result.returncode == 125 and "bubblewrap could not create the sandbox" in result.stderr:
        print("skipped: bubblewrap cannot create namespaces here")
        return 77
    sections = dict(re.findall(r"^== (\w+)\n(.*?)(?=^== |\Z)", result.stdout, re.S | re.M))
    check("done" in sections, "the sandboxed script ran to its end")

    # What landed upstream, seen on the host.
    def subject(ref):
        out = run(["git", "log", "-1", "--format=%s", ref], cwd=repo)
        return out.stdout.strip() if out.returncode == 0 else None
    check(subject("refs/heads/agent/x") == "B", "the allowed push (create, then fast-forward) landed: agent/x is B")
    check(git("rev-parse", "main", cwd=repo) == main_before, "the default branch is unchanged")
    check(subject("refs/heads/agent/y") is None, "a push with one refused ref is refused whole (no agent/y)")
    check(subject("refs/tags/v1") is None, "the tag push did not land")
    check("rejected" in sections.get("force", "") and "allow force-push" in sections.get("force", ""),
          "git shows the force push refused with moat's reason")
    check("rejected" in sections.get("default", ""), "git shows the push to main refused")
    check(sections.get("plain", "").strip().endswith("init"), "fetch over plain http works")
    check(sections.get("noenv", "").strip() == "1", "git reaches the git proxy without the proxy variables")
    check(subject("refs/heads/agent/big") == "big", "a push larger than git's post buffer (chunked) landed")
    gz = sections.get("gzip", "").split()
    check(gz[-1:] == ["fetched"] and gz[0] != "0", "a fetch whose negotiation git gzips works (%s)" % gz)

    seen = requests_seen(https_log) + requests_seen(plain_log)
    receive_posts = [r for r in seen if r["method"] == "POST" and r["path"].endswith("git-receive-pack")
                     and r["length"] > 4]  # not git's probe (a bare flush) before a big push
    check(len(receive_posts) == 3, "exactly the three allowed pushes reached the upstream (saw %d)" % len(receive_posts))
    check(not any("other.git" in r["path"] for r in seen), "the other repository never reached the upstream")
    import base64
    real = "Basic " + base64.b64encode(("x-access-token:" + token).encode()).decode()
    check(seen and all(r["authorization"] == real for r in seen),
          "every request the upstream saw carried the real token, and only it (%d requests)" % len(seen))
    check(sections.get("foreign", "").strip() == "401", "another session's credential is refused (401)")
    check(sections.get("own", "").strip() == "200", "the session's own credential is accepted")
    probes = [r for r in seen if r.get("agent", "").startswith("curl/")]
    check(len(probes) == 1, "only the own-credential probe reached the upstream (saw %d)" % len(probes))

    log = events(moat_log)
    git_events = [e for e in log if e.get("kind") == "git"]
    def denied(predicate):
        return any(e["decision"] == "deny" and predicate(e) for e in git_events)
    check(denied(lambda e: e["target"].endswith(" refs/heads/main")), "the push to main is logged as denied")
    check(denied(lambda e: e["target"].endswith(" refs/tags/v1")), "the tag push is logged as denied")
    check(denied(lambda e: "force" in e["reason"] and e["target"].endswith("refs/heads/agent/x")),
          "the force push is logged as denied")
    check(denied(lambda e: "allow delete" in e["reason"]), "the deletion is logged as denied")
    check(denied(lambda e: e["target"].endswith("/other")), "the other repository is logged as denied")
    check(any(e["decision"] == "allow" and e["target"].endswith(" refs/heads/agent/x") for e in git_events),
          "the allowed push is logged as allowed")
    check(all(re.search(r"p\.moat:\d+:\d+$", e["rule"]) for e in git_events
              if e["decision"] == "allow" or "refs/" in e["target"]),
          "allowed and ref decisions name their rule's file:line:col")

    # The real token, wherever the sandbox could have seen it.
    work = os.path.join(scratch, "work")
    with open(os.path.join(work, "proc-dump"), "rb") as f:
        proc_dump = f.read()
    check(b"GIT_CONFIG_COUNT" in proc_dump, "the /proc dump holds the sandbox's environments (the search can fail)")
    check(token.encode() not in proc_dump, "the real token is in no sandbox process's environ or cmdline")
    with open(os.path.join(work, "env-dump"), "rb") as f:
        check(token.encode() not in f.read() and b"MOAT_TEST_GIT_TOKEN" not in proc_dump,
              "the token's variable is stripped from the sandbox's environment")
    with open(os.path.join(work, "tokenfile-view"), "rb") as f:
        check(token.encode() not in f.read(), "the token file reads as nothing inside")
    with open(token_file) as f:
        check(f.read() == token + "\n" and os.listdir(secrets_dir) == ["token"],
              "the token file is neither rewritten, removed nor moved from inside, in a writable directory")
    leaked = []
    for top in ("home", "tmp", "work"):
        for dirpath, _, files in os.walk(os.path.join(scratch, top)):
            for name in files:
                try:
                    with open(os.path.join(dirpath, name), "rb") as f:
                        if token.encode() in f.read():
                            leaked.append(os.path.join(dirpath, name))
                except OSError:
                    pass
    check(not leaked, "no file the sandbox wrote holds the real token %s" % leaked)
    check(token not in result.stdout and token not in result.stderr, "the token is in none of moat run's output")
    with open(moat_log) as f:
        check(token not in f.read(), "the token is not in moat's log")

    # A missing token stops moat run before anything runs.
    env_missing = dict(env)
    del env_missing["MOAT_TEST_GIT_TOKEN"]
    missing = run(as_user + [args.moat, "run", "--policy=" + policy, "--", "true"], cwd=work, env=env_missing)
    check(missing.returncode == 125 and "MOAT_TEST_GIT_TOKEN" in missing.stderr,
          "a missing token variable: exit 125 naming it")
    if uid is None:
        through_upstream(args, scratch, servers, env, token_file, port, https_log, real)
        tls_verification(args, scratch, env, token_file, port, https_log)
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
