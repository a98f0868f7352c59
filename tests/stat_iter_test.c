// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat_iter_test.c -- iterators (SYS, then USR, then sub-maps, filtered by
 * kind; CONC_MOD once the tree or the map changed; disarmed by close) and
 * references (valid across updates, DEL_MAP once the map is gone, usable
 * after the handle closed).
 */
#include "stat_util.h"

#define PART (64 * KiB)

/* two adjacent parts, in a view updated once */
static int
setup(void **state)
{
	static const struct stat_part parts[] = {{0, PART}, {PART, PART}};
	*state = stat_fixture_new("iter", 8 * PART, parts, 2,
			STAT_VIEW_UPDATED);
	return 0;
}

/* walks the map with the given kinds; counts each kind seen */
static size_t
walk(struct pmemset_stat_map *map, unsigned kinds, size_t count[8])
{
	struct pmemset_stat_mapiter *it;
	size_t n = 0;
	bool more;
	memset(count, 0, 8 * sizeof(count[0]));
	assert_st(pmemset_stat_mapiter_start(map, kinds, &it));
	unsigned last = 0;
	for (;;) {
		assert_st(pmemset_stat_mapiter_hasnext(it, &more));
		if (!more)
			break;
		struct pmemset_stat_nv nv;
		assert_st(pmemset_stat_mapiter_next(it, &nv));
		assert_true((nv.kind & kinds) != 0);
		/* SYS, then USR, then MAP */
		assert_true((unsigned)nv.kind >= last);
		last = (unsigned)nv.kind;
		count[nv.kind]++;
		n++;
	}
	struct pmemset_stat_nv nv;
	assert_st_err(pmemset_stat_mapiter_next(it, &nv),
		PMEMSET_STAT_S_NOT_FOUND);
	assert_st(pmemset_stat_mapiter_end(&it));
	assert_null(it);
	return n;
}

static void
an_iterator_gives_sys_then_usr_then_maps_by_kind(void **state)
{
	struct stat_fixture *f = *state;
	assert_st(pmemset_stat_map_put_uint64(f->set_map, "mine", 1));
	size_t c[8], size;
	size_t all = walk(f->set_map, PMEMSET_STAT_KIND_ALL, c);
	assert_st(pmemset_stat_map_size(f->set_map, &size));
	assert_int_equal(all, size);
	assert_int_equal(c[PMEMSET_STAT_KIND_USR], 1);
	assert_int_equal(c[PMEMSET_STAT_KIND_MAP], 2);
	assert_int_equal(all, c[PMEMSET_STAT_KIND_SYS] + 3);
	assert_int_equal(walk(f->set_map, PMEMSET_STAT_KIND_MAP, c), 2);
	assert_int_equal(walk(f->set_map, PMEMSET_STAT_KIND_USR, c), 1);
	assert_int_equal(walk(f->set_map, PMEMSET_STAT_KIND_SYS |
			PMEMSET_STAT_KIND_USR, c), all - 2);
	struct pmemset_stat_mapiter *it = (void *)0x1;
	assert_st_err(pmemset_stat_mapiter_start(f->set_map, 0, &it),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_st_err(pmemset_stat_mapiter_start(f->set_map, 8, &it),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_ptr_equal(it, (void *)0x1);
	assert_st_err(pmemset_stat_mapiter_start(NULL, 1, &it),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_st_err(pmemset_stat_mapiter_end(NULL), PMEMSET_STAT_S_INVAL_ARG);
}

static void
an_iterator_fails_conc_mod_once_the_tree_changed(void **state)
{
	struct stat_fixture *f = *state;
	struct pmemset_stat_mapiter *it;
	struct pmemset_stat_nv nv;
	bool more;
	assert_st(pmemset_stat_mapiter_start(f->root, PMEMSET_STAT_KIND_ALL,
			&it));
	assert_st(pmemset_stat_mapiter_next(it, &nv));
	/* an update that changes nothing leaves it valid */
	assert_st(pmemset_stat_update(f->h));
	assert_st(pmemset_stat_mapiter_hasnext(it, &more));
	assert_true(more);
	/* a new part anywhere in the tree is a change */
	test_map(f->set, f->src.src, 4 * PART, PART, NULL);
	assert_st(pmemset_stat_update(f->h));
	assert_st_err(pmemset_stat_mapiter_hasnext(it, &more),
		PMEMSET_STAT_S_CONC_MOD);
	assert_st_err(pmemset_stat_mapiter_next(it, &nv),
		PMEMSET_STAT_S_CONC_MOD);
	assert_st(pmemset_stat_mapiter_end(&it));
}

static void
an_iterator_over_a_removed_map_fails_conc_mod(void **state)
{
	struct stat_fixture *f = *state;
	struct pmemset_stat_mapiter *it;
	struct pmemset_stat_nv nv;
	assert_st(pmemset_stat_mapiter_start(f->set_map, PMEMSET_STAT_KIND_ALL,
			&it));
	assert_ok(pmemset_delete(&f->set));
	assert_st(pmemset_stat_update(f->h));
	/* the map is freed; the iterator must not touch it */
	assert_st_err(pmemset_stat_mapiter_next(it, &nv),
		PMEMSET_STAT_S_CONC_MOD);
	assert_st(pmemset_stat_mapiter_end(&it));
}

static void
an_iterator_fails_conc_mod_when_its_map_values_change(void **state)
{
	struct stat_fixture *f = *state;
	struct pmemset_stat_mapiter *it;
	struct pmemset_stat_nv nv;
	bool more;
	assert_st(pmemset_stat_mapiter_start(f->set_map, PMEMSET_STAT_KIND_ALL,
			&it));
	/* values put in another map do not disturb it */
	assert_st(pmemset_stat_map_put_uint64(f->root, "elsewhere", 1));
	assert_st(pmemset_stat_mapiter_next(it, &nv));
	assert_st(pmemset_stat_map_put_uint64(f->set_map, "here", 1));
	assert_st_err(pmemset_stat_mapiter_hasnext(it, &more),
		PMEMSET_STAT_S_CONC_MOD);
	assert_st(pmemset_stat_mapiter_end(&it));

	assert_st(pmemset_stat_mapiter_start(f->set_map, PMEMSET_STAT_KIND_ALL,
			&it));
	assert_st(pmemset_stat_map_remove(f->set_map, "here"));
	assert_st_err(pmemset_stat_mapiter_next(it, &nv),
		PMEMSET_STAT_S_CONC_MOD);
	assert_st(pmemset_stat_mapiter_end(&it));
}

static void
closing_the_handle_disarms_its_iterators(void **state)
{
	struct stat_fixture *f = *state;
	struct pmemset_stat_mapiter *it;
	bool more;
	assert_st(pmemset_stat_mapiter_start(f->set_map, PMEMSET_STAT_KIND_ALL,
			&it));
	assert_st(pmemset_stat_close(&f->h));
	assert_st_err(pmemset_stat_mapiter_hasnext(it, &more),
		PMEMSET_STAT_S_CONC_MOD);
	assert_msg_has("closed");
	assert_st(pmemset_stat_mapiter_end(&it));
	assert_st(pmemset_stat_open(&f->h, f->set, NULL, 0));
}

static void
a_reference_survives_updates_until_its_map_goes(void **state)
{
	struct stat_fixture *f = *state;
	const uint64_t *ids;
	size_t n;
	assert_st(pmemset_stat_map_get_uint64_array(f->set_map, "part_ids",
			&ids, &n));
	assert_int_equal(n, 2);
	char uri[64];
	snprintf(uri, sizeof(uri), "%s/part/%llu", set_uri(f->set),
		(unsigned long long)ids[0]);
	struct pmemset_stat_map *part = stat_lookup(f->h, uri);
	struct pmemset_stat_mapref *ref, *ref2, *set_ref;
	assert_st(pmemset_stat_mapref_alloc(part, &ref));
	assert_st(pmemset_stat_mapref_alloc(part, &ref2));
	assert_st(pmemset_stat_mapref_alloc(f->set_map, &set_ref));

	test_map(f->set, f->src.src, 4 * PART, PART, NULL);
	assert_st(pmemset_stat_update(f->h));
	struct pmemset_stat_map *m = NULL;
	assert_st(pmemset_stat_mapref_deref(ref, &m));
	assert_ptr_equal(m, part);
	assert_st(pmemset_stat_mapref_free(&ref2));
	assert_null(ref2);

	struct pmemset_part_map *pmap;
	assert_ok(pmemset_part_map_by_address(f->set, &pmap,
		(void *)(uintptr_t)stat_u64(part, "address")));
	assert_ok(pmemset_remove_part_map(f->set, &pmap));
	assert_st(pmemset_stat_mapref_deref(ref, &m));
	assert_st(pmemset_stat_update(f->h));
	m = (void *)0x1;
	assert_st_err(pmemset_stat_mapref_deref(ref, &m),
		PMEMSET_STAT_S_DEL_MAP);
	assert_ptr_equal(m, (void *)0x1);
	assert_st(pmemset_stat_mapref_deref(set_ref, &m));
	assert_ptr_equal(m, f->set_map);

	/* references outlive the handle */
	assert_st(pmemset_stat_close(&f->h));
	assert_st_err(pmemset_stat_mapref_deref(set_ref, &m),
		PMEMSET_STAT_S_DEL_MAP);
	assert_st(pmemset_stat_mapref_free(&ref));
	assert_st(pmemset_stat_mapref_free(&set_ref));
	assert_st(pmemset_stat_mapref_free(&set_ref));
	assert_st_err(pmemset_stat_mapref_free(NULL), PMEMSET_STAT_S_INVAL_ARG);
	assert_st_err(pmemset_stat_mapref_alloc(NULL, &ref),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_st_err(pmemset_stat_mapref_deref(NULL, &m),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_st(pmemset_stat_open(&f->h, f->set, NULL, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, stat_fixture_teardown)
		T(an_iterator_gives_sys_then_usr_then_maps_by_kind),
		T(an_iterator_fails_conc_mod_once_the_tree_changed),
		T(an_iterator_over_a_removed_map_fails_conc_mod),
		T(an_iterator_fails_conc_mod_when_its_map_values_change),
		T(closing_the_handle_disarms_its_iterators),
		T(a_reference_survives_updates_until_its_map_goes),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
