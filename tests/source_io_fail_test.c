// SPDX-License-Identifier: BSD-3-Clause
/*
 * source_io_fail_test.c -- pmemset_source_pread_mcsafe/pwrite_mcsafe when
 * the device fails the I/O. libpmem2 reports a read that hits poisoned
 * memory as PMEM2_E_IO_FAIL; without such a device, the libpmem2 calls are
 * wrapped (object-linked, --wrap) to fail the way it would. Also
 * pmemset_source_alignment when libpmem2 cannot work the alignment out
 * (a device-DAX alignment it cannot parse, say).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

static int Fail_with; /* 0: call the real function */
static unsigned Calls;
static int Alignment_fails_with;

int __real_pmem2_source_pread_mcsafe(struct pmem2_source *src, void *buf,
		size_t size, size_t offset);
int __real_pmem2_source_pwrite_mcsafe(struct pmem2_source *src, void *buf,
		size_t size, size_t offset);
int __wrap_pmem2_source_pread_mcsafe(struct pmem2_source *src, void *buf,
		size_t size, size_t offset);
int __wrap_pmem2_source_pwrite_mcsafe(struct pmem2_source *src, void *buf,
		size_t size, size_t offset);
int __real_pmem2_source_alignment(const struct pmem2_source *src,
		size_t *alignment);
int __wrap_pmem2_source_alignment(const struct pmem2_source *src,
		size_t *alignment);

int
__wrap_pmem2_source_alignment(const struct pmem2_source *src,
		size_t *alignment)
{
	if (Alignment_fails_with)
		return Alignment_fails_with;
	return __real_pmem2_source_alignment(src, alignment);
}

int
__wrap_pmem2_source_pread_mcsafe(struct pmem2_source *src, void *buf,
		size_t size, size_t offset)
{
	Calls++;
	if (Fail_with)
		return Fail_with;
	return __real_pmem2_source_pread_mcsafe(src, buf, size, offset);
}

int
__wrap_pmem2_source_pwrite_mcsafe(struct pmem2_source *src, void *buf,
		size_t size, size_t offset)
{
	Calls++;
	if (Fail_with)
		return Fail_with;
	return __real_pmem2_source_pwrite_mcsafe(src, buf, size, offset);
}

static void
io_failure_is_io_fail(void **state)
{
	(void) state;
	char *path = test_file("source-io-fail", 16 * KiB);
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_file(&src, path));
	char buf[512];
	memset(buf, 0x3c, sizeof(buf));

	/* the real thing goes through the wrapper */
	assert_ok(pmemset_source_pwrite_mcsafe(src, buf, sizeof(buf), 0));
	assert_ok(pmemset_source_pread_mcsafe(src, buf, sizeof(buf), 0));
	assert_int_equal(Calls, 2);

	Fail_with = PMEM2_E_IO_FAIL;
	assert_err(pmemset_source_pread_mcsafe(src, buf, sizeof(buf), 4096),
			PMEMSET_E_IO_FAIL);
	assert_msg_has("pmemset_source_pread_mcsafe");
	assert_msg_has("4096");
	assert_err(pmemset_source_pwrite_mcsafe(src, buf, sizeof(buf), 8192),
			PMEMSET_E_IO_FAIL);
	assert_msg_has("pmemset_source_pwrite_mcsafe");
	assert_msg_has("8192");
	assert_int_equal(pmemset_err_to_errno(PMEMSET_E_IO_FAIL), EIO);

	/* an errno from the system call comes back as -errno */
	Fail_with = -EIO;
	assert_err(pmemset_source_pread_mcsafe(src, buf, sizeof(buf), 0),
			-EIO);
	/* out-of-range requests never reach libpmem2 */
	unsigned before = Calls;
	assert_err(pmemset_source_pread_mcsafe(src, buf, sizeof(buf),
			16 * KiB), PMEMSET_E_LENGTH_OUT_OF_RANGE);
	assert_int_equal(Calls, before);

	Fail_with = 0;
	assert_ok(pmemset_source_delete(&src));
	test_file_remove(path);
}

static void
alignment_failure(void **state)
{
	(void) state;
	char *path = test_file("source-io-align", 16 * KiB);
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_file(&src, path));
	size_t a = 12345;
	Alignment_fails_with = PMEM2_E_INVALID_ALIGNMENT_VALUE;
	assert_err(pmemset_source_alignment(src, &a),
			PMEMSET_E_INVALID_ALIGNMENT_VALUE);
	assert_msg_has("pmemset_source_alignment");
	assert_int_equal(a, 12345); /* untouched */
	Alignment_fails_with = PMEM2_E_INVALID_ALIGNMENT_FORMAT;
	assert_err(pmemset_source_alignment(src, &a),
			PMEM2_E_INVALID_ALIGNMENT_FORMAT);
	Alignment_fails_with = 0;
	assert_ok(pmemset_source_alignment(src, &a));
	assert_int_equal(a, (size_t)sysconf(_SC_PAGESIZE));
	assert_ok(pmemset_source_delete(&src));
	test_file_remove(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(io_failure_is_io_fail),
		cmocka_unit_test(alignment_failure),
	};
	return cmocka_run_group_tests_name("source_io_fail", tests, NULL, NULL);
}
