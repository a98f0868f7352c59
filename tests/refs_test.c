// SPDX-License-Identifier: BSD-3-Clause
/*
 * refs_test.c -- reference counts spread over lanes (src/refs.h): the sum
 * stays exact whichever threads take and give back, a drop of nothing is
 * refused without changing the count, a kill is exact and blocks takes,
 * threads count in lanes of their own, a retired count rests at zero for
 * reuse, and chunks come and go.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "alloc.h"
#include "refs.h"
#include "test_util.h"

/* the count as each lane holds it, for checks of where references went */
static long
lane_value(const struct refs *r, unsigned lane)
{
	return atomic_load(r->lane0 + (size_t)lane * REFS_PER_CHUNK);
}

static void
new_count_is_zero_and_takes(void **state)
{
	(void) state;
	struct refs r;
	assert_int_equal(refs_init(&r), 0);
	assert_int_equal(refs_count(&r), 0);
	assert_false(refs_dead(&r));
	assert_true(refs_try_get(&r));
	assert_true(refs_try_get(&r));
	assert_int_equal(refs_count(&r), 2);
	/* both in this thread's lane */
	assert_int_equal(lane_value(&r, refs_my_lane()), 2);
	assert_int_equal(refs_put(&r), 0);
	assert_int_equal(refs_put(&r), 0);
	assert_int_equal(refs_count(&r), 0);
	refs_fini(&r);
}

static void
put_of_nothing_is_refused_and_changes_nothing(void **state)
{
	(void) state;
	struct refs r;
	assert_int_equal(refs_init(&r), 0);
	assert_int_equal(refs_put(&r), -1);
	assert_int_equal(refs_count(&r), 0);
	assert_true(refs_try_get(&r));
	assert_int_equal(refs_put(&r), 0);
	assert_int_equal(refs_put(&r), -1);
	assert_int_equal(refs_count(&r), 0);
	/* not left blocked by the check */
	assert_true(refs_try_get(&r));
	assert_int_equal(refs_put(&r), 0);
	refs_fini(&r);
}

struct cross {
	struct refs *r;
	int takes;	/* how many this thread takes */
	int puts;	/* how many it gives back */
	int refused;	/* puts refused */
	unsigned lane;
};

static void *
cross_main(void *arg)
{
	struct cross *c = arg;
	c->lane = refs_my_lane();
	for (int i = 0; i < c->takes; i++)
		assert_true(refs_try_get(c->r));
	for (int i = 0; i < c->puts; i++)
		c->refused += refs_put(c->r) != 0;
	return NULL;
}

static void
run_in_thread(struct cross *c)
{
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, cross_main, c), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
}

static void
taken_in_one_thread_given_back_in_another(void **state)
{
	(void) state;
	struct refs r;
	assert_int_equal(refs_init(&r), 0);
	struct cross taker = {&r, 3, 0, 0, 0};
	run_in_thread(&taker);
	assert_int_equal(refs_count(&r), 3);
	struct cross giver = {&r, 0, 3, 0, 0};
	run_in_thread(&giver);
	assert_int_equal(giver.refused, 0);
	assert_int_equal(refs_count(&r), 0);
	/* taken back out of the taker's lane: none is left below zero */
	assert_int_not_equal(taker.lane, giver.lane);
	assert_int_equal(lane_value(&r, taker.lane), 0);
	assert_int_equal(lane_value(&r, giver.lane), 0);
	/* one more, from a third thread, is refused */
	struct cross third = {&r, 0, 1, 0, 0};
	run_in_thread(&third);
	assert_int_equal(third.refused, 1);
	assert_int_equal(refs_count(&r), 0);
	refs_fini(&r);
}

static void
threads_get_lanes_of_their_own(void **state)
{
	(void) state;
	/* the lanes are at least two: consecutive threads differ */
	struct refs r;
	assert_int_equal(refs_init(&r), 0);
	struct cross a = {&r, 1, 0, 0, 0}, b = {&r, 1, 0, 0, 0};
	run_in_thread(&a);
	run_in_thread(&b);
	assert_int_not_equal(a.lane, b.lane);
	assert_int_equal(lane_value(&r, a.lane), 1);
	assert_int_equal(lane_value(&r, b.lane), 1);
	assert_int_equal(refs_count(&r), 2);
	struct cross back = {&r, 0, 2, 0, 0};
	run_in_thread(&back);
	assert_int_equal(back.refused, 0);
	assert_int_equal(refs_count(&r), 0);
	refs_fini(&r);
}

static void
kill_is_exact_and_blocks_takes(void **state)
{
	(void) state;
	struct refs r;
	long seen = -42;
	assert_int_equal(refs_init(&r), 0);
	assert_true(refs_try_get(&r));
	/* one held, none allowed: refused, the sum reported, still alive */
	assert_false(refs_kill(&r, 0, &seen));
	assert_int_equal(seen, 1);
	assert_false(refs_dead(&r));
	assert_true(refs_try_get(&r));
	assert_int_equal(refs_put(&r), 0);
	/* the caller's one allowed: dead, and takes fail */
	assert_true(refs_kill(&r, 1, &seen));
	assert_true(refs_dead(&r));
	assert_false(refs_try_get(&r));
	assert_int_equal(refs_count(&r), 1);
	/* revived (a split's first piece stays): takes work again */
	refs_revive(&r);
	assert_false(refs_dead(&r));
	assert_true(refs_try_get(&r));
	assert_int_equal(refs_count(&r), 2);
	/* fewer than allowed: refused with the sum */
	assert_int_equal(refs_put(&r), 0);
	assert_int_equal(refs_put(&r), 0);
	assert_false(refs_kill(&r, 1, &seen));
	assert_int_equal(seen, 0);
	assert_false(refs_dead(&r));
	refs_fini(&r);
}

static void
kill_counts_references_of_other_threads(void **state)
{
	(void) state;
	struct refs r;
	long seen = 0;
	assert_int_equal(refs_init(&r), 0);
	struct cross holder = {&r, 2, 0, 0, 0};
	run_in_thread(&holder);
	assert_false(refs_kill(&r, 0, &seen));
	assert_int_equal(seen, 2);
	/* this thread gives them back, though its own lane holds none */
	assert_int_equal(refs_put(&r), 0);
	assert_int_equal(refs_put(&r), 0);
	assert_true(refs_kill(&r, 0, &seen));
	refs_fini(&r);
}

/* many threads, more than there are lanes, on one count at once */
#define STORM_THREADS 80
#define STORM_ROUNDS 2000

struct storm {
	struct refs *r;
	pthread_barrier_t *go;
	int refused;
};

static void *
storm_main(void *arg)
{
	struct storm *s = arg;
	pthread_barrier_wait(s->go);
	for (int i = 0; i < STORM_ROUNDS; i++) {
		if (!refs_try_get(s->r))
			continue;
		/* sometimes hold two, give them back in the other order */
		if (i % 3 == 0 && refs_try_get(s->r))
			s->refused += refs_put(s->r) != 0;
		s->refused += refs_put(s->r) != 0;
	}
	return NULL;
}

static void
many_threads_leave_the_count_exact(void **state)
{
	(void) state;
	struct refs r;
	assert_int_equal(refs_init(&r), 0);
	assert_true(refs_try_get(&r)); /* one held throughout */
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, STORM_THREADS);
	pthread_t t[STORM_THREADS];
	struct storm s[STORM_THREADS];
	for (int i = 0; i < STORM_THREADS; i++) {
		s[i] = (struct storm){&r, &go, 0};
		assert_int_equal(pthread_create(&t[i], NULL, storm_main,
				&s[i]), 0);
	}
	for (int i = 0; i < STORM_THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(s[i].refused, 0);
	}
	pthread_barrier_destroy(&go);
	long seen = 0;
	assert_false(refs_kill(&r, 0, &seen));
	assert_int_equal(seen, 1);
	assert_true(refs_kill(&r, 1, &seen));
	refs_fini(&r);
}

/* a killer racing takers: once it wins, no take succeeds any more */
struct racer {
	struct refs *r;
	atomic_int *stop;
	long after_kill;	/* takes that succeeded after the kill */
	atomic_int *killed;
};

static void *
racer_main(void *arg)
{
	struct racer *x = arg;
	while (!atomic_load(x->stop)) {
		int killed_before = atomic_load(x->killed);
		if (refs_try_get(x->r)) {
			x->after_kill += killed_before;
			assert_int_equal(refs_put(x->r), 0);
		}
	}
	return NULL;
}

static void
kill_racing_takes_wins_exactly_once(void **state)
{
	(void) state;
	for (int round = 0; round < 50; round++) {
		struct refs r;
		assert_int_equal(refs_init(&r), 0);
		atomic_int stop = 0, killed = 0;
		struct racer x[3];
		pthread_t t[3];
		for (int i = 0; i < 3; i++) {
			x[i] = (struct racer){&r, &stop, 0, &killed};
			assert_int_equal(pthread_create(&t[i], NULL,
					racer_main, &x[i]), 0);
		}
		long seen;
		/* takes are short: a few tries get a moment with none held */
		bool dead = false;
		for (int tries = 0; tries < 100000 && !dead; tries++)
			dead = refs_kill(&r, 0, &seen);
		if (dead)
			atomic_store(&killed, 1);
		atomic_store(&stop, 1);
		for (int i = 0; i < 3; i++) {
			assert_int_equal(pthread_join(t[i], NULL), 0);
			assert_int_equal(x[i].after_kill, 0);
		}
		assert_true(dead);
		assert_int_equal(refs_count(&r), 0);
		refs_fini(&r);
	}
}

static void
retire_gives_back_what_the_kill_allowed(void **state)
{
	(void) state;
	struct refs r;
	long seen;
	assert_int_equal(refs_init(&r), 0);
	/* the remover's caller's reference, taken in another thread */
	struct cross holder = {&r, 1, 0, 0, 0};
	run_in_thread(&holder);
	assert_true(refs_kill(&r, 1, &seen));
	refs_retire(&r);
	assert_true(refs_dead(&r));
	assert_false(refs_try_get(&r));
	/* at rest at 0, for the next part map that reuses it */
	assert_int_equal(refs_count(&r), 0);
	refs_reuse(&r);
	assert_false(refs_dead(&r));
	assert_true(refs_try_get(&r));
	assert_int_equal(refs_count(&r), 1);
	/* a revive forgets what the kill allowed: a retire returns nothing */
	assert_true(refs_kill(&r, 1, &seen));
	refs_revive(&r);
	refs_retire(&r);
	assert_int_equal(refs_count(&r), 1);
	refs_fini(&r);
}

static void
chunks_are_allocated_and_given_back(void **state)
{
	(void) state;
	/* more than one chunk's worth, each count separate */
	enum { N = REFS_PER_CHUNK * 2 + 7 };
	struct refs *r = calloc(N, sizeof(*r));
	assert_non_null(r);
	for (int i = 0; i < N; i++)
		assert_int_equal(refs_init(&r[i]), 0);
	for (int i = 0; i < N; i++)
		for (int k = 0; k < i % 3; k++)
			assert_true(refs_try_get(&r[i]));
	for (int i = 0; i < N; i++)
		assert_int_equal(refs_count(&r[i]), i % 3);
	/* a freed slot is reused at zero, whatever it held */
	refs_fini(&r[5]);
	assert_int_equal(refs_init(&r[5]), 0);
	assert_int_equal(refs_count(&r[5]), 0);
	for (int i = 0; i < N; i++)
		refs_fini(&r[i]);
	free(r);
}

static void
out_of_memory_is_reported(void **state)
{
	(void) state;
	/* one chunk full, so the next count needs a new one */
	enum { N = REFS_PER_CHUNK + 1 };
	struct refs *r = calloc(N, sizeof(*r));
	assert_non_null(r);
	for (int i = 0; i < REFS_PER_CHUNK; i++)
		assert_int_equal(refs_init(&r[i]), 0);
	/* the chunk's header fails, then its counters */
	for (long countdown = 0; countdown < 2; countdown++) {
		alloc_inject_failure(countdown);
		int ret = refs_init(&r[REFS_PER_CHUNK]);
		alloc_inject_failure(-1);
		assert_int_equal(ret, -ENOMEM);
	}
	/* nothing half-made stays behind: the next try works */
	assert_int_equal(refs_init(&r[REFS_PER_CHUNK]), 0);
	assert_true(refs_try_get(&r[REFS_PER_CHUNK]));
	assert_int_equal(refs_count(&r[REFS_PER_CHUNK]), 1);
	for (int i = 0; i < N; i++)
		refs_fini(&r[i]);
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(new_count_is_zero_and_takes),
		cmocka_unit_test(put_of_nothing_is_refused_and_changes_nothing),
		cmocka_unit_test(taken_in_one_thread_given_back_in_another),
		cmocka_unit_test(threads_get_lanes_of_their_own),
		cmocka_unit_test(kill_is_exact_and_blocks_takes),
		cmocka_unit_test(kill_counts_references_of_other_threads),
		cmocka_unit_test(many_threads_leave_the_count_exact),
		cmocka_unit_test(kill_racing_takes_wins_exactly_once),
		cmocka_unit_test(retire_gives_back_what_the_kill_allowed),
		cmocka_unit_test(chunks_are_allocated_and_given_back),
		cmocka_unit_test(out_of_memory_is_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
