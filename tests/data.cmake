# SPDX-License-Identifier: BSD-3-Clause
# tests of the data path and the event callback
pmemset_add_test(data_test SOURCES data_test.c)
pmemset_add_test(events_test SOURCES events_test.c LABELS tsan
	ENV "TSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/tsan.supp halt_on_error=1")
pmemset_add_test(event_stop_test SOURCES event_stop_test.c OBJECT_LINKED)
pmemset_add_test(deep_flush_test SOURCES deep_flush_test.c
	WRAP pmem2_deep_flush)
pmemset_add_test(flush_order_test SOURCES flush_order_test.c
	WRAP pmem2_get_persist_fn pmem2_get_flush_fn pmem2_get_drain_fn
	     pmem2_get_memcpy_fn pmem2_get_memmove_fn pmem2_get_memset_fn)
# libpmem2's tuning variables keep working through the set
add_test(NAME data_test_tuned COMMAND ${PMEMSET_TEST_WRAPPER} $<TARGET_FILE:data_test>)
set_tests_properties(data_test_tuned PROPERTIES
	ENVIRONMENT "PMEMSET_TEST_DIR=${PMEMSET_TEST_DIR};PMEM_NO_MOVNT=1;PMEM_NO_GENERIC_MEMCPY=1;PMEM_MOVNT_THRESHOLD=0;PMEM_AVX512F=0"
	TIMEOUT 600)
# which persist a set uses: its own at BYTE (not under valgrind), else libpmem2's
pmemset_add_test(byte_persist_test SOURCES byte_persist_test.c OBJECT_LINKED)
if(PMEMSET_HAVE_VALGRIND_H)
	target_compile_definitions(byte_persist_test PRIVATE
		PMEMSET_HAVE_VALGRIND_H)
endif()
pmemset_add_test(data_path_cost_test SOURCES data_path_cost_test.c
	WRAP malloc calloc realloc pthread_mutex_lock
	     pthread_rwlock_rdlock pthread_rwlock_wrlock)
# the event mask: needs the fake device (SDS, bad blocks) and the hook word
pmemset_add_test(event_mask_test SOURCES event_mask_test.c sds_fake_device.c
	OBJECT_LINKED)
