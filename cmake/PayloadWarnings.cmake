# Warnings every target of ours compiles with; CI adds -Werror.
add_library(payload_warnings INTERFACE)
target_compile_options(payload_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
if(PAYLOAD_WERROR)
  target_compile_options(payload_warnings INTERFACE -Werror)
endif()
