// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat_counters_test.c -- the data-path counters when many threads count:
 * each thread counts on its own (src/counters.c), and a reader must still
 * see every call exactly once -- from threads still running, from threads
 * that ended, from a thread that uses more sets than its table has slots,
 * and never a count of a deleted set in a new one. Run under TSan too.
 */
#include <pthread.h>
#include <stdlib.h>

#include "stat_util.h"

#define PART (64 * KiB)
#define THREADS 10
#define CALLS 10000

struct observed_set {
	struct stat_source src;
	struct pmemset *set;
	char *addr;
	struct pmemset_stat *h;
	struct pmemset_stat_map *map;
};

static void
observed_new(struct observed_set *o, const char *tag)
{
	stat_source_new(&o->src, tag, PART);
	o->set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset_part_descriptor d;
	test_map(o->set, o->src.src, 0, PART, &d);
	o->addr = d.addr;
	assert_st(pmemset_stat_open(&o->h, o->set, NULL, 0));
	assert_st(pmemset_stat_update(o->h));
	o->map = stat_lookup(o->h, set_uri(o->set));
}

static void
observed_free(struct observed_set *o)
{
	assert_st(pmemset_stat_close(&o->h));
	assert_ok(pmemset_delete(&o->set));
	stat_source_free(&o->src);
}

static uint64_t
persist_calls(struct observed_set *o)
{
	assert_st(pmemset_stat_update(o->h));
	return stat_u64(o->map, "persist_calls");
}

struct worker {
	struct observed_set *o;
	pthread_barrier_t *counted;	/* NULL: just count and end */
	pthread_barrier_t *may_end;
};

static void *
work(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < CALLS; i++)
		if (pmemset_persist(w->o->set, w->o->addr, 8) != 0)
			return (void *)1;
	if (w->counted != NULL) {
		pthread_barrier_wait(w->counted);
		pthread_barrier_wait(w->may_end);
	}
	return NULL;
}

static void
counts_of_ended_threads_stay(void **state)
{
	(void) state;
	struct observed_set o;
	observed_new(&o, "counters-ended");
	pthread_t t[THREADS];
	struct worker w = {&o, NULL, NULL};
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, work, &w), 0);
	for (int i = 0; i < THREADS; i++) {
		void *ret;
		assert_int_equal(pthread_join(t[i], &ret), 0);
		assert_null(ret);
	}
	assert_int_equal(persist_calls(&o), THREADS * CALLS);
	observed_free(&o);
}

static void
counts_of_running_threads_are_seen_once(void **state)
{
	(void) state;
	struct observed_set o;
	observed_new(&o, "counters-running");
	pthread_barrier_t counted, may_end;
	pthread_barrier_init(&counted, NULL, THREADS + 1);
	pthread_barrier_init(&may_end, NULL, THREADS + 1);
	struct worker w = {&o, &counted, &may_end};
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, work, &w), 0);
	pthread_barrier_wait(&counted);
	/* every thread counted and is still alive: read from their tables */
	assert_int_equal(persist_calls(&o), THREADS * CALLS);
	/* this thread counts too, in its own table */
	assert_ok(pmemset_persist(o.set, o.addr, 8));
	assert_int_equal(persist_calls(&o), THREADS * CALLS + 1);
	pthread_barrier_wait(&may_end);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	/* their counts moved to the set when they ended: not twice */
	assert_int_equal(persist_calls(&o), THREADS * CALLS + 1);
	pthread_barrier_destroy(&counted);
	pthread_barrier_destroy(&may_end);
	observed_free(&o);
}

/*
 * The first thread to count owns counters in the set (src/counters.h):
 * its counts, those of the threads counting in their own tables beside it,
 * and those of threads that come after it ended are each seen once, by
 * every data-path function.
 */
static void
the_owning_thread_and_the_others_are_each_counted_once(void **state)
{
	(void) state;
	struct observed_set o;
	observed_new(&o, "counters-owner");
	/* a thread that ends becomes the owner: it counted first */
	struct worker w = {&o, NULL, NULL};
	pthread_t first;
	assert_int_equal(pthread_create(&first, NULL, work, &w), 0);
	assert_int_equal(pthread_join(first, NULL), 0);
	assert_int_equal(persist_calls(&o), CALLS);

	/* this thread, never the owner, with every operation */
	char buf[100] = {0};
	for (int i = 0; i < 3; i++) {
		assert_non_null(pmemset_memcpy(o.set, o.addr, buf, sizeof(buf),
				0));
		assert_non_null(pmemset_memmove(o.set, o.addr, buf, 10, 0));
		assert_non_null(pmemset_memset(o.set, o.addr, 0, 7, 0));
		assert_ok(pmemset_flush(o.set, o.addr, 64));
		assert_ok(pmemset_drain(o.set));
	}
	/* threads after the owner ended may reuse its thread-local address */
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, work, &w), 0);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);

	assert_int_equal(persist_calls(&o), (THREADS + 1) * CALLS);
	assert_int_equal(stat_u64(o.map, "persist_bytes"),
			(THREADS + 1) * CALLS * 8);
	assert_int_equal(stat_u64(o.map, "copy_calls"), 3);
	assert_int_equal(stat_u64(o.map, "copy_bytes"), 300);
	assert_int_equal(stat_u64(o.map, "move_calls"), 3);
	assert_int_equal(stat_u64(o.map, "move_bytes"), 30);
	assert_int_equal(stat_u64(o.map, "set_calls"), 3);
	assert_int_equal(stat_u64(o.map, "set_bytes"), 21);
	assert_int_equal(stat_u64(o.map, "flush_calls"), 3);
	assert_int_equal(stat_u64(o.map, "drain_calls"), 3);
	observed_free(&o);
}

/* more sets than a thread's table has slots, used in turn */
static void
sets_sharing_a_slot_keep_their_counts(void **state)
{
	(void) state;
	enum { SETS = 40, ROUNDS = 5 };
	struct observed_set *o = calloc(SETS, sizeof(*o));
	assert_non_null(o);
	for (int i = 0; i < SETS; i++) {
		char tag[32];
		snprintf(tag, sizeof(tag), "counters-slot%d", i);
		observed_new(&o[i], tag);
	}
	for (int r = 0; r < ROUNDS; r++)
		for (int i = 0; i < SETS; i++)
			for (int k = 0; k <= i; k++)
				assert_ok(pmemset_persist(o[i].set, o[i].addr,
						8));
	for (int i = 0; i < SETS; i++)
		assert_int_equal(persist_calls(&o[i]), ROUNDS * (i + 1));
	for (int i = 0; i < SETS; i++)
		observed_free(&o[i]);
	free(o);
}

/* a deleted set's counts in a thread's table never reach another set */
static void
a_deleted_sets_counts_go_nowhere(void **state)
{
	(void) state;
	struct observed_set a, b;
	observed_new(&a, "counters-deleted-a");
	for (int i = 0; i < 100; i++)
		assert_ok(pmemset_persist(a.set, a.addr, 8));
	observed_free(&a);
	/* the slot a used may now go to b: b starts from nothing */
	for (int n = 0; n < 20; n++) {
		observed_new(&b, "counters-deleted-b");
		assert_int_equal(persist_calls(&b), 0);
		assert_ok(pmemset_persist(b.set, b.addr, 8));
		assert_int_equal(persist_calls(&b), 1);
		observed_free(&b);
	}
}

/* counters stand still while nobody observes, and go on from there */
static void
counts_stop_without_an_observer(void **state)
{
	(void) state;
	struct observed_set o;
	observed_new(&o, "counters-unobserved");
	assert_ok(pmemset_persist(o.set, o.addr, 8));
	assert_int_equal(persist_calls(&o), 1);
	assert_st(pmemset_stat_close(&o.h));
	for (int i = 0; i < 10; i++)
		assert_ok(pmemset_persist(o.set, o.addr, 8));
	assert_st(pmemset_stat_open(&o.h, o.set, NULL, 0));
	assert_st(pmemset_stat_update(o.h));
	o.map = stat_lookup(o.h, set_uri(o.set));
	assert_int_equal(persist_calls(&o), 1);
	assert_ok(pmemset_persist(o.set, o.addr, 8));
	assert_int_equal(persist_calls(&o), 2);
	observed_free(&o);
}

/*
 * A handle on every set counts a new set from its creation, not from the
 * update that first adds it; a set that existed before the handle counts
 * from the handle's opening; with the handle closed, new sets do not count.
 */
static void
a_handle_on_all_sets_counts_new_sets_from_creation(void **state)
{
	(void) state;
	struct pmemset_stat *all;
	struct observed_set before = {0};
	stat_source_new(&before.src, "counters-before", PART);
	before.set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset_part_descriptor d;
	test_map(before.set, before.src.src, 0, PART, &d);
	assert_ok(pmemset_persist(before.set, d.addr, 8)); /* not counted */

	assert_st(pmemset_stat_open(&all, NULL, NULL, 0));
	assert_ok(pmemset_persist(before.set, d.addr, 8));
	struct observed_set fresh = {0};
	stat_source_new(&fresh.src, "counters-fresh", PART);
	fresh.set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	test_map(fresh.set, fresh.src.src, 0, PART, &d);
	for (int i = 0; i < 3; i++)
		assert_ok(pmemset_persist(fresh.set, d.addr, 8));
	/* the first update that adds both sets has every call since */
	assert_st(pmemset_stat_update(all));
	assert_int_equal(stat_u64(stat_lookup(all, set_uri(fresh.set)),
			"persist_calls"), 3);
	assert_int_equal(stat_u64(stat_lookup(all, set_uri(before.set)),
			"persist_calls"), 1);
	assert_st(pmemset_stat_close(&all));

	/* no handle on all sets: a new set is not counted until observed */
	struct observed_set late = {0};
	stat_source_new(&late.src, "counters-late", PART);
	late.set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	test_map(late.set, late.src.src, 0, PART, &d);
	late.addr = d.addr;
	assert_ok(pmemset_persist(late.set, late.addr, 8));
	assert_st(pmemset_stat_open(&late.h, late.set, NULL, 0));
	assert_st(pmemset_stat_update(late.h));
	late.map = stat_lookup(late.h, set_uri(late.set));
	assert_int_equal(persist_calls(&late), 0);
	assert_ok(pmemset_persist(late.set, late.addr, 8));
	assert_int_equal(persist_calls(&late), 1);

	observed_free(&late);
	assert_ok(pmemset_delete(&fresh.set));
	stat_source_free(&fresh.src);
	assert_ok(pmemset_delete(&before.set));
	stat_source_free(&before.src);
}

/*
 * A handle on one set counts from its opening, like a handle on every set:
 * the first update shows the calls made between the opening and itself.
 */
static void
a_handle_on_one_set_counts_from_its_opening(void **state)
{
	(void) state;
	struct observed_set o = {0};
	stat_source_new(&o.src, "counters-opening", PART);
	o.set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset_part_descriptor d;
	test_map(o.set, o.src.src, 0, PART, &d);
	o.addr = d.addr;
	assert_ok(pmemset_persist(o.set, o.addr, 8));	/* before: not counted */

	assert_st(pmemset_stat_open(&o.h, o.set, NULL, 0));
	for (int i = 0; i < 3; i++)
		assert_ok(pmemset_persist(o.set, o.addr, 8));
	assert_st(pmemset_stat_update(o.h));
	o.map = stat_lookup(o.h, set_uri(o.set));
	assert_int_equal(stat_u64(o.map, "persist_calls"), 3);
	assert_int_equal(stat_u64(o.map, "persist_bytes"), 24);

	/* closed: nothing counts; a new handle counts from its own opening */
	assert_st(pmemset_stat_close(&o.h));
	assert_ok(pmemset_persist(o.set, o.addr, 8));
	assert_ok(pmemset_persist(o.set, o.addr, 8));
	assert_st(pmemset_stat_open(&o.h, o.set, NULL, 0));
	assert_ok(pmemset_persist(o.set, o.addr, 8));
	o.map = NULL;
	assert_st(pmemset_stat_update(o.h));
	o.map = stat_lookup(o.h, set_uri(o.set));
	assert_int_equal(stat_u64(o.map, "persist_calls"), 4);

	/* a matcher that hides the set: still observed from the opening */
	struct pmemset_stat *hidden;
	struct pmemset_stat_matcher none = {PMEMSET_STAT_MATCH_STRING,
		"/pmemset/set/0"};
	assert_st(pmemset_stat_open(&hidden, o.set, &none, 1));
	assert_st(pmemset_stat_close(&o.h));
	assert_ok(pmemset_persist(o.set, o.addr, 8));	/* hidden counts it */
	assert_st(pmemset_stat_open(&o.h, o.set, NULL, 0));
	assert_st(pmemset_stat_close(&hidden));
	assert_st(pmemset_stat_update(o.h));
	o.map = stat_lookup(o.h, set_uri(o.set));
	assert_int_equal(stat_u64(o.map, "persist_calls"), 5);
	observed_free(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_of_ended_threads_stay),
		cmocka_unit_test(counts_of_running_threads_are_seen_once),
		cmocka_unit_test(
			the_owning_thread_and_the_others_are_each_counted_once),
		cmocka_unit_test(sets_sharing_a_slot_keep_their_counts),
		cmocka_unit_test(a_deleted_sets_counts_go_nowhere),
		cmocka_unit_test(counts_stop_without_an_observer),
		cmocka_unit_test(a_handle_on_all_sets_counts_new_sets_from_creation),
		cmocka_unit_test(a_handle_on_one_set_counts_from_its_opening),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
