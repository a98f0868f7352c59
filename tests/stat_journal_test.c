// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat_journal_test.c -- updates that apply only what changed: after k
 * changes an update copies k parts out of the core (counted through the
 * handle's internals, so this test links the library's objects), shared
 * values (a part map's extent, a source's SDS state and bad blocks) reach
 * parts that did not change, a journal that forgot falls back to a full
 * walk, and after every random sequence of maps, removals and splits the
 * incremental view equals, value for value, the view a fresh handle builds.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sds_fake_device.h"
#include "stat/children.h"
#include "stat_util.h"

#define PART (4 * KiB)

static struct pmemset *
temp_set(enum pmemset_coalescing c, struct pmemset_source **src)
{
	assert_ok(pmemset_source_from_temporary(src, test_dir()));
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL,
			NULL);
	assert_ok(pmemset_set_contiguous_part_coalescing(set, c));
	return set;
}

static void
map_at(struct pmemset *set, struct pmemset_source *src, size_t *offset,
		void **addr)
{
	struct pmemset_part_descriptor d;
	struct pmemset_map_config *mc;
	assert_ok(pmemset_map_config_new(&mc));
	assert_ok(pmemset_map_config_set_offset(mc, *offset));
	pmemset_map_config_set_length(mc, PART);
	int ret = pmemset_map(set, src, mc, &d);
	if (ret == PMEMSET_E_CANNOT_COALESCE_PARTS) {
		/* FULL with no part map to append to: the first one is new */
		assert_ok(pmemset_set_contiguous_part_coalescing(set,
				PMEMSET_COALESCING_OPPORTUNISTIC));
		ret = pmemset_map(set, src, mc, &d);
		assert_ok(pmemset_set_contiguous_part_coalescing(set,
				PMEMSET_COALESCING_FULL));
	}
	assert_ok(ret);
	assert_ok(pmemset_map_config_delete(&mc));
	*offset += PART;
	if (addr != NULL)
		*addr = (char *)d.addr + d.size - PART;
}

static void
remove_part_map_at(struct pmemset *set, void *addr)
{
	struct pmemset_part_map *pmap;
	assert_ok(pmemset_part_map_by_address(set, &pmap, addr));
	assert_ok(pmemset_remove_part_map(set, &pmap));
}

static void
k_changes_copy_k_parts(void **state)
{
	(void) state;
	struct pmemset_source *src;
	struct pmemset *set = temp_set(PMEMSET_COALESCING_NONE, &src);
	enum { N = 1000 };
	static void *addr[N + 3];
	size_t offset = 0;
	for (size_t i = 0; i < N; i++)
		map_at(set, src, &offset, &addr[i]);

	struct pmemset_stat *h;
	assert_st(pmemset_stat_open(&h, set, NULL, 0));
	assert_st(pmemset_stat_update(h));
	assert_int_equal(h->staged_last, N);	/* the first update walks */

	assert_st(pmemset_stat_update(h));
	assert_int_equal(h->staged_last, N);	/* nothing changed: no copy */

	for (size_t i = N; i < N + 3; i++)
		map_at(set, src, &offset, &addr[i]);
	remove_part_map_at(set, addr[10]);
	remove_part_map_at(set, addr[500]);
	assert_st(pmemset_stat_update(h));
	assert_int_equal(h->staged_last, 5);
	struct pmemset_stat_map *set_map = stat_lookup(h, set_uri(set));
	assert_int_equal(stat_children(set_map), N + 1);
	assert_view_fresh(h, set, NULL, 0);

	assert_st(pmemset_stat_close(&h));
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
}

/* the first part of a coalesced part map */
static struct pmemset_stat_map *
part_at(struct pmemset_stat *h, struct pmemset *set, void *addr)
{
	struct pmemset_stat_map *set_map = stat_lookup(h, set_uri(set));
	size_t pos = 0;
	struct pmemset_stat_map *part;
	while ((part = tree_next_child(set_map, &pos)) != NULL)
		if (stat_u64(part, "address") == (uintptr_t)addr)
			return part;
	fail_msg("no part at %p in the view", addr);
	return NULL;
}

static void
a_grown_part_map_reaches_parts_that_stayed(void **state)
{
	(void) state;
	struct pmemset_source *src;
	struct pmemset *set = temp_set(PMEMSET_COALESCING_FULL, &src);
	enum { N = 500 };
	static void *addr[N + 1];
	size_t offset = 0;
	for (size_t i = 0; i < N; i++)
		map_at(set, src, &offset, &addr[i]);
	assert_int_equal(test_count_part_maps(set), 1);

	struct pmemset_stat *h;
	assert_st(pmemset_stat_open(&h, set, NULL, 0));
	assert_st(pmemset_stat_update(h));
	struct pmemset_stat_map *first = part_at(h, set, addr[0]);
	assert_int_equal(stat_u64(first, "part_map_size"), N * PART);

	/* one part more: one part copied, and the first sees the new size */
	map_at(set, src, &offset, &addr[N]);
	assert_int_equal(test_count_part_maps(set), 1);
	assert_st(pmemset_stat_update(h));
	assert_int_equal(h->staged_last, 1);
	assert_int_equal(stat_u64(first, "part_map_size"), (N + 1) * PART);
	assert_view_fresh(h, set, NULL, 0);

	/*
	 * A split near the end: the removed part and the one that moved to
	 * a new part map are copied; the parts before keep their part map,
	 * whose new size comes as one part-map entry.
	 */
	assert_ok(pmemset_remove_range(set, addr[N - 1], PART));
	assert_st(pmemset_stat_update(h));
	assert_int_equal(h->staged_last, 2);
	assert_int_equal(stat_u64(first, "part_map_size"), (N - 1) * PART);
	assert_int_equal(stat_u64(part_at(h, set, addr[N]), "part_map_size"),
			PART);
	assert_view_fresh(h, set, NULL, 0);

	/* the head of the part map goes: its address moves */
	assert_ok(pmemset_remove_range(set, addr[0], PART));
	assert_st(pmemset_stat_update(h));
	assert_int_equal(h->staged_last, 1);
	struct pmemset_stat_map *second = part_at(h, set, addr[1]);
	assert_int_equal(stat_u64(second, "part_map_address"),
			(uintptr_t)addr[1]);
	assert_view_fresh(h, set, NULL, 0);

	assert_st(pmemset_stat_close(&h));
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
}

static int Tree_adds, Tree_removes;

static void
count_tree(struct pmemset_stat_map *map, struct pmemset_stat_map *sub,
		enum pmemset_stat_tree_event ev)
{
	(void) map;
	(void) sub;
	if (ev == PMEMSET_STAT_TREE_ADD)
		Tree_adds++;
	else
		Tree_removes++;
}

static void
a_journal_that_forgot_means_a_full_walk(void **state)
{
	(void) state;
	struct pmemset_source *src;
	struct pmemset *set = temp_set(PMEMSET_COALESCING_NONE, &src);
	size_t offset = 0;
	void *addr;
	map_at(set, src, &offset, NULL);
	map_at(set, src, &offset, NULL);

	struct pmemset_stat *h;
	assert_st(pmemset_stat_open(&h, set, NULL, 0));
	assert_st(pmemset_stat_update(h));
	struct pmemset_stat_map *set_map = stat_lookup(h, set_uri(set));
	assert_st(pmemset_stat_map_set_tree_cb(set_map, count_tree));
	Tree_adds = Tree_removes = 0;

	/* far more changes than a two-part set's journal keeps */
	for (int i = 0; i < 300; i++) {
		map_at(set, src, &offset, &addr);
		remove_part_map_at(set, addr);
	}
	map_at(set, src, &offset, NULL);
	assert_st(pmemset_stat_update(h));
	assert_int_equal(h->staged_last, 3);	/* every part: a walk */
	/* parts that came and went between updates were never in the view */
	assert_int_equal(Tree_adds, 1);
	assert_int_equal(Tree_removes, 0);
	assert_view_fresh(h, set, NULL, 0);

	/* and the journal serves again after the walk */
	map_at(set, src, &offset, NULL);
	assert_st(pmemset_stat_update(h));
	assert_int_equal(h->staged_last, 1);
	assert_view_fresh(h, set, NULL, 0);

	assert_st(pmemset_stat_close(&h));
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
}

/* a small deterministic generator, so a failure can be replayed */
static uint64_t Rng = 88172645463325252ull;
static uint64_t
rnd(uint64_t n)
{
	Rng ^= Rng << 13;
	Rng ^= Rng >> 7;
	Rng ^= Rng << 17;
	return Rng % n;
}

/* the k-th part map and its extent; false when the set has fewer */
static bool
nth_part_map(struct pmemset *set, size_t k, char **addr, size_t *size)
{
	struct pmemset_part_map *pmap = NULL;
	pmemset_first_part_map(set, &pmap);
	for (size_t i = 0; i < k && pmap != NULL; i++) {
		struct pmemset_part_map *next = NULL;
		pmemset_next_part_map(set, pmap, &next);
		pmemset_part_map_drop(&pmap);
		pmap = next;
	}
	if (pmap == NULL)
		return false;
	struct pmemset_part_descriptor d = pmemset_descriptor_part_map(pmap);
	pmemset_part_map_drop(&pmap);
	*addr = d.addr;
	*size = d.size;
	return true;
}

static void
random_changes(enum pmemset_coalescing c)
{
	struct pmemset_source *src;
	struct pmemset *set = temp_set(c, &src);
	size_t offset = 0;
	struct pmemset_stat *h;
	assert_st(pmemset_stat_open(&h, set, NULL, 0));
	for (int round = 0; round < 150; round++) {
		int ops = 1 + (int)rnd(6);
		for (int op = 0; op < ops; op++) {
			size_t pmaps = test_count_part_maps(set);
			uint64_t what = pmaps == 0 ? 0 : rnd(10);
			char *addr = NULL;
			size_t size = 0;
			if (what < 5) {
				/* sometimes a gap, so part maps end */
				if (rnd(4) == 0)
					offset += PART;
				map_at(set, src, &offset, NULL);
			} else if (what < 8) {
				assert_true(nth_part_map(set, rnd(pmaps),
						&addr, &size));
				size_t parts = size / PART;
				size_t first = rnd(parts);
				size_t n = 1 + rnd(parts - first);
				assert_ok(pmemset_remove_range(set,
					addr + first * PART, n * PART));
			} else {
				assert_true(nth_part_map(set, rnd(pmaps),
						&addr, &size));
				remove_part_map_at(set, addr);
			}
		}
		assert_st(pmemset_stat_update(h));
		assert_view_fresh(h, set, NULL, 0);
	}
	assert_st(pmemset_stat_close(&h));
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
}

static void
random_changes_separate(void **state)
{
	(void) state;
	random_changes(PMEMSET_COALESCING_NONE);
}

static void
random_changes_coalesced(void **state)
{
	(void) state;
	random_changes(PMEMSET_COALESCING_FULL);
}

static void
random_changes_opportunistic(void **state)
{
	(void) state;
	random_changes(PMEMSET_COALESCING_OPPORTUNISTIC);
}

/*
 * A source's bad-block count is the source's, not the set's: it changes
 * when another set's map scans the source, or when a block is cleared,
 * and an observer of a set that did not change still sees it.
 */
static void
source_values_reach_unchanged_sets(void **state)
{
	(void) state;
	NEEDS_FAKE_DEVICE();
	fake_device_install();
	struct stat_source s;
	stat_source_new(&s, "journal-bb", 16 * PART);
	pmemset_source_set_badblock_detection(s.src, true);
	struct pmemset *a = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset *b = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	test_map(a, s.src, 0, PART, NULL);

	struct pmemset_stat *h;
	assert_st(pmemset_stat_open(&h, a, NULL, 0));
	assert_st(pmemset_stat_update(h));
	struct pmemset_stat_map *set_map = stat_lookup(h, set_uri(a));
	size_t pos = 0;
	struct pmemset_stat_map *part = tree_next_child(set_map, &pos);
	assert_non_null(part);
	assert_int_equal(stat_u64(part, "badblocks"), 0);

	/* set b's map finds two bad blocks no callback clears: it fails */
	fake_add_badblock(4 * PART, PART);
	fake_add_badblock(8 * PART, PART);
	struct pmemset_map_config *mc;
	assert_ok(pmemset_map_config_new(&mc));
	assert_ok(pmemset_map_config_set_offset(mc, 2 * PART));
	pmemset_map_config_set_length(mc, PART);
	struct pmemset_part_descriptor d;
	assert_err(pmemset_map(b, s.src, mc, &d), PMEMSET_E_IO_FAIL);
	assert_st(pmemset_stat_update(h));
	assert_int_equal(h->staged_last, 0);	/* set a did not change */
	assert_int_equal(stat_u64(part, "badblocks"), 2);

	struct pmemset_badblock bb = {4 * PART, PART};
	assert_ok(pmemset_badblock_clear(&bb, s.src));
	assert_st(pmemset_stat_update(h));
	assert_int_equal(stat_u64(part, "badblocks"), 1);

	/* more source changes than the sources' journal keeps: a walk */
	for (int i = 0; i < 300; i++)
		assert_err(pmemset_map(b, s.src, mc, &d), PMEMSET_E_IO_FAIL);
	struct pmemset_badblock bb2 = {8 * PART, PART};
	assert_ok(pmemset_badblock_clear(&bb2, s.src));
	assert_st(pmemset_stat_update(h));
	assert_int_equal(h->staged_last, 1);
	assert_int_equal(stat_u64(part, "badblocks"), 0);
	assert_view_fresh(h, a, NULL, 0);

	assert_ok(pmemset_map_config_delete(&mc));
	assert_st(pmemset_stat_close(&h));
	assert_ok(pmemset_delete(&a));
	assert_ok(pmemset_delete(&b));
	stat_source_free(&s);
	fake_device_uninstall();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(k_changes_copy_k_parts),
		cmocka_unit_test(a_grown_part_map_reaches_parts_that_stayed),
		cmocka_unit_test(a_journal_that_forgot_means_a_full_walk),
		cmocka_unit_test(random_changes_separate),
		cmocka_unit_test(random_changes_coalesced),
		cmocka_unit_test(random_changes_opportunistic),
		cmocka_unit_test(source_values_reach_unchanged_sets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
