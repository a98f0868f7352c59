# SPDX-License-Identifier: BSD-3-Clause
# shutdown data state: the state machine and its failures through the fake
# device (tests/sds_fake_device.c), and a crash test with a child killed
# while mapped. scripts/test-real-pmem.sh runs them on a real device.
pmemset_add_test(sds_test
	SOURCES sds_test.c sds_fake_device.c
	OBJECT_LINKED LABELS sds)
pmemset_add_test(sds_crash_test
	SOURCES sds_crash_test.c sds_fake_device.c
	OBJECT_LINKED LABELS sds)
# machine-check-safe source I/O and alignment (files; IO_FAIL via --wrap)
pmemset_add_test(source_io_test SOURCES source_io_test.c LABELS source_io)
pmemset_add_test(source_io_fail_test SOURCES source_io_fail_test.c
	WRAP pmem2_source_pread_mcsafe pmem2_source_pwrite_mcsafe
		pmem2_source_alignment
	LABELS source_io)
