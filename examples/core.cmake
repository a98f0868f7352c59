# SPDX-License-Identifier: BSD-3-Clause
pmemset_add_example(basic SOURCES basic.c
	EXPECT "part map 0: 128 KiB"
	       "part map 1: 128 KiB"
	       "part map 2: 128 KiB"
	       "3 part maps")
pmemset_add_example(append_log SOURCES append_log.c
	EXPECT "wrote 3000 records into 3 parts, 1 part map\\(s\\), 192 KiB contiguous"
	       "reopened 192 KiB: 3000 of 3000 records intact, last \"record 3000\"")

# README's "Using it" program, extracted from README.md as it stands, so the
# README cannot drift from what compiles and runs
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
	${PROJECT_SOURCE_DIR}/README.md)
file(READ ${PROJECT_SOURCE_DIR}/README.md readme)
if(NOT readme MATCHES "## Using it.*```c\n(.*)\n```\n\nFunctions that return")
	message(FATAL_ERROR "README.md: no C program under \"## Using it\"")
endif()
string(REGEX REPLACE "\n```.*$" "" readme_program "${CMAKE_MATCH_1}")
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/readme_example.c "${readme_program}\n")
set(readme_file ${PMEMSET_TEST_DIR}/pmemset-readme-example.log)
pmemset_add_example(readme_example
	SOURCES ${CMAKE_CURRENT_BINARY_DIR}/readme_example.c
	ARGS ${readme_file}
	EXPECT "wrote \"hello\" to ${readme_file}")
if(BUILD_TESTING)
	add_test(NAME example_readme_example_cleanup
		COMMAND ${CMAKE_COMMAND} -E rm -f ${readme_file})
	set_tests_properties(example_readme_example PROPERTIES
		FIXTURES_REQUIRED readme_file)
	set_tests_properties(example_readme_example_cleanup PROPERTIES
		FIXTURES_CLEANUP readme_file LABELS example)
endif()
