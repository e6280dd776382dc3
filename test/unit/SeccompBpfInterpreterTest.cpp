// The classic-BPF interpreter the seccomp target checks its programs with:
// hand-assembled programs for each instruction class, and the programs the
// kernel would refuse (which the interpreter must refuse too, never guess),
// and the names of the actions a program returns.
#include "backends/seccomp/BpfInterpreter.h"

#include <gtest/gtest.h>

#include <initializer_list>

using namespace moat::backends::seccomp;

namespace {

struct I {
  uint16_t code;
  uint8_t jt, jf;
  uint32_t k;
};

std::string assemble(std::initializer_list<I> insns) {
  std::string out;
  for (const I &i : insns) {
    unsigned char b[8] = {static_cast<unsigned char>(i.code), static_cast<unsigned char>(i.code >> 8),
                          i.jt, i.jf,
                          static_cast<unsigned char>(i.k), static_cast<unsigned char>(i.k >> 8),
                          static_cast<unsigned char>(i.k >> 16), static_cast<unsigned char>(i.k >> 24)};
    out.append(reinterpret_cast<const char *>(b), 8);
  }
  return out;
}

// Opcodes (linux/bpf_common.h).
constexpr uint16_t LD_W_ABS = 0x20, LD_IMM = 0x00, LD_MEM = 0x60, LD_LEN = 0x80, LD_H_ABS = 0x28,
                   LDX_IMM = 0x01, ST = 0x02, STX = 0x03, ALU_AND_K = 0x54, ALU_ADD_X = 0x0c,
                   ALU_DIV_K = 0x34, ALU_NEG = 0x84, JA = 0x05, JEQ_K = 0x15, JGT_K = 0x25,
                   JGE_K = 0x35, JSET_K = 0x45, RET_K = 0x06, RET_A = 0x16, TAX = 0x07, TXA = 0x87;

SeccompData call(int nr, uint32_t arch = 0xc000003e, uint64_t a0 = 0) {
  SeccompData d;
  d.nr = nr;
  d.arch = arch;
  d.args[0] = a0;
  return d;
}

uint32_t run(const std::string &prog, const SeccompData &d) {
  std::string error;
  auto r = runSeccompBpf(prog, d, error);
  EXPECT_TRUE(r.has_value()) << error;
  return r.value_or(0xdeadbeef);
}

std::string refusal(const std::string &prog, const SeccompData &d = call(0)) {
  std::string error;
  auto r = runSeccompBpf(prog, d, error);
  EXPECT_FALSE(r.has_value());
  return error;
}

} // namespace

TEST(SeccompBpfInterpreter, ArchAndNumberDispatch) {
  // if arch != x86_64: kill; if nr == 165: errno(1); else allow
  std::string prog = assemble({{LD_W_ABS, 0, 0, 4},
                               {JEQ_K, 1, 0, 0xc000003e},
                               {RET_K, 0, 0, 0x80000000},
                               {LD_W_ABS, 0, 0, 0},
                               {JEQ_K, 0, 1, 165},
                               {RET_K, 0, 0, 0x00050001},
                               {RET_K, 0, 0, 0x7fff0000}});
  EXPECT_EQ(run(prog, call(165)), 0x00050001u);
  EXPECT_EQ(run(prog, call(39)), 0x7fff0000u);
  EXPECT_EQ(run(prog, call(165, 0x40000003)), 0x80000000u);
}

TEST(SeccompBpfInterpreter, ArgumentHalvesAreLittleEndian) {
  // args[0] lives at 16 (low half) and 20 (high half).
  std::string lo = assemble({{LD_W_ABS, 0, 0, 16}, {RET_A, 0, 0, 0}});
  std::string hi = assemble({{LD_W_ABS, 0, 0, 20}, {RET_A, 0, 0, 0}});
  EXPECT_EQ(run(lo, call(0, 0, 0x1122334455667788ull)), 0x55667788u);
  EXPECT_EQ(run(hi, call(0, 0, 0x1122334455667788ull)), 0x11223344u);
  SeccompData d = call(0);
  d.args[5] = 0xabcdef0012345678ull;
  d.ip = 0x0102030405060708ull;
  EXPECT_EQ(run(assemble({{LD_W_ABS, 0, 0, 60}, {RET_A, 0, 0, 0}}), d), 0xabcdef00u);
  EXPECT_EQ(run(assemble({{LD_W_ABS, 0, 0, 8}, {RET_A, 0, 0, 0}}), d), 0x05060708u);
  EXPECT_EQ(run(assemble({{LD_W_ABS, 0, 0, 12}, {RET_A, 0, 0, 0}}), d), 0x01020304u);
}

TEST(SeccompBpfInterpreter, Jumps) {
  auto cmp = [](uint16_t op, uint32_t k, uint64_t a0) {
    return run(assemble({{LD_W_ABS, 0, 0, 16}, {op, 0, 1, k}, {RET_K, 0, 0, 1}, {RET_K, 0, 0, 2}}),
               call(0, 0, a0));
  };
  EXPECT_EQ(cmp(JGT_K, 10, 11), 1u);
  EXPECT_EQ(cmp(JGT_K, 10, 10), 2u);
  EXPECT_EQ(cmp(JGE_K, 10, 10), 1u);
  EXPECT_EQ(cmp(JGE_K, 10, 9), 2u);
  EXPECT_EQ(cmp(JSET_K, 0x10, 0x30), 1u);
  EXPECT_EQ(cmp(JSET_K, 0x10, 0x20), 2u);
  // JA takes its offset from k.
  EXPECT_EQ(run(assemble({{JA, 0, 0, 1}, {RET_K, 0, 0, 1}, {RET_K, 0, 0, 2}}), call(0)), 2u);
}

TEST(SeccompBpfInterpreter, AluMemoryAndRegisters) {
  std::string prog = assemble({{LD_IMM, 0, 0, 0xf0f0},
                               {ALU_AND_K, 0, 0, 0xff00},  // A = 0xf000
                               {ST, 0, 0, 3},               // M[3] = A
                               {LDX_IMM, 0, 0, 5},          // X = 5
                               {ALU_ADD_X, 0, 0, 0},        // A = 0xf005
                               {TAX, 0, 0, 0},              // X = A
                               {LD_MEM, 0, 0, 3},           // A = 0xf000
                               {STX, 0, 0, 4},              // M[4] = X
                               {LD_MEM, 0, 0, 4},           // A = 0xf005
                               {ALU_DIV_K, 0, 0, 5},        // A = 0x3001
                               {ALU_NEG, 0, 0, 0},          // A = -0x3001
                               {TAX, 0, 0, 0},
                               {TXA, 0, 0, 0},
                               {RET_A, 0, 0, 0}});
  EXPECT_EQ(run(prog, call(0)), 0u - 0x3001u);
  EXPECT_EQ(run(assemble({{LD_LEN, 0, 0, 0}, {RET_A, 0, 0, 0}}), call(0)), 64u);
}

TEST(SeccompBpfInterpreter, RefusesWhatTheKernelRefuses) {
  EXPECT_NE(refusal("").find("non-empty"), std::string::npos);
  EXPECT_NE(refusal(std::string(12, '\0')).find("8-byte"), std::string::npos);
  std::string huge;
  for (int i = 0; i < 4097; ++i)
    huge += assemble({{RET_K, 0, 0, 0}});
  EXPECT_NE(refusal(huge).find("limit"), std::string::npos);
  EXPECT_NE(refusal(assemble({{LD_H_ABS, 0, 0, 0}, {RET_A, 0, 0, 0}})).find("32-bit"),
            std::string::npos);
  EXPECT_NE(refusal(assemble({{LD_W_ABS, 0, 0, 2}, {RET_A, 0, 0, 0}})).find("outside"),
            std::string::npos);
  EXPECT_NE(refusal(assemble({{LD_W_ABS, 0, 0, 64}, {RET_A, 0, 0, 0}})).find("outside"),
            std::string::npos);
  EXPECT_NE(refusal(assemble({{LD_MEM, 0, 0, 16}, {RET_A, 0, 0, 0}})).find("scratch"),
            std::string::npos);
  EXPECT_NE(refusal(assemble({{JEQ_K, 0, 5, 1}, {RET_K, 0, 0, 0}})).find("past the end"),
            std::string::npos);
  EXPECT_NE(refusal(assemble({{LD_IMM, 0, 0, 1}})).find("without a return"), std::string::npos);
  EXPECT_NE(refusal(assemble({{0x0e /* RET X */, 0, 0, 0}})).find("K or A"), std::string::npos);
}

TEST(SeccompBpfInterpreter, UserNotificationIsAnActionLikeAnyOther) {
  // connect (42 on x86_64) goes to the supervisor, the rest is allowed.
  std::string prog = assemble({{LD_W_ABS, 0, 0, 0},
                               {JEQ_K, 0, 1, 42},
                               {RET_K, 0, 0, kRetUserNotif},
                               {RET_K, 0, 0, kRetAllow}});
  EXPECT_EQ(run(prog, call(42)), kRetUserNotif);
  EXPECT_EQ(run(prog, call(41)), kRetAllow);
  EXPECT_EQ(describeAction(kRetUserNotif), "NOTIFY");
  EXPECT_EQ(describeAction(kRetAllow), "ALLOW");
  EXPECT_EQ(describeAction(kRetErrno | 38), "ERRNO(38)");
  EXPECT_EQ(describeAction(kRetKillProcess), "KILL_PROCESS");
  EXPECT_EQ(describeAction(kRetKillThread), "KILL");
  EXPECT_EQ(describeAction(kRetTrace | 7), "TRACE(7)");
  EXPECT_EQ(describeAction(0x12340000u), "0x12340000");
}
