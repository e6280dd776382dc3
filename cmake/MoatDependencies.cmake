# Every dependency comes from a Debian 12 package installed by scripts/setup.sh.
find_package(LLVM 14 REQUIRED CONFIG)
# llvm-config's cxxflags add -fno-exceptions; take only definitions and include dirs.
separate_arguments(MOAT_LLVM_DEFINITIONS NATIVE_COMMAND "${LLVM_DEFINITIONS}")
add_library(moat_llvm INTERFACE)
target_include_directories(moat_llvm SYSTEM INTERFACE ${LLVM_INCLUDE_DIRS})
target_compile_definitions(moat_llvm INTERFACE ${MOAT_LLVM_DEFINITIONS})
llvm_map_components_to_libnames(MOAT_LLVM_LIBS support)
target_link_libraries(moat_llvm INTERFACE ${MOAT_LLVM_LIBS})

find_package(antlr4-runtime 4.9 REQUIRED CONFIG)
find_program(ANTLR4_TOOL antlr4 REQUIRED)
find_package(yaml-cpp REQUIRED CONFIG)
find_package(fmt REQUIRED CONFIG)
find_package(GTest REQUIRED CONFIG)
find_package(Python3 REQUIRED COMPONENTS Interpreter)

set(MOAT_LLVM_TOOLS_DIR /usr/lib/llvm-14/bin)
set(MOAT_LIT /usr/lib/llvm-14/build/utils/lit/lit.py)
set(MOAT_PUBLIC_SUFFIX_LIST /usr/share/publicsuffix/public_suffix_list.dat)

# libseccomp generates the seccomp target's BPF (backends/seccomp).
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBSECCOMP REQUIRED IMPORTED_TARGET libseccomp)

# The runtime's proxy and launcher run threads.
find_package(Threads REQUIRED)
