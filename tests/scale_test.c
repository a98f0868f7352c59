// SPDX-License-Identifier: BSD-3-Clause
/*
 * scale_test.c -- sets of 10,000 parts map, iterate, look up and delete
 * cleanly. libpmem2 1.12.1 breaks with 1,024 or more live maps made
 * without a vdm; this proves the workaround (and 10k is valgrind's ceiling
 * here, so the test stays at that size).
 */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define NPARTS 10000
#define PART (4 * KiB)

static void
many_parts(enum pmemset_coalescing coalescing, size_t expect_pmaps_max)
{
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_temporary(&src, test_dir()));
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	assert_ok(pmemset_set_contiguous_part_coalescing(set, coalescing));
	char **addr = malloc(NPARTS * sizeof(*addr));
	struct pmemset_map_config *mc;
	assert_ok(pmemset_map_config_new(&mc));
	pmemset_map_config_set_length(mc, PART);
	for (size_t i = 0; i < NPARTS; i++) {
		struct pmemset_part_descriptor d;
		assert_ok(pmemset_map_config_set_offset(mc, i * PART));
		assert_ok(pmemset_map(set, src, mc, &d));
		addr[i] = (char *)d.addr + d.size - PART;
		*(size_t *)addr[i] = i;
	}
	pmemset_map_config_delete(&mc);

	size_t n = test_count_part_maps(set);
	assert_true(n >= 1 && n <= expect_pmaps_max);
	for (size_t i = 0; i < NPARTS; i += 7) {
		struct pmemset_part_map *pmap;
		assert_ok(pmemset_part_map_by_address(set, &pmap,
				addr[i] + PART - 1));
		assert_int_equal(*(size_t *)addr[i], i);
		pmemset_part_map_drop(&pmap);
	}
	/* remove every third part, then delete the rest with the set */
	for (size_t i = 0; i < NPARTS; i += 3)
		assert_ok(pmemset_remove_range(set, addr[i], 1));
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
	free(addr);
}

static void
ten_thousand_separate_part_maps(void **state)
{
	(void) state;
	many_parts(PMEMSET_COALESCING_NONE, NPARTS);
}

static void
ten_thousand_coalesced_parts(void **state)
{
	(void) state;
	/* a few part maps at most: the reservation keeps room to append */
	many_parts(PMEMSET_COALESCING_OPPORTUNISTIC, NPARTS / 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ten_thousand_separate_part_maps),
		cmocka_unit_test(ten_thousand_coalesced_parts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
