# SPDX-License-Identifier: BSD-3-Clause
# cmake -DCMD=<list> -DEXPECT=<list of regexes> -P run_and_check.cmake
# Runs CMD, fails unless it exits 0 and its output matches every regex.
# Lists arrive joined with "@@" (a ';' does not survive add_test quoting).
string(REPLACE "@@" ";" CMD "${CMD}")
string(REPLACE "@@" ";" EXPECT "${EXPECT}")
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out
	ERROR_VARIABLE err)
message("${out}")
if(NOT rc EQUAL 0)
	message(FATAL_ERROR "exit status ${rc}\n${err}")
endif()
foreach(re IN LISTS EXPECT)
	if(NOT out MATCHES "${re}")
		message(FATAL_ERROR "output does not match: ${re}\n${err}")
	endif()
endforeach()
