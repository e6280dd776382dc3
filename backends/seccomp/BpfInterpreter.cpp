// Classic BPF, restricted to what the kernel's seccomp checker accepts
// (seccomp_check_filter): 32-bit absolute loads from seccomp_data, the
// scratch memory, ALU, forward jumps, RET of K or A. Anything else is
// refused, so a program this interpreter accepts is one the kernel accepts
// with the same meaning.
#include "backends/seccomp/BpfInterpreter.h"

#include <cstring>
#include <fmt/format.h>

namespace moat::backends::seccomp {
namespace {

// Opcode fields (linux/bpf_common.h), named here so the file has no kernel
// header dependency.
constexpr uint16_t kClassMask = 0x07, kLd = 0x00, kLdx = 0x01, kSt = 0x02, kStx = 0x03,
                   kAlu = 0x04, kJmp = 0x05, kRet = 0x06, kMisc = 0x07;
constexpr uint16_t kSizeMask = 0x18, kW = 0x00;
constexpr uint16_t kModeMask = 0xe0, kImm = 0x00, kAbs = 0x20, kMem = 0x60, kLen = 0x80;
constexpr uint16_t kOpMask = 0xf0, kSrcX = 0x08;
constexpr uint16_t kRvalMask = 0x18, kRetK = 0x00, kRetA = 0x10;
constexpr size_t kMaxInstructions = 4096; // BPF_MAXINSNS
constexpr size_t kDataSize = 64;          // sizeof(struct seccomp_data)
constexpr unsigned kScratch = 16;         // BPF_MEMWORDS

struct Insn {
  uint16_t code;
  uint8_t jt, jf;
  uint32_t k;
};

uint32_t readLe32(const unsigned char *p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

void writeLe32(unsigned char *p, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    p[i] = static_cast<unsigned char>(v >> (8 * i));
}

void layout(const SeccompData &d, unsigned char (&out)[kDataSize]) {
  writeLe32(out, static_cast<uint32_t>(d.nr));
  writeLe32(out + 4, d.arch);
  writeLe32(out + 8, static_cast<uint32_t>(d.ip));
  writeLe32(out + 12, static_cast<uint32_t>(d.ip >> 32));
  for (int i = 0; i < 6; ++i) {
    writeLe32(out + 16 + 8 * i, static_cast<uint32_t>(d.args[i]));
    writeLe32(out + 20 + 8 * i, static_cast<uint32_t>(d.args[i] >> 32));
  }
}

// One ALU step; nullopt for an operation seccomp would reject.
std::optional<uint32_t> alu(uint16_t op, uint32_t a, uint32_t operand) {
  switch (op) {
  case 0x00: return a + operand;
  case 0x10: return a - operand;
  case 0x20: return a * operand;
  case 0x30: return operand == 0 ? 0u : a / operand; // the kernel yields 0
  case 0x40: return a | operand;
  case 0x50: return a & operand;
  case 0x60: return operand >= 32 ? 0u : a << operand;
  case 0x70: return operand >= 32 ? 0u : a >> operand;
  case 0x80: return 0u - a; // NEG
  case 0x90: return operand == 0 ? 0u : a % operand;
  case 0xa0: return a ^ operand;
  default: return std::nullopt;
  }
}

} // namespace

std::string describeAction(uint32_t action) {
  constexpr uint32_t kActionFull = 0xffff0000u, kData = 0x0000ffffu;
  switch (action & kActionFull) {
  case kRetKillProcess: return "KILL_PROCESS";
  case kRetKillThread: return "KILL";
  case kRetTrap: return fmt::format("TRAP({})", action & kData);
  case kRetErrno: return fmt::format("ERRNO({})", action & kData);
  case kRetUserNotif: return "NOTIFY";
  case kRetTrace: return fmt::format("TRACE({})", action & kData);
  case kRetLog: return "LOG";
  case kRetAllow: return "ALLOW";
  default: return fmt::format("{:#010x}", action);
  }
}

std::optional<uint32_t> runSeccompBpf(std::string_view program, const SeccompData &data,
                                      std::string &error) {
  if (program.empty() || program.size() % 8 != 0) {
    error = fmt::format("a BPF program is a non-empty array of 8-byte instructions; got {} bytes",
                        program.size());
    return std::nullopt;
  }
  size_t count = program.size() / 8;
  if (count > kMaxInstructions) {
    error = fmt::format("{} instructions exceed the kernel's limit of {}", count, kMaxInstructions);
    return std::nullopt;
  }
  auto insnAt = [&](size_t pc) {
    const auto *p = reinterpret_cast<const unsigned char *>(program.data()) + pc * 8;
    return Insn{static_cast<uint16_t>(p[0] | p[1] << 8), p[2], p[3], readLe32(p + 4)};
  };

  unsigned char bytes[kDataSize];
  layout(data, bytes);
  uint32_t a = 0, x = 0, mem[kScratch] = {};
  for (size_t pc = 0; pc < count; ++pc) {
    Insn in = insnAt(pc);
    auto bad = [&](const char *what) {
      error = fmt::format("instruction {} (code {:#06x}): {}", pc, in.code, what);
      return std::nullopt;
    };
    switch (in.code & kClassMask) {
    case kLd:
    case kLdx: {
      bool toX = (in.code & kClassMask) == kLdx;
      if ((in.code & kSizeMask) != kW)
        return bad("seccomp only loads 32-bit words");
      uint32_t value;
      switch (in.code & kModeMask) {
      case kImm: value = in.k; break;
      case kLen: value = kDataSize; break;
      case kMem:
        if (in.k >= kScratch)
          return bad("scratch memory index out of range");
        value = mem[in.k];
        break;
      case kAbs:
        if (toX)
          return bad("LDX has no absolute mode");
        if (in.k % 4 != 0 || in.k + 4 > kDataSize)
          return bad("load outside struct seccomp_data");
        value = readLe32(bytes + in.k);
        break;
      default: return bad("addressing mode seccomp rejects");
      }
      (toX ? x : a) = value;
      break;
    }
    case kSt:
    case kStx:
      if (in.k >= kScratch)
        return bad("scratch memory index out of range");
      mem[in.k] = (in.code & kClassMask) == kSt ? a : x;
      break;
    case kAlu: {
      uint32_t operand = (in.code & kSrcX) ? x : in.k;
      auto r = alu(in.code & kOpMask, a, operand);
      if (!r)
        return bad("unknown ALU operation");
      a = *r;
      break;
    }
    case kJmp: {
      uint32_t operand = (in.code & kSrcX) ? x : in.k;
      size_t target;
      switch (in.code & kOpMask) {
      case 0x00: // JA: 32-bit offset in k
        target = pc + 1 + size_t(in.k);
        break;
      case 0x10: target = pc + 1 + (a == operand ? in.jt : in.jf); break;
      case 0x20: target = pc + 1 + (a > operand ? in.jt : in.jf); break;
      case 0x30: target = pc + 1 + (a >= operand ? in.jt : in.jf); break;
      case 0x40: target = pc + 1 + ((a & operand) ? in.jt : in.jf); break;
      default: return bad("unknown jump");
      }
      if (target >= count)
        return bad("jump past the end of the program");
      pc = target - 1; // the loop's ++pc lands on target
      break;
    }
    case kRet:
      switch (in.code & kRvalMask) {
      case kRetK: return in.k;
      case kRetA: return a;
      default: return bad("seccomp only returns K or A");
      }
    case kMisc:
      if ((in.code & 0xf8) == 0x00)
        x = a; // TAX
      else if ((in.code & 0xf8) == 0x80)
        a = x; // TXA
      else
        return bad("unknown MISC operation");
      break;
    }
  }
  error = "the program ends without a return";
  return std::nullopt;
}

} // namespace moat::backends::seccomp
