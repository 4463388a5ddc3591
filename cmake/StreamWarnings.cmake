# Warnings as an INTERFACE target linked by our own targets only (HighFive style).
add_library(stream_warnings INTERFACE)
target_compile_options(stream_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual -Wformat=2
  -Wcast-align -Wimplicit-fallthrough)
if(STREAM_WERROR)
  target_compile_options(stream_warnings INTERFACE -Werror)
endif()
add_library(stream::warnings ALIAS stream_warnings)
