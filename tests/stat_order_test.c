// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat_order_test.c -- the callbacks' order rules: one map's life
 * (TREE_ADD, DATA_ADD ... DATA_REM, TREE_REM, destroy), parents' add events
 * before children's, children removed completely before their parent, the
 * nearest ancestor first, tree callbacks only for maps below, data
 * callbacks for the map itself too, and events only inside an update.
 */
#include "stat_util.h"

#define PART (64 * KiB)

/* nothing mapped yet, a handle not yet updated: each test maps its own */
static int
setup(void **state)
{
	*state = stat_fixture_new("order", 16 * PART, NULL, 0,
			STAT_VIEW_EMPTY);
	rec_clear();
	return 0;
}

/* the URI of the first part added in the records */
static const char *
added_part(size_t from)
{
	for (size_t i = from; i < Nrecs; i++)
		if (Recs[i].kind == REC_TREE &&
		    Recs[i].event == PMEMSET_STAT_TREE_ADD &&
		    strstr(Recs[i].sub, "/part/") != NULL)
			return Recs[i].sub;
	rec_print();
	fail_msg("no part was added");
	return NULL;
}

/* first and last record about sub */
static void
span(const char *sub, long *first, long *last)
{
	*first = *last = -1;
	for (size_t i = 0; i < Nrecs; i++) {
		if (strcmp(Recs[i].sub, sub) != 0)
			continue;
		if (*first < 0)
			*first = (long)i;
		*last = (long)i;
	}
}

static void
remove_first_part_map(struct pmemset *set)
{
	struct pmemset_part_map *pmap;
	pmemset_first_part_map(set, &pmap);
	assert_non_null(pmap);
	assert_ok(pmemset_remove_part_map(set, &pmap));
}

static void
one_map_lives_tree_add_data_add_data_rem_tree_rem_destroy(void **state)
{
	struct stat_fixture *f = *state;
	rec_install(f->root);
	assert_st(pmemset_stat_update(f->h));
	test_map(f->set, f->src.src, 0, PART, NULL);
	rec_clear();
	assert_st(pmemset_stat_update(f->h));
	char part[64];
	snprintf(part, sizeof(part), "%s", added_part(0));

	size_t tree_add = rec_expect(REC_TREE, PMEMSET_STAT_TREE_ADD, NULL,
			part);
	size_t data_add = rec_expect(REC_DATA, PMEMSET_STAT_DATA_ADD, NULL,
			part);
	assert_true(tree_add < data_add);
	/* every TREE_ADD about it comes before every DATA_ADD about it */
	long last_tree = -1, first_data = -1;
	for (size_t i = 0; i < Nrecs; i++) {
		if (strcmp(Recs[i].sub, part) != 0)
			continue;
		if (Recs[i].kind == REC_TREE)
			last_tree = (long)i;
		else if (first_data < 0)
			first_data = (long)i;
	}
	assert_true(last_tree < first_data);

	rec_clear();
	remove_first_part_map(f->set);
	assert_st(pmemset_stat_update(f->h));
	size_t data_rem = rec_expect(REC_DATA, PMEMSET_STAT_DATA_REM, NULL,
			part);
	size_t tree_rem = rec_expect(REC_TREE, PMEMSET_STAT_TREE_REM, NULL,
			part);
	size_t destroy = rec_expect(REC_DESTROY, -1, part, part);
	assert_true(data_rem < tree_rem);
	assert_true(tree_rem < destroy);
	/* the destroy callback is the last word about the map */
	long first, last;
	span(part, &first, &last);
	assert_int_equal(last, (long)destroy);
	assert_int_equal(rec_count(REC_DATA, PMEMSET_STAT_DATA_ADD), 0);
}

static void
events_happen_only_inside_update(void **state)
{
	struct stat_fixture *f = *state;
	rec_install(f->root);
	assert_st(pmemset_stat_update(f->h));
	rec_clear();
	test_map(f->set, f->src.src, 0, PART, NULL);
	assert_int_equal(Nrecs, 0);
	assert_int_equal(stat_children(stat_lookup(f->h, f->set_uri)), 0);
	assert_st(pmemset_stat_update(f->h));
	assert_int_equal(rec_count(REC_TREE, PMEMSET_STAT_TREE_ADD), 2);
	assert_int_equal(stat_children(stat_lookup(f->h, f->set_uri)), 1);
	rec_clear();
	remove_first_part_map(f->set);
	assert_int_equal(Nrecs, 0);
	assert_int_equal(stat_children(stat_lookup(f->h, f->set_uri)), 1);
	assert_st(pmemset_stat_update(f->h));
	assert_int_equal(rec_count(REC_DESTROY, -1), 1);
}

static void
parent_gets_both_add_events_before_children(void **state)
{
	struct stat_fixture *f = *state;
	test_map(f->set, f->src.src, 0, PART, NULL);
	test_map(f->set, f->src.src, PART, PART, NULL);
	rec_install(f->root);
	assert_st(pmemset_stat_update(f->h));

	long set_first, set_last;
	span(f->set_uri, &set_first, &set_last);
	assert_true(set_first >= 0);
	size_t set_data = rec_expect(REC_DATA, PMEMSET_STAT_DATA_ADD, NULL,
			f->set_uri);
	size_t nparts = 0;
	for (size_t i = 0; i < Nrecs; i++) {
		if (strstr(Recs[i].sub, "/part/") == NULL)
			continue;
		assert_true(i > set_data);
		assert_true((long)i > set_last);
		nparts += Recs[i].kind == REC_TREE && Recs[i].event ==
			PMEMSET_STAT_TREE_ADD && strcmp(Recs[i].on,
			f->set_uri) == 0;
	}
	assert_int_equal(nparts, 2);
}

static void
children_are_removed_completely_before_their_parent(void **state)
{
	struct stat_fixture *f = *state;
	test_map(f->set, f->src.src, 0, PART, NULL);
	test_map(f->set, f->src.src, PART, PART, NULL);
	test_map(f->set, f->src.src, 2 * PART, PART, NULL);
	rec_install(f->root);
	assert_st(pmemset_stat_update(f->h));
	rec_clear();
	assert_ok(pmemset_delete(&f->set));
	assert_st(pmemset_stat_update(f->h));

	long set_first, set_last;
	span(f->set_uri, &set_first, &set_last);
	assert_true(set_first >= 0);
	size_t destroyed = 0;
	for (size_t i = 0; i < Nrecs; i++) {
		if (strstr(Recs[i].sub, "/part/") == NULL)
			continue;
		assert_true((long)i < set_first);
		destroyed += Recs[i].kind == REC_DESTROY;
	}
	assert_int_equal(destroyed, 3);
	size_t d = rec_expect(REC_DATA, PMEMSET_STAT_DATA_REM, f->set_uri,
			f->set_uri);
	size_t t = rec_expect(REC_TREE, PMEMSET_STAT_TREE_REM, "/pmemset",
			f->set_uri);
	size_t x = rec_expect(REC_DESTROY, -1, f->set_uri, f->set_uri);
	assert_true(d < t && t < x);
	assert_int_equal(set_last, (long)x);
	/* the set's own pointer is gone: teardown must not delete it again */
	f->set = NULL;
}

static void
nearest_ancestor_is_called_first(void **state)
{
	struct stat_fixture *f = *state;
	rec_install(f->root);
	assert_st(pmemset_stat_update(f->h));
	test_map(f->set, f->src.src, 0, PART, NULL);
	rec_clear();
	assert_st(pmemset_stat_update(f->h));
	char part[64];
	snprintf(part, sizeof(part), "%s", added_part(0));

	size_t t_set = rec_expect(REC_TREE, PMEMSET_STAT_TREE_ADD, f->set_uri,
			part);
	size_t t_root = rec_expect(REC_TREE, PMEMSET_STAT_TREE_ADD,
			"/pmemset", part);
	assert_true(t_set < t_root);
	size_t d_self = rec_expect(REC_DATA, PMEMSET_STAT_DATA_ADD, part,
			part);
	size_t d_set = rec_expect(REC_DATA, PMEMSET_STAT_DATA_ADD, f->set_uri,
			part);
	size_t d_root = rec_expect(REC_DATA, PMEMSET_STAT_DATA_ADD,
			"/pmemset", part);
	assert_true(d_self < d_set && d_set < d_root);

	rec_clear();
	remove_first_part_map(f->set);
	assert_st(pmemset_stat_update(f->h));
	d_self = rec_expect(REC_DATA, PMEMSET_STAT_DATA_REM, part, part);
	d_set = rec_expect(REC_DATA, PMEMSET_STAT_DATA_REM, f->set_uri, part);
	d_root = rec_expect(REC_DATA, PMEMSET_STAT_DATA_REM, "/pmemset",
			part);
	assert_true(d_self < d_set && d_set < d_root);
	t_set = rec_expect(REC_TREE, PMEMSET_STAT_TREE_REM, f->set_uri, part);
	t_root = rec_expect(REC_TREE, PMEMSET_STAT_TREE_REM, "/pmemset", part);
	assert_true(t_set < t_root);
}

static void
tree_cb_hears_below_only_data_cb_hears_itself_too(void **state)
{
	struct stat_fixture *f = *state;
	rec_install(f->root);
	test_map(f->set, f->src.src, 0, PART, NULL);
	assert_st(pmemset_stat_update(f->h));
	assert_st(pmemset_stat_close(&f->h));
	size_t self_data = 0;
	for (size_t i = 0; i < Nrecs; i++) {
		if (Recs[i].kind == REC_TREE)
			assert_string_not_equal(Recs[i].on, Recs[i].sub);
		if (Recs[i].kind == REC_DATA &&
		    strcmp(Recs[i].on, Recs[i].sub) == 0)
			self_data++;
	}
	/* set and part: added and removed; the root: removed at close */
	assert_int_equal(self_data, 2 + 2 + 1);
	/* the root has no parent: no tree event is ever about it */
	assert_int_equal(rec_find(0, REC_TREE, PMEMSET_STAT_TREE_REM, NULL,
			"/pmemset"), -1);
	assert_st(pmemset_stat_open(&f->h, f->set, NULL, 0));
}

static void *Destroyed_with;
static struct pmemset_stat_map *Destroyed_map;

static void
keep_userdata(struct pmemset_stat_map *map, void *ud)
{
	Destroyed_map = map;
	Destroyed_with = ud;
	rec_destroy_cb(map, ud);
}

static void
tag_data_add(struct pmemset_stat_map *map, struct pmemset_stat_map *sub,
		enum pmemset_stat_data_event ev)
{
	rec_data_cb(map, sub, ev);
	if (ev == PMEMSET_STAT_DATA_ADD && map == sub) {
		assert_st(pmemset_stat_map_set_userdata(sub, (void *)0x5e7));
		assert_st(pmemset_stat_map_set_destroy_cb(sub, keep_userdata));
	}
}

static void
set_data_cb_on_sub(struct pmemset_stat_map *map, struct pmemset_stat_map *sub,
		enum pmemset_stat_tree_event ev)
{
	rec_tree_cb(map, sub, ev);
	if (ev == PMEMSET_STAT_TREE_ADD)
		assert_st(pmemset_stat_map_set_data_cb(sub, tag_data_add));
}

static void
destroy_cb_gets_the_userdata_after_tree_rem(void **state)
{
	struct stat_fixture *f = *state;
	assert_st(pmemset_stat_map_set_tree_cb(f->root, set_data_cb_on_sub));
	assert_st(pmemset_stat_update(f->h));
	void *ud = NULL;
	struct pmemset_stat_map *set_map = stat_lookup(f->h, f->set_uri);
	assert_st(pmemset_stat_map_get_userdata(set_map, &ud));
	assert_ptr_equal(ud, (void *)0x5e7);
	rec_clear();
	assert_ok(pmemset_delete(&f->set));
	assert_st(pmemset_stat_update(f->h));
	assert_ptr_equal(Destroyed_with, (void *)0x5e7);
	assert_ptr_equal(Destroyed_map, set_map);
	size_t t = rec_expect(REC_TREE, PMEMSET_STAT_TREE_REM, "/pmemset",
			f->set_uri);
	size_t x = rec_expect(REC_DESTROY, -1, f->set_uri, f->set_uri);
	assert_true(t < x);
	f->set = NULL;
}

static void
null_callback_removes_it_and_null_map_is_inval_arg(void **state)
{
	struct stat_fixture *f = *state;
	rec_install(f->root);
	assert_st(pmemset_stat_map_set_tree_cb(f->root, NULL));
	assert_st(pmemset_stat_map_set_data_cb(f->root, NULL));
	assert_st(pmemset_stat_map_set_destroy_cb(f->root, NULL));
	test_map(f->set, f->src.src, 0, PART, NULL);
	assert_st(pmemset_stat_update(f->h));
	assert_int_equal(Nrecs, 0);
	assert_st(pmemset_stat_close(&f->h));
	assert_int_equal(Nrecs, 0);
	assert_st(pmemset_stat_open(&f->h, f->set, NULL, 0));

	assert_st_err(pmemset_stat_map_set_tree_cb(NULL, rec_tree_cb),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_msg_has("map");
	assert_st_err(pmemset_stat_map_set_data_cb(NULL, rec_data_cb),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_st_err(pmemset_stat_map_set_destroy_cb(NULL, rec_destroy_cb),
		PMEMSET_STAT_S_INVAL_ARG);
}

static void
a_callback_slot_holds_one_callback(void **state)
{
	struct stat_fixture *f = *state;
	assert_st(pmemset_stat_map_set_data_cb(f->root, tag_data_add));
	assert_st(pmemset_stat_map_set_data_cb(f->root, rec_data_cb));
	assert_st(pmemset_stat_update(f->h));
	/* only the second one ran: nothing set a destroy callback */
	assert_int_equal(rec_count(REC_DATA, PMEMSET_STAT_DATA_ADD), 1);
	struct pmemset_stat_map *set_map = stat_lookup(f->h, f->set_uri);
	void *ud = (void *)1;
	assert_st(pmemset_stat_map_get_userdata(set_map, &ud));
	assert_null(ud);
}

static void
nothing_changed_fires_nothing_and_counters_are_no_tree_change(void **state)
{
	struct stat_fixture *f = *state;
	rec_install(f->root);
	struct pmemset_part_descriptor d;
	test_map(f->set, f->src.src, 0, PART, &d);
	assert_st(pmemset_stat_update(f->h));
	rec_clear();
	assert_st(pmemset_stat_update(f->h));
	assert_int_equal(Nrecs, 0);

	struct pmemset_stat_map *set_map = stat_lookup(f->h, f->set_uri);
	uint64_t before = stat_u64(set_map, "persist_calls");
	assert_ok(pmemset_persist(f->set, d.addr, 4096));
	assert_ok(pmemset_persist(f->set, d.addr, 4096));
	/* a snapshot: nothing moves until the next update */
	assert_int_equal(stat_u64(set_map, "persist_calls"), before);
	assert_st(pmemset_stat_update(f->h));
	assert_int_equal(Nrecs, 0);
	assert_int_equal(stat_u64(set_map, "persist_calls"), before + 2);
	assert_int_equal(stat_u64(set_map, "persist_bytes"), 2 * 4096);
}

static void
a_grown_part_map_shows_new_values_without_events(void **state)
{
	struct stat_fixture *f = *state;
	/* a user reservation makes coalescing deterministic */
	struct pmem2_vm_reservation *rsv;
	assert_int_equal(pmem2_vm_reservation_new(&rsv, NULL, 4 * PART), 0);
	struct pmemset *set = test_set_new_in(rsv, NULL, NULL);

	struct pmemset_stat *h;
	struct pmemset_stat_map *root;
	assert_st(pmemset_stat_open(&h, set, NULL, 0));
	assert_st(pmemset_stat_root(h, &root));
	rec_install(root);
	test_map(set, f->src.src, 0, PART, NULL);
	assert_st(pmemset_stat_update(h));
	char first[64];
	snprintf(first, sizeof(first), "%s", added_part(0));
	struct pmemset_stat_map *p1 = stat_lookup(h, first);
	assert_int_equal(stat_u64(p1, "part_map_size"), PART);

	/* FULL needs a part map to append to */
	assert_ok(pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_FULL));
	assert_st(pmemset_stat_update(h));
	rec_clear();
	test_map(set, f->src.src, PART, PART, NULL);
	assert_st(pmemset_stat_update(h));
	/* events only for the new part; the old one just shows new values */
	for (size_t i = 0; i < Nrecs; i++)
		assert_string_not_equal(Recs[i].sub, first);
	assert_int_equal(rec_count(REC_TREE, PMEMSET_STAT_TREE_ADD), 2);
	assert_int_equal(stat_u64(p1, "part_map_size"), 2 * PART);
	assert_int_equal(stat_u64(p1, "size"), PART);
	struct pmemset_stat_map *p2 = stat_lookup(h, added_part(0));
	assert_int_equal(stat_u64(p2, "part_map_address"),
			stat_u64(p1, "address"));
	assert_int_equal(stat_u64(p2, "address"),
			stat_u64(p1, "address") + PART);
	struct pmemset_stat_map *set_map;
	assert_st(pmemset_stat_map_parent(p1, &set_map));
	assert_int_equal(stat_u64(set_map, "parts"), 2);
	assert_int_equal(stat_u64(set_map, "part_maps"), 1);

	assert_st(pmemset_stat_close(&h));
	assert_ok(pmemset_delete(&set));
	assert_int_equal(pmem2_vm_reservation_delete(&rsv), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, stat_fixture_teardown)
		T(one_map_lives_tree_add_data_add_data_rem_tree_rem_destroy),
		T(events_happen_only_inside_update),
		T(parent_gets_both_add_events_before_children),
		T(children_are_removed_completely_before_their_parent),
		T(nearest_ancestor_is_called_first),
		T(tree_cb_hears_below_only_data_cb_hears_itself_too),
		T(destroy_cb_gets_the_userdata_after_tree_rem),
		T(null_callback_removes_it_and_null_map_is_inval_arg),
		T(a_callback_slot_holds_one_callback),
		T(nothing_changed_fires_nothing_and_counters_are_no_tree_change),
		T(a_grown_part_map_shows_new_values_without_events),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
