# tests/cli/cli.cmake — end-to-end tests of the gigawatt command line and the
# bad-input set (included from tests/CMakeLists.txt, so
# CMAKE_CURRENT_SOURCE_DIR is tests/ and CMAKE_CURRENT_BINARY_DIR its build
# directory).
#
#   bad/<case>   one test per line of tests/bad/CASES (tests/cli/check_error.sh)
#   bad/setup    fixture: generates the 10 MB, 10,000-deep and broken-catalog
#                inputs into the build tree (tests/cli/gen_bad.sh)
#   cli/<name>   the e2e scripts tests/cli/e2e_<name>.sh
#
# Every test runs with LeakSanitizer on, so in a GW_SANITIZE build a leak or
# a sanitizer report fails the test (extra stderr lines, non-zero exit).

find_program(GW_SH_PROGRAM sh REQUIRED)
find_program(GW_PYTHON3_PROGRAM NAMES python3)
if(GW_PYTHON3_PROGRAM)
  # the interpreter itself, not a wrapper (a pyenv shim costs ~0.3 s a call)
  execute_process(COMMAND ${GW_PYTHON3_PROGRAM} -c "import json, sys; print(sys.executable)"
    OUTPUT_VARIABLE gw_python3 OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE gw_python3_rc ERROR_QUIET)
  if(NOT gw_python3_rc EQUAL 0 OR NOT EXISTS "${gw_python3}")
    set(gw_python3 "${GW_PYTHON3_PROGRAM}")
  endif()
else()
  set(gw_python3 "")
endif()

set(gw_cli_dir ${CMAKE_CURRENT_SOURCE_DIR}/cli)
set(gw_bad_dir ${CMAKE_CURRENT_SOURCE_DIR}/bad)
set(gw_gen_dir ${CMAKE_CURRENT_BINARY_DIR}/cli-gen)
set(gw_scratch_dir ${CMAKE_CURRENT_BINARY_DIR}/cli-scratch)
set(gw_cli_env
  "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=23"
  "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"
  "LSAN_OPTIONS=exitcode=23"
  "GIGAWATT_CATALOG="
  "LC_ALL=C")

# ---- the fixture -----------------------------------------------------------
add_test(NAME bad/setup
  COMMAND ${GW_SH_PROGRAM} ${gw_cli_dir}/gen_bad.sh
          ${PROJECT_SOURCE_DIR}/data/catalog ${gw_gen_dir})
set_tests_properties(bad/setup PROPERTIES
  FIXTURES_SETUP gw_bad_generated TIMEOUT 60 ENVIRONMENT "${gw_cli_env}")

# ---- the bad-input set: one test per line of CASES ----------------------------
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${gw_bad_dir}/CASES)
file(STRINGS ${gw_bad_dir}/CASES gw_case_lines ENCODING UTF-8)
set(gw_case_names "")
foreach(gw_line IN LISTS gw_case_lines)
  if(gw_line MATCHES "^[ \t]*(#|$)")
    continue()
  endif()
  if(NOT gw_line MATCHES "^([^|]*)\\|([^|]*)\\|([^|]*)\\|(.*)$")
    message(FATAL_ERROR "tests/bad/CASES: malformed line (want file|command|position|message): ${gw_line}")
  endif()
  set(gw_file "${CMAKE_MATCH_1}")
  set(gw_cmd "${CMAKE_MATCH_2}")
  # name: bad/<file stem>, plus the command unless it is plain `plan`
  get_filename_component(gw_name "${gw_file}" NAME)
  string(REGEX REPLACE "\\.yaml$" "" gw_name "${gw_name}")
  string(REPLACE "@GEN@/" "" gw_cmd_name "${gw_cmd}")
  string(REGEX REPLACE "[^A-Za-z0-9.=-]+" "_" gw_cmd_name "${gw_cmd_name}")
  string(REGEX REPLACE "^_+|_+$" "" gw_cmd_name "${gw_cmd_name}")
  if(gw_name STREQUAL "")
    set(gw_name "${gw_cmd_name}")
  elseif(NOT gw_cmd STREQUAL "plan")
    set(gw_name "${gw_name}/${gw_cmd_name}")
  endif()
  if(gw_name STREQUAL "")
    set(gw_name "no-arguments")
  endif()
  set(gw_unique "${gw_name}")
  set(gw_n 1)
  while("${gw_unique}" IN_LIST gw_case_names)
    math(EXPR gw_n "${gw_n} + 1")
    set(gw_unique "${gw_name}-${gw_n}")
  endwhile()
  list(APPEND gw_case_names "${gw_unique}")
  add_test(NAME "bad/${gw_unique}"
    COMMAND ${GW_SH_PROGRAM} ${gw_cli_dir}/check_error.sh
            $<TARGET_FILE:gigawatt> ${gw_bad_dir} ${gw_gen_dir} "${gw_line}")
  set_tests_properties("bad/${gw_unique}" PROPERTIES
    TIMEOUT 60 ENVIRONMENT "${gw_cli_env}")
  if(gw_line MATCHES "@GEN@")
    set_tests_properties("bad/${gw_unique}" PROPERTIES FIXTURES_REQUIRED gw_bad_generated)
  endif()
endforeach()

# ---- end-to-end scripts -------------------------------------------------------
foreach(gw_e2e catalog rack plan perf manpage sim scaling overrides determinism output text help option_order fleet report timeline validate option_audit completion quantile tour supply
        risk risk_resume risk_mpi search store design_rules explore explore_mpi power codesign)
  add_test(NAME cli/${gw_e2e}
    COMMAND ${GW_SH_PROGRAM} ${gw_cli_dir}/e2e_${gw_e2e}.sh
            $<TARGET_FILE:gigawatt> ${PROJECT_SOURCE_DIR}
            ${gw_scratch_dir}/${gw_e2e} "${gw_python3}")
  set_tests_properties(cli/${gw_e2e} PROPERTIES
    TIMEOUT 300 SKIP_RETURN_CODE 77 ENVIRONMENT "${gw_cli_env}")
endforeach()
# The tour runs ~45 commands as written, among them five flagship risk runs
# of 20,000-100,000 draws: minutes under the sanitizers, which therefore
# draw 2,000 (tests/cli/e2e_tour.sh).
set_tests_properties(cli/tour PROPERTIES TIMEOUT 900)
if(GW_SANITIZE)
  set_property(TEST cli/tour APPEND PROPERTY ENVIRONMENT "GIGAWATT_SANITIZED=1")
endif()
