// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat_lifecycle_test.c -- a view's life: open builds only the root and
 * the first update replays everything that exists; close removes every map
 * in the full order; a set deleted while observed leaves at the next
 * update; a handle on every live set sees sets come and go; open's errors.
 */
#include <stdlib.h>

#include "stat_util.h"

#define PART (64 * KiB)

static void
open_builds_only_the_root_first_update_replays_everything(void **state)
{
	(void) state;
	static const struct stat_part parts[] = {{0, PART}, {2 * PART, PART}};
	struct stat_fixture *f = stat_fixture_new("replay", 4 * PART, parts,
			2, STAT_VIEW_EMPTY);
	const char *suri = f->set_uri;
	assert_int_equal(stat_children(f->root), 0);
	assert_int_equal(stat_u64(f->root, "sets"), 0);
	struct pmemset_stat_map *m;
	assert_st_err(pmemset_stat_lookup_map(f->h, suri, &m),
		PMEMSET_STAT_S_NOT_FOUND);

	/* callbacks set on the root now miss nothing */
	rec_clear();
	rec_install(f->root);
	assert_st(pmemset_stat_update(f->h));
	assert_int_equal(rec_count(REC_DATA, PMEMSET_STAT_DATA_ADD),
		/* the set: itself and root; 2 parts: itself, set, root */
		2 + 2 * 3);
	rec_expect(REC_TREE, PMEMSET_STAT_TREE_ADD, "/pmemset", suri);
	assert_int_equal(stat_children(stat_lookup(f->h, suri)), 2);
	assert_int_equal(stat_u64(f->root, "sets"), 1);

	assert_st(pmemset_stat_close(&f->h));
	assert_null(f->h);
	stat_fixture_delete(f);
}

/* user data a destroy callback must free (valgrind finds a leak otherwise) */
static size_t Freed;

static void
free_userdata(struct pmemset_stat_map *map, void *ud)
{
	rec_destroy_cb(map, ud);
	free(ud);
	Freed++;
}

static void
give_userdata(struct pmemset_stat_map *map, struct pmemset_stat_map *sub,
		enum pmemset_stat_tree_event ev)
{
	rec_tree_cb(map, sub, ev);
	struct pmemset_stat_map *parent;
	assert_st(pmemset_stat_map_parent(sub, &parent));
	/* every ancestor hears it: only the parent hands out user data */
	if (ev != PMEMSET_STAT_TREE_ADD || parent != map)
		return;
	assert_st(pmemset_stat_map_set_userdata(sub, malloc(32)));
	assert_st(pmemset_stat_map_set_destroy_cb(sub, free_userdata));
	assert_st(pmemset_stat_map_set_tree_cb(sub, give_userdata));
}

static void
close_removes_every_map_in_order_so_destroy_can_free(void **state)
{
	(void) state;
	static const struct stat_part parts[] = {{0, PART}, {PART, PART}};
	struct stat_fixture *f = stat_fixture_new("close", 4 * PART, parts,
			2, STAT_VIEW_EMPTY);
	const char *suri = f->set_uri;
	assert_st(pmemset_stat_map_set_tree_cb(f->root, give_userdata));
	assert_st(pmemset_stat_map_set_data_cb(f->root, rec_data_cb));
	assert_st(pmemset_stat_map_set_destroy_cb(f->root, rec_destroy_cb));
	assert_st(pmemset_stat_update(f->h));
	rec_clear();
	Freed = 0;
	assert_st(pmemset_stat_close(&f->h));
	assert_int_equal(Freed, 3);
	/* parts first, then the set, the root last */
	size_t set_gone = rec_expect(REC_DESTROY, -1, suri, suri);
	size_t root_rem = rec_expect(REC_DATA, PMEMSET_STAT_DATA_REM,
			"/pmemset", "/pmemset");
	size_t root_gone = rec_expect(REC_DESTROY, -1, "/pmemset",
			"/pmemset");
	assert_true(set_gone < root_rem && root_rem < root_gone);
	assert_int_equal(root_gone, Nrecs - 1);
	for (size_t i = 0; i < Nrecs; i++)
		if (strstr(Recs[i].sub, "/part/") != NULL)
			assert_true(i < rec_expect(REC_DATA,
				PMEMSET_STAT_DATA_REM, "/pmemset", suri));
	assert_int_equal(rec_count(REC_TREE, PMEMSET_STAT_TREE_REM),
		/* parts: set and root hear; the set: root hears */
		2 * 2 + 1);

	/* close of NULL is a no-op; the NULL pointer itself is an error */
	assert_st(pmemset_stat_close(&f->h));
	assert_st_err(pmemset_stat_close(NULL), PMEMSET_STAT_S_INVAL_ARG);
	stat_fixture_delete(f);
}

static void
a_deleted_set_leaves_at_the_next_update(void **state)
{
	(void) state;
	static const struct stat_part parts[] = {{0, PART}, {PART, PART}};
	struct stat_fixture *f = stat_fixture_new("deleted", 4 * PART, parts,
			2, STAT_VIEW_EMPTY);
	const char *suri = f->set_uri;
	rec_install(f->root);
	assert_st(pmemset_stat_update(f->h));
	struct pmemset_stat_mapref *ref;
	assert_st(pmemset_stat_mapref_alloc(stat_lookup(f->h, suri), &ref));

	rec_clear();
	assert_ok(pmemset_delete(&f->set));
	/* still there, with its last values, until the update */
	assert_int_equal(stat_u64(stat_lookup(f->h, suri), "parts"), 2);
	assert_int_equal(Nrecs, 0);
	assert_st(pmemset_stat_update(f->h));
	assert_int_equal(rec_count(REC_DESTROY, -1), 3);
	assert_int_equal(rec_count(REC_TREE, PMEMSET_STAT_TREE_REM), 5);
	struct pmemset_stat_map *m;
	assert_st_err(pmemset_stat_lookup_map(f->h, suri, &m),
		PMEMSET_STAT_S_NOT_FOUND);
	assert_st_err(pmemset_stat_mapref_deref(ref, &m),
		PMEMSET_STAT_S_DEL_MAP);
	assert_int_equal(stat_u64(f->root, "sets"), 0);

	/* a handle on one set never shows another one */
	rec_clear();
	struct pmemset *other = test_set_new(PMEM2_GRANULARITY_PAGE, NULL,
			NULL);
	test_map(other, f->src.src, 0, PART, NULL);
	assert_st(pmemset_stat_update(f->h));
	assert_int_equal(Nrecs, 0);
	assert_int_equal(stat_children(f->root), 0);

	assert_st(pmemset_stat_mapref_free(&ref));
	assert_st(pmemset_stat_close(&f->h));
	assert_ok(pmemset_delete(&other));
	stat_fixture_delete(f);
}

static bool
has_set(struct pmemset_stat_map *root, uint64_t id)
{
	const uint64_t *ids;
	size_t n;
	assert_st(pmemset_stat_map_get_uint64_array(root, "set_ids", &ids, &n));
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static void
a_handle_on_every_set_sees_sets_come_and_go(void **state)
{
	(void) state;
	struct stat_source src;
	stat_source_new(&src, "every", 4 * PART);
	struct pmemset *a = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	uint64_t a_id = set_id_of(a);
	struct pmemset_stat *h;
	struct pmemset_stat_map *root;
	assert_st(pmemset_stat_open(&h, NULL, NULL, 0));
	assert_st(pmemset_stat_root(h, &root));
	assert_st(pmemset_stat_update(h));
	assert_true(has_set(root, a_id));

	struct pmemset *b = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	uint64_t b_id = set_id_of(b);
	assert_true(b_id > a_id);
	test_map(b, src.src, 0, PART, NULL);
	assert_false(has_set(root, b_id));
	assert_st(pmemset_stat_update(h));
	assert_true(has_set(root, b_id));
	struct pmemset_stat_map *b_map = stat_lookup(h,
			uri_fmt("/pmemset/set/%llu", (unsigned long long)b_id));
	assert_int_equal(stat_children(b_map), 1);

	assert_ok(pmemset_delete(&a));
	assert_st(pmemset_stat_update(h));
	assert_false(has_set(root, a_id));
	assert_true(has_set(root, b_id));
	assert_st(pmemset_stat_close(&h));
	assert_ok(pmemset_delete(&b));
	stat_source_free(&src);
}

static void
ids_are_never_reused(void **state)
{
	(void) state;
	struct stat_source src;
	stat_source_new(&src, "ids", 4 * PART);
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset_stat *h;
	assert_st(pmemset_stat_open(&h, set, NULL, 0));
	uint64_t seen[6];
	for (int i = 0; i < 6; i++) {
		test_map(set, src.src, 0, PART, NULL);
		assert_st(pmemset_stat_update(h));
		struct pmemset_stat_map *set_map = stat_lookup(h,
				set_uri(set));
		const uint64_t *ids;
		size_t n;
		assert_st(pmemset_stat_map_get_uint64_array(set_map,
				"part_ids", &ids, &n));
		assert_int_equal(n, 1);
		seen[i] = ids[0];
		for (int j = 0; j < i; j++)
			assert_true(seen[j] < seen[i]);
		struct pmemset_part_map *pmap;
		pmemset_first_part_map(set, &pmap);
		assert_ok(pmemset_remove_part_map(set, &pmap));
	}
	assert_st(pmemset_stat_close(&h));
	assert_ok(pmemset_delete(&set));
	stat_source_free(&src);
}

static void
open_rejects_bad_arguments(void **state)
{
	(void) state;
	struct pmemset_stat *h = (struct pmemset_stat *)0x1;
	assert_st_err(pmemset_stat_open(NULL, NULL, NULL, 0),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_msg_has("handle");
	assert_st_err(pmemset_stat_open(&h, NULL, NULL, 2),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_msg_has("matchers");
	assert_ptr_equal(h, (struct pmemset_stat *)0x1);
	assert_st_err(pmemset_stat_update(NULL), PMEMSET_STAT_S_INVAL_ARG);
	assert_st_err(pmemset_stat_root(NULL, NULL), PMEMSET_STAT_S_INVAL_ARG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		open_builds_only_the_root_first_update_replays_everything),
		cmocka_unit_test(
		close_removes_every_map_in_order_so_destroy_can_free),
		cmocka_unit_test(a_deleted_set_leaves_at_the_next_update),
		cmocka_unit_test(a_handle_on_every_set_sees_sets_come_and_go),
		cmocka_unit_test(ids_are_never_reused),
		cmocka_unit_test(open_rejects_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
