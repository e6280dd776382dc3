# moat_generate(OUTPUT file... COMMAND cmd args... DEPENDS file... [COMMENT text])
#
# A custom command that makes build-tree files (the parser from Moat.g4, the
# data and docs compiled into the binary). Every generated file goes through
# this one function because only the Ninja generator creates the directories
# of a custom command's outputs: Unix Makefiles (CMake's default) runs the
# command in a tree where they may not exist yet, and the generator script
# then fails to open its output. The directories are made by the build step
# itself, not at configure time, so a build tree whose generated/ directory
# was deleted still rebuilds.
function(moat_generate)
  cmake_parse_arguments(PARSE_ARGV 0 GEN "" "COMMENT" "OUTPUT;COMMAND;DEPENDS")
  if(NOT GEN_OUTPUT OR NOT GEN_COMMAND)
    message(FATAL_ERROR "moat_generate needs OUTPUT and COMMAND")
  endif()
  if(GEN_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "moat_generate: unexpected arguments ${GEN_UNPARSED_ARGUMENTS}")
  endif()
  set(dirs)
  foreach(out IN LISTS GEN_OUTPUT)
    get_filename_component(dir "${out}" DIRECTORY)
    list(APPEND dirs "${dir}")
  endforeach()
  list(REMOVE_DUPLICATES dirs)
  set(comment)
  if(GEN_COMMENT)
    set(comment COMMENT "${GEN_COMMENT}")
  endif()
  add_custom_command(
    OUTPUT ${GEN_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dirs}
    COMMAND ${GEN_COMMAND}
    DEPENDS ${GEN_DEPENDS}
    ${comment}
    VERBATIM)
endfunction()
