// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat_errors_test.c -- failures: every allocation an update, open, put,
 * iterator or reference makes is made to fail in turn (through the
 * library's allocation seam, so this test links the library's objects);
 * each failure returns NO_MEM with a message, leaves every map fully added
 * or not at all, and the next update ends with exactly the view an
 * undisturbed handle has, every map added and removed exactly once.
 * Also: the status strings.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "alloc.h"
#include "set.h"
#include "stat_util.h"

#define PART (64 * KiB)
#define MAX_MAPS 16

/* per-URI event counts, kept without allocating through the library */
struct life {
	char uri[64];
	int tree_add, data_add, data_rem, tree_rem, destroy;
};
static struct life Lives[MAX_MAPS];
static size_t Nlives;

static struct life *
life_of(struct pmemset_stat_map *map)
{
	const char *uri = stat_uri(map);
	for (size_t i = 0; i < Nlives; i++)
		if (strcmp(Lives[i].uri, uri) == 0)
			return &Lives[i];
	assert_true(Nlives < MAX_MAPS);
	struct life *l = &Lives[Nlives++];
	memset(l, 0, sizeof(*l));
	snprintf(l->uri, sizeof(l->uri), "%s", uri);
	return l;
}

static void
count_destroy(struct pmemset_stat_map *map, void *ud)
{
	(void) ud;
	life_of(map)->destroy++;
}

static void
count_tree(struct pmemset_stat_map *map, struct pmemset_stat_map *sub,
		enum pmemset_stat_tree_event ev)
{
	(void) map;
	struct life *l = life_of(sub);
	if (ev == PMEMSET_STAT_TREE_ADD) {
		/* a map is heard about once per ancestor: count its nearest */
		struct pmemset_stat_map *parent;
		assert_st(pmemset_stat_map_parent(sub, &parent));
		if (parent != map)
			return;
		l->tree_add++;
		assert_st(pmemset_stat_map_set_destroy_cb(sub, count_destroy));
	} else {
		struct pmemset_stat_map *parent;
		assert_st(pmemset_stat_map_parent(sub, &parent));
		if (parent == map)
			l->tree_rem++;
	}
	/* every ancestor gets a tree callback, so nearest-parent counting works */
	assert_st(pmemset_stat_map_set_tree_cb(sub, count_tree));
}

static void
count_data(struct pmemset_stat_map *map, struct pmemset_stat_map *sub,
		enum pmemset_stat_data_event ev)
{
	if (map != sub)
		return;
	struct life *l = life_of(sub);
	if (ev == PMEMSET_STAT_DATA_ADD) {
		assert_int_equal(l->tree_add, l->data_add + 1);
		l->data_add++;
	} else {
		l->data_rem++;
	}
}

/* data callbacks on every map, so each hears itself */
static void
count_tree_and_data(struct pmemset_stat_map *map,
		struct pmemset_stat_map *sub, enum pmemset_stat_tree_event ev)
{
	count_tree(map, sub, ev);
	assert_st(pmemset_stat_map_set_tree_cb(sub, count_tree_and_data));
	assert_st(pmemset_stat_map_set_data_cb(sub, count_data));
}

/* a handle on set, not yet updated, whose every map will count in Lives */
static struct pmemset_stat *
open_counting(struct pmemset *set)
{
	Nlives = 0;
	struct pmemset_stat *h;
	struct pmemset_stat_map *root;
	assert_st(pmemset_stat_open(&h, set, NULL, 0));
	assert_st(pmemset_stat_root(h, &root));
	assert_st(pmemset_stat_map_set_tree_cb(root, count_tree_and_data));
	assert_st(pmemset_stat_map_set_data_cb(root, count_data));
	return h;
}

/*
 * Updates h with allocation k (from 0) made to fail. Returns whether the
 * update got that far: then it must fail with NO_MEM and a message;
 * otherwise it must succeed.
 */
static bool
update_failing_allocation(struct pmemset_stat *h, long k)
{
	alloc_inject_failure(k);
	enum pmemset_stat_status st = pmemset_stat_update(h);
	long made = alloc_inject_failure(-1);
	if (k >= made) {
		assert_st(st);
		return false;
	}
	assert_int_equal(st, PMEMSET_STAT_S_NO_MEM);
	assert_true(pmemset_errormsg()[0] != '\0');
	return true;
}

static void
every_failed_allocation_in_update_leaves_a_consistent_view(void **state)
{
	(void) state;
	static const struct stat_part parts[] = {
		{0, PART}, {2 * PART, PART}, {4 * PART, PART},
	};
	/* the fixture's handle is never disturbed: its view is the goal */
	struct stat_fixture *f = stat_fixture_new("nomem", 8 * PART, parts, 3,
			STAT_VIEW_UPDATED);
	char *expected = stat_view_text(f->h);

	size_t failures = 0;
	for (long k = 0;; k++) {
		struct pmemset_stat *h = open_counting(f->set);
		bool injected = update_failing_allocation(h, k);
		if (injected) {
			failures++;
			/* whatever is in the view was added completely */
			for (size_t i = 0; i < Nlives; i++) {
				assert_int_equal(Lives[i].tree_add, 1);
				assert_int_equal(Lives[i].data_add, 1);
				assert_int_equal(Lives[i].tree_rem, 0);
			}
			assert_st(pmemset_stat_update(h));
		}
		char *got = stat_view_text(h);
		assert_string_equal(got, expected);
		free(got);
		assert_st(pmemset_stat_close(&h));
		/* the root (removed only) besides set and 3 parts */
		assert_int_equal(Nlives, 5);
		for (size_t i = 0; i < Nlives; i++) {
			struct life *l = &Lives[i];
			if (strcmp(l->uri, "/pmemset") == 0) {
				assert_int_equal(l->data_rem, 1);
				continue;
			}
			assert_int_equal(l->tree_add, 1);
			assert_int_equal(l->data_add, 1);
			assert_int_equal(l->data_rem, 1);
			assert_int_equal(l->tree_rem, 1);
			assert_int_equal(l->destroy, 1);
		}
		if (!injected)
			break;
	}
	/* copying the set, the parts' paths, and adding the maps can fail */
	assert_true(failures >= 8);
	free(expected);
	stat_fixture_delete(f);
}

static void
a_failed_update_between_changes_catches_up_later(void **state)
{
	(void) state;
	static const struct stat_part parts[] = {{0, PART}};
	struct stat_fixture *f = stat_fixture_new("catchup", 8 * PART, parts,
			1, STAT_VIEW_UPDATED);
	test_map(f->set, f->src.src, 2 * PART, PART, NULL);
	test_map(f->set, f->src.src, 4 * PART, PART, NULL);
	/* fail the second allocation: the staging is done, one part added */
	for (long k = 0; k < 6; k++) {
		alloc_inject_failure(k);
		enum pmemset_stat_status st = pmemset_stat_update(f->h);
		alloc_inject_failure(-1);
		assert_true(st == PMEMSET_STAT_S_OK ||
			st == PMEMSET_STAT_S_NO_MEM);
	}
	assert_st(pmemset_stat_update(f->h));
	assert_view_fresh(f->h, f->set, NULL, 0);
	stat_fixture_delete(f);
}

/*
 * An update that applies a journal (parts added, a part map grown, one
 * split, one removed) fails each of its allocations in turn: every map is
 * then added or removed completely or not at all, and the next update
 * ends with the view a fresh handle builds.
 */
static void
every_failed_allocation_in_a_journal_update(void **state)
{
	(void) state;
	size_t failures = 0;
	for (long k = 0;; k++) {
		struct pmemset_source *src;
		assert_ok(pmemset_source_from_temporary(&src, test_dir()));
		struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE,
				NULL, NULL);
		assert_ok(pmemset_set_contiguous_part_coalescing(set,
				PMEMSET_COALESCING_OPPORTUNISTIC));
		struct pmemset_part_descriptor d;
		for (int i = 0; i < 4; i++)
			test_map(set, src, (size_t)i * PART, PART, &d);
		char *base = d.addr;	/* one part map of four parts */

		struct pmemset_stat *h = open_counting(set);
		assert_st(pmemset_stat_update(h));

		/*
		 * Grow by two parts, split after the first part (the other
		 * five move to a new part map), then drop the head piece.
		 */
		test_map(set, src, 4 * PART, PART, NULL);
		test_map(set, src, 6 * PART, PART, NULL);
		assert_ok(pmemset_remove_range(set, base + PART, PART));
		struct pmemset_part_map *pm;
		assert_ok(pmemset_part_map_by_address(set, &pm, base));
		assert_ok(pmemset_remove_part_map(set, &pm));

		bool injected = update_failing_allocation(h, k);
		if (injected)
			failures++;
		for (size_t i = 0; i < Nlives; i++) {
			struct life *l = &Lives[i];
			if (strcmp(l->uri, "/pmemset") == 0)
				continue;
			/* added completely, removed completely or not at all */
			assert_int_equal(l->tree_add, l->data_add);
			assert_int_equal(l->data_rem, l->tree_rem);
			assert_int_equal(l->tree_rem, l->destroy);
		}
		assert_st(pmemset_stat_update(h));
		assert_view_fresh(h, set, NULL, 0);
		assert_st(pmemset_stat_close(&h));
		assert_ok(pmemset_delete(&set));
		assert_ok(pmemset_source_delete(&src));
		if (!injected)
			break;
	}
	/* new parts' paths, maps and URIs, the new part map's node */
	if (failures < 5)
		fail_msg("only %zu allocations failed", failures);
}

struct counting {
	struct pmemset *set;
	void *addr;
	int ret;
};

/* a new thread's first count finds no memory for its counter table */
static void *
count_without_a_table(void *arg)
{
	struct counting *c = arg;
	alloc_inject_failure(0);
	c->ret = pmemset_persist(c->set, c->addr, 8);
	alloc_inject_failure(-1);
	/* the next counts get a table: the total must still be exact */
	for (int i = 0; i < 9 && c->ret == 0; i++)
		c->ret = pmemset_persist(c->set, c->addr, 8);
	return NULL;
}

static void
a_thread_without_a_counter_table_still_counts(void **state)
{
	(void) state;
	static const struct stat_part parts[] = {{0, PART}};
	struct stat_fixture *f = stat_fixture_new("notable", PART, parts, 1,
			STAT_VIEW_UPDATED);
	struct counting c = {f->set, f->d[0].addr, -1};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, count_without_a_table, &c),
			0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(c.ret, 0);
	assert_st(pmemset_stat_update(f->h));
	struct pmemset_stat_map *m = stat_lookup(f->h, f->set_uri);
	assert_int_equal(stat_u64(m, "persist_calls"), 10);
	assert_int_equal(stat_u64(m, "persist_bytes"), 80);
	stat_fixture_delete(f);
}

static void
open_put_iterators_and_references_report_no_mem(void **state)
{
	(void) state;
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset_stat *h = (void *)0x1;
	struct pmemset_stat_matcher m = {PMEMSET_STAT_MATCH_GLOB, "*"};
	for (long k = 0; k < 4; k++) {
		alloc_inject_failure(k);
		enum pmemset_stat_status st = pmemset_stat_open(&h, set, &m, 1);
		alloc_inject_failure(-1);
		if (st == PMEMSET_STAT_S_OK) {
			assert_st(pmemset_stat_close(&h));
			h = (void *)0x1;
			continue;
		}
		assert_int_equal(st, PMEMSET_STAT_S_NO_MEM);
		assert_ptr_equal(h, (void *)0x1);
		/* the observation the open took is given back */
		assert_int_equal(atomic_load(&set->observers), 0);
	}
	assert_st(pmemset_stat_open(&h, set, NULL, 0));
	assert_st(pmemset_stat_update(h));
	struct pmemset_stat_map *root;
	assert_st(pmemset_stat_root(h, &root));

	const char *words[] = {"a", "b", "c"};
	uint64_t nums[] = {1, 2};
	for (long k = 0; k < 6; k++) {
		alloc_inject_failure(k);
		enum pmemset_stat_status s1 =
			pmemset_stat_map_put_string_array(root, "w", words, 3);
		alloc_inject_failure(k);
		enum pmemset_stat_status s2 =
			pmemset_stat_map_put_uint64_array(root, "n", nums, 2);
		alloc_inject_failure(k);
		enum pmemset_stat_status s3 =
			pmemset_stat_map_put_string(root, "s", "str");
		alloc_inject_failure(-1);
		assert_true(s1 == PMEMSET_STAT_S_OK ||
			s1 == PMEMSET_STAT_S_NO_MEM);
		assert_true(s2 == PMEMSET_STAT_S_OK ||
			s2 == PMEMSET_STAT_S_NO_MEM);
		assert_true(s3 == PMEMSET_STAT_S_OK ||
			s3 == PMEMSET_STAT_S_NO_MEM);
		/* a failed put stores nothing */
		const char *const *w;
		size_t n;
		if (s1 != PMEMSET_STAT_S_OK && k == 0)
			assert_int_equal(pmemset_stat_map_get_string_array(root,
				"w", &w, &n), PMEMSET_STAT_S_NOT_FOUND);
	}

	struct pmemset_stat_mapiter *it = (void *)0x1;
	alloc_inject_failure(0);
	assert_st_err(pmemset_stat_mapiter_start(root, PMEMSET_STAT_KIND_ALL,
			&it), PMEMSET_STAT_S_NO_MEM);
	alloc_inject_failure(-1);
	assert_ptr_equal(it, (void *)0x1);
	struct pmemset_stat_mapref *ref = (void *)0x1;
	alloc_inject_failure(0);
	assert_st_err(pmemset_stat_mapref_alloc(root, &ref),
		PMEMSET_STAT_S_NO_MEM);
	alloc_inject_failure(-1);
	assert_ptr_equal(ref, (void *)0x1);
	/* the derived arrays are built on first read, which can fail */
	const uint64_t *ids;
	size_t n;
	alloc_inject_failure(0);
	assert_st_err(pmemset_stat_map_get_uint64_array(root, "set_ids", &ids,
			&n), PMEMSET_STAT_S_NO_MEM);
	alloc_inject_failure(-1);
	assert_st(pmemset_stat_map_get_uint64_array(root, "set_ids", &ids,
			&n));
	assert_int_equal(n, 1);

	assert_st(pmemset_stat_close(&h));
	assert_ok(pmemset_delete(&set));
}

static void
every_status_has_a_string(void **state)
{
	(void) state;
	const char *seen[PMEMSET_STAT_S_SYS_FAIL + 1];
	for (int s = PMEMSET_STAT_S_OK; s <= PMEMSET_STAT_S_SYS_FAIL; s++) {
		seen[s] = pmemset_stat_status_string(
				(enum pmemset_stat_status)s);
		assert_non_null(seen[s]);
		assert_true(seen[s][0] != '\0');
		assert_string_not_equal(seen[s], "unknown status");
		for (int t = 0; t < s; t++)
			assert_string_not_equal(seen[s], seen[t]);
	}
	assert_string_equal(pmemset_stat_status_string(
		(enum pmemset_stat_status)(PMEMSET_STAT_S_SYS_FAIL + 1)),
		"unknown status");
	assert_string_equal(pmemset_stat_status_string(
		(enum pmemset_stat_status)-1), "unknown status");
	/* kstat2's order */
	assert_int_equal(PMEMSET_STAT_S_NO_PERM, 1);
	assert_int_equal(PMEMSET_STAT_S_CONC_MOD, 8);
	assert_int_equal(PMEMSET_STAT_S_SYS_FAIL, 10);
}

/*
 * A deleted set is looked up by pointer among the live sets, never read:
 * before, open read the id inside the freed set (ASan: heap-use-after-free).
 */
static void
a_deleted_set_is_refused_at_open_without_being_read(void **state)
{
	(void) state;
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset *gone = set;
	assert_ok(pmemset_delete(&set));
	struct pmemset_stat *h = (void *)0x1;
	assert_st_err(pmemset_stat_open(&h, gone, NULL, 0),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_msg_has("live");
	assert_ptr_equal(h, (void *)0x1);
	/* the view of every set is not disturbed by the refusal */
	assert_st(pmemset_stat_open(&h, NULL, NULL, 0));
	assert_st(pmemset_stat_update(h));
	assert_st(pmemset_stat_close(&h));
}

static void
a_set_that_is_not_live_is_refused_at_open(void **state)
{
	(void) state;
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset_stat *h = NULL;
	assert_st(pmemset_stat_open(&h, set, NULL, 0));
	assert_st(pmemset_stat_close(&h));
	/* a set object that was never registered (zeroed: id 0 is nobody's) */
	static char fake[4096] __attribute__((aligned(64)));
	assert_st_err(pmemset_stat_open(&h, (struct pmemset *)fake, NULL, 0),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_msg_has("live");
	assert_null(h);
	assert_ok(pmemset_delete(&set));
}

/* every pointer argument, NULL in turn: INVAL_ARG with a message */
static void
null_arguments_are_inval_arg_everywhere(void **state)
{
	(void) state;
	struct pmemset_stat *h;
	struct pmemset_stat_map *root, *m;
	struct pmemset_stat_mapiter *it;
	struct pmemset_stat_nv nv;
	assert_st(pmemset_stat_open(&h, NULL, NULL, 0));
	assert_st(pmemset_stat_root(h, &root));
	assert_st(pmemset_stat_mapiter_start(root, PMEMSET_STAT_KIND_ALL, &it));
	const char *s;
	void *ud;
	size_t n;
	const uint64_t *u64s;
	const char *const *strs;
	char buf[8];
	bool b;
#define NULL_ARG(call) do { \
	assert_st_err(call, PMEMSET_STAT_S_INVAL_ARG); \
	assert_msg_has("NULL"); \
} while (0)
	NULL_ARG(pmemset_stat_root(h, NULL));
	NULL_ARG(pmemset_stat_map_uri(NULL, &s));
	NULL_ARG(pmemset_stat_map_uri(root, NULL));
	NULL_ARG(pmemset_stat_map_name(NULL, &s));
	NULL_ARG(pmemset_stat_map_name(root, NULL));
	NULL_ARG(pmemset_stat_map_parent(NULL, &m));
	NULL_ARG(pmemset_stat_map_parent(root, NULL));
	NULL_ARG(pmemset_stat_map_size(NULL, &n));
	NULL_ARG(pmemset_stat_map_size(root, NULL));
	NULL_ARG(pmemset_stat_map_set_userdata(NULL, &n));
	NULL_ARG(pmemset_stat_map_get_userdata(NULL, &ud));
	NULL_ARG(pmemset_stat_map_get_userdata(root, NULL));
	NULL_ARG(pmemset_stat_map_get(NULL, "sets", &nv));
	NULL_ARG(pmemset_stat_map_get(root, NULL, &nv));
	NULL_ARG(pmemset_stat_map_get(root, "sets", NULL));
	NULL_ARG(pmemset_stat_map_get_uint64(root, "sets", NULL));
	NULL_ARG(pmemset_stat_map_get_string(root, "version", NULL));
	NULL_ARG(pmemset_stat_map_get_uint64_array(root, "set_ids", NULL, &n));
	NULL_ARG(pmemset_stat_map_get_uint64_array(root, "set_ids", &u64s,
		NULL));
	NULL_ARG(pmemset_stat_map_get_string_array(root, "x", NULL, &n));
	NULL_ARG(pmemset_stat_map_get_string_array(root, "x", &strs, NULL));
	NULL_ARG(pmemset_stat_map_get_map(root, "set/1", NULL));
	NULL_ARG(pmemset_stat_map_put_uint64(NULL, "x", 1));
	NULL_ARG(pmemset_stat_map_put_uint64(root, NULL, 1));
	NULL_ARG(pmemset_stat_map_put_string(root, "x", NULL));
	NULL_ARG(pmemset_stat_map_remove(NULL, "x"));
	NULL_ARG(pmemset_stat_map_remove(root, NULL));
	NULL_ARG(pmemset_stat_mapiter_start(root, 1, NULL));
	NULL_ARG(pmemset_stat_mapiter_hasnext(NULL, &b));
	NULL_ARG(pmemset_stat_mapiter_hasnext(it, NULL));
	NULL_ARG(pmemset_stat_mapiter_next(NULL, &nv));
	NULL_ARG(pmemset_stat_mapiter_next(it, NULL));
	NULL_ARG(pmemset_stat_mapref_alloc(root, NULL));
	NULL_ARG(pmemset_stat_mapref_deref((struct pmemset_stat_mapref *)
		&buf, NULL));
	NULL_ARG(pmemset_stat_uri_encode("x", NULL, 8));
	NULL_ARG(pmemset_stat_uri_decode("x", NULL, 8));
	NULL_ARG(pmemset_stat_dump(root, NULL, PMEMSET_STAT_DUMP_TEXT));
#undef NULL_ARG
	/* nothing was stored or changed by the failed calls */
	assert_st(pmemset_stat_map_size(root, &n));
	assert_int_equal(n, 3);
	assert_st(pmemset_stat_mapiter_end(&it));
	assert_st(pmemset_stat_close(&h));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		every_failed_allocation_in_update_leaves_a_consistent_view),
		cmocka_unit_test(
		a_failed_update_between_changes_catches_up_later),
		cmocka_unit_test(every_failed_allocation_in_a_journal_update),
		cmocka_unit_test(a_thread_without_a_counter_table_still_counts),
		cmocka_unit_test(
		open_put_iterators_and_references_report_no_mem),
		cmocka_unit_test(every_status_has_a_string),
		cmocka_unit_test(null_arguments_are_inval_arg_everywhere),
		cmocka_unit_test(a_set_that_is_not_live_is_refused_at_open),
		cmocka_unit_test(
		a_deleted_set_is_refused_at_open_without_being_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
