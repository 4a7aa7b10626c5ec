# Runs an example page from a scratch copy of examples/ so that files it writes (WriteImage)
# land in the build tree, never in the source tree, then checks that the expected file exists.
#   cmake -DCLI=... -DSOURCE=<project root> -DWORK=<scratch dir> -DPAGE=<page.json> -DEXPECT=<file> -P this
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
file(COPY "${SOURCE}/examples/${PAGE}" DESTINATION "${WORK}")
file(COPY "${SOURCE}/examples/data" DESTINATION "${WORK}")
execute_process(COMMAND "${CLI}" run "${WORK}/${PAGE}" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "blockflow run ${PAGE} failed with ${result}")
endif()
if(NOT EXISTS "${WORK}/${EXPECT}")
  message(FATAL_ERROR "${PAGE} did not write ${EXPECT}")
endif()
