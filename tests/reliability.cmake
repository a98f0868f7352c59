# SPDX-License-Identifier: BSD-3-Clause
#
# The reliability suite: bad input to every public function, allocation
# and system-call failures, fuzzed call sequences, threads with the
# observer, and a child killed at random moments.
pmemset_add_test(bad_input_test SOURCES bad_input_test.c
	LABELS reliability)
# the same with the diagnostics on: every error path logs, cleanly
pmemset_add_test(bad_input_logged_test SOURCES bad_input_test.c
	LABELS reliability
	ENV PMEMSET_LOG_LEVEL=3
	    PMEMSET_LOG_FILE=${CMAKE_CURRENT_BINARY_DIR}/bad_input_logged.log)
# every allocation of map, removal, sources, sets and the observer fails
# in turn, through the library's own seam (src/alloc.h)
pmemset_add_test(alloc_failure_test
	SOURCES alloc_failure_test.c sds_fake_device.c ${STAT_UTIL}
	OBJECT_LINKED LABELS reliability)
# failures of the system and libpmem2 calls at our seam (--wrap)
pmemset_add_test(seam_failure_test SOURCES seam_failure_test.c
	LABELS reliability
	WRAP open posix_fallocate ftruncate pthread_rwlock_init
	     pthread_mutex_init pmem2_source_from_fd pmem2_source_size
	     pmem2_source_alignment pmem2_config_new pmem2_config_set_offset
	     pmem2_map_new pmem2_map_delete pmem2_vm_reservation_new
	     pmem2_vm_reservation_delete pmem2_vm_reservation_extend)
# DURABILITY in pmemset_map(3): which directory and file the library syncs,
# when, and what a failed sync does (fsync and fdatasync wrapped)
pmemset_add_test(durability_test SOURCES durability_test.c
	LABELS reliability WRAP fsync fdatasync)
# the call-sequence fuzzer without libFuzzer (any compiler): the seed
# corpus, then a few hundred generated inputs (our objects: the SDS comes
# from the fake device of the sds tests)
# not under valgrind: there a 256 MiB reservation of the model's coalescing
# cases fails with EINVAL (valgrind's address-space manager), which the
# model reads as a wrong answer; plain, clang and ASan runs replay it
pmemset_add_test(fuzz_replay
	SOURCES fuzz/fuzz_calls.c fuzz/replay_main.c sds_fake_device.c
	OBJECT_LINKED LABELS reliability fuzz no_valgrind
	ARGS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus --random 300 1
	TIMEOUT 600)

# the reader of live publications on arbitrary bytes, the same way
include(${PROJECT_SOURCE_DIR}/src/stat/printing.cmake)
pmemset_add_test(fuzz_publication_replay
	SOURCES fuzz/fuzz_publication.c fuzz/replay_main.c
		${PROJECT_SOURCE_DIR}/tools/publication_reader.c
		${PMEMSET_STAT_PRINT_SOURCES}
	LABELS reliability fuzz publish
	ARGS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/publication_corpus --random 2000 1
	TIMEOUT 300)
target_include_directories(fuzz_publication_replay PRIVATE
	${PROJECT_SOURCE_DIR}/tools ${PROJECT_SOURCE_DIR}/src/stat)

# the libFuzzer build of it (scripts/fuzz.sh configures and runs it)
option(PMEMSET_FUZZ "Build the libFuzzer harness tests/fuzz (needs clang)"
	OFF)
if(PMEMSET_FUZZ)
	if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
		message(FATAL_ERROR "PMEMSET_FUZZ needs clang: configure with "
			"-DCMAKE_C_COMPILER=clang (scripts/fuzz.sh does)")
	endif()
	# coverage feedback from the library's own code, too
	target_compile_options(pmemset_objects PRIVATE
		-fsanitize=fuzzer-no-link)
	add_executable(fuzz_calls fuzz/fuzz_calls.c sds_fake_device.c)
	target_include_directories(fuzz_calls PRIVATE
		${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/include)
	target_compile_options(fuzz_calls PRIVATE
		-fsanitize=fuzzer,address,undefined)
	target_link_options(fuzz_calls PRIVATE
		-fsanitize=fuzzer,address,undefined)
	target_link_libraries(fuzz_calls PRIVATE pmemset_objects
		Threads::Threads)
	target_compile_definitions(fuzz_calls PRIVATE _GNU_SOURCE)
	add_executable(fuzz_publication fuzz/fuzz_publication.c
		${PROJECT_SOURCE_DIR}/tools/publication_reader.c
		${PMEMSET_STAT_PRINT_SOURCES})
	target_include_directories(fuzz_publication PRIVATE
		${PROJECT_SOURCE_DIR}/tools ${PROJECT_SOURCE_DIR}/src/stat
		${PROJECT_SOURCE_DIR}/include)
	target_compile_options(fuzz_publication PRIVATE
		-fsanitize=fuzzer,address,undefined)
	target_link_options(fuzz_publication PRIVATE
		-fsanitize=fuzzer,address,undefined)
	target_compile_definitions(fuzz_publication PRIVATE _GNU_SOURCE)
endif()
# 8 threads: workers on two sets, two observers, a walker (TSan in CI)
pmemset_add_test(threads_observer_test SOURCES threads_observer_test.c
	LABELS reliability tsan
	ENV "TSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/tsan.supp halt_on_error=1")
# another thread's call in a window of the library, made deterministic
pmemset_add_test(race_failure_test SOURCES race_failure_test.c
	LABELS reliability WRAP sds_after_map)
# a log application killed with SIGKILL at random moments, then checked;
# fewer rounds under valgrind, where every step is slower
set(crash_env "")
if(PMEMSET_TEST_WRAPPER MATCHES "valgrind")
	set(crash_env PMEMSET_CRASH_ROUNDS=24 PMEMSET_CRASH_MAX_DELAY_US=50000)
endif()
pmemset_add_test(crash_test SOURCES crash_test.c sds_fake_device.c
	OBJECT_LINKED LABELS reliability ENV ${crash_env})
# fork() while other threads are inside the library: every child finishes
# (fewer rounds under valgrind, where each child runs slowly too). Not under
# ASan or TSan: GCC 12's sanitizer runtimes take no lock of their allocators
# around fork, so a child forked while another thread allocates hangs in
# malloc, whatever the library does (seen: ASan's size-class allocator,
# TSan's metadata allocator).
set(fork_env "")
if(PMEMSET_TEST_WRAPPER MATCHES "valgrind")
	set(fork_env PMEMSET_FORK_ROUNDS=20)
endif()
if(PMEMSET_ASAN OR PMEMSET_TSAN)
	set(fork_env PMEMSET_FORK_ROUNDS=0)
endif()
pmemset_add_test(fork_test SOURCES fork_test.c ${STAT_UTIL}
	LABELS reliability ENV ${fork_env})
