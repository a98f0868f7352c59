// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat_values_test.c -- the values of the tree: what a set and a part
 * report (checked against what the core says through its own API), the
 * data-path counters, typed reads by name and their errors, USR values
 * (put, replace, remove, NO_PERM on the library's names), sub-maps by name.
 */
#include <stdlib.h>
#include <unistd.h>

#include "stat_util.h"

#define PART (64 * KiB)

/* the maps of the fixture's two parts, found by setup */
static struct pmemset_stat_map *P1, *P2;

/* two parts of different sizes, in a view updated once */
static int
setup(void **state)
{
	static const struct stat_part parts[] = {
		{0, PART}, {3 * PART, 2 * PART},
	};
	struct stat_fixture *f = stat_fixture_new("values", 8 * PART, parts,
			2, STAT_VIEW_UPDATED);
	const uint64_t *ids;
	size_t n;
	assert_st(pmemset_stat_map_get_uint64_array(f->set_map, "part_ids",
			&ids, &n));
	assert_int_equal(n, 2);
	char name[64];
	snprintf(name, sizeof(name), "part/%llu", (unsigned long long)ids[0]);
	assert_st(pmemset_stat_map_get_map(f->set_map, name, &P1));
	snprintf(name, sizeof(name), "part/%llu", (unsigned long long)ids[1]);
	assert_st(pmemset_stat_map_get_map(f->set_map, name, &P2));
	*state = f;
	return 0;
}

static const char *
str(struct pmemset_stat_map *map, const char *name)
{
	const char *v = NULL;
	assert_st(pmemset_stat_map_get_string(map, name, &v));
	return v;
}

static void
a_part_reports_where_and_what_it_maps(void **state)
{
	struct stat_fixture *f = *state;
	assert_int_equal(stat_u64(P1, "address"), (uintptr_t)f->d[0].addr);
	assert_int_equal(stat_u64(P1, "size"), PART);
	assert_int_equal(stat_u64(P1, "offset"), 0);
	assert_int_equal(stat_u64(P2, "address"), (uintptr_t)f->d[1].addr);
	assert_int_equal(stat_u64(P2, "size"), 2 * PART);
	assert_int_equal(stat_u64(P2, "offset"), 3 * PART);
	assert_int_equal(stat_u64(P2, "part_map_address"),
		(uintptr_t)f->d[1].addr);
	assert_int_equal(stat_u64(P2, "part_map_size"), f->d[1].size);
	assert_string_equal(str(P1, "source"), "file");
	assert_string_equal(str(P1, "source_path"), f->src.path);
	/* "page" on tmpfs, finer on DAX */
	assert_string_equal(str(P1, "granularity"), test_dir_granularity_name());
	assert_string_equal(str(P1, "sds_state"), "none");
	assert_int_equal(stat_u64(P1, "badblocks"), 0);
	const char *name;
	assert_st(pmemset_stat_map_name(P1, &name));
	assert_int_equal(stat_u64(P1, "id"),
		strtoull(name + strlen("part/"), NULL, 10));
}

static void
a_set_reports_its_parts_and_settings(void **state)
{
	struct stat_fixture *f = *state;
	assert_int_equal(stat_u64(f->set_map, "parts"), 2);
	assert_int_equal(stat_u64(f->set_map, "part_maps"),
		test_count_part_maps(f->set));
	assert_int_equal(stat_u64(f->set_map, "mapped_bytes"), 3 * PART);
	assert_string_equal(str(f->set_map, "granularity"),
		test_dir_granularity_name());
	assert_string_equal(str(f->set_map, "required_granularity"), "page");
	assert_string_equal(str(f->set_map, "coalescing"), "none");
	const char *const *paths;
	size_t n;
	assert_st(pmemset_stat_map_get_string_array(f->set_map,
			"source_paths", &paths, &n));
	assert_int_equal(n, 1);
	assert_string_equal(paths[0], f->src.path);
	assert_string_equal(str(f->root, "version"), "1.0");

	/* a setting changed shows at the next update, with no new map */
	assert_ok(pmemset_set_contiguous_part_coalescing(f->set,
			PMEMSET_COALESCING_OPPORTUNISTIC));
	assert_string_equal(str(f->set_map, "coalescing"), "none");
	assert_st(pmemset_stat_update(f->h));
	assert_string_equal(str(f->set_map, "coalescing"), "opportunistic");
	assert_int_equal(stat_children(f->set_map), 2);
}

static void
a_set_with_no_part_has_no_granularity_yet(void **state)
{
	(void) state;
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_CACHE_LINE,
			NULL, NULL);
	struct pmemset_stat *h;
	assert_st(pmemset_stat_open(&h, set, NULL, 0));
	assert_st(pmemset_stat_update(h));
	struct pmemset_stat_map *m = stat_lookup(h, set_uri(set));
	assert_string_equal(str(m, "granularity"), "unset");
	assert_string_equal(str(m, "required_granularity"), "cache_line");
	assert_int_equal(stat_u64(m, "parts"), 0);
	assert_int_equal(stat_u64(m, "mapped_bytes"), 0);
	const uint64_t *ids;
	size_t n = 1;
	assert_st(pmemset_stat_map_get_uint64_array(m, "part_ids", &ids, &n));
	assert_int_equal(n, 0);
	assert_st(pmemset_stat_close(&h));
	assert_ok(pmemset_delete(&set));
}

static void
data_path_counters_count_calls_and_bytes_while_observed(void **state)
{
	struct stat_fixture *f = *state;
	char *a = f->d[0].addr;
	char buf[256];
	memset(buf, 7, sizeof(buf));
	assert_ok(pmemset_persist(f->set, a, 100));
	assert_ok(pmemset_flush(f->set, a, 200));
	assert_ok(pmemset_drain(f->set));
	assert_non_null(pmemset_memcpy(f->set, a, buf, 10, 0));
	assert_non_null(pmemset_memmove(f->set, a + 1, a, 20, 0));
	assert_non_null(pmemset_memset(f->set, a, 0, 30, 0));
	assert_st(pmemset_stat_update(f->h));
	assert_int_equal(stat_u64(f->set_map, "persist_calls"), 1);
	assert_int_equal(stat_u64(f->set_map, "persist_bytes"), 100);
	assert_int_equal(stat_u64(f->set_map, "flush_calls"), 1);
	assert_int_equal(stat_u64(f->set_map, "flush_bytes"), 200);
	assert_true(stat_u64(f->set_map, "drain_calls") >= 1);
	assert_int_equal(stat_u64(f->set_map, "copy_calls"), 1);
	assert_int_equal(stat_u64(f->set_map, "copy_bytes"), 10);
	assert_int_equal(stat_u64(f->set_map, "move_calls"), 1);
	assert_int_equal(stat_u64(f->set_map, "move_bytes"), 20);
	assert_int_equal(stat_u64(f->set_map, "set_calls"), 1);
	assert_int_equal(stat_u64(f->set_map, "set_bytes"), 30);

	/* with no handle observing, nothing is counted */
	assert_st(pmemset_stat_close(&f->h));
	assert_ok(pmemset_persist(f->set, a, 100));
	assert_st(pmemset_stat_open(&f->h, f->set, NULL, 0));
	assert_st(pmemset_stat_update(f->h));
	struct pmemset_stat_map *m = stat_lookup(f->h, set_uri(f->set));
	assert_int_equal(stat_u64(m, "persist_calls"), 1);
}

static void
typed_reads_check_the_type_and_the_name(void **state)
{
	struct stat_fixture *f = *state;
	uint64_t v = 42;
	const char *s = "unchanged";
	assert_st_err(pmemset_stat_map_get_uint64(P1, "source", &v),
		PMEMSET_STAT_S_INVAL_TYPE);
	assert_msg_has("source");
	assert_int_equal(v, 42);
	assert_st_err(pmemset_stat_map_get_string(P1, "size", &s),
		PMEMSET_STAT_S_INVAL_TYPE);
	assert_string_equal(s, "unchanged");
	assert_st_err(pmemset_stat_map_get_uint64(P1, "no_such", &v),
		PMEMSET_STAT_S_NOT_FOUND);
	assert_msg_has("no_such");
	struct pmemset_stat_map *m;
	assert_st_err(pmemset_stat_map_get_map(f->set_map, "part/999999999",
			&m), PMEMSET_STAT_S_NOT_FOUND);
	assert_st_err(pmemset_stat_map_get_map(f->set_map, "parts", &m),
		PMEMSET_STAT_S_INVAL_TYPE);
	assert_st_err(pmemset_stat_map_get_map(f->root, "part/1", &m),
		PMEMSET_STAT_S_NOT_FOUND);
	assert_st_err(pmemset_stat_map_get_uint64(P1, NULL, &v),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_st_err(pmemset_stat_map_get_uint64(P1, "size", NULL),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_st_err(pmemset_stat_map_get_uint64(NULL, "size", &v),
		PMEMSET_STAT_S_INVAL_ARG);

	struct pmemset_stat_nv nv;
	assert_st(pmemset_stat_map_get(P1, "address", &nv));
	assert_int_equal(nv.type, PMEMSET_STAT_TYPE_UINT64);
	assert_int_equal(nv.kind, PMEMSET_STAT_KIND_SYS);
	assert_int_equal(nv.unit, PMEMSET_STAT_UNIT_ADDRESS);
	const char *pname;
	assert_st(pmemset_stat_map_name(P1, &pname));
	assert_st(pmemset_stat_map_get(f->set_map, pname, &nv));
	assert_int_equal(nv.kind, PMEMSET_STAT_KIND_MAP);
	assert_ptr_equal(nv.data.map, P1);
}

static void
usr_values_are_put_replaced_and_removed(void **state)
{
	struct stat_fixture *f = *state;
	size_t before, after;
	assert_st(pmemset_stat_map_size(P1, &before));
	assert_st(pmemset_stat_map_put_uint64(P1, "count", 5));
	assert_int_equal(stat_u64(P1, "count"), 5);
	assert_st(pmemset_stat_map_put_uint64(P1, "count", 6));
	assert_int_equal(stat_u64(P1, "count"), 6);
	/* a new put may change the type */
	assert_st(pmemset_stat_map_put_string(P1, "count", "six"));
	assert_string_equal(str(P1, "count"), "six");
	char owner[] = "mine";
	assert_st(pmemset_stat_map_put_string(P1, "owner", owner));
	owner[0] = 'X'; /* copied in */
	assert_string_equal(str(P1, "owner"), "mine");

	uint64_t nums[3] = {1, 2, 3};
	assert_st(pmemset_stat_map_put_uint64_array(P1, "nums", nums, 3));
	nums[0] = 9;
	const uint64_t *got;
	size_t n;
	assert_st(pmemset_stat_map_get_uint64_array(P1, "nums", &got, &n));
	assert_int_equal(n, 3);
	assert_int_equal(got[0], 1);
	assert_int_equal(got[2], 3);
	const char *words[] = {"a", "bb"};
	assert_st(pmemset_stat_map_put_string_array(P1, "words", words, 2));
	const char *const *gw;
	assert_st(pmemset_stat_map_get_string_array(P1, "words", &gw, &n));
	assert_int_equal(n, 2);
	assert_string_equal(gw[1], "bb");
	assert_st(pmemset_stat_map_put_uint64_array(P1, "empty", NULL, 0));
	assert_st(pmemset_stat_map_get_uint64_array(P1, "empty", &got, &n));
	assert_int_equal(n, 0);

	assert_st(pmemset_stat_map_size(P1, &after));
	assert_int_equal(after, before + 5);
	/* USR values survive updates */
	test_map(f->set, f->src.src, 6 * PART, PART, NULL);
	assert_st(pmemset_stat_update(f->h));
	assert_string_equal(str(P1, "owner"), "mine");

	assert_st(pmemset_stat_map_remove(P1, "owner"));
	const char *s;
	assert_st_err(pmemset_stat_map_get_string(P1, "owner", &s),
		PMEMSET_STAT_S_NOT_FOUND);
	assert_st_err(pmemset_stat_map_remove(P1, "owner"),
		PMEMSET_STAT_S_NOT_FOUND);
	assert_st(pmemset_stat_map_size(P1, &after));
	assert_int_equal(after, before + 4);
}

static void
the_library_values_are_not_the_applications(void **state)
{
	struct stat_fixture *f = *state;
	assert_st_err(pmemset_stat_map_put_uint64(P1, "size", 1),
		PMEMSET_STAT_S_NO_PERM);
	assert_msg_has("size");
	assert_int_equal(stat_u64(P1, "size"), PART);
	assert_st_err(pmemset_stat_map_put_string(f->set_map, "granularity",
			"byte"), PMEMSET_STAT_S_NO_PERM);
	assert_st_err(pmemset_stat_map_remove(P1, "address"),
		PMEMSET_STAT_S_NO_PERM);
	const char *pname;
	assert_st(pmemset_stat_map_name(P1, &pname));
	assert_st_err(pmemset_stat_map_remove(f->set_map, pname),
		PMEMSET_STAT_S_NO_PERM);
	/* names: not empty, no '/' */
	assert_st_err(pmemset_stat_map_put_uint64(P1, "", 1),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_st_err(pmemset_stat_map_put_uint64(P1, "a/b", 1),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_st_err(pmemset_stat_map_put_string(P1, "x", NULL),
		PMEMSET_STAT_S_INVAL_ARG);
	const char *bad[] = {"ok", NULL};
	assert_st_err(pmemset_stat_map_put_string_array(P1, "x", bad, 2),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_msg_has("values[1]");
	assert_st_err(pmemset_stat_map_put_uint64_array(P1, "x", NULL, 1),
		PMEMSET_STAT_S_INVAL_ARG);
	/* nothing was stored by the failed puts */
	uint64_t v;
	assert_st_err(pmemset_stat_map_get_uint64(P1, "x", &v),
		PMEMSET_STAT_S_NOT_FOUND);
}

static void
map_accessors_name_the_tree(void **state)
{
	struct stat_fixture *f = *state;
	const char *uri, *name;
	assert_st(pmemset_stat_map_uri(f->root, &uri));
	assert_string_equal(uri, "/pmemset");
	assert_st(pmemset_stat_map_name(f->root, &name));
	assert_string_equal(name, "pmemset");
	assert_st(pmemset_stat_map_uri(f->set_map, &uri));
	assert_string_equal(uri, set_uri(f->set));
	struct pmemset_stat_map *parent;
	assert_st(pmemset_stat_map_parent(P1, &parent));
	assert_ptr_equal(parent, f->set_map);
	assert_st(pmemset_stat_map_parent(f->set_map, &parent));
	assert_ptr_equal(parent, f->root);
	assert_st_err(pmemset_stat_map_parent(f->root, &parent),
		PMEMSET_STAT_S_NOT_FOUND);
	assert_st(pmemset_stat_map_uri(P1, &uri));
	assert_st(pmemset_stat_map_name(P1, &name));
	assert_string_equal(uri + strlen(uri) - strlen(name), name);
	assert_memory_equal(uri, set_uri(f->set), strlen(set_uri(f->set)));
	size_t n;
	assert_st(pmemset_stat_map_size(f->root, &n));
	assert_int_equal(n, 3 + 1); /* version, sets, set_ids; one set */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, stat_fixture_teardown)
		T(a_part_reports_where_and_what_it_maps),
		T(a_set_reports_its_parts_and_settings),
		cmocka_unit_test(a_set_with_no_part_has_no_granularity_yet),
		T(data_path_counters_count_calls_and_bytes_while_observed),
		T(typed_reads_check_the_type_and_the_name),
		T(usr_values_are_put_replaced_and_removed),
		T(the_library_values_are_not_the_applications),
		T(map_accessors_name_the_tree),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
