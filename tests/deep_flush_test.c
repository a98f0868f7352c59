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
	struct pmemset_config *cfg;
	assert_ok(pmemset_config_new(&cfg));
	assert_ok(pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE));
	pmemset_config_set_reservation(cfg, Rsv);
	assert_ok(pmemset_new(&f->set, cfg));
	pmemset_config_delete(&cfg);
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
	assert_ok(pmemset_delete(&f->set));
	assert_ok(pmemset_source_delete(&f->src));
	pmem2_vm_reservation_delete(&Rsv);
	test_file_remove(f->path);
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
