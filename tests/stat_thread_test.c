// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat_thread_test.c -- updates running while other threads map, unmap,
 * persist, and create and delete sets: every update must show each set as
 * one consistent snapshot (its part count, mapped bytes and part maps agree
 * with the parts in the view), and the whole must be race-free under TSan.
 * Iteration counts, not time, bound the test.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "stat_util.h"

#define PART (64 * KiB)
#define WORKERS 3
#define SLOTS 4
#define UPDATES 300

static _Atomic bool Stop;
static struct pmemset *Shared[2];

struct worker {
	int n;
	struct stat_source src;
	long rounds;
};

/* maps and removes parts of its own source in one of the shared sets */
static void *
mapper(void *arg)
{
	struct worker *w = arg;
	struct pmemset *set = Shared[w->n % 2];
	struct pmemset_map_config *mc;
	if (pmemset_map_config_new(&mc) != 0)
		return (void *)1;
	pmemset_map_config_set_length(mc, PART);
	void *mapped[SLOTS] = {NULL};
	while (!atomic_load(&Stop) || w->rounds < 20) {
		int slot = (int)(w->rounds % SLOTS);
		if (mapped[slot] == NULL) {
			struct pmemset_part_descriptor d;
			if (pmemset_map_config_set_offset(mc,
					(size_t)slot * PART) != 0 ||
			    pmemset_map(set, w->src.src, mc, &d) != 0)
				return (void *)2;
			mapped[slot] = d.addr;
			if (pmemset_persist(set, d.addr, 64) != 0)
				return (void *)3;
		} else {
			struct pmemset_part_map *pmap;
			if (pmemset_part_map_by_address(set, &pmap,
					mapped[slot]) != 0 ||
			    pmemset_remove_part_map(set, &pmap) != 0)
				return (void *)4;
			mapped[slot] = NULL;
		}
		w->rounds++;
	}
	for (int i = 0; i < SLOTS; i++) {
		if (mapped[i] == NULL)
			continue;
		struct pmemset_part_map *pmap;
		if (pmemset_part_map_by_address(set, &pmap, mapped[i]) != 0 ||
		    pmemset_remove_part_map(set, &pmap) != 0)
			return (void *)5;
	}
	pmemset_map_config_delete(&mc);
	return NULL;
}

/* creates sets, maps one part, deletes them */
static void *
churner(void *arg)
{
	struct worker *w = arg;
	while (!atomic_load(&Stop) || w->rounds < 20) {
		struct pmemset_config *cfg;
		struct pmemset *set;
		if (pmemset_config_new(&cfg) != 0 ||
		    pmemset_config_set_required_store_granularity(cfg,
				PMEM2_GRANULARITY_PAGE) != 0 ||
		    pmemset_new(&set, cfg) != 0)
			return (void *)1;
		pmemset_config_delete(&cfg);
		if (pmemset_map(set, w->src.src, NULL, NULL) != 0)
			return (void *)2;
		if (pmemset_delete(&set) != 0)
			return (void *)3;
		w->rounds++;
	}
	return NULL;
}

/* a second handle, on one set, used by its own thread */
static void *
second_observer(void *arg)
{
	struct worker *w = arg;
	struct pmemset_stat *h;
	if (pmemset_stat_open(&h, Shared[1], NULL, 0) != PMEMSET_STAT_S_OK)
		return (void *)1;
	while (!atomic_load(&Stop) || w->rounds < 20) {
		if (pmemset_stat_update(h) != PMEMSET_STAT_S_OK)
			return (void *)2;
		w->rounds++;
	}
	pmemset_stat_close(&h);
	return NULL;
}

/* one set map agrees with itself: counts, bytes, part maps */
static void
check_set(struct pmemset_stat_map *set_map)
{
	uint64_t parts = stat_u64(set_map, "parts");
	uint64_t bytes = stat_u64(set_map, "mapped_bytes");
	uint64_t pmaps = stat_u64(set_map, "part_maps");
	struct pmemset_stat_mapiter *it;
	bool more;
	uint64_t n = 0, sum = 0;
	assert_st(pmemset_stat_mapiter_start(set_map, PMEMSET_STAT_KIND_MAP,
			&it));
	for (;;) {
		assert_st(pmemset_stat_mapiter_hasnext(it, &more));
		if (!more)
			break;
		struct pmemset_stat_nv nv;
		assert_st(pmemset_stat_mapiter_next(it, &nv));
		struct pmemset_stat_map *p = nv.data.map;
		uint64_t a = stat_u64(p, "address"), s = stat_u64(p, "size");
		uint64_t pa = stat_u64(p, "part_map_address");
		uint64_t ps = stat_u64(p, "part_map_size");
		assert_true(a >= pa && a + s <= pa + ps);
		n++;
		sum += s;
	}
	assert_st(pmemset_stat_mapiter_end(&it));
	if (n != parts || sum != bytes || pmaps > parts)
		fail_msg("inconsistent set: %llu parts, %llu bytes, %llu part "
			"maps; the view has %llu parts, %llu bytes",
			(unsigned long long)parts, (unsigned long long)bytes,
			(unsigned long long)pmaps, (unsigned long long)n,
			(unsigned long long)sum);
}

static void
updates_see_consistent_snapshots_while_threads_change_sets(void **state)
{
	(void) state;
	Shared[0] = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	Shared[1] = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct worker w[WORKERS + 2];
	memset(w, 0, sizeof(w));
	pthread_t t[WORKERS + 2];
	atomic_store(&Stop, false);
	for (int i = 0; i < WORKERS + 2; i++) {
		w[i].n = i;
		stat_source_new(&w[i].src, "thread", SLOTS * PART);
	}
	for (int i = 0; i < WORKERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, mapper, &w[i]), 0);
	assert_int_equal(pthread_create(&t[WORKERS], NULL, churner,
			&w[WORKERS]), 0);
	assert_int_equal(pthread_create(&t[WORKERS + 1], NULL,
			second_observer, &w[WORKERS + 1]), 0);

	struct pmemset_stat *h;
	struct pmemset_stat_map *root;
	assert_st(pmemset_stat_open(&h, NULL, NULL, 0));
	assert_st(pmemset_stat_root(h, &root));
	size_t max_sets = 0;
	for (int u = 0; u < UPDATES; u++) {
		assert_st(pmemset_stat_update(h));
		struct pmemset_stat_mapiter *it;
		bool more;
		size_t sets = 0;
		assert_st(pmemset_stat_mapiter_start(root,
				PMEMSET_STAT_KIND_MAP, &it));
		for (;;) {
			assert_st(pmemset_stat_mapiter_hasnext(it, &more));
			if (!more)
				break;
			struct pmemset_stat_nv nv;
			assert_st(pmemset_stat_mapiter_next(it, &nv));
			check_set(nv.data.map);
			sets++;
		}
		assert_st(pmemset_stat_mapiter_end(&it));
		assert_int_equal(sets, stat_u64(root, "sets"));
		if (sets > max_sets)
			max_sets = sets;
	}
	atomic_store(&Stop, true);
	for (int i = 0; i < WORKERS + 2; i++) {
		void *ret;
		assert_int_equal(pthread_join(t[i], &ret), 0);
		if (ret != NULL)
			fail_msg("thread %d failed (%ld): %s", i, (long)ret,
				pmemset_errormsg());
	}
	/* after the dust settles, the view is exactly the two empty sets */
	assert_st(pmemset_stat_update(h));
	assert_true(max_sets >= 2);
	assert_int_equal(stat_u64(root, "sets"), 2);
	struct pmemset_stat_map *m = stat_lookup(h, set_uri(Shared[0]));
	assert_int_equal(stat_children(m), 0);
	assert_true(stat_u64(m, "persist_calls") > 0);
	assert_st(pmemset_stat_close(&h));
	for (int i = 0; i < 2; i++)
		assert_ok(pmemset_delete(&Shared[i]));
	for (int i = 0; i < WORKERS + 2; i++)
		stat_source_free(&w[i].src);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		updates_see_consistent_snapshots_while_threads_change_sets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
