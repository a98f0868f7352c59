# SPDX-License-Identifier: BSD-3-Clause
# bad blocks: detection at map time and pmemset_badblock_clear, through the
# fake device (tests/sds_fake_device.c) and, for ordinary files and
# anonymous sources, the real libpmem2.
pmemset_add_test(badblock_test
	SOURCES badblock_test.c sds_fake_device.c
	OBJECT_LINKED LABELS badblock)
