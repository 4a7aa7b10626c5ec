# Fails when a Catch2 test name holds a character that catch_discover_tests cannot pass back to
# the binary: a ';' splits the name into a CMake list, and ctest then runs nothing for that test
# while reporting it passed.
# (Catch2 v2 exits with the number of tests listed, so the exit status says nothing here.)
execute_process(COMMAND ${TEST_BINARY} --list-test-names-only OUTPUT_VARIABLE names)
if(names STREQUAL "")
  message(FATAL_ERROR "${TEST_BINARY} --list-test-names-only listed nothing")
endif()
string(FIND "${names}" ";" semicolon)
if(NOT semicolon EQUAL -1)
  string(REPLACE ";" "<SEMICOLON>" shown "${names}")
  message(FATAL_ERROR "test names must not contain ';' (ctest would skip them):\n${shown}")
endif()
