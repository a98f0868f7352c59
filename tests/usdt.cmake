# SPDX-License-Identifier: BSD-3-Clause
# The USDT probes (src/probes.h), label "usdt": a program run under gdb
# stops at every probe and checks its arguments (tests/usdt/). Only with
# PMEMSET_USDT=ON; skipped (exit 77) without gdb or ptrace. Not under
# valgrind (gdb drives the process itself).
if(NOT PMEMSET_USDT)
	return()
endif()
add_executable(usdt_target usdt/usdt_target.c sds_fake_device.c)
target_include_directories(usdt_target PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}
	${PROJECT_SOURCE_DIR}/src)
target_link_libraries(usdt_target PRIVATE pmemset_objects pmemset_test_util
	Threads::Threads)
add_test(NAME usdt_test
	COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/usdt/usdt_test.sh
		$<TARGET_FILE:usdt_target> $<TARGET_FILE:pmemset>
		${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/libpmemset.pc)
set_tests_properties(usdt_test PROPERTIES LABELS "usdt;no_valgrind"
	ENVIRONMENT "PMEMSET_TEST_DIR=${PMEMSET_TEST_DIR}"
	SKIP_RETURN_CODE 77 TIMEOUT 300)
