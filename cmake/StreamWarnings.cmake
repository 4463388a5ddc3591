# Warnings as an INTERFACE target linked by our own targets only (HighFive style).
add_library(stream_warnings INTERFACE)
target_compile_options(stream_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual -Wformat=2
  -Wcast-align -Wimplicit-fallthrough)
if(STREAM_WERROR)
  target_compile_options(stream_warnings INTERFACE -Werror)
endif()
add_library(stream::warnings ALIAS stream_warnings)
# GCC 12 reports false -Wrestrict positives inside libstdc++'s std::string operator+ at -O2
# (GCC bug 105329); they are not in our code.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12)
  target_compile_options(stream_warnings INTERFACE -Wno-restrict)
endif()
