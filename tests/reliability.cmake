# SPDX-License-Identifier: BSD-3-Clause
#
# The reliability suite: bad input to every public function, allocation
# and system-call failures, fuzzed call sequences, threads with the
# observer, and a child killed at random moments.
pmemset_add_test(bad_input_test SOURCES bad_input_test.c
	LABELS reliability)
# every allocation of map, removal, sources, sets and the observer fails
# in turn, through the library's own seam (src/alloc.h)
pmemset_add_test(alloc_failure_test
	SOURCES alloc_failure_test.c sds_fake_device.c
	OBJECT_LINKED LABELS reliability)
