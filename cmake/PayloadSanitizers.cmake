# ASan + UBSan for the whole build when PAYLOAD_SANITIZE is on (CI runs the suite this way too).
if(PAYLOAD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
# Fuzzing: every library gets libFuzzer's coverage instrumentation plus ASan and UBSan;
# the targets in fuzz/ add -fsanitize=fuzzer, which brings libFuzzer's main().
if(PAYLOAD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "PAYLOAD_FUZZ needs clang (CXX=clang++): libFuzzer is part of LLVM")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
