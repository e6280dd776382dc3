# The Debian package: `cpack -G DEB` in a build directory (or
# `cmake --build BUILD --target package`) makes moat_<version>_<arch>.deb.
#
# The package holds exactly what `cmake --install` installs: one monolithic
# package over every install() component (the program, and whatever man page,
# completions and CMake package other directories declare), so a new install()
# rule ships without touching this file. test/package/ installs the result
# into a fresh Debian 12 and compares its file list with `cmake --install`'s.
#
# Included last from the top-level CMakeLists.txt: CPack reads these
# variables when it is included.

set(CPACK_PACKAGE_NAME moat)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The moat project")
# Whoever builds a package for others names themselves here (-D at configure
# time); the default's address is deliberately unroutable (.invalid).
set(MOAT_PACKAGE_MAINTAINER "moat maintainers <maintainers@moat.invalid>"
  CACHE STRING "Maintainer field of the Debian package")
set(CPACK_PACKAGE_CONTACT "${MOAT_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "policy compiler, verifier and launcher for process sandboxes")
set(CPACK_GENERATOR DEB)

# Not per component: one .deb with all of them (see above).
set(CPACK_DEB_COMPONENT_INSTALL OFF)

# RelWithDebInfo makes a ~110 MB program, nearly all debug info; users get the
# stripped one. The build tree's copy keeps its symbols for debugging.
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
# The long description: CPack puts the summary above it and indents it
# the way a control file wants.
set(CPACK_PACKAGE_DESCRIPTION "moat checks what a confined process (an AI coding agent, its shell tool,
an MCP server, a build step) may read, write and connect to, compiles one
policy to each sandbox's own format (bubblewrap, seccomp, Seatbelt,
sandbox-runtime, Claude Code settings, an HTTP proxy allowlist) and runs
commands inside it (moat run).")
# The shared libraries the program links (libfmt, libyaml-cpp, libseccomp,
# libstdc++, libc) with the versions its symbols need, from dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# `moat run` launches through bubblewrap; check, build, verify and the rest
# do not, so it is recommended rather than required.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS bubblewrap)

include(CPack)
