# tests/perf_calibrate_bad.cmake — run by ctest (perf/calibrate-bad-max-batch):
# a measurements row whose max_batch is not a whole number >= 1 is bad input:
# gw-perf-calibrate names the file, line and column and exits 2.
file(READ ${SRC}/data/perf/measurements.csv csv)
string(REGEX MATCH "^[^\n]*\n[^\n]*\n" two "${csv}")
# the first data row with its (blank) max_batch set to 0.5
string(REGEX REPLACE ",\n$" ",0.5\n" two "${two}")
file(WRITE ${OUT} "${two}")
execute_process(
  COMMAND ${TOOL} --catalog ${SRC}/data/catalog:${SRC}/data/models --measurements ${OUT}
  RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "expected exit 2, got ${rc}: ${err}")
endif()
if(NOT err MATCHES "bad-max-batch.csv:2:22: max_batch '0.5'; expected a whole number >= 1 or blank")
  message(FATAL_ERROR "unexpected message: ${err}")
endif()
