# SPDX-License-Identifier: BSD-3-Clause
#
# Power cuts on emulated persistent memory: powercut_log writes a checksummed
# log across part files the library creates and grows, and verifies after a
# cut what it reported persisted (tests/powercut/power-cut.sh boots the
# guest, cuts its power and boots it again). Here on the host: the writer
# and the verifier agree, and the verifier finds a record or a file that is
# gone.
add_executable(powercut_log powercut/powercut_log.c)
target_link_libraries(powercut_log PRIVATE pmemset)
target_compile_definitions(powercut_log PRIVATE _GNU_SOURCE)
add_test(NAME powercut_selftest
	COMMAND ${CMAKE_COMMAND} -E env PMEMSET_TEST_DIR=${PMEMSET_TEST_DIR}
		${CMAKE_CURRENT_SOURCE_DIR}/powercut/selftest.sh
		$<TARGET_FILE:powercut_log>)
set_tests_properties(powercut_selftest PROPERTIES LABELS "powercut"
	TIMEOUT 120)

# the power cuts themselves boot QEMU guests from the host (minutes): only
# when asked, e.g. by the pmem configuration of scripts/run-tests.sh
option(PMEMSET_POWERCUT_VM
	"Register powercut_vm: 3 power cuts of a QEMU guest (needs scripts/pmem-vm.sh)"
	OFF)
if(PMEMSET_POWERCUT_VM)
	add_test(NAME powercut_vm
		COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/powercut/power-cut.sh
			--cuts 3 --max-seconds 6 ${CMAKE_BINARY_DIR})
	set_tests_properties(powercut_vm PROPERTIES LABELS "powercut;pmem_vm"
		TIMEOUT 1200)
endif()
