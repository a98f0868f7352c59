# SPDX-License-Identifier: BSD-3-Clause
# The observer module's tests (include/libpmemset/stat.h, src/stat/).

pmemset_add_test(stat_order_test SOURCES stat_order_test.c ${STAT_UTIL}
	LABELS stat)
pmemset_add_test(stat_access_test SOURCES stat_access_test.c ${STAT_UTIL}
	LABELS stat)
pmemset_add_test(stat_lifecycle_test SOURCES stat_lifecycle_test.c
	${STAT_UTIL} LABELS stat)
pmemset_add_test(stat_values_test SOURCES stat_values_test.c ${STAT_UTIL}
	LABELS stat)
pmemset_add_test(stat_iter_test SOURCES stat_iter_test.c ${STAT_UTIL}
	LABELS stat)
pmemset_add_test(stat_match_test SOURCES stat_match_test.c ${STAT_UTIL}
	LABELS stat)
pmemset_add_test(stat_uri_test SOURCES stat_uri_test.c ${STAT_UTIL}
	LABELS stat)

# the JSON dump is checked by jq: CI must install it
find_program(PMEMSET_JQ jq)
if(NOT PMEMSET_JQ)
	message(WARNING "jq not found: stat_dump_test and stat_tool_test "
		"will fail until it is installed")
	set(PMEMSET_JQ "")
endif()
pmemset_add_test(stat_dump_test SOURCES stat_dump_test.c ${STAT_UTIL}
	LABELS stat ENV JQ=${PMEMSET_JQ})
# injects allocation failures through the library's seam: needs our objects
pmemset_add_test(stat_errors_test SOURCES stat_errors_test.c ${STAT_UTIL}
	OBJECT_LINKED LABELS stat)
pmemset_add_test(stat_thread_test SOURCES stat_thread_test.c ${STAT_UTIL}
	LABELS stat tsan
	ENV "TSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/tsan.supp halt_on_error=1")

# pmemset-stat on real files (the tool is built in tools/)
if(TARGET pmemset-stat OR EXISTS ${PROJECT_SOURCE_DIR}/tools/pmemset-stat.c)
	string(REPLACE ";" "@@" stat_wrapper "${PMEMSET_TEST_WRAPPER}")
	add_test(NAME stat_tool_test
		COMMAND ${CMAKE_COMMAND} -DTOOL=$<TARGET_FILE:pmemset-stat>
			"-DWRAPPER=${stat_wrapper}" -DJQ=${PMEMSET_JQ}
			-DDIR=${PMEMSET_TEST_DIR}
			-P ${PROJECT_SOURCE_DIR}/tools/test_pmemset_stat.cmake)
	set_tests_properties(stat_tool_test PROPERTIES LABELS "stat;tool"
		TIMEOUT 300)
endif()

# the public header on its own, as strict C99 and as C++
pmemset_add_test(stat_header_test
	SOURCES stat_header_cxx.cpp stat_header_c99.c LABELS stat)
set_source_files_properties(stat_header_c99.c PROPERTIES
	COMPILE_OPTIONS "-std=c99;-pedantic-errors")
set_source_files_properties(stat_header_cxx.cpp PROPERTIES
	COMPILE_OPTIONS "-std=c++11;-pedantic-errors")

# updates that apply only what changed: counts what an update copies from
# the core (handle internals) and fakes a device: needs our objects
pmemset_add_test(stat_journal_test SOURCES stat_journal_test.c ${STAT_UTIL}
	sds_fake_device.c OBJECT_LINKED LABELS stat)

# the data-path counters counted per thread and summed by the reader
pmemset_add_test(stat_counters_test SOURCES stat_counters_test.c ${STAT_UTIL}
	LABELS stat tsan
	ENV "TSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/tsan.supp halt_on_error=1")

# the OpenMetrics dump; with --parser, read back by prometheus_client's
# parser (Debian python3-prometheus-client) through the first python3 that
# has it; without one that test reports itself skipped
set(PMEMSET_PYTHON "")
find_program(PMEMSET_PYTHON3 python3)
foreach(py ${PMEMSET_PYTHON3} /usr/bin/python3)
	if(NOT PMEMSET_PYTHON AND EXISTS "${py}")
		execute_process(COMMAND ${py} -c
			"import prometheus_client.openmetrics.parser"
			RESULT_VARIABLE py_rc OUTPUT_QUIET ERROR_QUIET)
		if(py_rc EQUAL 0)
			set(PMEMSET_PYTHON ${py})
		endif()
	endif()
endforeach()
if(NOT PMEMSET_PYTHON)
	message(WARNING "no python3 imports prometheus_client: "
		"stat_openmetrics_parser_test will be skipped until "
		"python3-prometheus-client is installed")
endif()
set(om_env PMEMSET_PYTHON=${PMEMSET_PYTHON}
	PMEMSET_OM_CHECK=${CMAKE_CURRENT_SOURCE_DIR}/openmetrics_check.py)
pmemset_add_test(stat_openmetrics_test SOURCES stat_openmetrics_test.c
	${STAT_UTIL} LABELS stat ENV ${om_env})
add_test(NAME stat_openmetrics_parser_test COMMAND ${PMEMSET_TEST_WRAPPER}
	$<TARGET_FILE:stat_openmetrics_test> --parser)
set_tests_properties(stat_openmetrics_parser_test PROPERTIES
	ENVIRONMENT "PMEMSET_TEST_DIR=${PMEMSET_TEST_DIR};${om_env}"
	LABELS stat SKIP_RETURN_CODE 77 TIMEOUT 600)

# pmemset-stat as nobody on root-owned files it may only read (issue 15);
# skipped where the machine cannot switch users
if(TARGET pmemset-stat OR EXISTS ${PROJECT_SOURCE_DIR}/tools/pmemset-stat.c)
	add_test(NAME stat_tool_nobody_test
		COMMAND ${CMAKE_COMMAND} -DTOOL=$<TARGET_FILE:pmemset-stat>
			-DLIB=$<TARGET_SONAME_FILE:pmemset>
			"-DWRAPPER=${stat_wrapper}" -DDIR=${PMEMSET_TEST_DIR}
			-P ${PROJECT_SOURCE_DIR}/tools/test_pmemset_stat_nobody.cmake)
	set_tests_properties(stat_tool_nobody_test PROPERTIES
		LABELS "stat;tool" TIMEOUT 300 SKIP_REGULAR_EXPRESSION "SKIPPED:")
endif()

# pmemset-stat --openmetrics on odd file names, read back by the parser
if(TARGET pmemset-stat OR EXISTS ${PROJECT_SOURCE_DIR}/tools/pmemset-stat.c)
	add_test(NAME stat_tool_openmetrics_test
		COMMAND ${CMAKE_COMMAND} -DTOOL=$<TARGET_FILE:pmemset-stat>
			"-DWRAPPER=${stat_wrapper}" -DPYTHON=${PMEMSET_PYTHON}
			-DCHECK=${CMAKE_CURRENT_SOURCE_DIR}/openmetrics_check.py
			-DDIR=${PMEMSET_TEST_DIR}
			-P ${PROJECT_SOURCE_DIR}/tools/test_pmemset_stat_openmetrics.cmake)
	set_tests_properties(stat_tool_openmetrics_test PROPERTIES
		LABELS "stat;tool" TIMEOUT 300 SKIP_REGULAR_EXPRESSION "SKIPPED:")
endif()
