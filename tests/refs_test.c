// SPDX-License-Identifier: BSD-3-Clause
/*
 * refs_test.c -- reference counts spread over lanes (src/refs.h): the sum
 * stays exact whichever threads take and give back, a drop of nothing is
 * refused without changing the count, a kill is exact and blocks takes,
 * threads count in lanes of their own, a retired count rests at zero for
 * reuse, chunks come and go, and an object's own bytes, its count and its
 * owner's bits stay apart.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "refs.h"
#include "test_util.h"

/* the count as each lane holds it, for checks of where references went */
static long
lane_value(const void *obj, unsigned lane)
{
	return atomic_load(refs_lane_of(obj, lane));
}

/* a counted object of the size a part map takes */
static void *
object_new(void)
{
	void *obj = refs_obj_new(REFS_OBJ_MAX, 0);
	assert_non_null(obj);
	return obj;
}

static void
new_count_is_zero_and_takes(void **state)
{
	(void) state;
	void *r = object_new();
	assert_int_equal(refs_count(r), 0);
	assert_false(refs_dead(r));
	assert_true(refs_try_get(r));
	assert_true(refs_try_get(r));
	assert_int_equal(refs_count(r), 2);
	/* both in this thread's lane */
	assert_int_equal(lane_value(r, refs_my_lane()), 2);
	assert_int_equal(refs_put(r), 0);
	assert_int_equal(refs_put(r), 0);
	assert_int_equal(refs_count(r), 0);
	refs_obj_free(r);
}

static void
put_of_nothing_is_refused_and_changes_nothing(void **state)
{
	(void) state;
	void *r = object_new();
	assert_int_equal(refs_put(r), -1);
	assert_int_equal(refs_count(r), 0);
	assert_true(refs_try_get(r));
	assert_int_equal(refs_put(r), 0);
	assert_int_equal(refs_put(r), -1);
	assert_int_equal(refs_count(r), 0);
	/* not left blocked by the check */
	assert_true(refs_try_get(r));
	assert_int_equal(refs_put(r), 0);
	refs_obj_free(r);
}

struct cross {
	void *r;
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
	void *r = object_new();
	struct cross taker = {r, 3, 0, 0, 0};
	run_in_thread(&taker);
	assert_int_equal(refs_count(r), 3);
	struct cross giver = {r, 0, 3, 0, 0};
	run_in_thread(&giver);
	assert_int_equal(giver.refused, 0);
	assert_int_equal(refs_count(r), 0);
	/* taken back out of the taker's lane: none is left below zero */
	assert_int_not_equal(taker.lane, giver.lane);
	assert_int_equal(lane_value(r, taker.lane), 0);
	assert_int_equal(lane_value(r, giver.lane), 0);
	/* one more, from a third thread, is refused */
	struct cross third = {r, 0, 1, 0, 0};
	run_in_thread(&third);
	assert_int_equal(third.refused, 1);
	assert_int_equal(refs_count(r), 0);
	refs_obj_free(r);
}

static void
threads_get_lanes_of_their_own(void **state)
{
	(void) state;
	/* the lanes are at least two: consecutive threads differ */
	void *r = object_new();
	struct cross a = {r, 1, 0, 0, 0}, b = {r, 1, 0, 0, 0};
	run_in_thread(&a);
	run_in_thread(&b);
	assert_int_not_equal(a.lane, b.lane);
	assert_int_equal(lane_value(r, a.lane), 1);
	assert_int_equal(lane_value(r, b.lane), 1);
	assert_int_equal(refs_count(r), 2);
	struct cross back = {r, 0, 2, 0, 0};
	run_in_thread(&back);
	assert_int_equal(back.refused, 0);
	assert_int_equal(refs_count(r), 0);
	refs_obj_free(r);
}

static void
kill_is_exact_and_blocks_takes(void **state)
{
	(void) state;
	long seen = -42;
	void *r = object_new();
	assert_true(refs_try_get(r));
	/* one held, none allowed: refused, the sum reported, still alive */
	assert_false(refs_kill(r, 0, &seen));
	assert_int_equal(seen, 1);
	assert_false(refs_dead(r));
	assert_true(refs_try_get(r));
	assert_int_equal(refs_put(r), 0);
	/* the caller's one allowed: dead, and takes fail */
	assert_true(refs_kill(r, 1, &seen));
	assert_true(refs_dead(r));
	assert_false(refs_try_get(r));
	assert_int_equal(refs_count(r), 1);
	/* revived (a split's first piece stays): takes work again */
	refs_revive(r);
	assert_false(refs_dead(r));
	assert_true(refs_try_get(r));
	assert_int_equal(refs_count(r), 2);
	/* fewer than allowed: refused with the sum */
	assert_int_equal(refs_put(r), 0);
	assert_int_equal(refs_put(r), 0);
	assert_false(refs_kill(r, 1, &seen));
	assert_int_equal(seen, 0);
	assert_false(refs_dead(r));
	refs_obj_free(r);
}

static void
kill_counts_references_of_other_threads(void **state)
{
	(void) state;
	long seen = 0;
	void *r = object_new();
	struct cross holder = {r, 2, 0, 0, 0};
	run_in_thread(&holder);
	assert_false(refs_kill(r, 0, &seen));
	assert_int_equal(seen, 2);
	/* this thread gives them back, though its own lane holds none */
	assert_int_equal(refs_put(r), 0);
	assert_int_equal(refs_put(r), 0);
	assert_true(refs_kill(r, 0, &seen));
	refs_obj_free(r);
}

/* many threads, more than there are lanes, on one count at once */
#define STORM_THREADS 80
#define STORM_ROUNDS 2000

struct storm {
	void *r;
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
	void *r = object_new();
	assert_true(refs_try_get(r)); /* one held throughout */
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, STORM_THREADS);
	pthread_t t[STORM_THREADS];
	struct storm s[STORM_THREADS];
	for (int i = 0; i < STORM_THREADS; i++) {
		s[i] = (struct storm){r, &go, 0};
		assert_int_equal(pthread_create(&t[i], NULL, storm_main,
				&s[i]), 0);
	}
	for (int i = 0; i < STORM_THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(s[i].refused, 0);
	}
	pthread_barrier_destroy(&go);
	long seen = 0;
	assert_false(refs_kill(r, 0, &seen));
	assert_int_equal(seen, 1);
	assert_true(refs_kill(r, 1, &seen));
	refs_obj_free(r);
}

/* a killer racing takers: once it wins, no take succeeds any more */
struct racer {
	void *r;
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
		void *r = object_new();
		atomic_int stop = 0, killed = 0;
		struct racer x[3];
		pthread_t t[3];
		for (int i = 0; i < 3; i++) {
			x[i] = (struct racer){r, &stop, 0, &killed};
			assert_int_equal(pthread_create(&t[i], NULL,
					racer_main, &x[i]), 0);
		}
		long seen;
		/* takes are short: a few tries get a moment with none held */
		bool dead = false;
		for (int tries = 0; tries < 100000 && !dead; tries++)
			dead = refs_kill(r, 0, &seen);
		if (dead)
			atomic_store(&killed, 1);
		atomic_store(&stop, 1);
		for (int i = 0; i < 3; i++) {
			assert_int_equal(pthread_join(t[i], NULL), 0);
			assert_int_equal(x[i].after_kill, 0);
		}
		assert_true(dead);
		assert_int_equal(refs_count(r), 0);
		refs_obj_free(r);
	}
}

static void
retire_gives_back_what_the_kill_allowed(void **state)
{
	(void) state;
	long seen;
	void *r = object_new();
	/* the remover's caller's reference, taken in another thread */
	struct cross holder = {r, 1, 0, 0, 0};
	run_in_thread(&holder);
	assert_true(refs_kill(r, 1, &seen));
	refs_retire(r);
	assert_true(refs_dead(r));
	assert_false(refs_try_get(r));
	/* at rest at 0, for the next part map that reuses it */
	assert_int_equal(refs_count(r), 0);
	refs_reuse(r);
	assert_false(refs_dead(r));
	assert_true(refs_try_get(r));
	assert_int_equal(refs_count(r), 1);
	/* a revive forgets what the kill allowed: a retire returns nothing */
	assert_true(refs_kill(r, 1, &seen));
	refs_revive(r);
	refs_retire(r);
	assert_int_equal(refs_count(r), 1);
	refs_obj_free(r);
}

static void
chunks_are_allocated_and_given_back(void **state)
{
	(void) state;
	/* two chunks' worth, each count separate */
	enum { N = REFS_PER_CHUNK * 2 };
	void **r = calloc(N, sizeof(*r));
	assert_non_null(r);
	for (int i = 0; i < N; i++)
		r[i] = object_new();
	for (int i = 0; i < N; i++)
		for (int k = 0; k < i % 3; k++)
			assert_true(refs_try_get(r[i]));
	for (int i = 0; i < N; i++)
		assert_int_equal(refs_count(r[i]), i % 3);
	/* two chunks, each aligned to its size */
	assert_int_not_equal(refs_chunk_of(r[0]), refs_chunk_of(r[N - 1]));
	assert_int_equal(refs_chunk_of(r[0]) % REFS_CHUNK_BYTES, 0);
	assert_int_equal(refs_chunk_of(r[N - 1]) % REFS_CHUNK_BYTES, 0);
	/*
	 * Both full (earlier tests gave their chunks back): a freed slot is
	 * the only one, and is reused at zero, whatever it and its object held
	 */
	void *old = r[5];
	memset(old, 0xa5, REFS_OBJ_MAX);
	refs_obj_free(r[5]);
	r[5] = object_new();
	assert_ptr_equal(r[5], old);
	assert_int_equal(refs_count(r[5]), 0);
	const unsigned char *bytes = r[5];
	for (unsigned b = 0; b < REFS_OBJ_MAX; b++)
		assert_int_equal(bytes[b], 0);
	for (int i = 0; i < N; i++)
		refs_obj_free(r[i]);
	free(r);
}

static void
object_bytes_and_counts_do_not_overlap(void **state)
{
	(void) state;
	void *a = object_new(), *b = object_new();
	assert_true(refs_try_get(a));
	assert_true(refs_try_get(b));
	assert_true(refs_try_get(b));
	/* an owner writing all of its object leaves every count alone */
	memset(a, 0xff, REFS_OBJ_MAX);
	memset(b, 0xff, REFS_OBJ_MAX);
	assert_int_equal(refs_count(a), 1);
	assert_int_equal(refs_count(b), 2);
	assert_false(refs_dead(a));
	/* neighbours have lanes and block words of their own */
	assert_ptr_not_equal(refs_lane(a), refs_lane(b));
	assert_ptr_not_equal(refs_block(a), refs_block(b));
	long seen;
	assert_true(refs_kill(a, 1, &seen));
	assert_true(refs_dead(a));
	assert_false(refs_dead(b));
	assert_true(refs_try_get(b));
	assert_int_equal(refs_count(b), 3);
	refs_obj_free(a);
	refs_obj_free(b);
}

static void
owner_bits_stay_through_kill_revive_retire_and_reuse(void **state)
{
	(void) state;
	void *obj = refs_obj_new(16, 5);
	assert_non_null(obj);
	assert_int_equal(refs_owner_bits(obj), 5);
	long seen;
	assert_true(refs_kill(obj, 0, &seen));
	assert_int_equal(refs_owner_bits(obj), 5);
	refs_revive(obj);
	assert_int_equal(refs_owner_bits(obj), 5);
	/* a put of nothing freezes the count for a moment, then thaws it */
	assert_int_equal(refs_put(obj), -1);
	assert_int_equal(refs_owner_bits(obj), 5);
	assert_true(refs_try_get(obj));
	assert_int_equal(refs_put(obj), 0);
	assert_true(refs_kill(obj, 0, &seen));
	refs_retire(obj);
	refs_reuse(obj);
	assert_int_equal(refs_owner_bits(obj), 5);
	/* the owner's bits never block a take */
	assert_true(refs_try_get(obj));
	assert_int_equal(refs_put(obj), 0);
	refs_obj_free(obj);
}

static void
out_of_memory_is_reported(void **state)
{
	(void) state;
	/* one chunk full, so the next object needs a new one */
	enum { N = REFS_PER_CHUNK + 1 };
	void **r = calloc(N, sizeof(*r));
	assert_non_null(r);
	for (unsigned i = 0; i < REFS_PER_CHUNK; i++)
		r[i] = object_new();
	/* the new chunk's memory fails */
	alloc_inject_failure(0);
	void *obj = refs_obj_new(REFS_OBJ_MAX, 0);
	alloc_inject_failure(-1);
	assert_null(obj);
	/* nothing half-made stays behind: the next try works */
	r[REFS_PER_CHUNK] = object_new();
	assert_true(refs_try_get(r[REFS_PER_CHUNK]));
	assert_int_equal(refs_count(r[REFS_PER_CHUNK]), 1);
	for (int i = 0; i < N; i++)
		refs_obj_free(r[i]);
	free(r);
}

static void
an_object_too_big_is_refused(void **state)
{
	(void) state;
	assert_null(refs_obj_new(REFS_OBJ_MAX + 1, 0));
	/* freeing nothing is harmless */
	refs_obj_free(NULL);
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
		cmocka_unit_test(object_bytes_and_counts_do_not_overlap),
		cmocka_unit_test(
			owner_bits_stay_through_kill_revive_retire_and_reuse),
		cmocka_unit_test(out_of_memory_is_reported),
		cmocka_unit_test(an_object_too_big_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
