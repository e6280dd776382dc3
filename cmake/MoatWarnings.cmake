# Project code is warning-clean under -Wall -Wextra; generated ANTLR code is
# compiled in its own library without them.
function(moat_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()
