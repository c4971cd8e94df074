# Writes OUT, a definition of the source's git revision, when it changed: run
# at every build, so that a policy trained after a commit records that commit,
# and nothing rebuilds while it stays the same.
# Usage: cmake -DSOURCE_DIR=... -DOUT=... -P SourceRevision.cmake
execute_process(
  COMMAND git describe --always --dirty
  WORKING_DIRECTORY "${SOURCE_DIR}"
  OUTPUT_VARIABLE revision
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT revision)
  set(revision "unknown")
endif()
set(text "#define EGRL_SOURCE_REVISION \"${revision}\"\n")
set(old "")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
