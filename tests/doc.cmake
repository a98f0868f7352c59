# SPDX-License-Identifier: BSD-3-Clause
#
# The manual pages (doc/, scripts/check-man-*.sh), label "doc":
#  doc_synopsis_matches_header   every SYNOPSIS compiles against our headers
#                                and repeats their declarations word for word
#  doc_every_export_has_a_page   every exported function has a page or link
#  doc_pages_render_cleanly      groff/man render every page with no warning;
#                                function pages have every section; our own
#                                cross-references resolve
#  doc_tool_options_match_page   pmemset-stat(1) and pmemset-stat --help list
#                                the same options
# The last three need the generated pages, so they exist only when doc/ is
# built (PMEMSET_DOC=ON and pandoc found).

if(NOT EXISTS ${PROJECT_SOURCE_DIR}/doc/CMakeLists.txt)
	return()
endif()

find_program(BASH_EXECUTABLE bash)
if(NOT BASH_EXECUTABLE)
	message(WARNING "bash not found: the manual page checks are not run")
	return()
endif()

file(GLOB PMEMSET_DOC_MD CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/doc/*.[1-8].md)
list(SORT PMEMSET_DOC_MD)

set(doc_include_flags)
foreach(dir ${PMEMSET_LIBPMEM2_INCLUDE_DIRS})
	list(APPEND doc_include_flags -I ${dir})
endforeach()

add_test(NAME doc_synopsis_matches_header
	COMMAND ${BASH_EXECUTABLE}
		${PROJECT_SOURCE_DIR}/scripts/check-man-synopsis.sh
		-i ${PROJECT_SOURCE_DIR}/include ${doc_include_flags}
		${PMEMSET_DOC_MD})
set_tests_properties(doc_synopsis_matches_header PROPERTIES
	ENVIRONMENT "CC=${CMAKE_C_COMPILER}" LABELS doc TIMEOUT 300)

find_program(PANDOC_EXECUTABLE pandoc)
if(NOT PMEMSET_DOC OR NOT PANDOC_EXECUTABLE)
	return()
endif()
# where doc/CMakeLists.txt puts the generated pages
set(doc_man_dir ${PROJECT_BINARY_DIR}/doc)

add_test(NAME doc_every_export_has_a_page
	COMMAND ${BASH_EXECUTABLE}
		${PROJECT_SOURCE_DIR}/scripts/check-man-exports.sh
		$<TARGET_FILE:pmemset> ${doc_man_dir})
set_tests_properties(doc_every_export_has_a_page PROPERTIES
	ENVIRONMENT "NM=${CMAKE_NM}" LABELS doc TIMEOUT 300)

add_test(NAME doc_pages_render_cleanly
	COMMAND ${BASH_EXECUTABLE}
		${PROJECT_SOURCE_DIR}/scripts/check-man-render.sh
		${doc_man_dir} ${PMEMSET_DOC_MD})
set_tests_properties(doc_pages_render_cleanly PROPERTIES
	LABELS doc TIMEOUT 600)

# pmemset-stat(1) documents exactly the options the tool has. The tool is
# defined in tools/, after this file is read, so look for it there.
set(doc_tools_cmake ${PROJECT_SOURCE_DIR}/tools/CMakeLists.txt)
if(EXISTS ${doc_tools_cmake})
	file(STRINGS ${doc_tools_cmake} doc_has_tool
		REGEX "add_executable\\(pmemset-stat ")
	if(doc_has_tool)
		add_test(NAME doc_tool_options_match_page
			COMMAND ${BASH_EXECUTABLE}
				${PROJECT_SOURCE_DIR}/scripts/check-man-options.sh
				$<TARGET_FILE:pmemset-stat>
				${doc_man_dir}/man1/pmemset-stat.1)
		set_tests_properties(doc_tool_options_match_page PROPERTIES
			LABELS doc TIMEOUT 120)
	endif()
endif()
