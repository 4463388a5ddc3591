# Build-time (not configure-time) git information, LAMMPS style: a custom target runs
# GenerateBuildInfo.cmake on every build and rewrites build_info_git.hpp only when it changes.
set(STREAM_BUILD_INFO_DIR ${PROJECT_BINARY_DIR}/generated)
file(MAKE_DIRECTORY ${STREAM_BUILD_INFO_DIR}/stream)
add_custom_target(stream_git_info ALL
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
          -DOUTPUT=${STREAM_BUILD_INFO_DIR}/stream/build_info_git.hpp
          -P ${PROJECT_SOURCE_DIR}/cmake/GenerateBuildInfo.cmake
  BYPRODUCTS ${STREAM_BUILD_INFO_DIR}/stream/build_info_git.hpp
  COMMENT "Refreshing git build information")
