# ASan + UBSan for the whole build when PAYLOAD_SANITIZE is on (CI runs the suite this way too).
if(PAYLOAD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
