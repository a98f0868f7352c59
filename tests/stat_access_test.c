// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat_access_test.c -- the access rules inside callbacks: SYS values are
 * readable only during DATA_ADD (and outside callbacks); USR values and
 * sub-maps always; update and close from inside a callback of the same
 * handle return INVAL_STATE instead of deadlocking or freeing the tree.
 */
#include "stat_util.h"

#define PART (64 * KiB)

/* for callbacks, which get no state */
static struct stat_fixture *F;

/* one part, a handle not yet updated, the recorder on its root */
static int
setup(void **state)
{
	static const struct stat_part parts[] = {{0, PART}};
	struct stat_fixture *f = stat_fixture_new("access", 4 * PART, parts,
			1, STAT_VIEW_EMPTY);
	rec_clear();
	rec_install(f->root);
	F = f;
	*state = f;
	return 0;
}

/* the records' SYS and USR reads about sub, for one kind of callback */
static void
expect_reads(enum rec_kind kind, int event, const char *sub,
		enum pmemset_stat_status sys, enum pmemset_stat_status usr)
{
	size_t seen = 0;
	for (size_t i = 0; i < Nrecs; i++) {
		struct rec *r = &Recs[i];
		if (r->kind != kind || r->event != event ||
		    strcmp(r->sub, sub) != 0)
			continue;
		if (r->sys != sys || r->usr != usr)
			fail_msg("%c %d on %s sub %s: SYS read %s, USR read "
				"%s", (char)kind, event, r->on, r->sub,
				pmemset_stat_status_string(r->sys),
				pmemset_stat_status_string(r->usr));
		seen++;
	}
	assert_true(seen > 0);
}

/* the lifecycle of the set map, with the recorder reading in each callback */
static void
run_lifecycle(struct stat_fixture *f)
{
	assert_st(pmemset_stat_update(f->h));
	assert_ok(pmemset_delete(&f->set));
	assert_st(pmemset_stat_update(f->h));
}

static void
sys_values_are_unreadable_during_tree_add(void **state)
{
	struct stat_fixture *f = *state;
	run_lifecycle(f);
	for (size_t i = 0; i < Nrecs; i++)
		if (Recs[i].kind == REC_TREE &&
		    Recs[i].event == PMEMSET_STAT_TREE_ADD)
			assert_int_equal(Recs[i].sys,
				PMEMSET_STAT_S_INVAL_STATE);
	expect_reads(REC_TREE, PMEMSET_STAT_TREE_ADD, f->set_uri,
		PMEMSET_STAT_S_INVAL_STATE, PMEMSET_STAT_S_OK);
}

static void
everything_is_readable_during_data_add(void **state)
{
	struct stat_fixture *f = *state;
	run_lifecycle(f);
	expect_reads(REC_DATA, PMEMSET_STAT_DATA_ADD, f->set_uri,
		PMEMSET_STAT_S_OK, PMEMSET_STAT_S_OK);
}

static void
sys_values_are_unreadable_during_data_rem(void **state)
{
	struct stat_fixture *f = *state;
	run_lifecycle(f);
	expect_reads(REC_DATA, PMEMSET_STAT_DATA_REM, f->set_uri,
		PMEMSET_STAT_S_INVAL_STATE, PMEMSET_STAT_S_OK);
}

static void
sys_values_are_unreadable_during_tree_rem(void **state)
{
	struct stat_fixture *f = *state;
	run_lifecycle(f);
	expect_reads(REC_TREE, PMEMSET_STAT_TREE_REM, f->set_uri,
		PMEMSET_STAT_S_INVAL_STATE, PMEMSET_STAT_S_OK);
}

static void
sys_values_are_unreadable_during_destroy(void **state)
{
	struct stat_fixture *f = *state;
	run_lifecycle(f);
	expect_reads(REC_DESTROY, -1, f->set_uri,
		PMEMSET_STAT_S_INVAL_STATE, PMEMSET_STAT_S_OK);
	f->set = NULL;
}

/* other maps' SYS values are just as unreadable: the rule is per callback */
static enum pmemset_stat_status Root_read;

static void
read_root_in_tree_cb(struct pmemset_stat_map *map,
		struct pmemset_stat_map *sub, enum pmemset_stat_tree_event ev)
{
	(void) sub;
	(void) ev;
	uint64_t v;
	Root_read = pmemset_stat_map_get_uint64(map, "sets", &v);
	assert_msg_has("TREE_ADD");
}

/* the root's own SYS value, read from every data event and destroy */
static enum pmemset_stat_status Root_in_data[2], Root_in_destroy;

static void
read_root_in_data_cb(struct pmemset_stat_map *map,
		struct pmemset_stat_map *sub, enum pmemset_stat_data_event ev)
{
	(void) sub;
	uint64_t v;
	Root_in_data[ev] = pmemset_stat_map_get_uint64(map, "sets", &v);
}

static void
read_root_in_destroy_cb(struct pmemset_stat_map *map, void *ud)
{
	(void) ud;
	struct pmemset_stat_map *root;
	uint64_t v;
	assert_st(pmemset_stat_map_parent(map, &root));
	Root_in_destroy = pmemset_stat_map_get_uint64(root, "sets", &v);
}

static void
the_rule_covers_every_map_not_just_the_sub_map(void **state)
{
	struct stat_fixture *f = *state;
	assert_st(pmemset_stat_map_set_tree_cb(f->root, read_root_in_tree_cb));
	assert_st(pmemset_stat_map_set_data_cb(f->root, read_root_in_data_cb));
	Root_read = PMEMSET_STAT_S_OK;
	Root_in_data[0] = Root_in_data[1] = PMEMSET_STAT_S_NOT_FOUND;
	assert_st(pmemset_stat_update(f->h));
	assert_int_equal(Root_read, PMEMSET_STAT_S_INVAL_STATE);
	assert_int_equal(Root_in_data[PMEMSET_STAT_DATA_ADD],
		PMEMSET_STAT_S_OK);
	/* and outside callbacks everything is readable again */
	assert_int_equal(stat_u64(f->root, "sets"), 1);

	assert_st(pmemset_stat_map_set_destroy_cb(stat_lookup(f->h,
			f->set_uri), read_root_in_destroy_cb));
	Root_in_destroy = PMEMSET_STAT_S_OK;
	assert_ok(pmemset_delete(&f->set));
	assert_st(pmemset_stat_update(f->h));
	assert_int_equal(Root_in_data[PMEMSET_STAT_DATA_REM],
		PMEMSET_STAT_S_INVAL_STATE);
	assert_int_equal(Root_in_destroy, PMEMSET_STAT_S_INVAL_STATE);
	assert_int_equal(stat_u64(f->root, "sets"), 0);
}

/* the other readers obey the rule too: get, iterator, dump */
static enum pmemset_stat_status Get_st, Iter_st, Dump_st;
static bool Iter_went_on;

static void
read_all_ways(struct pmemset_stat_map *map, struct pmemset_stat_map *sub,
		enum pmemset_stat_tree_event ev)
{
	(void) map;
	(void) ev;
	struct pmemset_stat_nv nv;
	Get_st = pmemset_stat_map_get(sub, "id", &nv);
	struct pmemset_stat_mapiter *it;
	assert_st(pmemset_stat_mapiter_start(sub, PMEMSET_STAT_KIND_ALL, &it));
	Iter_st = pmemset_stat_mapiter_next(it, &nv);
	/* past the SYS values the USR tag is still readable */
	bool more = true;
	Iter_went_on = false;
	while (more && pmemset_stat_mapiter_hasnext(it, &more) ==
			PMEMSET_STAT_S_OK && more)
		if (pmemset_stat_mapiter_next(it, &nv) == PMEMSET_STAT_S_OK &&
		    nv.kind == PMEMSET_STAT_KIND_USR)
			Iter_went_on = true;
	assert_st(pmemset_stat_mapiter_end(&it));
	FILE *f = fopen("/dev/null", "w");
	Dump_st = pmemset_stat_dump(sub, f, PMEMSET_STAT_DUMP_TEXT);
	fclose(f);
}

static void
tag_in_tree_add(struct pmemset_stat_map *map, struct pmemset_stat_map *sub,
		enum pmemset_stat_tree_event ev)
{
	if (ev == PMEMSET_STAT_TREE_ADD)
		assert_st(pmemset_stat_map_put_string(sub, "tag", "x"));
	read_all_ways(map, sub, ev);
}

static void
get_iterators_and_dump_obey_the_rule(void **state)
{
	struct stat_fixture *f = *state;
	assert_st(pmemset_stat_map_set_tree_cb(f->root, tag_in_tree_add));
	assert_st(pmemset_stat_map_set_data_cb(f->root, NULL));
	assert_st(pmemset_stat_update(f->h));
	assert_int_equal(Get_st, PMEMSET_STAT_S_INVAL_STATE);
	assert_int_equal(Iter_st, PMEMSET_STAT_S_INVAL_STATE);
	assert_true(Iter_went_on);
	assert_int_equal(Dump_st, PMEMSET_STAT_S_INVAL_STATE);
}

static enum pmemset_stat_status Update_st, Close_st;
static size_t Calls;

static void
update_and_close_inside(struct pmemset_stat_map *map,
		struct pmemset_stat_map *sub, enum pmemset_stat_data_event ev)
{
	(void) map;
	(void) sub;
	(void) ev;
	Calls++;
	Update_st = pmemset_stat_update(F->h);
	assert_msg_has("inside a callback");
	struct pmemset_stat *h = F->h;
	Close_st = pmemset_stat_close(&h);
	assert_ptr_equal(h, F->h);
}

static void
update_inside_a_callback_is_inval_state(void **state)
{
	struct stat_fixture *f = *state;
	assert_st(pmemset_stat_map_set_tree_cb(f->root, NULL));
	assert_st(pmemset_stat_map_set_data_cb(f->root,
			update_and_close_inside));
	Calls = 0;
	assert_st(pmemset_stat_update(f->h));
	assert_true(Calls > 0);
	assert_int_equal(Update_st, PMEMSET_STAT_S_INVAL_STATE);
	/* the outer update finished its work */
	assert_int_equal(stat_children(f->root), 1);
}

static void
close_inside_a_callback_is_inval_state(void **state)
{
	struct stat_fixture *f = *state;
	assert_st(pmemset_stat_map_set_tree_cb(f->root, NULL));
	assert_st(pmemset_stat_map_set_data_cb(f->root, NULL));
	assert_st(pmemset_stat_map_set_destroy_cb(f->root, NULL));
	assert_st(pmemset_stat_update(f->h));
	struct pmemset_stat_map *set_map = stat_lookup(f->h, f->set_uri);
	assert_st(pmemset_stat_map_set_data_cb(set_map,
			update_and_close_inside));
	Calls = 0;
	/* the close itself calls DATA_REM of the set map */
	struct pmemset_stat *h = f->h;
	assert_st(pmemset_stat_close(&h));
	assert_null(h);
	f->h = NULL;
	/* DATA_REM of the part, then of the set itself */
	assert_int_equal(Calls, 2);
	assert_int_equal(Close_st, PMEMSET_STAT_S_INVAL_STATE);
	assert_int_equal(Update_st, PMEMSET_STAT_S_INVAL_STATE);
	assert_st(pmemset_stat_open(&f->h, f->set, NULL, 0));
}

static struct pmemset_stat *Other;
static enum pmemset_stat_status Other_st;

static void
update_other_handle(struct pmemset_stat_map *map,
		struct pmemset_stat_map *sub, enum pmemset_stat_data_event ev)
{
	(void) map;
	(void) sub;
	(void) ev;
	Other_st = pmemset_stat_update(Other);
}

static void
another_handle_may_update_inside_a_callback(void **state)
{
	struct stat_fixture *f = *state;
	assert_st(pmemset_stat_open(&Other, NULL, NULL, 0));
	assert_st(pmemset_stat_map_set_tree_cb(f->root, NULL));
	assert_st(pmemset_stat_map_set_data_cb(f->root, update_other_handle));
	Other_st = PMEMSET_STAT_S_INVAL_STATE;
	assert_st(pmemset_stat_update(f->h));
	assert_int_equal(Other_st, PMEMSET_STAT_S_OK);
	struct pmemset_stat_map *other_root;
	assert_st(pmemset_stat_root(Other, &other_root));
	assert_true(stat_children(other_root) >= 1);
	assert_st(pmemset_stat_close(&Other));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, stat_fixture_teardown)
		T(sys_values_are_unreadable_during_tree_add),
		T(everything_is_readable_during_data_add),
		T(sys_values_are_unreadable_during_data_rem),
		T(sys_values_are_unreadable_during_tree_rem),
		T(sys_values_are_unreadable_during_destroy),
		T(the_rule_covers_every_map_not_just_the_sub_map),
		T(get_iterators_and_dump_obey_the_rule),
		T(update_inside_a_callback_is_inval_state),
		T(close_inside_a_callback_is_inval_state),
		T(another_handle_may_update_inside_a_callback),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
