// A classic-BPF interpreter for seccomp programs: runs an exported filter
// against one seccomp_data the way the kernel would and returns the action
// word. The seccomp backend uses it to check every program it generates
// against its own rule table before writing it (a libseccomp change that
// altered the meaning of a rule would be caught at build time, not in a
// sandbox), and the unit tests use it to test the aarch64 half of the program
// on an x86_64 machine.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moat::backends::seccomp {

// The kernel's `struct seccomp_data`, spelled out so that callers need no
// kernel headers: nr, arch, instruction pointer, six arguments.
struct SeccompData {
  int32_t nr = 0;
  uint32_t arch = 0;
  uint64_t ip = 0;
  uint64_t args[6] = {0, 0, 0, 0, 0, 0};
};

// SECCOMP_RET_* action words a program may return (kernel ABI), spelled
// out; the low 16 bits carry data (the errno of ERRNO).
constexpr uint32_t kRetKillProcess = 0x80000000u;
constexpr uint32_t kRetKillThread = 0x00000000u;
constexpr uint32_t kRetTrap = 0x00030000u;
constexpr uint32_t kRetErrno = 0x00050000u;
constexpr uint32_t kRetUserNotif = 0x7fc00000u;
constexpr uint32_t kRetTrace = 0x7ff00000u;
constexpr uint32_t kRetLog = 0x7ffc0000u;
constexpr uint32_t kRetAllow = 0x7fff0000u;

// The action by its name ("ALLOW", "ERRNO(1)", "NOTIFY" for USER_NOTIF,
// "KILL_PROCESS", ...), for messages; an unknown action word in hex. (The
// kernel treats an unknown action as KILL_PROCESS.)
std::string describeAction(uint32_t action);

// Runs `program` (raw struct sock_filter array, little-endian, as
// seccomp_export_bpf writes it) on `data`, laid out little-endian as on
// x86_64 and aarch64. Returns the 32-bit action (SECCOMP_RET_*), or nullopt
// with a reason for a program the kernel would reject or could not finish:
// truncated, empty, an unknown opcode, an out-of-range load, a jump past the
// end, falling off the end.
std::optional<uint32_t> runSeccompBpf(std::string_view program, const SeccompData &data,
                                      std::string &error);

} // namespace moat::backends::seccomp
