# tests/perf_calibrate_bad.cmake — run by ctest (perf/calibrate-bad-columns):
# a measurements row whose max_batch is not a whole number >= 1, whose
# output_tokens_cv is not a spread in 0..10 or whose kv_policy is not known
# is bad input: gw-perf-calibrate names the file, line and column and exits 2.
file(READ ${SRC}/data/perf/measurements.csv csv)
string(REGEX MATCH "^[^\n]*\n[^\n]*\n" two "${csv}")
# the first data row ends with its three blank columns: max_batch,
# output_tokens_cv, kv_policy; each case sets one of them
foreach(case "0.5,,|22: max_batch '0.5'; expected a whole number >= 1 or blank"
             ",-1,|23: output_tokens_cv '-1'; expected a coefficient of variation in 0..10"
             ",,lazy|24: kv_policy 'lazy'; expected reserve, on-demand or blank")
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 tail)
  list(GET parts 1 want)
  string(REGEX REPLACE ",,,\n$" ",${tail}\n" bad "${two}")
  file(WRITE ${OUT} "${bad}")
  execute_process(
    COMMAND ${TOOL} --catalog ${SRC}/data/catalog:${SRC}/data/models --measurements ${OUT}
    RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
  if(NOT rc EQUAL 2)
    message(FATAL_ERROR "expected exit 2, got ${rc}: ${err}")
  endif()
  string(FIND "${err}" "bad-columns.csv:2:${want}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "unexpected message: ${err}; expected :2:${want}")
  endif()
endforeach()
