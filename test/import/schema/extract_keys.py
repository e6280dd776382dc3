#!/usr/bin/env python3
"""Regenerates the schema key lists the schema-walk test reads
(test/unit/SchemaWalkTest.cpp):

  srt-0.0.83-keys.txt       every dotted key path of sandbox-runtime 0.0.83's
                            config schema (zod, dist/sandbox/sandbox-config.js)
  claude-settings-keys.txt  every top-level key of Claude Code's `Settings`
                            interface (sdk.d.ts of @anthropic-ai/claude-agent-sdk)
                            and every key nested under `sandbox` and `permissions`

Not run in CI (it needs the npm tarballs and node). To refresh after a release:

  npm pack @anthropic-ai/sandbox-runtime@0.0.83 && mkdir srt && tar -xzf *.tgz -C srt
  (cd srt/package && npm install --omit=dev)          # zod, for the walk
  npm pack @anthropic-ai/claude-agent-sdk && tar -xzf anthropic-ai-claude-agent-sdk-*.tgz
  python3 extract_keys.py --srt srt/package --sdk-dts package/sdk.d.ts

Each output line is  PATH <TAB> MARK <TAB> EXAMPLE [<TAB> WITH]:
  PATH     dotted key path; members of an array of objects are listed under the
           array's path (credentials.files.path)
  MARK     `model`: the key bears on confinement, so importing a file with it
           must change the IR (a rule or an option); `read`: it must only be
           accepted (no finding)
  EXAMPLE  a valid JSON value for the key, taken from the schema's type (first
           enum member, smallest allowed number, ...) unless EXAMPLES below
           gives one the runtime's own checks need (dotted hosts, absolute paths)
  WITH     optional JSON merged into the minimal file first: siblings the key
           needs (caCertPath needs caKeyPath; a masked credential needs
           tlsTerminate)
Marks, examples and WITH contexts are decided here, in one place; keys the
schema gains get a type-derived example and MARK `read` until someone decides.
"""
import argparse
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# ---- srt ------------------------------------------------------------------------

# Walks the zod schema with zod's own object model (run by node, from the
# package directory so `zod` resolves).
SRT_WALK = r"""
const path = require('path');
const url = require('url');
(async () => {
  const mod = await import(url.pathToFileURL(path.resolve(process.argv[1], 'dist/sandbox/sandbox-config.js')));
  const out = [];
  const unwrap = (s) => {
    for (;;) {
      const t = s._def.typeName;
      if (t === 'ZodOptional' || t === 'ZodNullable' || t === 'ZodDefault') s = s._def.innerType;
      else if (t === 'ZodEffects') s = s._def.schema;
      else return s;
    }
  };
  const example = (s) => {
    s = unwrap(s);
    const t = s._def.typeName;
    if (t === 'ZodString') return 'x';
    if (t === 'ZodBoolean') return true;
    if (t === 'ZodNumber') { const min = (s._def.checks || []).find(c => c.kind === 'min'); return min ? min.value : 1; }
    if (t === 'ZodEnum') return s._def.values[0];
    if (t === 'ZodLiteral') return s._def.value;
    if (t === 'ZodArray') return [example(s._def.type)];
    if (t === 'ZodTuple') return s._def.items.map(example);
    if (t === 'ZodRecord') return {};
    if (t === 'ZodObject') return {};
    if (t === 'ZodUnion') return example(s._def.options[0]);
    return null;
  };
  const walk = (s, prefix) => {
    s = unwrap(s);
    const t = s._def.typeName;
    if (t === 'ZodObject') {
      const shape = s._def.shape();
      for (const k of Object.keys(shape)) {
        const p = prefix ? prefix + '.' + k : k;
        const v = unwrap(shape[k]);
        if (v._def.typeName === 'ZodEffects' || v._def.typeName === 'ZodType') {}
        out.push([p, example(shape[k]), v._def.typeName]);
        walk(shape[k], p);
      }
    } else if (t === 'ZodArray') {
      walk(s._def.type, prefix);
    } else if (t === 'ZodUnion') {
      for (const o of s._def.options) walk(o, prefix);
    }
  };
  walk(mod.SandboxRuntimeConfigSchema, '');
  process.stdout.write(JSON.stringify(out));
})();
"""

# What the walk cannot know. MARK `model` = must change the IR.
SRT = {
    "network": ("read", {"allowedDomains": [], "deniedDomains": []}, None),
    "network.allowedDomains": ("model", ["github.com"], None),
    "network.deniedDomains": ("model", ["*"], None),
    "network.deniedDomainReasons": ("read", {"*": "no network here"}, None),
    "network.strictAllowlist": ("model", True, None),
    "network.deniedResolvedAddresses": ("model", ["10.0.0.0/8"], None),
    "network.allowUnixSockets": ("model", ["/var/run/docker.sock"], None),
    "network.allowAllUnixSockets": ("model", True, None),
    "network.allowLocalBinding": ("model", True, None),
    "network.allowMachLookup": ("model", ["com.apple.trustd.agent"], None),
    "network.httpProxyPort": ("model", 3128, None),
    "network.socksProxyPort": ("model", 1080, None),
    "network.mitmProxy": ("model", {"socketPath": "/run/mitm.sock", "domains": ["api.example.com"]}, None),
    "network.mitmProxy.socketPath": ("read", "/run/mitm.sock", {"network": {"mitmProxy": {"domains": ["api.example.com"]}}}),
    "network.mitmProxy.domains": ("read", ["*.example.com"], {"network": {"mitmProxy": {"socketPath": "/run/mitm.sock"}}}),
    "network.allowPlaintextHeaderSet": ("read", True, None),
    "network.stripResponseHeaders": ("read", ["set-cookie"], None),
    "network.refuseOpaqueTunnels": ("model", True, None),
    "network.requireHostMatch": ("model", True, None),
    "network.ambiguousRequestTarget": ("read", "refuse", None),
    "network.tlsTerminate": ("model", {}, None),
    "network.tlsTerminate.caCertPath": ("read", "/etc/srt/ca.pem", {"network": {"tlsTerminate": {"caKeyPath": "/etc/srt/ca.key"}}}),
    "network.tlsTerminate.caKeyPath": ("model", "/etc/srt/ca.key", {"network": {"tlsTerminate": {"caCertPath": "/etc/srt/ca.pem"}}}),
    "network.tlsTerminate.excludeDomains": ("read", ["pinned.example.com"], {"network": {"tlsTerminate": {}}}),
    "network.tlsTerminate.extraCaCertPaths": ("read", ["/etc/ssl/corp.pem"], {"network": {"tlsTerminate": {}}}),
    "network.tlsTerminate.maxTunnels": ("read", 64, {"network": {"tlsTerminate": {}}}),
    "network.tlsTerminate.handshakeTimeoutMs": ("read", 5000, {"network": {"tlsTerminate": {}}}),
    "network.parentProxy": ("model", {}, None),
    "network.parentProxy.http": ("read", "http://proxy.corp.example:3128", {"network": {"parentProxy": {}}}),
    "network.parentProxy.https": ("read", "http://proxy.corp.example:3128", {"network": {"parentProxy": {}}}),
    "network.parentProxy.noProxy": ("read", "localhost,.corp.example", {"network": {"parentProxy": {}}}),
    "filesystem": ("read", {"denyRead": [], "allowWrite": [], "denyWrite": []}, None),
    "filesystem.disabled": ("model", True, None),
    "filesystem.denyRead": ("model", ["~/.ssh"], None),
    "filesystem.denyRead.path": ("model", "~/w/[WIP]", {"filesystem": {"denyRead": [{"literal": True}]}}),
    "filesystem.denyRead.literal": ("model", True, {"filesystem": {"denyRead": [{"path": "~/w/[WIP]"}]}}),
    "filesystem.allowRead": ("model", ["~/.ssh/known_hosts"], None),
    "filesystem.allowRead.path": ("model", "~/w/[WIP]", {"filesystem": {"allowRead": [{"literal": True}]}}),
    "filesystem.allowRead.literal": ("model", True, {"filesystem": {"allowRead": [{"path": "~/w/[WIP]"}]}}),
    "filesystem.allowWrite": ("model", ["."], None),
    "filesystem.allowWrite.path": ("model", "out[1]", {"filesystem": {"allowWrite": [{"literal": True}]}}),
    "filesystem.allowWrite.literal": ("model", True, {"filesystem": {"allowWrite": [{"path": "out[1]"}]}}),
    "filesystem.denyWrite": ("model", [".env"], None),
    "filesystem.denyWrite.path": ("model", "out[1]", {"filesystem": {"denyWrite": [{"literal": True}]}}),
    "filesystem.denyWrite.literal": ("model", True, {"filesystem": {"denyWrite": [{"path": "out[1]"}]}}),
    "filesystem.allowGitConfig": ("model", True, None),
    "credentials": ("read", {}, None),
    "credentials.files": ("model", [{"path": "~/.netrc", "mode": "deny"}], None),
    "credentials.files.path": ("model", "~/.netrc", {"credentials": {"files": [{"mode": "deny"}]}}),
    "credentials.files.mode": ("read", "deny", {"credentials": {"files": [{"path": "~/.netrc"}]}}),
    "credentials.files.extract": ("read", "password (\\S+)", {"credentials": {"files": [{"path": "~/.netrc", "mode": "deny"}]}}),
    "credentials.files.onExtractNoMatch": ("read", "deny", {"credentials": {"files": [{"path": "~/.netrc", "mode": "deny"}]}}),
    "credentials.files.decode": ("read", "jwt", {"credentials": {"files": [{"path": "~/.netrc", "mode": "deny"}]}}),
    "credentials.files.maskClaims": ("read", ["sub"], {"credentials": {"files": [{"path": "~/.netrc", "mode": "deny", "decode": "jwt"}]}}),
    "credentials.files.maskDuplicates": ("read", True, {"credentials": {"files": [{"path": "~/.netrc", "mode": "deny"}]}}),
    "credentials.files.injectHosts": ("read", ["api.github.com"], {"network": {"allowedDomains": ["api.github.com"]}, "credentials": {"files": [{"path": "~/.netrc", "mode": "deny"}]}}),
    "credentials.envVars": ("model", [{"name": "GH_TOKEN", "mode": "deny"}], None),
    "credentials.envVars.name": ("model", "GH_TOKEN", {"credentials": {"envVars": [{"mode": "deny"}]}}),
    "credentials.envVars.mode": ("read", "mask", {"network": {"tlsTerminate": {}}, "credentials": {"envVars": [{"name": "GH_TOKEN"}]}}),
    "credentials.envVars.extract": ("read", "token=(\\w+)", {"credentials": {"envVars": [{"name": "DATABASE_URL", "mode": "deny"}]}}),
    "credentials.envVars.onExtractNoMatch": ("read", "deny", {"credentials": {"envVars": [{"name": "T", "mode": "deny"}]}}),
    "credentials.envVars.decode": ("read", "jwt", {"credentials": {"envVars": [{"name": "T", "mode": "deny"}]}}),
    "credentials.envVars.maskClaims": ("read", ["sub"], {"credentials": {"envVars": [{"name": "T", "mode": "deny", "decode": "jwt"}]}}),
    "credentials.envVars.injectHosts": ("read", ["api.github.com"], {"network": {"allowedDomains": ["api.github.com"]}, "credentials": {"envVars": [{"name": "T", "mode": "deny"}]}}),
    "credentials.allowPlaintextInject": ("model", True, None),
    "credentials.awsPairs": ("read", [{"accessKeyIdVar": "KEY_ID", "secretAccessKeyVar": "SECRET"}], {"network": {"tlsTerminate": {}}, "credentials": {"envVars": [{"name": "KEY_ID", "mode": "mask"}, {"name": "SECRET", "mode": "mask"}]}}),
    "credentials.awsPairs.accessKeyIdVar": ("read", "KEY_ID", {"network": {"tlsTerminate": {}}, "credentials": {"envVars": [{"name": "KEY_ID", "mode": "mask"}, {"name": "SECRET", "mode": "mask"}], "awsPairs": [{"secretAccessKeyVar": "SECRET"}]}}),
    "credentials.awsPairs.secretAccessKeyVar": ("read", "SECRET", {"network": {"tlsTerminate": {}}, "credentials": {"envVars": [{"name": "KEY_ID", "mode": "mask"}, {"name": "SECRET", "mode": "mask"}], "awsPairs": [{"accessKeyIdVar": "KEY_ID"}]}}),
    "credentials.awsPairs.sessionTokenVar": ("read", "SESSION", {"network": {"tlsTerminate": {}}, "credentials": {"envVars": [{"name": "KEY_ID", "mode": "mask"}, {"name": "SECRET", "mode": "mask"}, {"name": "SESSION", "mode": "mask"}], "awsPairs": [{"accessKeyIdVar": "KEY_ID", "secretAccessKeyVar": "SECRET"}]}}),
    "credentials.sigv4": ("read", {}, None),
    "credentials.sigv4.streaming": ("read", "deny", None),
    "credentials.sigv4.presigned": ("read", "passthrough", None),
    "credentials.sigv4.sigv4a": ("read", "deny", None),
    "ignoreViolations": ("read", {"*": ["/usr/bin"]}, None),
    "enableWeakerNestedSandbox": ("model", True, None),
    "allowNestedUserNamespaces": ("model", True, None),
    "enableWeakerNetworkIsolation": ("model", True, None),
    "allowAppleEvents": ("model", True, None),
    "ripgrep": ("model", {"command": "rg"}, None),
    "ripgrep.command": ("model", "/usr/bin/rg", None),
    "ripgrep.args": ("read", ["--hidden"], {"ripgrep": {"command": "rg"}}),
    "ripgrep.argv0": ("read", "rg", {"ripgrep": {"command": "/opt/tools/multicall"}}),
    "mandatoryDenySearchDepth": ("model", 5, None),
    "allowPty": ("model", True, None),
    "seccomp": ("read", {}, None),
    "seccomp.applyPath": ("model", "/opt/srt/apply-seccomp", None),
    "seccomp.argv0": ("model", "apply-seccomp", None),
    "bwrapPath": ("model", "/usr/bin/bwrap", None),
    "socatPath": ("model", "/usr/bin/socat", None),
    "javaAgentJarPath": ("read", "/opt/srt/srt-proxy-agent.jar", None),
    "windows": ("read", {}, None),
    "windows.backend": ("read", "srt-win", None),
    "windows.sandboxUser": ("read", "srt-sandbox", None),
    "windows.sublayerGuid": ("read", "0b7c4c2e-8f0a-4d53-9a4e-3f1c2b6d7e8f", None),
    "windows.wfpSublayerGuid": ("read", "0b7c4c2e-8f0a-4d53-9a4e-3f1c2b6d7e8f", None),
    "windows.proxyPortRange": ("read", [60080, 60089], None),
    "windows.srtWin": ("read", {"path": "C:\\srt\\srt-win.exe"}, None),
    "windows.srtWin.path": ("read", "C:\\srt\\srt-win.exe", None),
    "git": ("read", {}, None),
    "git.safeDirectories": ("model", ["/work/repo"], None),
}
# Keys the walk finds that a JSON file cannot hold (a function).
SRT_SKIP = {"network.filterRequest"}


def srt_keys(package_dir):
    raw = subprocess.run(["node", "-e", SRT_WALK, package_dir], check=True,
                         capture_output=True, text=True, cwd=package_dir).stdout
    rows = []
    for path, example, _type in json.loads(raw):
        if path in SRT_SKIP:
            continue
        mark, ex, with_ = SRT.get(path, ("read", example, None))
        rows.append((path, mark, ex, with_))
    return rows


# ---- Claude Code ------------------------------------------------------------------

def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def settings_interface(dts):
    text = strip_comments(dts)
    start = text.index("export declare interface Settings {")
    i = text.index("{", start)
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return text[i + 1:j]
    raise SystemExit("unterminated Settings interface")


def members(body):
    """(name, type text) of each member of an object type body, in order."""
    out, i, n = [], 0, len(body)
    while i < n:
        m = re.compile(r"\s*(?:readonly\s+)?(\"[^\"]+\"|'[^']+'|[A-Za-z_$][\w$]*|\[[^\]]*\])\??\s*:\s*").match(body, i)
        if not m:
            i += 1
            continue
        name = m.group(1).strip("\"'")
        j = m.end()
        depth = 0
        k = j
        while k < n:
            c = body[k]
            if c in "{([<":
                depth += 1
            elif c in "})]>":
                depth -= 1
            elif c == ";" and depth == 0:
                break
            k += 1
        out.append((name, body[j:k].strip()))
        i = k + 1
    return out


def object_body(type_text):
    t = type_text.strip()
    if t.endswith("[]"):
        t = t[:-2].strip()
    if t.startswith("(") and t.endswith(")"):
        t = t[1:-1].strip()
    if t.startswith("{") and t.endswith("}"):
        return t[1:-1]
    return None


def ts_example(type_text):
    t = type_text.strip()
    if t.endswith("[]"):
        inner = ts_example(t[:-2].strip("() "))
        return [inner]
    first = t.split("|")[0].strip()
    if first.startswith("'") or first.startswith('"'):
        return first.strip("'\"")
    if first == "boolean" or first in ("true", "false"):
        return True if first != "false" else False
    if first == "number":
        return 1
    if first == "string":
        return "x"
    if first.startswith("{"):
        return {}
    if first.startswith("Record<") or first.startswith("Partial<"):
        return {}
    return "x"


CLAUDE = {
    # Keys that run code, or switch confinement, must change the IR.
    "apiKeyHelper": ("model", "/usr/local/bin/api-key", None),
    "statusLine": ("model", {"type": "command", "command": "~/.claude/statusline.sh"}, None),
    "hooks": ("model", {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "echo hi"}]}]}, None),
    "enabledPlugins": ("model", {"formatter@acme-tools": True}, None),
    "extraKnownMarketplaces": ("model", {"acme-tools": {"source": {"source": "github", "repo": "acme/plugins"}}}, None),
    "proxyAuthHelper": ("model", "/usr/local/bin/proxyauthhelper", None),
    "awsCredentialExport": ("model", "/usr/local/bin/awscredentialexport", None),
    "awsAuthRefresh": ("model", "/usr/local/bin/awsauthrefresh", None),
    "gcpAuthRefresh": ("model", "/usr/local/bin/gcpauthrefresh", None),
    "otelHeadersHelper": ("model", "/usr/local/bin/otelheadershelper", None),
    "processWrapper": ("model", "/usr/local/bin/processwrapper", None),
    "allowManagedHooksOnly": ("model", True, None),
    "allowManagedPermissionRulesOnly": ("model", True, None),
    "permissions": ("read", {}, None),
    "permissions.allow": ("model", ["WebFetch(domain:github.com)"], None),
    "permissions.deny": ("model", ["Read(~/.ssh/**)"], None),
    "permissions.ask": ("read", ["WebFetch(domain:api.example.com)"], None),
    "fileSuggestion": ("read", {"type": "command", "command": "~/.claude/suggest.sh"}, None),
    "subagentStatusLine": ("read", {"type": "command", "command": "~/.claude/substatus.sh"}, None),
    "permissions.defaultMode": ("model", "acceptEdits", None),
    "permissions.additionalDirectories": ("model", ["~/shared"], None),
    "permissions.disableBypassPermissionsMode": ("model", "disable", None),
    "sandbox": ("read", {}, None),
    "sandbox.enabled": ("model", True, None),
    "sandbox.failIfUnavailable": ("model", True, None),
    "sandbox.autoAllowBashIfSandboxed": ("model", True, None),
    "sandbox.allowUnsandboxedCommands": ("model", False, None),
    "sandbox.excludedCommands": ("model", ["docker"], None),
    "sandbox.enableWeakerNestedSandbox": ("model", True, None),
    "sandbox.allowNestedUserNamespaces": ("model", True, None),
    "sandbox.enableWeakerNetworkIsolation": ("model", True, None),
    "sandbox.allowAppleEvents": ("model", True, None),
    "sandbox.bwrapPath": ("model", "/usr/bin/bwrap", None),
    "sandbox.socatPath": ("model", "/usr/bin/socat", None),
    "sandbox.ripgrep": ("model", {"command": "/usr/bin/rg"}, None),
    "sandbox.ripgrep.command": ("model", "/usr/bin/rg", None),
    "sandbox.ripgrep.args": ("read", ["--hidden"], {"sandbox": {"ripgrep": {"command": "rg"}}}),
    "sandbox.enabledPlatforms": ("model", ["linux"], None),
    "sandbox.ignoreViolations": ("read", {"*": ["/usr/bin"]}, None),
    "sandbox.network": ("read", {}, None),
    "sandbox.network.allowedDomains": ("model", ["github.com"], None),
    "sandbox.network.deniedDomains": ("model", ["evil.example.com"], None),
    "sandbox.network.strictAllowlist": ("model", True, None),
    "sandbox.network.allowManagedDomainsOnly": ("model", True, None),
    "sandbox.network.allowUnixSockets": ("model", ["/var/run/docker.sock"], None),
    "sandbox.network.allowAllUnixSockets": ("model", True, None),
    "sandbox.network.allowLocalBinding": ("model", True, None),
    "sandbox.network.allowMachLookup": ("model", ["com.apple.trustd.agent"], None),
    "sandbox.network.httpProxyPort": ("model", 3128, None),
    "sandbox.network.socksProxyPort": ("model", 1080, None),
    "sandbox.network.tlsTerminate": ("model", {}, None),
    "sandbox.network.tlsTerminate.caCertPath": ("read", "/etc/claude/ca.pem", {"sandbox": {"network": {"tlsTerminate": {"caKeyPath": "/etc/claude/ca.key"}}}}),
    "sandbox.network.tlsTerminate.caKeyPath": ("model", "/etc/claude/ca.key", {"sandbox": {"network": {"tlsTerminate": {"caCertPath": "/etc/claude/ca.pem"}}}}),
    "sandbox.filesystem": ("read", {}, None),
    "sandbox.filesystem.allowWrite": ("model", ["~/.cache"], None),
    "sandbox.filesystem.denyWrite": ("model", [".env"], None),
    "sandbox.filesystem.denyRead": ("model", ["~/.aws"], None),
    "sandbox.filesystem.allowRead": ("model", ["~/.aws/config"], None),
    "sandbox.filesystem.allowManagedReadPathsOnly": ("model", True, None),
    "sandbox.filesystem.disabled": ("model", True, None),
    "sandbox.credentials": ("read", {}, None),
    "sandbox.credentials.files": ("model", [{"path": "~/.netrc", "mode": "deny"}], None),
    "sandbox.credentials.files.path": ("model", "~/.netrc", {"sandbox": {"credentials": {"files": [{"mode": "deny"}]}}}),
    "sandbox.credentials.files.mode": ("read", "deny", {"sandbox": {"credentials": {"files": [{"path": "~/.netrc"}]}}}),
    "sandbox.credentials.envVars": ("model", [{"name": "GH_TOKEN", "mode": "deny"}], None),
    "sandbox.credentials.envVars.name": ("model", "GH_TOKEN", {"sandbox": {"credentials": {"envVars": [{"mode": "deny"}]}}}),
    "sandbox.credentials.envVars.mode": ("read", "deny", {"sandbox": {"credentials": {"envVars": [{"name": "GH_TOKEN"}]}}}),
    "sandbox.credentials.allowPlaintextInject": ("model", True, None),
    "sandbox.credentials.files.extract": ("read", "password (\\S+)", {"sandbox": {"credentials": {"files": [{"path": "~/.netrc", "mode": "deny"}]}}}),
    "sandbox.credentials.files.maskClaims": ("read", ["sub"], {"sandbox": {"credentials": {"files": [{"path": "~/.netrc", "mode": "deny", "decode": "jwt"}]}}}),
    "sandbox.credentials.files.injectHosts": ("read", ["api.github.com"], {"sandbox": {"network": {"allowedDomains": ["api.github.com"]}, "credentials": {"files": [{"path": "~/.netrc", "mode": "deny"}]}}}),
    "sandbox.credentials.envVars.extract": ("read", "token=(\\w+)", {"sandbox": {"credentials": {"envVars": [{"name": "T", "mode": "deny"}]}}}),
    "sandbox.credentials.envVars.maskClaims": ("read", ["sub"], {"sandbox": {"credentials": {"envVars": [{"name": "T", "mode": "deny", "decode": "jwt"}]}}}),
    "sandbox.credentials.envVars.injectHosts": ("read", ["api.github.com"], {"sandbox": {"network": {"allowedDomains": ["api.github.com"]}, "credentials": {"envVars": [{"name": "T", "mode": "deny"}]}}}),
    "sandbox.credentials.awsPairs": ("read", [{"accessKeyIdVar": "K", "secretAccessKeyVar": "S"}], {"sandbox": {"credentials": {"envVars": [{"name": "K", "mode": "mask"}, {"name": "S", "mode": "mask"}]}}}),
    "sandbox.credentials.awsPairs.accessKeyIdVar": ("read", "K", {"sandbox": {"credentials": {"envVars": [{"name": "K", "mode": "mask"}, {"name": "S", "mode": "mask"}], "awsPairs": [{"secretAccessKeyVar": "S"}]}}}),
    "sandbox.credentials.awsPairs.secretAccessKeyVar": ("read", "S", {"sandbox": {"credentials": {"envVars": [{"name": "K", "mode": "mask"}, {"name": "S", "mode": "mask"}], "awsPairs": [{"accessKeyIdVar": "K"}]}}}),
    "sandbox.credentials.awsPairs.sessionTokenVar": ("read", "T", {"sandbox": {"credentials": {"envVars": [{"name": "K", "mode": "mask"}, {"name": "S", "mode": "mask"}, {"name": "T", "mode": "mask"}], "awsPairs": [{"accessKeyIdVar": "K", "secretAccessKeyVar": "S"}]}}}),
    "sandbox.windows": ("read", {}, None),
    "sandbox.windows.backend": ("read", "srt-win", None),
}
# Entries of these credential arrays need their required siblings.
CLAUDE_ENTRY_WITH = {
    "sandbox.credentials.files.": {"sandbox": {"credentials": {"files": [{"path": "~/.netrc", "mode": "deny"}]}}},
    "sandbox.credentials.envVars.": {"sandbox": {"credentials": {"envVars": [{"name": "T", "mode": "deny"}]}}},
    "sandbox.credentials.awsPairs.": {"sandbox": {"credentials": {"awsPairs": [{"accessKeyIdVar": "K", "secretAccessKeyVar": "S"}]}}},
}


def claude_keys(dts_path):
    body = settings_interface(open(dts_path, encoding="utf-8").read())
    rows = []

    def visit(prefix, body, nested):
        for name, type_text in members(body):
            if name.startswith("["):
                continue  # an index signature: free-form names
            path = prefix + name
            mark, ex, with_ = CLAUDE.get(path, ("read", ts_example(type_text), None))
            if path not in CLAUDE:
                for entry_prefix, context in CLAUDE_ENTRY_WITH.items():
                    if path.startswith(entry_prefix):
                        with_ = context
            rows.append((path, mark, ex, with_))
            inner = object_body(type_text)
            if nested and inner is not None:
                visit(path + ".", inner, True)

    for name, type_text in members(body):
        if name.startswith("["):
            continue  # an index signature: free-form names
        path = name
        mark, ex, with_ = CLAUDE.get(path, ("read", ts_example(type_text), None))
        rows.append((path, mark, ex, with_))
        inner = object_body(type_text)
        if name in ("sandbox", "permissions") and inner is not None:
            visit(path + ".", inner, True)
    return rows


def write(rows, out, title):
    with open(out, "w", encoding="utf-8") as f:
        f.write(f"# {title}\n# Generated by extract_keys.py (see there for the format); do not edit by hand.\n")
        for path, mark, ex, with_ in rows:
            line = f"{path}\t{mark}\t{json.dumps(ex, ensure_ascii=False)}"
            if with_ is not None:
                line += "\t" + json.dumps(with_, ensure_ascii=False)
            f.write(line + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--srt", help="unpacked @anthropic-ai/sandbox-runtime package (with node_modules)")
    ap.add_argument("--sdk-dts", help="sdk.d.ts of @anthropic-ai/claude-agent-sdk, or the Settings interface alone")
    args = ap.parse_args()
    if args.srt:
        write(srt_keys(args.srt), os.path.join(HERE, "srt-0.0.83-keys.txt"),
              "sandbox-runtime 0.0.83 config schema (dist/sandbox/sandbox-config.js)")
    if args.sdk_dts:
        write(claude_keys(args.sdk_dts), os.path.join(HERE, "claude-settings-keys.txt"),
              "Claude Code settings (claude-agent-sdk sdk.d.ts, interface Settings): top level, sandbox.*, permissions.*")
    if not args.srt and not args.sdk_dts:
        ap.error("give --srt and/or --sdk-dts")


if __name__ == "__main__":
    sys.exit(main())
