/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * refs.h -- reference counts that threads take and give back without
 * sharing a cache line (a part map's references, part_map.h).
 *
 * A count is spread over lanes: each thread counts in its own lane, and
 * each lane of every count lives in that lane's own pages, so two threads
 * looking up the same part map, or different ones, write different cache
 * lines. The count is the sum of its lanes; a reference taken in one thread
 * and given back in another leaves +1 in one lane and -1 in another, which
 * sums right.
 *
 * Only a remover needs the exact sum. It first blocks the count (takes
 * fail from then on: "a reference unless dead"), then sums: a take
 * increments its lane before it looks at the block, and the blocker sets
 * the block before it reads the lanes (both sequentially consistent), so
 * every take either is in the sum or sees the block and backs out.
 */
#ifndef PMEMSET_REFS_H
#define PMEMSET_REFS_H

#include <stdatomic.h>
#include <stdbool.h>

struct refs_chunk;

struct refs {
	_Atomic long *lane0;		/* this count in lane 0's pages */
	_Atomic unsigned block;		/* REFS_DEAD | REFS_FROZEN: no takes */
	struct refs_chunk *chunk;	/* where the lanes were allocated */
	unsigned slot;
	long held;	/* references a kill allowed: refs_retire returns them */
};

/* counts per lane in one chunk: one page of lane i's counters each */
#define REFS_PER_CHUNK 512

/* set by refs_kill; cleared by refs_revive */
#define REFS_DEAD 1u
/* while a drop that found nothing in its own lane checks the sum */
#define REFS_FROZEN 2u

/* a new count of 0; 0 or -ENOMEM */
int refs_init(struct refs *r);
/* gives the lanes back; nobody may use the count any more */
void refs_fini(struct refs *r);

/* the lane of the calling thread: given at its first use, then kept */
extern __thread unsigned Refs_lane_plus_one
	__attribute__((tls_model("initial-exec")));
unsigned refs_assign_lane(void);

static inline unsigned
refs_my_lane(void)
{
	unsigned lane = Refs_lane_plus_one;
	return lane != 0 ? lane - 1 : refs_assign_lane();
}

/* this thread's lane of the count */
static inline _Atomic long *
refs_lane(const struct refs *r)
{
	return r->lane0 + (unsigned long)refs_my_lane() * REFS_PER_CHUNK;
}

/*
 * Starts fetching this thread's lane of the count whose lanes start at
 * lane0, for a take that follows: a lookup knows lane0 from the index
 * before it reads the part map, so the two misses overlap. A hint only:
 * lane0 may be stale (a prefetch never faults).
 */
static inline void
refs_prefetch_lane(_Atomic long *lane0)
{
	__builtin_prefetch(lane0 + (unsigned long)refs_my_lane() *
			REFS_PER_CHUNK, 1);
}

/* a new reference, unless the count is blocked (dead or being checked) */
static inline bool
refs_try_get(struct refs *r)
{
	if (atomic_load_explicit(&r->block, memory_order_relaxed) != 0)
		return false;
	_Atomic long *lane = refs_lane(r);
	atomic_fetch_add_explicit(lane, 1, memory_order_seq_cst);
	if (atomic_load_explicit(&r->block, memory_order_seq_cst) == 0)
		return true;
	atomic_fetch_sub_explicit(lane, 1, memory_order_relaxed);
	return false;
}

/* gives back a reference this thread's refs_try_get took a moment ago */
static inline void
refs_put_own(struct refs *r)
{
	atomic_fetch_sub_explicit(refs_lane(r), 1, memory_order_release);
}

/* the slow half of refs_put: this thread's lane holds nothing */
int refs_put_elsewhere(struct refs *r);

/*
 * Gives back one reference, taken in any thread: 0, or -1 when the count
 * held none to give back (then nothing changes).
 */
static inline int
refs_put(struct refs *r)
{
	_Atomic long *lane = refs_lane(r);
	long v = atomic_load_explicit(lane, memory_order_relaxed);
	while (v > 0) {
		if (atomic_compare_exchange_weak_explicit(lane, &v, v - 1,
				memory_order_release, memory_order_relaxed))
			return 0;
	}
	return refs_put_elsewhere(r);
}

/* the sum of the lanes now: exact only while nothing takes or puts */
long refs_count(const struct refs *r);

/*
 * Blocks the count for good if it holds exactly `allowed` references;
 * otherwise unblocks it and returns false with the sum in *seen.
 */
bool refs_kill(struct refs *r, long allowed, long *seen);
/* undoes a refs_kill for a count that stays in use */
void refs_revive(struct refs *r);
/*
 * For a count whose object goes back to its pool: blocked for good, and
 * the references its kill allowed (the remover's caller's) given back, so
 * it rests at 0 for its next use.
 */
void refs_retire(struct refs *r);
/* a retired count, for its object's next use: takes work again */
void refs_reuse(struct refs *r);
static inline bool
refs_dead(const struct refs *r)
{
	return (atomic_load(&r->block) & REFS_DEAD) != 0;
}

/* the lock behind the slow paths; fork.c takes it around fork */
struct fork_lock;
extern struct fork_lock Refs_lock;

#endif
