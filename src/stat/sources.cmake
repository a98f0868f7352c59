# SPDX-License-Identifier: BSD-3-Clause
# The observer module's sources, included by src/CMakeLists.txt.
include(${CMAKE_CURRENT_LIST_DIR}/printing.cmake)
set(PMEMSET_STAT_SOURCES
	${PMEMSET_STAT_PRINT_SOURCES}
	${CMAKE_CURRENT_SOURCE_DIR}/stat/array.c
	${CMAKE_CURRENT_SOURCE_DIR}/stat/callbacks.c
	${CMAKE_CURRENT_SOURCE_DIR}/stat/children.c
	${CMAKE_CURRENT_SOURCE_DIR}/stat/dump.c
	${CMAKE_CURRENT_SOURCE_DIR}/stat/handle.c
	${CMAKE_CURRENT_SOURCE_DIR}/stat/iter.c
	${CMAKE_CURRENT_SOURCE_DIR}/stat/match.c
	${CMAKE_CURRENT_SOURCE_DIR}/stat/openmetrics.c
	${CMAKE_CURRENT_SOURCE_DIR}/stat/publish.c
	${CMAKE_CURRENT_SOURCE_DIR}/stat/ref.c
	${CMAKE_CURRENT_SOURCE_DIR}/stat/shared.c
	${CMAKE_CURRENT_SOURCE_DIR}/stat/snapshot.c
	${CMAKE_CURRENT_SOURCE_DIR}/stat/status.c
	${CMAKE_CURRENT_SOURCE_DIR}/stat/tracker.c
	${CMAKE_CURRENT_SOURCE_DIR}/stat/tree.c
	${CMAKE_CURRENT_SOURCE_DIR}/stat/uri.c
	${CMAKE_CURRENT_SOURCE_DIR}/stat/values.c
)
