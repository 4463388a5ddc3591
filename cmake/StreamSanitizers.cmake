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
