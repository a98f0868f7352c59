# SPDX-License-Identifier: BSD-3-Clause
# The observer module's tests (include/libpmemset/stat.h, src/stat/).
set(STAT_UTIL ${CMAKE_CURRENT_SOURCE_DIR}/stat_util.c)

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
