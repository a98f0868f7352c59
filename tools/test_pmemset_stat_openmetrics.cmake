# SPDX-License-Identifier: BSD-3-Clause
# cmake -DTOOL=<pmemset-stat> -DWRAPPER=<a@@b..> -DPYTHON=<python3>
#       -DCHECK=<tests/openmetrics_check.py> -DDIR=<dir>
#       -P test_pmemset_stat_openmetrics.cmake
# pmemset-stat --openmetrics on files whose names hold a quote, a tab, a
# newline and UTF-8 (not a backslash: cmake turns it into a slash in paths;
# stat_openmetrics_test covers it): prometheus_client's parser must accept
# the output and read back each file's real size under its path. Prints SKIPPED (the
# test's skip pattern) when no python3 with prometheus_client was found.
string(REPLACE "@@" ";" WRAPPER "${WRAPPER}")
include(${CMAKE_CURRENT_LIST_DIR}/stat_test_common.cmake)
if(NOT PYTHON)
	message("SKIPPED: no python3 imports prometheus_client: apt-get "
		"install python3-prometheus-client and re-run cmake")
	return()
endif()
string(RANDOM LENGTH 8 tag)
set(base "${DIR}/pmemset-stat-om-${tag}")
set(files "${base}-q\"uote" "${base}-tab\there" "${base}-new\nline"
	"${base}-utf8-é€")
set(check_args "")
set(total 0)
set(i 1)
foreach(f IN LISTS files)
	string(REPEAT "0123456789abcdef" 4096 block)	# 64 KiB
	string(REPEAT "${block}" ${i} content)
	file(WRITE "${f}" "${content}")
	file(SIZE "${f}" size)
	math(EXPR total "${total} + ${size}")
	list(APPEND check_args --expect pmemset_part_size_bytes ${size} 1
		path "${f}")
	math(EXPR i "${i} + 1")
endforeach()
fingerprint(before ${files})
list(APPEND check_args --expect pmemset_set_mapped_bytes ${total} 0
	--count pmemset_part_info 4)

set(prom "${base}.prom")
execute_process(COMMAND ${WRAPPER} ${TOOL} --openmetrics ${files}
	RESULT_VARIABLE rc OUTPUT_FILE "${prom}" ERROR_VARIABLE err)
set(failures "")
if(NOT rc EQUAL 0)
	string(APPEND failures "\npmemset-stat --openmetrics exited ${rc}: ${err}")
endif()
execute_process(COMMAND ${PYTHON} ${CHECK} "${prom}" ${check_args}
	RESULT_VARIABLE check_rc OUTPUT_VARIABLE check_out
	ERROR_VARIABLE check_out)
message("${check_out}")
if(check_rc EQUAL 77)
	file(REMOVE ${files} "${prom}")
	message("SKIPPED: ${check_out}")
	return()
endif()
if(NOT check_rc EQUAL 0)
	file(READ "${prom}" text)
	string(APPEND failures "\nthe checker failed (${check_rc}) on:\n${text}")
endif()

fingerprint(after ${files})
if(NOT before STREQUAL after)
	string(APPEND failures "\nthe files changed")
endif()
file(REMOVE ${files} "${prom}")
if(failures)
	message(FATAL_ERROR "pmemset-stat --openmetrics:${failures}")
endif()
