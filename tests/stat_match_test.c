// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat_match_test.c -- matchers given at open restrict the view to maps
 * whose URI matches (exact, glob, regex; several are OR-ed), keeping the
 * ancestors of matched maps as containers; bad matchers fail at open.
 */
#include <stdlib.h>

#include "stat_util.h"

#define PART (64 * KiB)

struct fixture {
	struct stat_source src;
	struct pmemset *set;
	const char *set_uri;
	char part_uri[2][64];
	struct pmemset_stat *h;
	struct pmemset_stat_map *root;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	stat_source_new(&f->src, "match", 8 * PART);
	f->set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	test_map(f->set, f->src.src, 0, PART, NULL);
	test_map(f->set, f->src.src, PART, PART, NULL);
	f->set_uri = set_uri(f->set);
	/* the part ids, through a view with no matchers */
	struct pmemset_stat *all;
	assert_st(pmemset_stat_open(&all, f->set, NULL, 0));
	assert_st(pmemset_stat_update(all));
	const uint64_t *ids;
	size_t n;
	assert_st(pmemset_stat_map_get_uint64_array(stat_lookup(all,
			f->set_uri), "part_ids", &ids, &n));
	assert_int_equal(n, 2);
	for (int i = 0; i < 2; i++)
		snprintf(f->part_uri[i], sizeof(f->part_uri[i]), "%s/part/%llu",
			f->set_uri, (unsigned long long)ids[i]);
	assert_st(pmemset_stat_close(&all));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	assert_st(pmemset_stat_close(&f->h));
	if (f->set != NULL)
		assert_ok(pmemset_delete(&f->set));
	stat_source_free(&f->src);
	free(f);
	return 0;
}

static void
open_with(struct fixture *f, struct pmemset *set,
		const struct pmemset_stat_matcher *m, size_t n)
{
	assert_st(pmemset_stat_open(&f->h, set, m, n));
	assert_st(pmemset_stat_root(f->h, &f->root));
	assert_st(pmemset_stat_update(f->h));
}

static bool
in_view(struct fixture *f, const char *uri)
{
	struct pmemset_stat_map *m;
	return pmemset_stat_lookup_map(f->h, uri, &m) == PMEMSET_STAT_S_OK;
}

static void
an_exact_matcher_selects_one_map(void **state)
{
	struct fixture *f = *state;
	struct pmemset_stat_matcher m = {PMEMSET_STAT_MATCH_STRING,
		f->set_uri};
	open_with(f, f->set, &m, 1);
	assert_true(in_view(f, f->set_uri));
	/* the set's parts do not match its URI */
	assert_false(in_view(f, f->part_uri[0]));
	assert_int_equal(stat_children(stat_lookup(f->h, f->set_uri)), 0);
	/* its values are all there */
	assert_int_equal(stat_u64(stat_lookup(f->h, f->set_uri), "parts"), 2);
}

static void
a_matched_part_brings_its_set_as_a_container(void **state)
{
	struct fixture *f = *state;
	struct pmemset_stat_matcher m = {PMEMSET_STAT_MATCH_STRING,
		f->part_uri[1]};
	open_with(f, f->set, &m, 1);
	assert_true(in_view(f, f->set_uri));
	assert_true(in_view(f, f->part_uri[1]));
	assert_false(in_view(f, f->part_uri[0]));
	struct pmemset_stat_map *set_map = stat_lookup(f->h, f->set_uri);
	const uint64_t *ids;
	size_t n;
	assert_st(pmemset_stat_map_get_uint64_array(set_map, "part_ids", &ids,
			&n));
	assert_int_equal(n, 1);

	/* a new part does not match: nothing new */
	rec_clear();
	rec_install(f->root);
	test_map(f->set, f->src.src, 4 * PART, PART, NULL);
	assert_st(pmemset_stat_update(f->h));
	assert_int_equal(Nrecs, 0);

	/* once its only matched part goes, the container goes too */
	struct pmemset_part_map *pmap;
	assert_ok(pmemset_part_map_by_address(f->set, &pmap, (void *)(uintptr_t)
			stat_u64(stat_lookup(f->h, f->part_uri[1]),
			"address")));
	assert_ok(pmemset_remove_part_map(f->set, &pmap));
	assert_st(pmemset_stat_update(f->h));
	assert_false(in_view(f, f->set_uri));
	rec_expect(REC_TREE, PMEMSET_STAT_TREE_REM, "/pmemset", f->set_uri);
	assert_int_equal(stat_children(f->root), 0);
}

static void
a_glob_star_crosses_slashes(void **state)
{
	struct fixture *f = *state;
	char pattern[80];
	snprintf(pattern, sizeof(pattern), "%s*", f->set_uri);
	struct pmemset_stat_matcher m = {PMEMSET_STAT_MATCH_GLOB, pattern};
	open_with(f, f->set, &m, 1);
	assert_true(in_view(f, f->set_uri));
	assert_true(in_view(f, f->part_uri[0]));
	assert_true(in_view(f, f->part_uri[1]));
}

static void
a_glob_on_parts_only_shows_sets_that_have_matching_parts(void **state)
{
	struct fixture *f = *state;
	struct pmemset_stat_matcher m = {PMEMSET_STAT_MATCH_GLOB,
		"/pmemset/set/*/part/*"};
	/* every live set, but only sets with parts appear */
	struct pmemset *empty = test_set_new(PMEM2_GRANULARITY_PAGE, NULL,
			NULL);
	const char *empty_uri = set_uri(empty);
	open_with(f, NULL, &m, 1);
	assert_true(in_view(f, f->part_uri[0]));
	assert_true(in_view(f, f->part_uri[1]));
	assert_false(in_view(f, empty_uri));

	/* until one of its parts matches */
	rec_clear();
	rec_install(f->root);
	test_map(empty, f->src.src, 4 * PART, PART, NULL);
	assert_st(pmemset_stat_update(f->h));
	assert_true(in_view(f, empty_uri));
	size_t set_add = rec_expect(REC_DATA, PMEMSET_STAT_DATA_ADD, NULL,
			empty_uri);
	long part_add = rec_find(0, REC_TREE, PMEMSET_STAT_TREE_ADD,
			empty_uri, NULL);
	assert_true(part_add > (long)set_add);
	assert_int_equal(stat_children(stat_lookup(f->h, empty_uri)), 1);
	assert_ok(pmemset_delete(&empty));
	assert_st(pmemset_stat_update(f->h));
	assert_false(in_view(f, empty_uri));
}

static void
a_regex_selects_sets_only(void **state)
{
	struct fixture *f = *state;
	struct pmemset_stat_matcher m = {PMEMSET_STAT_MATCH_REGEX,
		"^/pmemset/set/[0-9]+$"};
	open_with(f, f->set, &m, 1);
	assert_true(in_view(f, f->set_uri));
	assert_false(in_view(f, f->part_uri[0]));
	assert_false(in_view(f, f->part_uri[1]));
}

static void
matchers_are_or_ed(void **state)
{
	struct fixture *f = *state;
	struct pmemset_stat_matcher m[] = {
		{PMEMSET_STAT_MATCH_STRING, f->part_uri[0]},
		{PMEMSET_STAT_MATCH_REGEX, "/part/0$"},
		{PMEMSET_STAT_MATCH_GLOB, f->part_uri[1]},
	};
	open_with(f, f->set, m, 3);
	assert_true(in_view(f, f->part_uri[0]));
	assert_true(in_view(f, f->part_uri[1]));
	assert_int_equal(stat_children(stat_lookup(f->h, f->set_uri)), 2);
}

static void
bad_matchers_fail_at_open(void **state)
{
	struct fixture *f = *state;
	struct pmemset_stat *h = NULL;
	struct pmemset_stat_matcher bad_re = {PMEMSET_STAT_MATCH_REGEX,
		"(unclosed"};
	assert_st_err(pmemset_stat_open(&h, f->set, &bad_re, 1),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_msg_has("(unclosed");
	assert_null(h);
	struct pmemset_stat_matcher bad_type = {
		(enum pmemset_stat_match)7, "x"};
	assert_st_err(pmemset_stat_open(&h, f->set, &bad_type, 1),
		PMEMSET_STAT_S_INVAL_ARG);
	/* the message names what is accepted */
	assert_msg_has("matchers[0].type 7 is not a pmemset_stat_match "
		"(valid: PMEMSET_STAT_MATCH_STRING (0), _GLOB (1), _REGEX (2))");
	struct pmemset_stat_matcher no_pattern[] = {
		{PMEMSET_STAT_MATCH_GLOB, "*"},
		{PMEMSET_STAT_MATCH_GLOB, NULL},
	};
	assert_st_err(pmemset_stat_open(&h, f->set, no_pattern, 2),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_msg_has("matchers[1]");
	assert_null(h);
	/* a valid view for teardown */
	open_with(f, f->set, NULL, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(an_exact_matcher_selects_one_map),
		T(a_matched_part_brings_its_set_as_a_container),
		T(a_glob_star_crosses_slashes),
		T(a_glob_on_parts_only_shows_sets_that_have_matching_parts),
		T(a_regex_selects_sets_only),
		T(matchers_are_or_ed),
		T(bad_matchers_fail_at_open),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
