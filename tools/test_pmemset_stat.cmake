# SPDX-License-Identifier: BSD-3-Clause
# cmake -DTOOL=<pmemset-stat> -DWRAPPER=<a@@b..> -DJQ=<jq> -DDIR=<dir>
#       -P test_pmemset_stat.cmake
# Runs pmemset-stat on real files, checks its text and JSON output (the JSON
# through jq) and its exit codes, and checks that the files' bytes and sizes
# are exactly what they were.
string(REPLACE "@@" ";" WRAPPER "${WRAPPER}")
include(${CMAKE_CURRENT_LIST_DIR}/stat_test_common.cmake)
if(NOT JQ)
	message(FATAL_ERROR "jq is not installed: CI must install jq")
endif()
string(RANDOM LENGTH 8 tag)
set(a "${DIR}/pmemset-stat-test-${tag}-a")
set(b "${DIR}/pmemset-stat-test-${tag}-b")
set(empty "${DIR}/pmemset-stat-test-${tag}-empty")

# the granularity the parts get: "page" on tmpfs; on a file system mounted
# with -o dax, what the region gives (cache_line, or byte where its
# persistence domain is the CPU cache)
set(granularity "\"page\"")
execute_process(COMMAND findmnt -n -o OPTIONS --target "${DIR}"
	OUTPUT_VARIABLE dir_mount_options ERROR_QUIET)
if(dir_mount_options MATCHES "(^|,)dax")
	set(granularity "(\"cache_line\", \"byte\")")
endif()

# A: 128 KiB; B: 64 KiB plus 100 bytes (only the aligned prefix maps)
string(REPEAT "0123456789abcdef" 8192 content_a)
string(REPEAT "fedcba9876543210" 4103 content_b)
string(SUBSTRING "${content_b}" 0 65636 content_b)
file(WRITE "${a}" "${content_a}")
file(WRITE "${b}" "${content_b}")
file(WRITE "${empty}" "")

fingerprint(before "${a}" "${b}" "${empty}")

set(failures "")

# runs the tool; out, err and rc in the caller's scope
macro(run)
	execute_process(COMMAND ${WRAPPER} ${TOOL} ${ARGN}
		RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
endmacro()

# runs jq -e on text; jq_rc in the caller's scope
macro(jq_check json)
	file(WRITE "${DIR}/pmemset-stat-test-${tag}.json" "${json}")
	execute_process(COMMAND ${JQ} -e ${ARGN}
		"${DIR}/pmemset-stat-test-${tag}.json"
		RESULT_VARIABLE jq_rc OUTPUT_QUIET)
endmacro()

# text: the root, one set, two parts with their sources and sizes
run("${a}" "${b}")
check("text exits 0 (${rc}: ${err})" rc EQUAL 0)
string(REGEX MATCHALL "\n/pmemset/set/[0-9]+/part/[0-9]+\n" parts "${out}")
list(LENGTH parts nparts)
check("text shows 2 parts" nparts EQUAL 2)
check("text starts at the root" out MATCHES "^/pmemset\n\tversion +1.0\n")
check("text shows a part of A" out MATCHES "\tsource_path +${a}\n")
check("text shows a part of B" out MATCHES "\tsource_path +${b}\n")
check("text shows A's size" out MATCHES "\tsize +131072\n")
check("text shows B's aligned size" out MATCHES "\tsize +65536\n")
check("text shows hex addresses" out MATCHES "\taddress +0x[0-9a-f]+\n")
check("text shows mapped bytes" out MATCHES "\tmapped_bytes +196608\n")
check("B's unaligned tail is noted" err MATCHES "first 65536 of 65636")
fingerprint(after_first "${a}" "${b}" "${empty}")
check("one run leaves the files as they were" before STREQUAL after_first)

# JSON, checked by jq
run(--json "${a}" "${b}")
check("json exits 0" rc EQUAL 0)
jq_check("${out}" --arg a "${a}" --arg b "${b}"
	".uri == \"/pmemset\" and (.maps | length) == 1 and
	 .maps[0].values.parts == 2 and .maps[0].values.mapped_bytes == 196608
	 and ([.maps[0].maps[].values.source_path] | sort) == ([$a, $b] | sort)
	 and (.maps[0].maps | all(.values.source == \"file\" and
	      .values.offset == 0 and
	      (.values.granularity | IN(${granularity}))))")
check("json holds the tree and values" jq_rc EQUAL 0)

# patterns: only the parts (and their set, as a container), or nothing
run(-j -m "/pmemset/set/*/part/*" "${a}")
check("match exits 0" rc EQUAL 0)
jq_check("${out}" ".maps[0].maps | length == 1")
check("match shows the part" jq_rc EQUAL 0)
run(--json --match "/nothing" "${a}")
jq_check("${out}" ".maps == [] and .values.sets == 0")
check("a pattern matching nothing shows the root only" jq_rc EQUAL 0)
run(-m "/pmemset/set/*" -m "/other" "${a}")
string(REGEX MATCHALL "\n/pmemset/set/[0-9]+\n" sets "${out}")
list(LENGTH sets nsets)
check("several patterns" rc EQUAL 0 AND nsets EQUAL 1)

# errors: usage 2, files that cannot be mapped 1, with a message
run()
check("no file: exit 2" rc EQUAL 2 AND err MATCHES "usage")
run(--bogus "${a}")
check("bad option: exit 2" rc EQUAL 2)
run("${DIR}/pmemset-stat-test-${tag}-missing")
check("missing file: exit 1 (${rc})" rc EQUAL 1 AND err MATCHES "missing")
run("${a}" "${empty}")
check("empty file: exit 1 (${rc})" rc EQUAL 1 AND err MATCHES "empty")
run(--help)
check("help: exit 0" rc EQUAL 0 AND out MATCHES "--match")

fingerprint(after "${a}" "${b}" "${empty}")
check("all the runs leave the files as they were" before STREQUAL after)
file(REMOVE "${a}" "${b}" "${empty}" "${DIR}/pmemset-stat-test-${tag}.json")
if(failures)
	message(FATAL_ERROR "pmemset-stat:${failures}")
endif()
