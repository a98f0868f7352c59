# SPDX-License-Identifier: BSD-3-Clause
# Live publication (pmemset_stat_publish_start(3), pmemset-stat --pid,
# --list, --watch, --all), label "publish":
#  publish_test           cmocka: writer and reader, stale files, corrupt,
#                         truncated, foreign and unknown-version files,
#                         refused directories, fork, torn reads
#  publish_tool_test      the "done when" of issue 24 end to end: a program
#                         with PMEMSET_STAT_PUBLISH=1 seen through --pid
#                         (text, JSON, OpenMetrics), --list, --all
#  publish_watch_test     --watch in tmux, ended by Ctrl-C
#  publish_security_test  nobody cannot read; a setuid program publishes
#                         nothing (root only: skips otherwise)
#  publish_sameness_test  pmemset_stat_dump(3) in the program and
#                         pmemset-stat --pid print the same tree (text,
#                         JSON, OpenMetrics), but for the process's values
#
# a program to watch, linked with our objects (a setuid copy needs no path)
add_executable(publish_probe publish/publish_probe.c)
target_link_libraries(publish_probe PRIVATE pmemset_objects Threads::Threads)

include(${PROJECT_SOURCE_DIR}/src/stat/printing.cmake)
set(PUBLISH_READER ${PROJECT_SOURCE_DIR}/tools/publication_reader.c
	${PMEMSET_STAT_PRINT_SOURCES})
pmemset_add_test(publish_test SOURCES publish_test.c ${PUBLISH_READER}
	LABELS stat publish)
target_include_directories(publish_test PRIVATE
	${PROJECT_SOURCE_DIR}/tools ${PROJECT_SOURCE_DIR}/src/stat)

find_program(BASH_EXECUTABLE bash)
if(NOT BASH_EXECUTABLE OR NOT EXISTS ${PROJECT_SOURCE_DIR}/tools/pmemset-stat.c)
	message(WARNING "bash or pmemset-stat missing: the publication "
		"scripts are not run")
	return()
endif()
foreach(t tool watch security sameness)
	add_test(NAME publish_${t}_test
		COMMAND ${BASH_EXECUTABLE}
			${CMAKE_CURRENT_SOURCE_DIR}/publish/${t}_test.sh
			$<TARGET_FILE:pmemset-stat> $<TARGET_FILE:publish_probe>
			${PMEMSET_TEST_DIR} ${CMAKE_CURRENT_SOURCE_DIR}
			"${PMEMSET_PYTHON}")
	set_tests_properties(publish_${t}_test PROPERTIES
		LABELS "stat;publish;tool" SKIP_RETURN_CODE 77 TIMEOUT 120)
endforeach()
