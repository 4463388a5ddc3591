# Invoked with cmake -P at build time. Writes OUTPUT with the git describe string of SOURCE_DIR.
set(describe "")
set(commit "")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(COMMAND ${GIT_EXECUTABLE} describe --always --dirty=-modified --tags
                  WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE describe
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse HEAD
                  WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE commit
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
if(describe STREQUAL "")
  set(describe "unknown")
endif()
set(content "#pragma once
// Generated at build time by cmake/GenerateBuildInfo.cmake. Do not edit.
#define STREAM_GIT_DESCRIBE \"${describe}\"
#define STREAM_GIT_COMMIT \"${commit}\"
")
set(tmp "${OUTPUT}.tmp")
file(WRITE "${tmp}" "${content}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${tmp}" "${OUTPUT}")
file(REMOVE "${tmp}")
