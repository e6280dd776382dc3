// libseccomp glue. Each architecture gets its own context (so a call one of
// them lacks is simply not added there) and the contexts are merged in a
// fixed order; the native architecture libseccomp starts every context with
// is removed first, so the output does not depend on the build machine.
#include "backends/seccomp/FilterBuilder.h"

#include <seccomp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <memory>
#include <sys/mman.h>
#include <unistd.h>

namespace moat::backends::seccomp {
namespace {

struct CtxDeleter {
  void operator()(void *ctx) const { seccomp_release(ctx); }
};
using Ctx = std::unique_ptr<void, CtxDeleter>;

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0)
      close(fd);
  }
};

std::string libError(const char *what, int rc) {
  return fmt::format("libseccomp: {}: {}", what, std::strerror(-rc));
}

uint32_t actionOf(Verdict v) {
  switch (v) {
  case Verdict::Eperm: return SCMP_ACT_ERRNO(EPERM);
  case Verdict::Enosys: return SCMP_ACT_ERRNO(ENOSYS);
  case Verdict::Notify: return SCMP_ACT_NOTIFY;
  }
  return SCMP_ACT_KILL_PROCESS; // unreachable: every verdict is listed
}

// libseccomp writes its exports to a file descriptor; a memory file keeps
// them off the disk and lets us return bytes.
template <typename Export>
std::optional<std::string> exportToString(Export exporter, std::string &error) {
  Fd mem;
  mem.fd = memfd_create("moat-seccomp", MFD_CLOEXEC);
  if (mem.fd < 0) {
    error = fmt::format("memfd_create: {}", std::strerror(errno));
    return std::nullopt;
  }
  if (int rc = exporter(mem.fd); rc != 0) {
    error = libError("export", rc);
    return std::nullopt;
  }
  if (lseek(mem.fd, 0, SEEK_SET) != 0) {
    error = fmt::format("lseek: {}", std::strerror(errno));
    return std::nullopt;
  }
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = read(mem.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      error = fmt::format("read: {}", std::strerror(errno));
      return std::nullopt;
    }
    if (n == 0)
      return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

Ctx archContext(const Arch &arch, const std::vector<SyscallRule> &rules,
                std::vector<SkippedRule> &skipped, std::string &error) {
  Ctx ctx(seccomp_init(SCMP_ACT_ALLOW));
  if (!ctx) {
    error = "libseccomp: seccomp_init failed";
    return nullptr;
  }
  if (int rc = seccomp_arch_remove(ctx.get(), SCMP_ARCH_NATIVE); rc != 0) {
    error = libError("removing the native architecture", rc);
    return nullptr;
  }
  if (int rc = seccomp_arch_add(ctx.get(), arch.auditArch); rc != 0) {
    error = libError(fmt::format("adding {}", arch.name).c_str(), rc);
    return nullptr;
  }
  if (int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
      rc != 0) {
    error = libError("setting the bad-architecture action", rc);
    return nullptr;
  }
  for (const SyscallRule &rule : rules) {
    std::string name(rule.syscall);
    if (!syscallNumber(arch, name)) {
      skipped.push_back({arch.name, name});
      continue;
    }
    // Rule numbers are read in the native architecture's numbering and
    // translated by name, so pass the native number (a pseudo number when
    // the build machine lacks the call: the translation handles it).
    int native = seccomp_syscall_resolve_name(name.c_str());
    std::vector<scmp_arg_cmp> cmp;
    for (const ArgMatch &arg : rule.args)
      cmp.push_back(scmp_arg_cmp{arg.index, SCMP_CMP_MASKED_EQ, arg.mask, arg.value});
    int rc = seccomp_rule_add_exact_array(ctx.get(), actionOf(rule.verdict), native,
                                          static_cast<unsigned>(cmp.size()), cmp.data());
    if (rc != 0) {
      error = libError(fmt::format("rule for {} on {}", name, arch.name).c_str(), rc);
      return nullptr;
    }
  }
  return ctx;
}

} // namespace

const std::vector<Arch> &targetArches() {
  static const std::vector<Arch> arches = {{"x86_64", SCMP_ARCH_X86_64},
                                           {"aarch64", SCMP_ARCH_AARCH64}};
  return arches;
}

std::optional<int> syscallNumber(const Arch &arch, std::string_view name) {
  int nr = seccomp_syscall_resolve_name_arch(arch.auditArch, std::string(name).c_str());
  if (nr < 0) // __NR_SCMP_ERROR or a pseudo number: not a call on this arch
    return std::nullopt;
  return nr;
}

std::optional<Filter> buildFilter(const std::vector<SyscallRule> &rules, std::string &error) {
  // KILL_PROCESS needs API level 3 and NOTIFY level 5; libseccomp
  // otherwise asks the running kernel. We only export (the loader is bwrap
  // or moat run), so state the level we target. The level decides which
  // actions a rule may use, not the code generated for them.
  bool notify = std::any_of(rules.begin(), rules.end(),
                            [](const SyscallRule &r) { return r.verdict == Verdict::Notify; });
  unsigned level = notify ? 5 : 3;
  if (seccomp_api_get() < level && seccomp_api_set(level) != 0) {
    error = fmt::format("libseccomp: API level {} ({}) is not available", level,
                        notify ? "SECCOMP_RET_USER_NOTIF" : "SECCOMP_RET_KILL_PROCESS");
    return std::nullopt;
  }
  Filter out;
  std::vector<Ctx> contexts;
  for (const Arch &arch : targetArches()) {
    Ctx ctx = archContext(arch, rules, out.skipped, error);
    if (!ctx)
      return std::nullopt;
    contexts.push_back(std::move(ctx));
  }
  for (const SyscallRule &rule : rules) {
    size_t missing = 0;
    for (const SkippedRule &s : out.skipped)
      missing += s.syscall == rule.syscall;
    if (missing == targetArches().size()) {
      error = fmt::format("no target architecture has the system call '{}'", rule.syscall);
      return std::nullopt;
    }
  }
  // Merge into the first context, in order; seccomp_merge frees its source
  // on success only.
  for (size_t i = 1; i < contexts.size(); ++i) {
    if (int rc = seccomp_merge(contexts[0].get(), contexts[i].get()); rc != 0) {
      error = libError("merging the architectures", rc);
      return std::nullopt;
    }
    contexts[i].release();
  }
  void *ctx = contexts[0].get();
  auto bpf = exportToString([&](int fd) { return seccomp_export_bpf(ctx, fd); }, error);
  if (!bpf)
    return std::nullopt;
  auto pfc = exportToString([&](int fd) { return seccomp_export_pfc(ctx, fd); }, error);
  if (!pfc)
    return std::nullopt;
  out.bpf = std::move(*bpf);
  out.pfc = std::move(*pfc);
  // One entry per (arch, call), however many rules name the call.
  std::vector<SkippedRule> unique;
  for (SkippedRule &s : out.skipped) {
    bool seen = false;
    for (const SkippedRule &u : unique)
      seen |= u.arch == s.arch && u.syscall == s.syscall;
    if (!seen)
      unique.push_back(std::move(s));
  }
  out.skipped = std::move(unique);
  return out;
}

} // namespace moat::backends::seccomp
