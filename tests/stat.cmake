# SPDX-License-Identifier: BSD-3-Clause
# The observer module's tests (include/libpmemset/stat.h, src/stat/).
set(STAT_UTIL ${CMAKE_CURRENT_SOURCE_DIR}/stat_util.c)

pmemset_add_test(stat_order_test SOURCES stat_order_test.c ${STAT_UTIL}
	LABELS stat)
