# SPDX-License-Identifier: BSD-3-Clause
# tests of the core: config, sources, map, part maps, removal, errors
pmemset_add_test(config_test SOURCES config_test.c)
pmemset_add_test(source_test SOURCES source_test.c)
pmemset_add_test(map_test SOURCES map_test.c)
pmemset_add_test(part_map_test SOURCES part_map_test.c)
pmemset_add_test(remove_test SOURCES remove_test.c)
pmemset_add_test(scale_test SOURCES scale_test.c LABELS scale)
pmemset_add_test(threads_test SOURCES threads_test.c LABELS tsan
	ENV "TSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/tsan.supp halt_on_error=1")
pmemset_add_test(errors_test SOURCES errors_test.c OBJECT_LINKED)
pmemset_add_test(map_race_test SOURCES map_race_test.c WRAP pmem2_map_new
	LABELS tsan
	ENV "TSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/tsan.supp halt_on_error=1")
# the interval index on its own: needs our objects
pmemset_add_test(part_index_test SOURCES part_index_test.c OBJECT_LINKED)
# PMDK 1.12.1's own libpmemset test cases not checked elsewhere (README.md)
pmemset_add_test(pmdk_compat_test SOURCES pmdk_compat_test.c LABELS tsan
	ENV "TSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/tsan.supp halt_on_error=1")
