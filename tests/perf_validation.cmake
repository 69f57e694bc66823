# tests/perf_validation.cmake — run by ctest (perf/validation): predict every
# measurement with the committed efficiency factors, then compare the report
# with docs/perf-validation.md byte for byte. Regenerate with
# `scripts/perf-validate --check` (predictions only) or `scripts/perf-validate`
# (refit) after changing the model or the measurements.
execute_process(
  COMMAND ${TOOL} --catalog ${SRC}/data/catalog:${SRC}/data/models
          --measurements ${SRC}/data/perf/measurements.csv
          --explanations ${SRC}/data/perf/explanations.csv
          --serving ${SRC}/data/perf/silicon-sample.csv
          --serving-settings ${SRC}/data/perf/silicon-settings.csv
          --serving-check-only ${SRC}/data/perf/inferencex-disagg.csv
          --serving-findings ${SRC}/data/perf/serving-findings.md --doc-out ${OUT}
          --known-errors-out ${OUT}.known-errors.csv --serving-roles-out ${OUT}.roles.csv
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gw-perf-calibrate: the validation bar is not met (exit ${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT} ${SRC}/docs/perf-validation.md
  RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  message(FATAL_ERROR "docs/perf-validation.md is stale: it differs from ${OUT}; "
                      "run scripts/perf-validate --check and commit the result")
endif()
# the caveats `gigawatt perf` prints come from the same table (issue 14)
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}.known-errors.csv
                        ${SRC}/data/perf/known-errors.csv
  RESULT_VARIABLE same_csv)
if(NOT same_csv EQUAL 0)
  message(FATAL_ERROR "data/perf/known-errors.csv is stale: it differs from "
                      "${OUT}.known-errors.csv; run scripts/perf-validate --check and commit")
endif()
# the split the calibration writes out (--serving-roles-out, what
# scripts/ttft-terms reads) is the one the report counts: a row each, as
# many fit rows as the report says
file(STRINGS ${OUT}.roles.csv role_lines)
file(STRINGS ${OUT}.roles.csv fit_lines REGEX ",fit$")
list(LENGTH role_lines nlines)
list(LENGTH fit_lines nfit)
file(READ ${SRC}/docs/perf-validation.md doc)
string(REGEX MATCH "are `fit` rows: ([0-9]+) of ([0-9]+)\\." found "${doc}")
math(EXPR nrows "${nlines} - 1")
if(NOT found OR NOT nfit EQUAL CMAKE_MATCH_1 OR NOT nrows EQUAL CMAKE_MATCH_2)
  message(FATAL_ERROR "the roles file holds ${nrows} rows, ${nfit} fit; the report says "
                      "'${found}'")
endif()
