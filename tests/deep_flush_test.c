// SPDX-License-Identifier: BSD-3-Clause
/*
 * deep_flush_test.c -- pmemset_deep_flush calls pmem2_deep_flush for
 * exactly the pmem2 maps that intersect the range, clipped to it, across
 * part maps, coalesced pieces and split part maps (a --wrap mock counts the
 * calls and their arguments), and reports failures.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

int __real_pmem2_deep_flush(struct pmem2_map *map, void *ptr, size_t size);
int __wrap_pmem2_deep_flush(struct pmem2_map *map, void *ptr, size_t size);

#define MAX_CALLS 64
static struct {
	struct pmem2_map *map;
	char *ptr;
	size_t size;
} Calls[MAX_CALLS];
static int Ncalls;
static int Fail_with;

int
__wrap_pmem2_deep_flush(struct pmem2_map *map, void *ptr, size_t size)
{
	if (Ncalls < MAX_CALLS) {
		Calls[Ncalls].map = map;
		Calls[Ncalls].ptr = ptr;
		Calls[Ncalls].size = size;
	}
	Ncalls++;
	if (Fail_with != 0)
		return Fail_with;
	return __real_pmem2_deep_flush(map, ptr, size);
}

struct fixture {
	char *path;
	struct pmemset_source *src;
	struct pmemset *set;
	char *part[4];
};

/* four 64 KiB parts coalesced in a user reservation: one part map */
static struct pmem2_vm_reservation *Rsv;

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->path = test_file("deep", 1 * MiB);
	assert_ok(pmemset_source_from_file(&f->src, f->path));
	assert_int_equal(pmem2_vm_reservation_new(&Rsv, NULL, 1 * MiB), 0);
	f->set = test_set_new_in(Rsv, NULL, NULL);
	struct pmemset_part_descriptor d;
	test_map(f->set, f->src, 0, 64 * KiB, &d);
	f->part[0] = d.addr;
	assert_ok(pmemset_set_contiguous_part_coalescing(f->set,
			PMEMSET_COALESCING_FULL));
	for (int i = 1; i < 4; i++) {
		test_map(f->set, f->src, (size_t)i * 64 * KiB, 64 * KiB, &d);
		f->part[i] = f->part[0] + (size_t)i * 64 * KiB;
	}
	assert_int_equal(d.size, 256 * KiB);
	Ncalls = 0;
	Fail_with = 0;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	test_file_set_delete(&f->set, &f->src, f->path);
	pmem2_vm_reservation_delete(&Rsv);
	free(f);
	return 0;
}

static void
one_piece_inside_one_part(void **state)
{
	struct fixture *f = *state;
	assert_ok(pmemset_deep_flush(f->set, f->part[1] + 100, 200));
	assert_int_equal(Ncalls, 1);
	assert_ptr_equal(Calls[0].ptr, f->part[1] + 100);
	assert_int_equal(Calls[0].size, 200);
}

static void
range_across_coalesced_parts_is_clipped_per_map(void **state)
{
	struct fixture *f = *state;
	/* from the middle of part 0 to the middle of part 2 */
	assert_ok(pmemset_deep_flush(f->set, f->part[0] + 32 * KiB,
			128 * KiB));
	assert_int_equal(Ncalls, 3);
	assert_ptr_equal(Calls[0].ptr, f->part[0] + 32 * KiB);
	assert_int_equal(Calls[0].size, 32 * KiB);
	assert_ptr_equal(Calls[1].ptr, f->part[1]);
	assert_int_equal(Calls[1].size, 64 * KiB);
	assert_ptr_equal(Calls[2].ptr, f->part[2]);
	assert_int_equal(Calls[2].size, 32 * KiB);
	/* three different pmem2 maps */
	assert_ptr_not_equal(Calls[0].map, Calls[1].map);
	assert_ptr_not_equal(Calls[1].map, Calls[2].map);
}

static void
split_part_map_skips_the_hole(void **state)
{
	struct fixture *f = *state;
	assert_ok(pmemset_remove_range(f->set, f->part[1], 1));
	Ncalls = 0;
	assert_ok(pmemset_deep_flush(f->set, f->part[0], 256 * KiB));
	assert_int_equal(Ncalls, 3);
	assert_ptr_equal(Calls[0].ptr, f->part[0]);
	assert_ptr_equal(Calls[1].ptr, f->part[2]);
	assert_ptr_equal(Calls[2].ptr, f->part[3]);
	for (int i = 0; i < 3; i++)
		assert_int_equal(Calls[i].size, 64 * KiB);
}

static void
range_outside_or_empty(void **state)
{
	struct fixture *f = *state;
	char elsewhere[64];
	assert_err(pmemset_deep_flush(f->set, elsewhere, sizeof(elsewhere)),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	assert_int_equal(Ncalls, 0);
	assert_ok(pmemset_deep_flush(f->set, f->part[0], 0));
	assert_int_equal(Ncalls, 0);
	assert_err(pmemset_deep_flush(f->set, (void *)(UINTPTR_MAX - 1), 10),
			PMEMSET_E_LENGTH_OUT_OF_RANGE);
}

static void
failure_is_deep_flush_fail(void **state)
{
	struct fixture *f = *state;
	Fail_with = PMEM2_E_DEEP_FLUSH_RANGE;
	assert_err(pmemset_deep_flush(f->set, f->part[0], 256 * KiB),
			PMEMSET_E_DEEP_FLUSH_FAIL);
	assert_int_equal(Ncalls, 1); /* stops at the first failure */
	Fail_with = -EIO;
	assert_err(pmemset_deep_flush(f->set, f->part[3], 1),
			PMEMSET_E_DEEP_FLUSH_FAIL);
}

static void
remove_part_map_deep_flushes_first(void **state)
{
	struct fixture *f = *state;
	struct pmemset_part_map *pmap;
	assert_ok(pmemset_part_map_by_address(f->set, &pmap, f->part[0]));
	/* a failing deep flush leaves everything in place */
	Fail_with = -EIO;
	assert_err(pmemset_remove_part_map(f->set, &pmap),
			PMEMSET_E_DEEP_FLUSH_FAIL);
	assert_non_null(pmap);
	assert_int_equal(test_count_part_maps(f->set), 1);
	Fail_with = 0;
	Ncalls = 0;
	assert_ok(pmemset_remove_part_map(f->set, &pmap));
	assert_int_equal(Ncalls, 4); /* one per part */
}

/*
 * PMDK's pmemset_deep_flush test cases: one pmem2_deep_flush per part the
 * range touches, whether the range runs past the set's end, starts before
 * it, or spans two part maps and the gap between them.
 */
static void
pmdk_deep_flush_single_multiple_and_multiple_coal(void **state)
{
	(void) state;
	const size_t p = 64 * KiB;
	char *path = test_file("deep_pmdk", 1 * MiB);
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_file(&src, path));
	struct pmem2_vm_reservation *rsv;
	assert_int_equal(pmem2_vm_reservation_new(&rsv, NULL, 1 * MiB), 0);
	struct pmemset *set = test_set_new_in(rsv, NULL, NULL);
	struct pmemset_part_descriptor d;
	/* test_deep_flush_single: one part */
	test_map(set, src, 0, p, &d);
	char *base = d.addr;
	const struct { size_t off, len; int calls; } single[] = {
		{0, p, 1}, {0, p / 2, 1}, {p / 2, p, 1},
	};
	for (size_t i = 0; i < sizeof(single) / sizeof(single[0]); i++) {
		Ncalls = 0;
		(void) pmemset_deep_flush(set, base + single[i].off,
				single[i].len);
		assert_int_equal(Ncalls, single[i].calls);
	}
	/* entirely before the part: nothing to flush */
	Ncalls = 0;
	(void) pmemset_deep_flush(set, base - p, p / 2);
	assert_int_equal(Ncalls, 0);

	/* test_deep_flush_multiple_coal: eight coalesced parts */
	assert_ok(pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_FULL));
	for (size_t i = 1; i < 8; i++)
		test_map(set, src, i * p, p, &d);
	assert_ptr_equal(d.addr, base);
	assert_int_equal(d.size, 8 * p);
	const struct { size_t off, len; int calls; } coal[] = {
		{0, 8 * p, 8}, {4 * p, 8 * p, 4}, {p / 2, 2 * p, 3},
		{2 * p + p / 4, p / 4, 1}, {p + p / 2, 2 * p, 3},
		{5 * p, p, 1}, {5 * p, p + p / 2, 2}, {0, 9 * p, 8},
	};
	for (size_t i = 0; i < sizeof(coal) / sizeof(coal[0]); i++) {
		Ncalls = 0;
		(void) pmemset_deep_flush(set, base + coal[i].off, coal[i].len);
		assert_int_equal(Ncalls, coal[i].calls);
	}
	assert_ok(pmemset_delete(&set));

	/* test_deep_flush_multiple: two part maps and the gap between them */
	set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset_part_descriptor a, b;
	test_map(set, src, 0, p, &a);
	test_map(set, src, 0, p, &b);
	if ((char *)b.addr < (char *)a.addr) {
		struct pmemset_part_descriptor t = a;
		a = b;
		b = t;
	}
	Ncalls = 0;
	assert_ok(pmemset_deep_flush(set, a.addr,
			(size_t)((char *)b.addr - (char *)a.addr) + b.size));
	assert_int_equal(Ncalls, 2);
	assert_ok(pmemset_delete(&set));
	assert_int_equal(pmem2_vm_reservation_delete(&rsv), 0);
	assert_ok(pmemset_source_delete(&src));
	test_file_remove(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(one_piece_inside_one_part),
		T(range_across_coalesced_parts_is_clipped_per_map),
		T(split_part_map_skips_the_hole),
		T(range_outside_or_empty),
		T(failure_is_deep_flush_fail),
		T(remove_part_map_deep_flushes_first),
		cmocka_unit_test(
			pmdk_deep_flush_single_multiple_and_multiple_coal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
