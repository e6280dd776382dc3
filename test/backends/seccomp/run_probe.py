#!/usr/bin/env python3
"""Loads a seccomp filter built by `moat build --target=seccomp` under real
bubblewrap and checks every call moat-seccomp-probe makes (probe.c says what
`real` and `oracle` mean).

Two runs of the probe under the same bwrap flags:
  control   without the filter: the probe and its oracle work, and the calls
            the filter changes behave differently without it (clone3 works,
            x32 and i386 calls are not killed), so what the filtered run shows
            is the filter's doing;
  filtered  with `--seccomp FD`: every line must match the expectations below.

Fails (never skips) when bwrap or the probe cannot run.

usage: run_probe.py --filter FILE --expect default|unix-allowed [--probe PATH]
  unix-allowed: the policy allows every unix socket (a filter for a policy
  that allows only some paths refuses them all, like the default)
"""
import argparse
import os
import platform
import shutil
import subprocess
import sys

EPERM = ("EPERM", "EPERM")      # refused by moat's filter (the oracle agrees)
PASSES = ("ok", "ENOSYS")       # works; the oracle saw it pass the filter

BLOCKED = [
    "socket_vsock", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd",
    "unshare_user", "clone_user", "setns",
    "mount", "umount2", "pivot_root", "move_mount", "open_tree", "fsopen",
    "fsconfig", "fsmount", "fspick", "mount_setattr",
    "tiocsti", "tiocsti_high", "tioclinux",
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
    "open_by_handle_at", "bpf", "perf_event_open", "userfaultfd",
    "keyctl", "add_key", "request_key",
    "personality_rie", "personality_aslr", "personality_high",
]
WORKS = [
    "getpid", "openat", "read", "write", "mmap", "socket_inet", "socketpair_unix",
    "clone_plain", "tcgets_pty", "personality_query", "personality_linux",
]
WORKS_NO_ORACLE = ["tmpfile", "fork", "execve", "thread"]
X86_64_ONLY = {"iopl", "ioperm", "x32_getpid", "i386_getpid"}


def expectations(mode, machine):
    want = {name: EPERM for name in BLOCKED}
    want.update({name: PASSES for name in WORKS})
    want.update({name: ("ok", "n/a") for name in WORKS_NO_ORACLE})
    want["tcgets_file"] = ("ENOTTY", "ENOSYS")   # ioctl reaches the kernel
    want["clone3"] = ("ENOSYS", "n/a")            # libc falls back to clone
    unix = PASSES if mode == "unix-allowed" else EPERM
    want["socket_unix"] = unix
    want["socket_unix_high"] = unix
    want["socketpair_unix_dgram"] = unix
    want["socketpair_unix_dgram_high"] = unix
    if machine == "x86_64":
        want["iopl"] = EPERM
        want["ioperm"] = EPERM
        want["x32_getpid"] = ("signal=SIGSYS", "n/a")
        want["i386_getpid"] = ("signal=SIGSYS", "n/a")
    return want


def bwrap_command(probe, seccomp_fd=None):
    cmd = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
           "--tmpfs", "/tmp", "--unshare-user", "--unshare-pid",
           "--die-with-parent", "--new-session"]
    if seccomp_fd is not None:
        cmd += ["--seccomp", str(seccomp_fd)]
    return cmd + ["--", probe]


def run_probe(probe, filter_path=None):
    """Returns {name: (real, oracle)}; exits on any failure to run."""
    fds = ()
    fd = None
    if filter_path is not None:
        fd = os.open(filter_path, os.O_RDONLY)
        fds = (fd,)
    try:
        proc = subprocess.run(bwrap_command(probe, fd), pass_fds=fds, capture_output=True,
                              text=True, timeout=300)
    finally:
        if fd is not None:
            os.close(fd)
    label = "filtered" if filter_path else "control"
    if proc.returncode != 0:
        sys.exit(f"FAIL: the {label} run did not complete (exit {proc.returncode}):\n"
                 f"{proc.stderr}{proc.stdout}")
    results = {}
    for line in proc.stdout.splitlines():
        parts = line.split()
        if len(parts) != 3 or not parts[1].startswith("real=") or not parts[2].startswith("oracle="):
            sys.exit(f"FAIL: unreadable probe line in the {label} run: {line!r}")
        results[parts[0]] = (parts[1][len("real="):], parts[2][len("oracle="):])
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--filter", required=True)
    ap.add_argument("--expect", required=True, choices=["default", "unix-allowed"])
    ap.add_argument("--probe", default=shutil.which("moat-seccomp-probe"))
    args = ap.parse_args()
    if not args.probe or not os.access(args.probe, os.X_OK):
        sys.exit("FAIL: moat-seccomp-probe not found (build the 'moat-seccomp-probe' target)")
    if shutil.which("bwrap") is None:
        sys.exit("FAIL: bwrap is not installed")
    if os.path.getsize(args.filter) == 0 or os.path.getsize(args.filter) % 8:
        sys.exit(f"FAIL: {args.filter} is not a BPF program (size {os.path.getsize(args.filter)})")

    machine = platform.machine()
    want = expectations(args.expect, machine)
    failures = []

    control = run_probe(args.probe)
    if set(control) != set(want):
        failures.append(f"control run: probe calls {sorted(set(control) ^ set(want))} "
                        "differ from the expectations")
    for name, (real, oracle) in sorted(control.items()):
        if oracle not in ("ENOSYS", "n/a"):
            failures.append(f"control {name}: oracle={oracle}, want ENOSYS (the oracle must work)")
        if name in WORKS + WORKS_NO_ORACLE and real != "ok":
            failures.append(f"control {name}: real={real}, want ok")
    if control.get("clone3", ("",))[0] != "ok":
        failures.append(f"control clone3: real={control.get('clone3')}, want ok "
                        "(else ENOSYS under the filter proves nothing)")
    for name in ("x32_getpid", "i386_getpid"):
        if name in want and control.get(name, ("",))[0].startswith("signal=SIGSYS"):
            failures.append(f"control {name}: killed by SIGSYS without the filter")

    filtered = run_probe(args.probe, args.filter)
    if set(filtered) != set(want):
        failures.append(f"filtered run: probe calls {sorted(set(filtered) ^ set(want))} "
                        "differ from the expectations")
    for name in sorted(want):
        got = filtered.get(name)
        if got == want[name]:
            print(f"PASS {name} real={got[0]} oracle={got[1]}")
        else:
            failures.append(f"filtered {name}: got {got}, want real={want[name][0]} "
                            f"oracle={want[name][1]}")

    for f in failures:
        print("FAIL " + f)
    if failures:
        return 1
    print(f"seccomp probe ({args.expect}, {machine}): all {len(want)} calls as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
