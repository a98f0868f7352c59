// SPDX-License-Identifier: BSD-3-Clause
/*
 * devdax_test.c -- sets on a Device DAX device ($PMEMSET_DEVDAX, e.g.
 * /dev/dax0.1), through pmemset_xsource_from_file and
 * pmemset_source_from_pmem2: the device's alignment (2 MiB here) for
 * offsets and lengths, a device that cannot grow or be truncated,
 * coalescing, removal, deletion, the data path, machine-check-safe I/O and
 * deep flush. Skipped (exit 77) without PMEMSET_DEVDAX, failed when
 * PMEMSET_TEST_REQUIRE_PMEM=1. The device's contents are overwritten.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "pmem_env.h"
#include "test_util.h"

static const char *Dev;
static size_t Align;	/* the device's, from sysfs */
static size_t Size;	/* the device's, from sysfs */
static char Region[PATH_MAX];

/* a number from the device's sysfs directory (dax/<attr>) */
static size_t
dax_attr(const char *attr)
{
	struct stat st;
	if (stat(Dev, &st) != 0 || !S_ISCHR(st.st_mode))
		fail_msg("%s is not a character device", Dev);
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/%s",
		major(st.st_rdev), minor(st.st_rdev), attr);
	FILE *f = fopen(path, "r");
	unsigned long long v = 0;
	if (f == NULL || fscanf(f, "%llu", &v) != 1)
		fail_msg("cannot read %s", path);
	fclose(f);
	return (size_t)v;
}

/* source by file (flags) or through a libpmem2 source of our own fd */
struct dev_source {
	struct pmemset_source *src;
	struct pmem2_source *p2;
	int fd;
};

static void
open_by_file(struct dev_source *s, uint64_t flags)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	assert_ok(pmemset_xsource_from_file(&s->src, Dev, flags));
}

static void
open_by_pmem2(struct dev_source *s)
{
	memset(s, 0, sizeof(*s));
	s->fd = open(Dev, O_RDWR);
	assert_true(s->fd >= 0);
	assert_int_equal(pmem2_source_from_fd(&s->p2, s->fd), 0);
	assert_ok(pmemset_source_from_pmem2(&s->src, s->p2));
}

static void
close_source(struct dev_source *s)
{
	assert_ok(pmemset_source_delete(&s->src));
	if (s->p2 != NULL)
		assert_int_equal(pmem2_source_delete(&s->p2), 0);
	if (s->fd >= 0)
		close(s->fd);
}

/* the alignment libpmemset reports is the device's */
static void
alignment_is_the_devices(void **state)
{
	(void) state;
	struct dev_source s;
	open_by_file(&s, 0);
	size_t a = 0;
	assert_ok(pmemset_source_alignment(s.src, &a));
	assert_int_equal(a, Align);
	close_source(&s);
	open_by_pmem2(&s);
	assert_ok(pmemset_source_alignment(s.src, &a));
	assert_int_equal(a, Align);
	close_source(&s);
}

/* the message says what is wrong and names the alignment */
static void
expect_alignment_error(int ret, int code)
{
	assert_int_equal(ret, code);
	char align[32];
	snprintf(align, sizeof(align), "%zu", Align);
	assert_msg_has(align);
	assert_msg_has("Device DAX");
}

/* offsets and lengths off the alignment fail, and nothing is mapped */
static void
unaligned_offsets_and_lengths(void **state)
{
	(void) state;
	for (int how = 0; how < 2; how++) {
		struct dev_source s;
		if (how == 0)
			open_by_file(&s, 0);
		else
			open_by_pmem2(&s);
		struct pmemset *set = test_set_new(
				PMEM2_GRANULARITY_CACHE_LINE, NULL, NULL);
		struct pmemset_source *src = s.src;
		expect_alignment_error(test_try_map(set, src, 4096, Align,
				NULL), PMEMSET_E_INVALID_OFFSET_VALUE);
		printf("devdax_test: %s\n", pmemset_errormsg());
		expect_alignment_error(test_try_map(set, src, Align / 2,
				Align, NULL), PMEMSET_E_INVALID_OFFSET_VALUE);
		expect_alignment_error(test_try_map(set, src, 0, 4096, NULL),
				PMEMSET_E_LENGTH_UNALIGNED);
		printf("devdax_test: %s\n", pmemset_errormsg());
		expect_alignment_error(test_try_map(set, src, Align,
				Align + 4096, NULL),
				PMEMSET_E_LENGTH_UNALIGNED);
		assert_int_equal(test_count_part_maps(set), 0);
		/* the aligned neighbours map */
		assert_ok(test_try_map(set, s.src, Align, Align, NULL));
		assert_int_equal(test_count_part_maps(set), 1);
		assert_ok(pmemset_delete(&set));
		close_source(&s);
	}
}

/* a device never grows: a range past its end fails, nothing changes */
static void
device_cannot_grow(void **state)
{
	(void) state;
	const uint64_t flags[] = {0, PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED};
	for (size_t i = 0; i < 3; i++) {
		struct dev_source s;
		if (i < 2)
			open_by_file(&s, flags[i]);
		else
			open_by_pmem2(&s);
		struct pmemset *set = test_set_new(
				PMEM2_GRANULARITY_CACHE_LINE, NULL, NULL);
		assert_err(test_try_map(set, s.src, Size - Align, 2 * Align,
				NULL), PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL);
		assert_msg_has("Device DAX");
		printf("devdax_test: %s\n", pmemset_errormsg());
		assert_err(test_try_map(set, s.src, Size, Align, NULL),
				PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL);
		assert_int_equal(test_count_part_maps(set), 0);
		assert_int_equal(dax_attr("size"), Size);
		/* length 0 maps to the end; the last aligned block maps */
		struct pmemset_part_descriptor d;
		assert_ok(test_try_map(set, s.src, Size - Align, 0, &d));
		assert_int_equal(d.size, Align);
		assert_ok(pmemset_delete(&set));
		close_source(&s);
	}
}

/* CREATE_ALWAYS would empty the file: a device cannot be, and is kept */
static void
create_always_is_refused(void **state)
{
	(void) state;
	/* a mark to see that nothing was changed */
	struct dev_source s;
	open_by_file(&s, 0);
	uint64_t mark = 0x6465766461786d6bULL;
	assert_ok(pmemset_source_pwrite_mcsafe(s.src, &mark, sizeof(mark),
			Align));
	close_source(&s);

	struct pmemset_source *src = (void *)0x1;
	assert_err(pmemset_xsource_from_file(&src, Dev,
			PMEMSET_SOURCE_FILE_CREATE_ALWAYS),
			PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS);
	assert_null(src);
	assert_msg_has("Device DAX");
	printf("devdax_test: %s\n", pmemset_errormsg());

	open_by_file(&s, 0);
	uint64_t got = 0;
	assert_ok(pmemset_source_pread_mcsafe(s.src, &got, sizeof(got), Align));
	assert_int_equal(got, mark);
	close_source(&s);
	assert_int_equal(dax_attr("size"), Size);
}

/* adjacent parts of the device coalesce; FULL appends */
static void
coalescing(void **state)
{
	(void) state;
	struct dev_source s;
	open_by_file(&s, 0);
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_CACHE_LINE,
			NULL, NULL);
	assert_ok(pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_FULL));
	struct pmemset_part_descriptor d;
	assert_ok(test_try_map(set, s.src, 0, Align, &d));
	char *first = d.addr;
	assert_int_equal((uintptr_t)first % Align, 0);
	assert_ok(test_try_map(set, s.src, 2 * Align, Align, &d));
	assert_ptr_equal(d.addr, first);
	assert_int_equal(d.size, 2 * Align);
	assert_ok(test_try_map(set, s.src, Align, Align, &d));
	assert_int_equal(d.size, 3 * Align);
	assert_int_equal(test_count_part_maps(set), 1);
	/* parts lie in map order: the second (offset 2*Align) at +Align,
	 * the third (offset Align) at +2*Align */
	first[Align + 5] = 0x5a;
	first[2 * Align + 5] = 0x5b;
	assert_ok(pmemset_persist(set, first, 3 * Align));
	char b = 0;
	assert_ok(pmemset_source_pread_mcsafe(s.src, &b, 1, 2 * Align + 5));
	assert_int_equal(b, 0x5a);
	assert_ok(pmemset_source_pread_mcsafe(s.src, &b, 1, Align + 5));
	assert_int_equal(b, 0x5b);
	assert_ok(pmemset_delete(&set));
	close_source(&s);
}

/* removal of a part, a range and a whole part map; then delete */
static void
removal_and_delete(void **state)
{
	(void) state;
	struct dev_source s;
	open_by_pmem2(&s);
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_CACHE_LINE,
			NULL, NULL);
	assert_ok(pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_OPPORTUNISTIC));
	struct pmemset_part_descriptor d;
	for (size_t i = 0; i < 4; i++)
		assert_ok(test_try_map(set, s.src, i * Align, Align, &d));
	char *base = d.addr;
	assert_int_equal(d.size, 4 * Align);
	/* the second part: the part map splits in two */
	assert_ok(pmemset_remove_range(set, base + Align + 100, 1));
	assert_int_equal(test_count_part_maps(set), 2);
	struct pmemset_part_map *pm = NULL;
	assert_err(pmemset_part_map_by_address(set, &pm, base + Align),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	/* the last part map (parts 3 and 4) */
	assert_ok(pmemset_part_map_by_address(set, &pm, base + 3 * Align));
	assert_ok(pmemset_remove_part_map(set, &pm));
	assert_null(pm);
	assert_int_equal(test_count_part_maps(set), 1);
	/* the source may go while its parts are mapped */
	close_source(&s);
	base[7] = 1;
	assert_ok(pmemset_persist(set, base + 7, 1));
	assert_ok(pmemset_delete(&set));
	assert_null(set);
}

/* the data path, deep flush and the mcsafe I/O agree with each other */
static void
data_path(void **state)
{
	(void) state;
	assert_true(Region[0] != '\0');
	char path[PATH_MAX + 16];
	struct stat st;
	snprintf(path, sizeof(path), "%s/deep_flush", Region);
	if (stat(path, &st) != 0)
		fail_msg("the region of %s (%s) has no deep_flush control",
			Dev, Region);

	struct dev_source s;
	open_by_file(&s, 0);
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset_part_descriptor d;
	assert_ok(test_try_map(set, s.src, Align, Align, &d));
	enum pmem2_granularity g;
	assert_ok(pmemset_get_store_granularity(set, &g));
	assert_int_equal(g, pmem_env_region_granularity(Region));
	char *base = d.addr;
	char buf[5000], got[5000];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 13 + 3);
	pmemset_memcpy(set, base + 17, buf, sizeof(buf),
			PMEMSET_F_MEM_NONTEMPORAL);
	pmemset_memset(set, base + 9000, 0x7e, 100, 0);
	pmemset_memmove(set, base + 20000, base + 17, sizeof(buf), 0);
	assert_ok(pmemset_deep_flush(set, base, Align));
	assert_ok(pmemset_source_pread_mcsafe(s.src, got, sizeof(got),
			Align + 20000));
	assert_memory_equal(got, buf, sizeof(buf));
	/* written through the source, read through the mapping */
	memset(buf, 0x42, 300);
	assert_ok(pmemset_source_pwrite_mcsafe(s.src, buf, 300, Align + 64));
	assert_memory_equal(base + 64, buf, 300);
	/* I/O past the device's end fails and names its size */
	assert_err(pmemset_source_pread_mcsafe(s.src, got, 2, Size - 1),
			PMEMSET_E_LENGTH_OUT_OF_RANGE);
	assert_ok(pmemset_delete(&set));
	close_source(&s);
}

int
main(void)
{
	bool required;
	Dev = pmem_env_get("PMEMSET_DEVDAX", "a Device DAX device, /dev/daxX.Y",
			&required);
	if (Dev == NULL)
		return required ? 1 : PMEM_ENV_SKIP;
	struct stat st;
	if (stat(Dev, &st) != 0 || !S_ISCHR(st.st_mode)) {
		printf("FAILED: %s is not a character device\n", Dev);
		return 1;
	}
	Align = dax_attr("align");
	Size = dax_attr("size");
	if (!pmem_env_region_dir(Dev, Region, sizeof(Region)))
		Region[0] = '\0';
	printf("devdax_test: %s, %zu bytes, alignment %zu, region %s\n", Dev,
		Size, Align, Region[0] ? Region : "(none found)");
	if (Size < 8 * Align) {
		printf("FAILED: %s is too small for the test (%zu bytes, needs "
			"%zu)\n", Dev, Size, 8 * Align);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alignment_is_the_devices),
		cmocka_unit_test(unaligned_offsets_and_lengths),
		cmocka_unit_test(device_cannot_grow),
		cmocka_unit_test(create_always_is_refused),
		cmocka_unit_test(coalescing),
		cmocka_unit_test(removal_and_delete),
		cmocka_unit_test(data_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
