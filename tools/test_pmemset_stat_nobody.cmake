# SPDX-License-Identifier: BSD-3-Clause
# cmake -DTOOL=<pmemset-stat> -DLIB=<libpmemset.so.N> -DWRAPPER=<a@@b..>
#       -DDIR=<dir> -P test_pmemset_stat_nobody.cmake
# pmemset-stat as the user nobody, on root-owned 0644 files it may only
# read: it must report their real sizes, exit 0, and leave them as they
# were. Needs root and setpriv(1) to switch users (CI runs as root); prints
# SKIPPED (the test's skip pattern) where the machine cannot.
string(REPLACE "@@" ";" WRAPPER "${WRAPPER}")
include(${CMAKE_CURRENT_LIST_DIR}/stat_test_common.cmake)
set(as_nobody setpriv --reuid=nobody --regid=nogroup --clear-groups)

execute_process(COMMAND id -u OUTPUT_VARIABLE uid
	OUTPUT_STRIP_TRAILING_WHITESPACE)
find_program(SETPRIV setpriv)
if(NOT uid STREQUAL "0")
	message("SKIPPED: not root (uid ${uid}): cannot switch to nobody")
	return()
endif()
if(NOT SETPRIV)
	message("SKIPPED: no setpriv (util-linux): cannot switch to nobody")
	return()
endif()
execute_process(COMMAND ${as_nobody} true RESULT_VARIABLE rc
	ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
	message("SKIPPED: setpriv cannot switch to nobody/nogroup: ${err}")
	return()
endif()

# a scratch dir nobody can enter, holding copies of the tool and library
# (the build tree may be where nobody cannot read, e.g. under /root)
string(RANDOM LENGTH 8 tag)
set(dir "${DIR}/pmemset-stat-nobody-${tag}")
file(MAKE_DIRECTORY "${dir}")
file(CHMOD "${dir}" DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE
	OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
file(COPY "${TOOL}" "${LIB}" DESTINATION "${dir}"
	FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
	GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
get_filename_component(tool_name "${TOOL}" NAME)

# A: 128 KiB, B: 64 KiB and 100 bytes; root's, 0644
set(a "${dir}/a")
set(b "${dir}/b \"odd\"")
string(REPEAT "0123456789abcdef" 8192 content_a)
string(REPEAT "fedcba9876543210" 4103 content_b)
string(SUBSTRING "${content_b}" 0 65636 content_b)
file(WRITE "${a}" "${content_a}")
file(WRITE "${b}" "${content_b}")
foreach(f "${a}" "${b}")
	file(CHMOD "${f}" FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ
		WORLD_READ)
endforeach()

fingerprint(before "${a}" "${b}")

set(failures "")

macro(run_as_nobody)
	execute_process(COMMAND ${CMAKE_COMMAND} -E env
		LD_LIBRARY_PATH=${dir} ${as_nobody} ${WRAPPER}
		"${dir}/${tool_name}" ${ARGN}
		RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
endmacro()

# nobody may not write to them: the test would prove nothing otherwise
execute_process(COMMAND ${as_nobody} sh -c "test -w \"$1\"" sh "${a}"
	RESULT_VARIABLE writable)
check("nobody cannot write to A" NOT writable EQUAL 0)

run_as_nobody("${a}" "${b}")
check("exits 0 as nobody (${rc}: ${err})" rc EQUAL 0)
check("no Permission denied" NOT err MATCHES "Permission denied")
check("says why they are not mapped" err MATCHES "may only read")
check("reports their real sizes (${out})"
	out MATCHES "\n\tunmapped_sizes +\\[131072, 65636\\]\n")
check("names them" out MATCHES "\n\tunmapped_paths +\\[\"${dir}/a\", ")
check("maps nothing" out MATCHES "\n\tparts +0\n")

run_as_nobody(--openmetrics "${a}")
check("openmetrics as nobody exits 0 (${rc}: ${err})" rc EQUAL 0)
check("openmetrics has the size" out MATCHES
	"\npmemset_user_array_value{name=\"unmapped_sizes\",index=\"0\"} 131072\n")

# a file nobody cannot even read is still an error
file(CHMOD "${b}" FILE_PERMISSIONS OWNER_READ OWNER_WRITE)
run_as_nobody("${b}")
check("unreadable: exit 1 (${rc})" rc EQUAL 1 AND err MATCHES "Permission denied")
file(CHMOD "${b}" FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ
	WORLD_READ)

fingerprint(after "${a}" "${b}")
check("the files are as they were" before STREQUAL after)
file(REMOVE_RECURSE "${dir}")
if(failures)
	message(FATAL_ERROR "pmemset-stat as nobody:${failures}")
endif()
