# tests/perf_calibrate_bad.cmake — run by ctest (perf/calibrate-bad-input):
# bad input to gw-perf-calibrate is refused with exit 2 and a message that
# says where and what was expected:
#  - a measurements row whose max_batch is not a whole number >= 1, whose
#    output_tokens_cv is not a spread in 0..10 or whose kv_policy is not
#    known (file, line and column);
#  - a factor two stacks share because both engines run the same kernel
#    (shared_factors in tools/perf_calibrate.c) edited by hand in one stack
#    of the catalog only (both stacks named), before anything is predicted.
function(expect_refused want)
  execute_process(COMMAND ${TOOL} ${ARGN}
    RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
  if(NOT rc EQUAL 2)
    message(FATAL_ERROR "expected exit 2, got ${rc}: ${err}")
  endif()
  string(FIND "${err}" "${want}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "unexpected message: ${err}; expected ${want}")
  endif()
endfunction()

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
  expect_refused("bad-columns.csv:2:${want}"
    --catalog ${SRC}/data/catalog:${SRC}/data/models --measurements ${OUT})
endforeach()

set(cat ${OUT}.catalog)
file(MAKE_DIRECTORY ${cat})
file(GLOB yamls ${SRC}/data/catalog/*.yaml)
file(COPY ${yamls} DESTINATION ${cat})
file(READ ${cat}/efficiency.yaml eff)
# the taker's line names its source; its value (whatever the last refit
# wrote) is replaced by one no fit writes (4 decimals)
set(tail " source: \"fit: nvidia-blackwell-sglang's")
string(REGEX MATCH "attention_mla_decode: {value: ([0-9.]+),${tail}" line "${eff}")
if(NOT line)
  message(FATAL_ERROR "efficiency.yaml has no attention_mla_decode taken from "
                      "nvidia-blackwell-sglang (tools/perf_calibrate.c shared_factors)")
endif()
string(REPLACE "${line}" "attention_mla_decode: {value: 0.12345,${tail}" eff "${eff}")
file(WRITE ${cat}/efficiency.yaml "${eff}")
expect_refused("efficiency 'nvidia-blackwell-trtllm': attention_mla_decode 0.12345 is not nvidia-blackwell-sglang's"
  --catalog ${cat}:${SRC}/data/models --measurements ${SRC}/data/perf/measurements.csv --quiet)
