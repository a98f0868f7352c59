# SPDX-License-Identifier: BSD-3-Clause
# What prints an observer tree, in-process or published: the table of its
# values and the text, JSON and OpenMetrics writers. Part of the library
# (sources.cmake) and compiled into pmemset-stat and the tests that read
# publications, which print published trees with the same code.
set(PMEMSET_STAT_PRINT_SOURCES
	${PROJECT_SOURCE_DIR}/src/stat/dump_writer.c
	${PROJECT_SOURCE_DIR}/src/stat/metrics.c
	${PROJECT_SOURCE_DIR}/src/stat/openmetrics_writer.c
	${PROJECT_SOURCE_DIR}/src/stat/utf8.c
)
