# The man page and the shell completions: the freshly built moat renders them
# from the registry its --help reads (`moat __cli-reference`), so they cannot
# drift from the flags. Built with `all` into ${PROJECT_BINARY_DIR}/cli/ and
# installed with the program (component moat). Included from tools/moat.
include(GNUInstallDirs)

set(MOAT_CLI_DOCS_DIR ${PROJECT_BINARY_DIR}/cli)
set(MOAT_CLI_DOCS)
# format;file name in the build tree;install directory;installed name
foreach(entry
    "man;moat.1;${CMAKE_INSTALL_MANDIR}/man1;moat.1"
    "bash;moat.bash;${CMAKE_INSTALL_DATADIR}/bash-completion/completions;moat"
    "zsh;_moat;${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions;_moat"
    "fish;moat.fish;${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d;moat.fish")
  list(GET entry 0 format)
  list(GET entry 1 file)
  list(GET entry 2 destination)
  list(GET entry 3 installed)
  add_custom_command(
    OUTPUT ${MOAT_CLI_DOCS_DIR}/${file}
    # Unix Makefiles does not create an output's directory.
    COMMAND ${CMAKE_COMMAND} -E make_directory ${MOAT_CLI_DOCS_DIR}
    COMMAND moat __cli-reference --format=${format} -o ${MOAT_CLI_DOCS_DIR}/${file}
    DEPENDS moat
    COMMENT "Generating ${file} (moat __cli-reference --format=${format})"
    VERBATIM)
  list(APPEND MOAT_CLI_DOCS ${MOAT_CLI_DOCS_DIR}/${file})
  install(FILES ${MOAT_CLI_DOCS_DIR}/${file} DESTINATION ${destination} RENAME ${installed} COMPONENT moat)
endforeach()
add_custom_target(moat_cli_docs ALL DEPENDS ${MOAT_CLI_DOCS})
