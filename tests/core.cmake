# SPDX-License-Identifier: BSD-3-Clause
# tests of the core: config, sources, map, part maps, removal, errors
pmemset_add_test(config_test SOURCES config_test.c)
pmemset_add_test(source_test SOURCES source_test.c)
pmemset_add_test(map_test SOURCES map_test.c)
pmemset_add_test(part_map_test SOURCES part_map_test.c)
pmemset_add_test(ref_check_test SOURCES ref_check_test.c LABELS tsan
	ENV "TSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/tsan.supp halt_on_error=1")
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
pmemset_add_test(refs_test SOURCES refs_test.c OBJECT_LINKED LABELS tsan)
# lock-free lookups against every change, 8 threads, for seconds: 20 plain
# and under TSan, 15 under ASan, 5 under valgrind (60 across CI's runs)
set(lookup_stress_seconds 20)
if(PMEMSET_ASAN)
	set(lookup_stress_seconds 15)
elseif(PMEMSET_TEST_WRAPPER)
	set(lookup_stress_seconds 5)
endif()
pmemset_add_test(lookup_stress_test SOURCES lookup_stress_test.c
	LABELS tsan ARGS ${lookup_stress_seconds}
	ENV "TSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/tsan.supp halt_on_error=1")
# removals whose unmapping fails: through the seam, and at vm.max_map_count
# (not under valgrind, whose own bookkeeping cannot hold that many mappings)
set(remove_failure_env "")
if(PMEMSET_TEST_WRAPPER MATCHES "valgrind")
	set(remove_failure_env PMEMSET_TEST_SKIP_MAP_LIMIT=1)
endif()
pmemset_add_test(remove_failure_test SOURCES remove_failure_test.c
	WRAP pmem2_map_delete ENV ${remove_failure_env})
# PMDK 1.12.1's own libpmemset test cases not checked elsewhere (README.md)
pmemset_add_test(pmdk_compat_test SOURCES pmdk_compat_test.c LABELS tsan
	ENV "TSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/tsan.supp halt_on_error=1")
# a long-lived set whose parts come and go: address space and kernel
# mappings stay flat over 1,000,000 map/remove cycles (110 s of CPU here,
# three quarters of it in the kernel's mmap and mprotect: 15 minutes on a
# machine shared by six builds; 200,000 cycles under ASan), and nothing
# stays mapped after delete. Not under valgrind, which would take hours
# and keeps its own mappings.
set(address_space_cycles 1000000)
if(PMEMSET_ASAN)
	set(address_space_cycles 200000)
endif()
pmemset_add_test(address_space_test SOURCES address_space_test.c
	LABELS scale long no_valgrind TIMEOUT 2400 ARGS ${address_space_cycles})
