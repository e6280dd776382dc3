# moat_add_profile(NAME POLICY file.moat TARGETS target... [DEFINES NAME=VALUE...]
#                  [OUTPUT_DIRECTORY dir])
#
# A custom target NAME (built by default) that compiles one policy into one
# profile per target with `moat build --target=T --depfile=D -o OUT POLICY`:
# OUTPUT_DIRECTORY/NAME.<ext>, the extensions in the table below. moat
# writes a depfile listing the policy and every file it includes
# (transitively), so editing an included file rebuilds the profiles, under
# Ninja and Makefiles alike. A policy with errors fails the build and leaves
# the profiles of the last good build as they were (moat writes nothing on
# an error). The list of files made is the target's MOAT_PROFILES property,
# for install(FILES ...).
#
# Read by moatConfig.cmake; documented in docs/integrations.md, "CMake".

# Functions keep the policies in force where they are defined: 3.20 makes
# CMP0116 NEW (Ninja rewrites the depfile's paths for the build tree) and
# gives the Makefile generators DEPFILE at all.
cmake_policy(PUSH)
cmake_policy(VERSION 3.20)

function(moat_add_profile name)
  # The file each target writes, named for what it is (docs/backends.md).
  # Here, not beside the function: a caller's scope may not see variables
  # the config file set (find_package called from within a function).
  set(known bwrap sbpl seccomp proxy srt claude squid)
  set(ext_bwrap bwrap.args)            # NUL-separated arguments, for bwrap --args FD
  set(ext_sbpl sb)                     # sandbox-exec -f
  set(ext_seccomp bpf)                 # bwrap --seccomp FD
  set(ext_proxy proxy-allowlist)       # moat's filtering proxy
  set(ext_srt srt-settings.json)       # sandbox-runtime
  set(ext_claude claude-settings.json) # the sandbox block of Claude Code's settings.json
  set(ext_squid squid.conf)            # a squid.conf fragment
  list(JOIN known ", " known_text)

  set(usage "moat_add_profile(NAME POLICY file.moat TARGETS target... [DEFINES NAME=VALUE...] [OUTPUT_DIRECTORY dir])")
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "POLICY;OUTPUT_DIRECTORY" "TARGETS;DEFINES")
  if(NOT name MATCHES "^[A-Za-z0-9_.+-]+$")
    message(FATAL_ERROR "moat_add_profile: '${name}' is not a NAME: letters, digits and _.+- only, "
                        "since it names the target and the files.\nUsage: ${usage}")
  endif()
  if(arg_UNPARSED_ARGUMENTS)
    list(JOIN arg_UNPARSED_ARGUMENTS " " unknown)
    message(FATAL_ERROR "moat_add_profile(${name}): unknown argument(s): ${unknown}\nUsage: ${usage}")
  endif()
  foreach(keyword IN LISTS arg_KEYWORDS_MISSING_VALUES)
    message(FATAL_ERROR "moat_add_profile(${name}): ${keyword} needs a value\nUsage: ${usage}")
  endforeach()
  if(NOT arg_POLICY)
    message(FATAL_ERROR "moat_add_profile(${name}): POLICY file.moat is required\nUsage: ${usage}")
  endif()
  if(NOT arg_TARGETS)
    message(FATAL_ERROR "moat_add_profile(${name}): TARGETS is required (one or more of: "
                        "${known_text})\nUsage: ${usage}")
  endif()
  if(TARGET ${name})
    message(FATAL_ERROR "moat_add_profile(${name}): a target named '${name}' already exists")
  endif()
  if(NOT TARGET moat::moat)
    message(FATAL_ERROR "moat_add_profile(${name}): moat::moat is not defined; call find_package(moat) first")
  endif()

  cmake_path(ABSOLUTE_PATH arg_POLICY BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE
             OUTPUT_VARIABLE policy)
  get_source_file_property(generated "${policy}" GENERATED)
  if(NOT EXISTS "${policy}" AND NOT generated)
    message(FATAL_ERROR "moat_add_profile(${name}): POLICY '${policy}' does not exist")
  endif()
  if(NOT arg_OUTPUT_DIRECTORY)
    set(arg_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
  endif()
  cmake_path(ABSOLUTE_PATH arg_OUTPUT_DIRECTORY BASE_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}" NORMALIZE
             OUTPUT_VARIABLE outdir)
  # Makefile generators do not make an output's directory; moat needs it to
  # exist for its temporary file beside the output.
  set(depdir "${CMAKE_CURRENT_BINARY_DIR}/moat-depfiles")
  file(MAKE_DIRECTORY "${outdir}" "${depdir}")

  set(defines)
  foreach(define IN LISTS arg_DEFINES)
    if(NOT define MATCHES "^[^=]+=")
      message(FATAL_ERROR "moat_add_profile(${name}): DEFINES takes NAME=VALUE, not '${define}'")
    endif()
    list(APPEND defines "--define=${define}")
  endforeach()

  set(outputs)
  set(seen)
  foreach(target IN LISTS arg_TARGETS)
    if(NOT target IN_LIST known)
      # Targets are lower case: an upper-case word after TARGETS is almost
      # certainly a misspelt keyword that cmake_parse_arguments took as a value.
      set(hint "")
      if(target MATCHES "^[A-Z_]+$")
        set(hint " (if '${target}' was meant as a keyword: the keywords are POLICY, TARGETS, DEFINES, OUTPUT_DIRECTORY)")
      endif()
      message(FATAL_ERROR "moat_add_profile(${name}): unknown target '${target}'; the targets are: "
                          "${known_text}${hint}")
    endif()
    if(target IN_LIST seen)
      message(FATAL_ERROR "moat_add_profile(${name}): target '${target}' is listed twice")
    endif()
    list(APPEND seen ${target})
    set(output "${outdir}/${name}.${ext_${target}}")
    set(depfile "${depdir}/${name}.${target}.d")
    cmake_path(RELATIVE_PATH policy BASE_DIRECTORY "${CMAKE_SOURCE_DIR}" OUTPUT_VARIABLE shown)
    add_custom_command(
      OUTPUT "${output}"
      COMMAND moat::moat build "--target=${target}" "--depfile=${depfile}" -o "${output}" ${defines} "${policy}"
      DEPENDS "${policy}" "$<TARGET_FILE:moat::moat>"
      DEPFILE "${depfile}"
      WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}"
      COMMENT "moat: building ${name}.${ext_${target}} from ${shown}"
      VERBATIM)
    list(APPEND outputs "${output}")
  endforeach()

  add_custom_target(${name} ALL DEPENDS ${outputs} SOURCES "${policy}")
  set_target_properties(${name} PROPERTIES MOAT_PROFILES "${outputs}")
endfunction()

cmake_policy(POP)
