// SPDX-License-Identifier: BSD-3-Clause
/*
 * refs.c -- the lanes of reference counts and the slow paths that need a
 * count's exact sum (see refs.h).
 *
 * Lanes: a power of two, twice the processors (capped), so threads up to
 * that many each count alone; more share lanes, which stays correct (every
 * lane is atomic) and only costs speed. Counts are allocated in chunks of
 * REFS_PER_CHUNK: lane i of a chunk is one page of lane i's counters, so a
 * cache line only ever holds counters of a single lane.
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

#define MAX_LANES 64u

struct refs_chunk {
	void *allocation;		/* counters, before alignment */
	_Atomic long *counters;		/* lane-major: lane * REFS_PER_CHUNK */
	uint64_t used[REFS_PER_CHUNK / 64];	/* a bit per slot */
	unsigned nused;
	struct refs_chunk *prev, *next;
};

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
	unsigned want = cpus > 0 && cpus < (long)MAX_LANES ?
			2 * (unsigned)cpus : MAX_LANES;
	unsigned lanes = 1;
	while (lanes < want && lanes < MAX_LANES)
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

static _Atomic long *
lane_of(const struct refs *r, unsigned lane)
{
	return r->lane0 + (size_t)lane * REFS_PER_CHUNK;
}

/* lock held */
static struct refs_chunk *
chunk_new(void)
{
	struct refs_chunk *c = mem_zalloc(sizeof(*c));
	if (c == NULL)
		return NULL;
	size_t bytes = (size_t)Lanes * REFS_PER_CHUNK * sizeof(long);
	/* lanes are whole pages apart; the start only needs a line */
	c->allocation = mem_zalloc(bytes + 64);
	if (c->allocation == NULL) {
		mem_free(c);
		return NULL;
	}
	uintptr_t at = ((uintptr_t)c->allocation + 63) & ~(uintptr_t)63;
	c->counters = (_Atomic long *)at;
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
	mem_free(c->allocation);
	mem_free(c);
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

int
refs_init(struct refs *r)
{
	pthread_once(&Lanes_once, count_lanes);
	fork_lock_take(&Refs_lock);
	struct refs_chunk *c = Chunks;
	while (c != NULL && c->nused == REFS_PER_CHUNK)
		c = c->next;
	if (c == NULL)
		c = chunk_new();
	if (c == NULL) {
		fork_lock_release(&Refs_lock);
		return -ENOMEM;
	}
	r->chunk = c;
	r->slot = chunk_take_slot(c);
	r->lane0 = c->counters + r->slot;
	atomic_init(&r->block, 0);
	r->held = 0;
	fork_lock_release(&Refs_lock);
	return 0;
}

void
refs_fini(struct refs *r)
{
	if (r->chunk == NULL)
		return;
	fork_lock_take(&Refs_lock);
	/* references still held when the set went are forgotten with it */
	for (unsigned lane = 0; lane < Lanes; lane++)
		atomic_store_explicit(lane_of(r, lane), 0,
				memory_order_relaxed);
	struct refs_chunk *c = r->chunk;
	c->used[r->slot / 64] &= ~(1ull << (r->slot % 64));
	if (--c->nused == 0)
		chunk_free(c);
	fork_lock_release(&Refs_lock);
	r->chunk = NULL;
	r->lane0 = NULL;
}

long
refs_count(const struct refs *r)
{
	long sum = 0;
	for (unsigned lane = 0; lane < Lanes; lane++)
		sum += atomic_load_explicit(lane_of(r, lane),
				memory_order_seq_cst);
	return sum;
}

/*
 * Lock held, the count blocked: takes back out and puts only lower lanes,
 * so the sum read is at least the count once it has been read, and a
 * reference the caller holds is in it.
 */
static long
blocked_sum(const struct refs *r)
{
	return refs_count(r);
}

int
refs_put_elsewhere(struct refs *r)
{
	fork_lock_take(&Refs_lock);
	unsigned was = atomic_load_explicit(&r->block, memory_order_relaxed);
	atomic_store_explicit(&r->block, was | REFS_FROZEN,
			memory_order_seq_cst);
	int ret = -1;
	if (blocked_sum(r) > 0) {
		/* the reference sits in another lane: take it from there */
		ret = 0;
		bool done = false;
		for (unsigned lane = 0; lane < Lanes && !done; lane++) {
			_Atomic long *l = lane_of(r, lane);
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
			atomic_fetch_sub_explicit(refs_lane(r), 1,
					memory_order_release);
	}
	atomic_store_explicit(&r->block, was, memory_order_seq_cst);
	fork_lock_release(&Refs_lock);
	return ret;
}

bool
refs_kill(struct refs *r, long allowed, long *seen)
{
	fork_lock_take(&Refs_lock);
	unsigned was = atomic_load_explicit(&r->block, memory_order_relaxed);
	atomic_store_explicit(&r->block, was | REFS_DEAD,
			memory_order_seq_cst);
	/*
	 * A take that incremented before the block and is backing out shows
	 * for a moment: read again a few times before calling it held.
	 */
	long sum = blocked_sum(r);
	for (int again = 0; sum != allowed && again < 3; again++) {
		sched_yield();
		sum = blocked_sum(r);
	}
	if (sum != allowed) {
		atomic_store_explicit(&r->block, was, memory_order_seq_cst);
		*seen = sum;
	} else {
		r->held = allowed;
	}
	fork_lock_release(&Refs_lock);
	return sum == allowed;
}

void
refs_revive(struct refs *r)
{
	fork_lock_take(&Refs_lock);
	atomic_fetch_and_explicit(&r->block, ~REFS_DEAD, memory_order_seq_cst);
	r->held = 0;
	fork_lock_release(&Refs_lock);
}

void
refs_retire(struct refs *r)
{
	fork_lock_take(&Refs_lock);
	atomic_fetch_or_explicit(&r->block, REFS_DEAD, memory_order_seq_cst);
	long held = r->held;
	r->held = 0;
	fork_lock_release(&Refs_lock);
	/*
	 * Given back one by one, like any drop: a lookup that still reads the
	 * retired object may be adding and removing one in its lane right now,
	 * so the lanes cannot simply be zeroed.
	 */
	while (held-- > 0)
		(void) refs_put(r);
}

void
refs_reuse(struct refs *r)
{
	fork_lock_take(&Refs_lock);
	atomic_store_explicit(&r->block, 0, memory_order_seq_cst);
	fork_lock_release(&Refs_lock);
}
