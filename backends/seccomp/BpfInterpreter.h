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

// Runs `program` (raw struct sock_filter array, little-endian, as
// seccomp_export_bpf writes it) on `data`, laid out little-endian as on
// x86_64 and aarch64. Returns the 32-bit action (SECCOMP_RET_*), or nullopt
// with a reason for a program the kernel would reject or could not finish:
// truncated, empty, an unknown opcode, an out-of-range load, a jump past the
// end, falling off the end.
std::optional<uint32_t> runSeccompBpf(std::string_view program, const SeccompData &data,
                                      std::string &error);

} // namespace moat::backends::seccomp
