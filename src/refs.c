// SPDX-License-Identifier: BSD-3-Clause
/*
 * refs.c -- the lanes of reference counts and the slow paths that need a
 * count's exact sum (see refs.h).
 *
 * Lanes: a power of two, twice the processors (capped), so threads up to
 * that many each count alone; more share lanes, which stays correct (every
 * lane is atomic) and only costs speed. Objects and their counts come in
 * chunks of REFS_PER_CHUNK (the layout is in refs.h): lane i of a chunk is
 * one page of lane i's counters, so a cache line only ever holds counters
 * of a single lane. A chunk is reserved whole but only the pages in use
 * (the lanes in use, the objects made) are touched.
 *
 * Refs_lock serialises everything that blocks a count (kill, revive, the
 * check of a put whose own lane held nothing) and the chunk list. It is a
 * leaf: nothing else is taken while it is held.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "fork_lock.h"
#include "refs.h"

/* what a chunk knows of itself, at REFS_RECORD_AT */
struct refs_chunk {
	uint64_t used[REFS_PER_CHUNK / 64];	/* a bit per slot */
	unsigned nused;
	struct refs_chunk *prev, *next;
};

_Static_assert(sizeof(struct refs_chunk) <= REFS_OBJS_AT - REFS_RECORD_AT,
		"a chunk's record must fit before its objects");

__thread unsigned Refs_lane_plus_one __attribute__((tls_model("initial-exec")));

struct fork_lock Refs_lock = FORK_LOCK_INITIALIZER;
static struct refs_chunk *Chunks;	/* guarded by Refs_lock */
static unsigned Lanes;			/* set once, before any count exists */
static _Atomic unsigned Next_lane;
static pthread_once_t Lanes_once = PTHREAD_ONCE_INIT;

static void
count_lanes(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_CONF);
	unsigned want = cpus > 0 && cpus < (long)REFS_MAX_LANES ?
			2 * (unsigned)cpus : REFS_MAX_LANES;
	unsigned lanes = 1;
	while (lanes < want && lanes < REFS_MAX_LANES)
		lanes *= 2;
	Lanes = lanes;
}

unsigned
refs_assign_lane(void)
{
	pthread_once(&Lanes_once, count_lanes);
	unsigned lane = atomic_fetch_add_explicit(&Next_lane, 1,
			memory_order_relaxed) % Lanes;
	Refs_lane_plus_one = lane + 1;
	return lane;
}

static struct refs_chunk *
record_of(uintptr_t chunk)
{
	return (struct refs_chunk *)(chunk + REFS_RECORD_AT);
}

/* the references the object's last kill allowed (refs_retire) */
static long *
held_of(const void *obj)
{
	return (long *)(refs_chunk_of(obj) + REFS_HELD_AT) +
			refs_slot_of(obj);
}

/* lock held */
static struct refs_chunk *
chunk_new(void)
{
	void *at = mem_map_aligned(REFS_CHUNK_BYTES, REFS_CHUNK_BYTES);
	if (at == NULL)
		return NULL;
	struct refs_chunk *c = record_of((uintptr_t)at);
	c->next = Chunks;
	if (Chunks != NULL)
		Chunks->prev = c;
	Chunks = c;
	return c;
}

/* lock held */
static void
chunk_free(struct refs_chunk *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		Chunks = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	/* the next mapping at this address starts clean for the sanitizers */
	mem_unpoison((void *)refs_chunk_of(c), REFS_CHUNK_BYTES);
	mem_unmap_aligned((void *)refs_chunk_of(c), REFS_CHUNK_BYTES);
}

/* lock held: a free slot of c, marked used */
static unsigned
chunk_take_slot(struct refs_chunk *c)
{
	for (unsigned w = 0;; w++) {
		if (c->used[w] == UINT64_MAX)
			continue;
		unsigned bit = (unsigned)__builtin_ctzll(~c->used[w]);
		c->used[w] |= 1ull << bit;
		c->nused++;
		return w * 64 + bit;
	}
}

void *
refs_obj_new(size_t size, unsigned owner)
{
	if (size > REFS_OBJ_MAX)
		return NULL;
	pthread_once(&Lanes_once, count_lanes);
	fork_lock_take(&Refs_lock);
	struct refs_chunk *c = Chunks;
	while (c != NULL && c->nused == REFS_PER_CHUNK)
		c = c->next;
	if (c == NULL)
		c = chunk_new();
	if (c == NULL) {
		fork_lock_release(&Refs_lock);
		return NULL;
	}
	unsigned slot = chunk_take_slot(c);
	char *obj = (char *)refs_chunk_of(c) + REFS_OBJS_AT +
			(size_t)slot * REFS_OBJ_MAX;
	/* a slot given back earlier holds its last object's bytes */
	mem_unpoison(obj, REFS_OBJ_MAX);
	memset(obj, 0, REFS_OBJ_MAX);
	atomic_store_explicit(refs_block(obj), owner << REFS_OWNER_SHIFT,
			memory_order_relaxed);
	*held_of(obj) = 0;
	fork_lock_release(&Refs_lock);
	return obj;
}

void
refs_obj_free(void *obj)
{
	if (obj == NULL)
		return;
	fork_lock_take(&Refs_lock);
	/* references still held when the owner went are forgotten with it */
	for (unsigned lane = 0; lane < Lanes; lane++)
		atomic_store_explicit(refs_lane_of(obj, lane), 0,
				memory_order_relaxed);
	size_t slot = refs_slot_of(obj);
	struct refs_chunk *c = record_of(refs_chunk_of(obj));
	/* a use after the owner went is reported, as for freed memory */
	mem_poison(obj, REFS_OBJ_MAX);
	c->used[slot / 64] &= ~(1ull << (slot % 64));
	if (--c->nused == 0)
		chunk_free(c);
	fork_lock_release(&Refs_lock);
}

long
refs_count(const void *obj)
{
	long sum = 0;
	for (unsigned lane = 0; lane < Lanes; lane++)
		sum += atomic_load_explicit(refs_lane_of(obj, lane),
				memory_order_seq_cst);
	return sum;
}

/*
 * Lock held, the count blocked: takes back out and puts only lower lanes,
 * so the sum read is at least the count once it has been read, and a
 * reference the caller holds is in it.
 */
static long
blocked_sum(const void *obj)
{
	return refs_count(obj);
}

int
refs_put_elsewhere(const void *obj)
{
	fork_lock_take(&Refs_lock);
	unsigned was = atomic_load_explicit(refs_block(obj), memory_order_relaxed);
	atomic_store_explicit(refs_block(obj), was | REFS_FROZEN,
			memory_order_seq_cst);
	int ret = -1;
	if (blocked_sum(obj) > 0) {
		/* the reference sits in another lane: take it from there */
		ret = 0;
		bool done = false;
		for (unsigned lane = 0; lane < Lanes && !done; lane++) {
			_Atomic long *l = refs_lane_of(obj, lane);
			long v = atomic_load_explicit(l, memory_order_relaxed);
			while (v > 0 && !done)
				done = atomic_compare_exchange_weak_explicit(l,
					&v, v - 1, memory_order_release,
					memory_order_relaxed);
		}
		/*
		 * Only a take backing out just then could hide it: this lane
		 * goes below zero, and the sum stays right.
		 */
		if (!done)
			atomic_fetch_sub_explicit(refs_lane(obj), 1,
					memory_order_release);
	}
	atomic_store_explicit(refs_block(obj), was, memory_order_seq_cst);
	fork_lock_release(&Refs_lock);
	return ret;
}

bool
refs_kill(const void *obj, long allowed, long *seen)
{
	fork_lock_take(&Refs_lock);
	unsigned was = atomic_load_explicit(refs_block(obj), memory_order_relaxed);
	atomic_store_explicit(refs_block(obj), was | REFS_DEAD,
			memory_order_seq_cst);
	/*
	 * A take that incremented before the block and is backing out shows
	 * for a moment: read again a few times before calling it held.
	 */
	long sum = blocked_sum(obj);
	for (int again = 0; sum != allowed && again < 3; again++) {
		sched_yield();
		sum = blocked_sum(obj);
	}
	if (sum != allowed) {
		atomic_store_explicit(refs_block(obj), was, memory_order_seq_cst);
		*seen = sum;
	} else {
		*held_of(obj) = allowed;
	}
	fork_lock_release(&Refs_lock);
	return sum == allowed;
}

void
refs_revive(const void *obj)
{
	fork_lock_take(&Refs_lock);
	atomic_fetch_and_explicit(refs_block(obj), ~REFS_DEAD, memory_order_seq_cst);
	*held_of(obj) = 0;
	fork_lock_release(&Refs_lock);
}

void
refs_retire(const void *obj)
{
	fork_lock_take(&Refs_lock);
	atomic_fetch_or_explicit(refs_block(obj), REFS_DEAD, memory_order_seq_cst);
	long held = *held_of(obj);
	*held_of(obj) = 0;
	fork_lock_release(&Refs_lock);
	/*
	 * Given back one by one, like any drop: a lookup that still reads the
	 * retired object may be adding and removing one in its lane right now,
	 * so the lanes cannot simply be zeroed.
	 */
	while (held-- > 0)
		(void) refs_put(obj);
}

void
refs_reuse(const void *obj)
{
	fork_lock_take(&Refs_lock);
	atomic_fetch_and_explicit(refs_block(obj), ~REFS_BLOCKED,
			memory_order_seq_cst);
	fork_lock_release(&Refs_lock);
}
