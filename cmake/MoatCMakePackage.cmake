# The CMake package that `cmake --install` puts in <prefix>/lib/cmake/moat, so a
# project can build its sandbox profiles with its own build:
#
#   find_package(moat 0.1 REQUIRED)
#   moat_add_profile(agent POLICY agent.moat TARGETS sbpl seccomp)
#
# moatConfig.cmake defines the imported program moat::moat, found relative to
# the config file itself (a prefix that is moved or unpacked elsewhere still
# works), and includes MoatAddProfile.cmake. docs/integrations.md, "CMake";
# examples/cmake-project; the test is test/cmake-package.
include(CMakePackageConfigHelpers)
include(GNUInstallDirs)

set(MOAT_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/moat)
set(MOAT_CMAKE_PACKAGE_DIR ${PROJECT_BINARY_DIR}/cmake-package)

configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/moatConfig.cmake.in
  ${MOAT_CMAKE_PACKAGE_DIR}/moatConfig.cmake
  INSTALL_DESTINATION ${MOAT_CMAKE_INSTALL_DIR}
  PATH_VARS CMAKE_INSTALL_BINDIR)

# SameMajorVersion: `find_package(moat 0.1)` accepts any 0.x from 0.1 on, and
# no 1.x. What a project relies on is the `moat build` command line
# (DESIGN.md's CLI contract: kept exactly, only extended) and the
# moat_add_profile() signature, which grow within a major version; a new
# major version is where either may change, so AnyNewerVersion would let a
# project configure against a moat that then fails its build.
# ARCH_INDEPENDENT: the package only names a program to run, so a 32-bit or
# compiler-less (LANGUAGES NONE) project may use a 64-bit moat.
write_basic_package_version_file(
  ${MOAT_CMAKE_PACKAGE_DIR}/moatConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMajorVersion
  ARCH_INDEPENDENT)

install(FILES
  ${MOAT_CMAKE_PACKAGE_DIR}/moatConfig.cmake
  ${MOAT_CMAKE_PACKAGE_DIR}/moatConfigVersion.cmake
  ${CMAKE_CURRENT_LIST_DIR}/MoatAddProfile.cmake
  DESTINATION ${MOAT_CMAKE_INSTALL_DIR}
  COMPONENT moat)
