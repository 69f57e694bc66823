# tests/browser/browser.cmake — the HTML reports in a real browser (issue 7):
# browser/reports makes the example reports (tests/browser/make_reports.sh),
# then one test per report opens it in headless Debian Chromium
# (tests/browser/check_report.sh): no console messages, every chart laid out
# with a size, a PNG screenshot kept beside it in the build tree.
# Without Chromium (`scripts/deps test` installs it) the tests are skipped.
find_program(GW_CHROMIUM NAMES chromium chromium-browser)
set(gw_browser_dir ${CMAKE_CURRENT_BINARY_DIR}/browser-reports)
set(gw_browser_reports rack rack-compare rack-flags plan plan-compare perf perf-compare train sim
    sim-vidur sim-capacity cheapest fleet fleet-short risk risk-flagship supply supply-compare
    explore explore-lhs power)
add_test(NAME browser/reports
  COMMAND ${GW_SH_PROGRAM} ${CMAKE_CURRENT_SOURCE_DIR}/browser/make_reports.sh
          $<TARGET_FILE:gigawatt> ${PROJECT_SOURCE_DIR} ${gw_browser_dir})
set_tests_properties(browser/reports PROPERTIES
  FIXTURES_SETUP gw_browser_reports TIMEOUT 300 ENVIRONMENT "${gw_cli_env}")
# the check itself: it must refuse a report whose charts lack their tables
# or legends
if(GW_CHROMIUM)
  add_test(NAME browser/check-catches
    COMMAND ${GW_SH_PROGRAM} ${CMAKE_CURRENT_SOURCE_DIR}/browser/check_catches.sh
            ${GW_CHROMIUM} ${gw_browser_dir}/rack.html ${gw_browser_dir}/catches)
  set_tests_properties(browser/check-catches PROPERTIES
    FIXTURES_REQUIRED gw_browser_reports RESOURCE_LOCK chromium TIMEOUT 300)
endif()
# issue 14 items 8 and 9: what the capacity, cheapest, fleet, training,
# comparison and flags pages say (tests/browser/check_pages.sh)
if(GW_CHROMIUM)
  add_test(NAME browser/pages
    COMMAND ${GW_SH_PROGRAM} ${CMAKE_CURRENT_SOURCE_DIR}/browser/check_pages.sh
            ${GW_CHROMIUM} ${gw_browser_dir} ${gw_browser_dir}/pages)
  set_tests_properties(browser/pages PROPERTIES
    FIXTURES_REQUIRED gw_browser_reports RESOURCE_LOCK chromium TIMEOUT 300)
endif()
foreach(r ${gw_browser_reports})
  if(GW_CHROMIUM)
    add_test(NAME browser/${r}
      COMMAND ${GW_SH_PROGRAM} ${CMAKE_CURRENT_SOURCE_DIR}/browser/check_report.sh
              ${GW_CHROMIUM} ${r} ${gw_browser_dir}/${r}.html ${gw_browser_dir}/shots)
  else()
    add_test(NAME browser/${r} COMMAND ${CMAKE_COMMAND} -E echo "SKIP: no chromium")
    set_tests_properties(browser/${r} PROPERTIES SKIP_REGULAR_EXPRESSION "SKIP")
  endif()
  # Chromium is heavy: one at a time, whatever ctest -j says
  set_tests_properties(browser/${r} PROPERTIES
    FIXTURES_REQUIRED gw_browser_reports RESOURCE_LOCK chromium TIMEOUT 300)
endforeach()
