/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * refs.h -- counted objects: objects whose reference count threads take
 * and give back without sharing a cache line (part maps, part_map.h).
 *
 * A count is spread over lanes: each thread counts in its own lane, and
 * each lane of every count lives in that lane's own page, so two threads
 * looking up the same object, or different ones, write different cache
 * lines. The count is the sum of its lanes; a reference taken in one thread
 * and given back in another leaves +1 in one lane and -1 in another, which
 * sums right.
 *
 * Only a remover needs the exact sum. It first blocks the count (takes
 * fail from then on: "a reference unless dead"), then sums: a take
 * increments its lane before it looks at the block, and the blocker sets
 * the block before it reads the lanes (both sequentially consistent), so
 * every take either is in the sum or sees the block and backs out.
 *
 * The objects live in chunks beside their counts, and a chunk starts at a
 * multiple of its size, so an object's address alone gives its lane and
 * its block word: a take and a give-back never read the object. At 10k
 * part maps, a lookup and a drop read 40 bytes a part map (the index, the
 * lane and the block), not the part map's line as well: what a lookup
 * reaches stays in the second-level cache (part_index.c).
 */
#ifndef PMEMSET_REFS_H
#define PMEMSET_REFS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* objects (and counts) per chunk: one page of a lane's counters */
#define REFS_PER_CHUNK 512u
#define REFS_MAX_LANES 64u
/* the most an object may take, a power of two */
#define REFS_OBJ_MAX 128u

/*
 * A chunk, from its start: the lanes (lane i's counters in its own page),
 * the block words, the references kills allowed, the chunk's own record,
 * and the objects. Only the pages in use are ever touched.
 */
#define REFS_LANE_BYTES (REFS_PER_CHUNK * sizeof(long))
#define REFS_BLOCKS_AT (REFS_MAX_LANES * REFS_LANE_BYTES)
#define REFS_HELD_AT (REFS_BLOCKS_AT + REFS_PER_CHUNK * sizeof(unsigned))
#define REFS_RECORD_AT (REFS_HELD_AT + REFS_PER_CHUNK * sizeof(long))
#define REFS_OBJS_AT (REFS_RECORD_AT + 4096)
#define REFS_CHUNK_BYTES (512u * 1024)

_Static_assert(REFS_OBJS_AT + REFS_PER_CHUNK * REFS_OBJ_MAX <=
		REFS_CHUNK_BYTES, "a chunk must hold its layout");

/* bits of the block word: takes fail while either is set */
#define REFS_DEAD 1u		/* set by refs_kill; cleared by refs_revive */
#define REFS_FROZEN 2u		/* while a drop that found nothing in its own
				 * lane checks the sum */
#define REFS_BLOCKED (REFS_DEAD | REFS_FROZEN)
/* from here up, the owner's bits (refs_obj_new), never changed */
#define REFS_OWNER_SHIFT 8

/*
 * A new object of `size` bytes (at most REFS_OBJ_MAX), zeroed, with a count
 * of 0 and the owner's bits `owner`; NULL when out of memory.
 */
void *refs_obj_new(size_t size, unsigned owner);
/* gives the object and its count back; nobody may use either any more */
void refs_obj_free(void *obj);

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

static inline uintptr_t
refs_chunk_of(const void *obj)
{
	return (uintptr_t)obj & ~(uintptr_t)(REFS_CHUNK_BYTES - 1);
}

/* the object's place in its chunk */
static inline size_t
refs_slot_of(const void *obj)
{
	return ((uintptr_t)obj - refs_chunk_of(obj) - REFS_OBJS_AT) /
			REFS_OBJ_MAX;
}

/* lane `lane` of the object's count */
static inline _Atomic long *
refs_lane_of(const void *obj, unsigned lane)
{
	return (_Atomic long *)(refs_chunk_of(obj) + lane * REFS_LANE_BYTES +
			refs_slot_of(obj) * sizeof(long));
}

/* this thread's lane of the count */
static inline _Atomic long *
refs_lane(const void *obj)
{
	return refs_lane_of(obj, refs_my_lane());
}

static inline _Atomic unsigned *
refs_block(const void *obj)
{
	return (_Atomic unsigned *)(refs_chunk_of(obj) + REFS_BLOCKS_AT +
			refs_slot_of(obj) * sizeof(unsigned));
}

/* the owner's bits given to refs_obj_new */
static inline unsigned
refs_owner_bits(const void *obj)
{
	return atomic_load_explicit(refs_block(obj), memory_order_relaxed) >>
			REFS_OWNER_SHIFT;
}

/*
 * Starts fetching this thread's lane of the count and the block word of a
 * take that follows. A hint only: obj may be stale (a prefetch never
 * faults).
 */
static inline void
refs_prefetch(const void *obj)
{
	__builtin_prefetch(refs_lane(obj), 1);
	__builtin_prefetch(refs_block(obj), 0);
}

/* a new reference, unless the count is blocked (dead or being checked) */
static inline bool
refs_try_get(const void *obj)
{
	_Atomic unsigned *block = refs_block(obj);
	if (atomic_load_explicit(block, memory_order_relaxed) & REFS_BLOCKED)
		return false;
	_Atomic long *lane = refs_lane(obj);
	atomic_fetch_add_explicit(lane, 1, memory_order_seq_cst);
	if (!(atomic_load_explicit(block, memory_order_seq_cst) &
			REFS_BLOCKED))
		return true;
	atomic_fetch_sub_explicit(lane, 1, memory_order_relaxed);
	return false;
}

/* gives back a reference this thread's refs_try_get took a moment ago */
static inline void
refs_put_own(const void *obj)
{
	atomic_fetch_sub_explicit(refs_lane(obj), 1, memory_order_release);
}

/* the slow half of refs_put: this thread's lane holds nothing */
int refs_put_elsewhere(const void *obj);

/*
 * Gives back one reference, taken in any thread: 0, or -1 when the count
 * held none to give back (then nothing changes).
 */
static inline int
refs_put(const void *obj)
{
	_Atomic long *lane = refs_lane(obj);
	long v = atomic_load_explicit(lane, memory_order_relaxed);
	while (v > 0) {
		if (atomic_compare_exchange_weak_explicit(lane, &v, v - 1,
				memory_order_release, memory_order_relaxed))
			return 0;
	}
	return refs_put_elsewhere(obj);
}

/* the sum of the lanes now: exact only while nothing takes or puts */
long refs_count(const void *obj);

/*
 * Blocks the count for good if it holds exactly `allowed` references;
 * otherwise unblocks it and returns false with the sum in *seen.
 */
bool refs_kill(const void *obj, long allowed, long *seen);
/* undoes a refs_kill for a count that stays in use */
void refs_revive(const void *obj);
/*
 * For an object that goes back to its owner's pool: blocked for good, and
 * the references its kill allowed (the remover's caller's) given back, so
 * it rests at 0 for its next use.
 */
void refs_retire(const void *obj);
/* a retired count, for its object's next use: takes work again */
void refs_reuse(const void *obj);

static inline bool
refs_dead(const void *obj)
{
	return (atomic_load(refs_block(obj)) & REFS_DEAD) != 0;
}

/* the lock behind the slow paths; fork.c takes it around fork */
struct fork_lock;
extern struct fork_lock Refs_lock;

#endif
