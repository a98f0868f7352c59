/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * part_index.h -- the set's interval index of part maps: a sorted array of
 * non-overlapping ranges, O(log n) lookup by address and successor (O(1)
 * when the part maps lie evenly). The index keeps each range, so a search
 * touches only the index; the search itself runs on compact copies of the
 * starts: a guess of the line, or two levels (the first key of each cache
 * line of keys, then one line: part_index.c), and reads one entry at the
 * end.
 *
 * Writers hold the set's lock for writing and change the array in place
 * between index_write_begin and index_write_end (a sequence count, odd
 * meanwhile). Lookups take no lock: they snapshot the array, search it and
 * keep the answer only if the count did not move. A replaced array is kept
 * until the set goes, and so are removed part maps (part_map.h), so a stale
 * search never reads freed memory.
 */
#ifndef PMEMSET_PART_INDEX_H
#define PMEMSET_PART_INDEX_H

#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pmemset_part_map;
struct index_block;

/* a part map as the index takes it in (pmap_index_entry makes it) */
struct index_entry {
	const char *start;
	const char *end;
	struct pmemset_part_map *pmap;
};

/*
 * What the index keeps of an entry: its start is the slot's key
 * (part_index.c), so an item is 16 bytes, four to a cache line. Fields are
 * read by lock-free lookups: atomic loads and stores only.
 */
struct index_item {
	const char *end;
	struct pmemset_part_map *pmap;
};

/*
 * A lookup's first guess: position (addr - base) * scale / 2^32 of the
 * entries, as if their starts were evenly spread between the first and
 * the last (part_index.c). Checked before it is used.
 */
struct index_guess {
	uintptr_t base;		/* the first entry's start */
	uint64_t scale;		/* entries per byte, in 32.32 fixed point */
};

/*
 * The entries sit anywhere inside the allocation: an insert or removal
 * moves whichever side of it is shorter, so the first and last positions
 * (where sets grow and shrink) cost O(1), and O(log n) moves on average
 * once an end's room is used up (the entries are centred again).
 */
struct part_index {
	struct index_item *items;	/* the first entry, inside block */
	size_t count;
	_Atomic unsigned seq;		/* odd while a writer changes it */
	struct index_block *block;	/* the allocation */
	size_t head;			/* free entries before items */
	size_t cap;			/* entries in the allocation */
	/* where an address would be if the entries were evenly spread */
	struct index_guess guess;
};

/* the array as one reader saw it, with its block; searches run on this */
struct index_view {
	const struct index_item *items;
	size_t count;
	const struct index_block *block;
	struct index_guess guess;
};

static inline struct index_view
index_view_of(const struct part_index *idx)
{
	struct index_view v;
	v.items = __atomic_load_n(&idx->items, __ATOMIC_ACQUIRE);
	v.count = __atomic_load_n(&idx->count, __ATOMIC_ACQUIRE);
	v.block = __atomic_load_n(&idx->block, __ATOMIC_ACQUIRE);
	v.guess.base = __atomic_load_n(&idx->guess.base, __ATOMIC_ACQUIRE);
	v.guess.scale = __atomic_load_n(&idx->guess.scale, __ATOMIC_ACQUIRE);
	return v;
}

/*
 * Does the answer read since index_read_begin still hold? Every read of the
 * index is an acquire load, so this one cannot move before them, and every
 * write a release store, so none moves before the count turned odd (no
 * fences: ThreadSanitizer does not model them; on x86 all of these are
 * plain moves).
 */
static inline bool
index_read_valid(const struct part_index *idx, unsigned seq)
{
	return atomic_load_explicit(&idx->seq, memory_order_acquire) == seq;
}

/*
 * Starts a lock-free read: a consistent items/count pair in *v (so no search
 * runs past its array) and the count to confirm the answer with.
 */
static inline unsigned
index_read_begin(const struct part_index *idx, struct index_view *v)
{
	for (unsigned spins = 0;; spins++) {
		unsigned seq = atomic_load_explicit(&idx->seq,
				memory_order_acquire);
		if ((seq & 1) == 0) {
			*v = index_view_of(idx);
			if (index_read_valid(idx, seq))
				return seq;
		}
		/* a writer was preempted mid-change: let it run */
		if (spins >= 64)
			sched_yield();
	}
}

static inline struct pmemset_part_map *
view_at(const struct index_view *v, size_t i)
{
	return __atomic_load_n(&v->items[i].pmap, __ATOMIC_ACQUIRE);
}

/* position of the part map holding addr, or count if none does */
size_t view_find(const struct index_view *v, const void *addr);
/* position of the first part map starting above addr (count if none) */
size_t view_first_starting_after(const struct index_view *v,
		const void *addr);
/* is pmap, starting at start, one of ours? */
bool view_contains(const struct index_view *v,
		const struct pmemset_part_map *pmap, const void *start);

/* the calls below are for holders of the set's lock */
static inline struct pmemset_part_map *
index_at(const struct part_index *idx, size_t i)
{
	return idx->items[i].pmap;
}

/* where the part map at position i starts and ends */
const char *index_start_at(const struct part_index *idx, size_t i);
static inline const char *
index_end_at(const struct part_index *idx, size_t i)
{
	return idx->items[i].end;
}

void index_init(struct part_index *idx);
/* frees at once: only for a set no reader can reach any more */
void index_fini(struct part_index *idx);
/* room for `extra` more items, so later inserts cannot fail; 0 or -ENOMEM */
int index_reserve(struct part_index *idx, size_t extra);
/* the part map holding addr, or NULL */
struct pmemset_part_map *index_find(const struct part_index *idx,
		const void *addr);
/* position of the first part map ending above addr (count if none) */
size_t index_first_ending_after(const struct part_index *idx,
		const void *addr);
/* position of the first part map starting above addr (count if none) */
size_t index_first_starting_after(const struct part_index *idx,
		const void *addr);
/* is pmap, starting at start, one of ours? */
int index_contains(const struct part_index *idx,
		const struct pmemset_part_map *pmap, const void *start);

/*
 * The changes below go between these two. Each takes the entry of a part
 * map as part_map.h's pmap_index_entry makes it: the index never reads a
 * part map itself.
 */
void index_write_begin(struct part_index *idx);
void index_write_end(struct part_index *idx);
void index_insert(struct part_index *idx, struct index_entry e);
/* removes the entry of e.pmap, found at e.start (nothing if not there) */
void index_remove(struct part_index *idx, struct index_entry e);
/* after e.pmap grew in place (coalescing): its entry becomes e */
void index_update(struct part_index *idx, struct index_entry e);

#endif
