// The subcommands and their option category (declared here, defined next to
// each command's implementation).
#pragma once
#include <llvm/Support/CommandLine.h>

#include <string>
#include <vector>

namespace moat::cli {

extern llvm::cl::SubCommand CheckSub;
extern llvm::cl::SubCommand QuerySub;
extern llvm::cl::SubCommand FmtSub;
extern llvm::cl::SubCommand ExplainSub;
extern llvm::cl::SubCommand DiffSub;
int runDiff(); // DiffCommand.cpp
extern llvm::cl::SubCommand BuildSub;
int runBuild(); // BuildCommand.cpp
extern llvm::cl::SubCommand VerifySub;
int runVerify(); // VerifyCommand.cpp
extern llvm::cl::SubCommand LayersSub;
int runLayers(); // LayersCommand.cpp
extern llvm::cl::SubCommand ConvertSub;
int runConvert(); // ConvertCommand.cpp
extern llvm::cl::SubCommand RunSub;
extern std::vector<std::string> RunCommandArgs; // what follows `--`
int runRun(); // RunCommand.cpp
extern llvm::cl::SubCommand ReportSub;
int runReport(); // ReportCommand.cpp
extern llvm::cl::SubCommand LogSub;
int runLog(); // LogCommand.cpp
extern llvm::cl::OptionCategory MoatCategory;

inline std::vector<const llvm::cl::OptionCategory *> optionCategories() { return {&MoatCategory}; }

} // namespace moat::cli
