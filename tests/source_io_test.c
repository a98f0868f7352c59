// SPDX-License-Identifier: BSD-3-Clause
/*
 * source_io_test.c -- pmemset_source_pread_mcsafe, pmemset_source_pwrite_mcsafe
 * and pmemset_source_alignment on files, temporary files and caller's pmem2
 * sources: round trips, the range checks, and what they see of a mapping.
 * Runs against the shared library. (IO_FAIL, which needs a failing device,
 * is in source_io_fail_test.c.)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file_set_fixture.h"
#include "test_util.h"

#define FILE_SIZE (64 * KiB)

/* a file of FILE_SIZE bytes and its source; the cases make their sets */
static const struct file_set_params Params = {
	.tag = "source-io", .file_size = FILE_SIZE, .no_set = true,
};

static void
fill(char *buf, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)(i * 31 + seed);
}

static void
write_then_read_back(void **state)
{
	struct file_set_fixture *f = *state;
	char out[5000], in[5000];
	fill(out, sizeof(out), 3);
	/* unaligned offset and length: this is plain I/O, not a mapping */
	assert_ok(pmemset_source_pwrite_mcsafe(f->src, out, sizeof(out), 123));
	memset(in, 0, sizeof(in));
	assert_ok(pmemset_source_pread_mcsafe(f->src, in, sizeof(in), 123));
	assert_memory_equal(in, out, sizeof(out));

	/* the bytes really are in the file */
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	memset(in, 0, sizeof(in));
	assert_int_equal(pread(fd, in, sizeof(in), 123), (ssize_t)sizeof(in));
	close(fd);
	assert_memory_equal(in, out, sizeof(out));
	/* and the file did not grow */
	assert_int_equal(test_file_size(f->path), FILE_SIZE);
}

static void
whole_file_and_the_last_byte(void **state)
{
	struct file_set_fixture *f = *state;
	char *out = malloc(FILE_SIZE), *in = malloc(FILE_SIZE);
	fill(out, FILE_SIZE, 9);
	assert_ok(pmemset_source_pwrite_mcsafe(f->src, out, FILE_SIZE, 0));
	assert_ok(pmemset_source_pread_mcsafe(f->src, in, FILE_SIZE, 0));
	assert_memory_equal(in, out, FILE_SIZE);
	char last;
	assert_ok(pmemset_source_pread_mcsafe(f->src, &last, 1, FILE_SIZE - 1));
	assert_int_equal(last, out[FILE_SIZE - 1]);
	/* nothing at the very end is still in range */
	assert_ok(pmemset_source_pread_mcsafe(f->src, &last, 0, FILE_SIZE));
	free(out);
	free(in);
}

static void
out_of_range(void **state)
{
	struct file_set_fixture *f = *state;
	char buf[16] = {0};
	const struct {
		size_t size;
		size_t offset;
		const char *mentions;
	} cases[] = {
		{16, FILE_SIZE - 15, "65521"},	/* one byte past the end */
		{1, FILE_SIZE, "65536"},	/* starts at the end */
		{1, FILE_SIZE + 4096, "69632"},	/* starts beyond it */
		{16, SIZE_MAX - 4, "past the end"}, /* offset + size wraps */
		{SIZE_MAX, 8, "past the end"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_err(pmemset_source_pread_mcsafe(f->src, buf,
				cases[i].size, cases[i].offset),
				PMEMSET_E_LENGTH_OUT_OF_RANGE);
		assert_msg_has(cases[i].mentions);
		assert_msg_has("pmemset_source_pread_mcsafe");
		assert_err(pmemset_source_pwrite_mcsafe(f->src, buf,
				cases[i].size, cases[i].offset),
				PMEMSET_E_LENGTH_OUT_OF_RANGE);
		assert_msg_has("pmemset_source_pwrite_mcsafe");
	}
	/* a refused write neither wrote nor grew the file */
	assert_int_equal(test_file_size(f->path), FILE_SIZE);
	assert_int_equal(pmemset_err_to_errno(PMEMSET_E_LENGTH_OUT_OF_RANGE),
			EINVAL);
}

static void
null_arguments(void **state)
{
	struct file_set_fixture *f = *state;
	char buf[4];
	assert_err(pmemset_source_pread_mcsafe(NULL, buf, 4, 0), -EINVAL);
	assert_msg_has("src");
	assert_err(pmemset_source_pread_mcsafe(f->src, NULL, 4, 0), -EINVAL);
	assert_msg_has("buf");
	assert_err(pmemset_source_pwrite_mcsafe(NULL, buf, 4, 0), -EINVAL);
	assert_msg_has("src");
	assert_err(pmemset_source_pwrite_mcsafe(f->src, NULL, 4, 0), -EINVAL);
	assert_msg_has("buf");
	size_t a;
	assert_err(pmemset_source_alignment(f->src, NULL), -EINVAL);
	assert_msg_has("alignment");
	assert_err(pmemset_source_alignment(NULL, &a), -EINVAL);
	assert_msg_has("src");
}

/* I/O and a mapping of the same file see each other's bytes */
static void
io_and_mapping_agree(void **state)
{
	struct file_set_fixture *f = *state;
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset_part_descriptor d;
	test_map(set, f->src, 0, FILE_SIZE, &d);
	memset(d.addr, 0x77, 4096);
	assert_ok(pmemset_persist(set, d.addr, 4096));
	char in[4096];
	assert_ok(pmemset_source_pread_mcsafe(f->src, in, sizeof(in), 0));
	for (size_t i = 0; i < sizeof(in); i++)
		assert_int_equal((unsigned char)in[i], 0x77);

	char out[100];
	fill(out, sizeof(out), 1);
	assert_ok(pmemset_source_pwrite_mcsafe(f->src, out, sizeof(out), 8192));
	assert_memory_equal((char *)d.addr + 8192, out, sizeof(out));
	assert_ok(pmemset_delete(&set));
}

static void
alignment_of_files(void **state)
{
	struct file_set_fixture *f = *state;
	size_t a = 0;
	assert_ok(pmemset_source_alignment(f->src, &a));
	/* an ordinary file maps at page granularity */
	assert_int_equal(a, (size_t)sysconf(_SC_PAGESIZE));

	struct pmemset_source *tmp;
	assert_ok(pmemset_source_from_temporary(&tmp, test_dir()));
	a = 0;
	assert_ok(pmemset_source_alignment(tmp, &a));
	assert_int_equal(a, (size_t)sysconf(_SC_PAGESIZE));
	assert_ok(pmemset_source_delete(&tmp));

	/* the alignment is what a map's offset must honour */
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset_map_config *mc;
	assert_ok(pmemset_map_config_new(&mc));
	assert_ok(pmemset_map_config_set_offset(mc, a / 2));
	pmemset_map_config_set_length(mc, a);
	assert_err(pmemset_map(set, f->src, mc, NULL),
			PMEMSET_E_INVALID_OFFSET_VALUE);
	assert_ok(pmemset_map_config_set_offset(mc, a));
	assert_ok(pmemset_map(set, f->src, mc, NULL));
	assert_ok(pmemset_map_config_delete(&mc));
	assert_ok(pmemset_delete(&set));
}

/* a temporary file: the same I/O, within its (growing) size */
static void
temporary_source_io(void **state)
{
	(void) state;
	struct pmemset_source *tmp;
	assert_ok(pmemset_source_from_temporary(&tmp, test_dir()));
	char b = 1;
	/* empty: nothing to read or write yet */
	assert_err(pmemset_source_pwrite_mcsafe(tmp, &b, 1, 0),
			PMEMSET_E_LENGTH_OUT_OF_RANGE);
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	test_map(set, tmp, 0, 8 * KiB, NULL);
	char out[64], in[64];
	fill(out, sizeof(out), 5);
	assert_ok(pmemset_source_pwrite_mcsafe(tmp, out, sizeof(out), 4096));
	assert_ok(pmemset_source_pread_mcsafe(tmp, in, sizeof(in), 4096));
	assert_memory_equal(in, out, sizeof(out));
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&tmp));
}

/* a caller's pmem2 source on a read-only descriptor: writes fail cleanly */
static void
read_only_pmem2_source(void **state)
{
	struct file_set_fixture *f = *state;
	char out[32];
	fill(out, sizeof(out), 2);
	assert_ok(pmemset_source_pwrite_mcsafe(f->src, out, sizeof(out), 0));

	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	struct pmem2_source *p2;
	assert_int_equal(pmem2_source_from_fd(&p2, fd), 0);
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_pmem2(&src, p2));
	char in[32];
	assert_ok(pmemset_source_pread_mcsafe(src, in, sizeof(in), 0));
	assert_memory_equal(in, out, sizeof(out));
	int ret = pmemset_source_pwrite_mcsafe(src, out, sizeof(out), 0);
	assert_int_equal(ret, -EBADF);
	assert_msg_has("pmemset_source_pwrite_mcsafe");
	assert_int_equal(pmemset_err_to_errno(ret), EBADF);
	assert_ok(pmemset_source_delete(&src));
	assert_int_equal(pmem2_source_delete(&p2), 0);
	/* the caller's descriptor is still the caller's */
	assert_int_equal(fcntl(fd, F_GETFD) >= 0, 1);
	close(fd);
}

/* an anonymous pmem2 source has a size but no file to read */
static void
anonymous_source_io(void **state)
{
	(void) state;
	struct pmem2_source *anon;
	assert_int_equal(pmem2_source_from_anon(&anon, FILE_SIZE), 0);
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_pmem2(&src, anon));
	char buf[16];
	assert_err(pmemset_source_pread_mcsafe(src, buf, sizeof(buf), 0),
			PMEMSET_E_INVALID_SOURCE_TYPE);
	assert_err(pmemset_source_pread_mcsafe(src, buf, sizeof(buf),
			FILE_SIZE), PMEMSET_E_LENGTH_OUT_OF_RANGE);
	size_t a = 0;
	assert_ok(pmemset_source_alignment(src, &a));
	assert_true(a > 0);
	assert_ok(pmemset_source_delete(&src));
	assert_int_equal(pmem2_source_delete(&anon), 0);
}

/*
 * A write through the source reaches a part that had read the block before
 * it was written, after a store through the part to a neighbouring block.
 * On ext4 -o dax (Linux 6.1) the part kept showing the zero page it read
 * (see refresh_dax_mappings in src/source.c). Runs in $PMEMSET_PMEM_DIR when
 * that is set (the emulated NVDIMM's DAX file system), else in the test
 * directory, where it holds trivially; for a file source and a temporary one.
 */
static void
pwrite_reaches_a_part_that_read_the_block(void **state)
{
	(void) state;
	const char *pmem = getenv("PMEMSET_PMEM_DIR");
	const char *dir = pmem != NULL && pmem[0] != '\0' ? pmem : test_dir();
	for (int temporary = 0; temporary < 2; temporary++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/pmemset-source-io-%d-dax",
				dir, (int)getpid());
		struct pmemset_source *src;
		if (temporary)
			assert_ok(pmemset_source_from_temporary(&src, dir));
		else
			assert_ok(pmemset_xsource_from_file(&src, path,
				PMEMSET_SOURCE_FILE_CREATE_ALWAYS));
		struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE,
				NULL, NULL);
		/* 8 pages, grown by the map: one small unwritten extent */
		struct pmemset_part_descriptor d;
		test_map(set, src, 0, 32 * KiB, &d);
		volatile char *part = d.addr;
		assert_int_equal(part[4096 + 10], 0); /* reads page 1 */
		part[10] = 0x11;	/* a store to page 0 */
		assert_ok(pmemset_persist(set, d.addr, 64));
		unsigned char buf[100];
		memset(buf, 0x71, sizeof(buf));
		assert_ok(pmemset_source_pwrite_mcsafe(src, buf, sizeof(buf),
				4096));
		for (size_t i = 0; i < sizeof(buf); i++)
			if ((unsigned char)part[4096 + i] != 0x71)
				fail_msg("%s source: byte %zu of page 1 is "
					"0x%02x through the part, 0x71 written",
					temporary ? "temporary" : "file", i,
					(unsigned char)part[4096 + i]);
		assert_int_equal(part[10], 0x11);
		assert_ok(pmemset_delete(&set));
		assert_ok(pmemset_source_delete(&src));
		if (!temporary)
			unlink(path);
	}
}

int
main(void)
{
#define T(name) file_set_test(name, &Params)
	const struct CMUnitTest tests[] = {
		T(write_then_read_back),
		T(whole_file_and_the_last_byte),
		T(out_of_range),
		T(null_arguments),
		T(io_and_mapping_agree),
		T(alignment_of_files),
		T(temporary_source_io),
		T(read_only_pmem2_source),
		T(anonymous_source_io),
		T(pwrite_reaches_a_part_that_read_the_block),
	};
#undef T
	return cmocka_run_group_tests_name("source_io", tests, NULL, NULL);
}
