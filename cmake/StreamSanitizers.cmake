# STREAM_SANITIZE=address -> AddressSanitizer + UndefinedBehaviorSanitizer,
# STREAM_SANITIZE=thread  -> ThreadSanitizer. Applied to everything built in this project.
if(STREAM_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
elseif(STREAM_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
elseif(NOT STREAM_SANITIZE STREQUAL "")
  message(FATAL_ERROR "STREAM_SANITIZE must be '', 'address' or 'thread' (got '${STREAM_SANITIZE}')")
endif()

# STREAM_FUZZ=ON: every translation unit gets libFuzzer's coverage instrumentation; the fuzz
# targets link -fsanitize=fuzzer (tests/fuzz/CMakeLists.txt). Combine with STREAM_SANITIZE=address.
if(STREAM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "STREAM_FUZZ=ON needs clang (libFuzzer), e.g. the 'fuzz' preset: "
                        "cmake --preset fuzz")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
