// SPDX-License-Identifier: BSD-3-Clause
/*
 * part_index.c -- the interval index of part maps (see part_index.h).
 * Part maps never overlap, so sorting by start also sorts by end and a
 * binary search answers every query. Inserts and removals move the shorter
 * side's entries: nothing at either end, and cheap in between at the tens
 * of thousands of part maps a process can hold.
 *
 * Lookups read entries while a writer moves them, so both sides use atomic
 * loads and stores; the sequence count decides which reads count.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "part_index.h"

/* see index_read_valid for why acquire and release */
#define LOAD(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

/*
 * A block replaced by a bigger one is kept until the set goes: a lookup
 * may still be searching it. Blocks double, so the ones kept together are
 * never bigger than the one in use.
 */
struct index_block {
	struct index_block *replaced;	/* the block this one replaced */
	struct index_entry entries[];
};

void
index_init(struct part_index *idx)
{
	memset(idx, 0, sizeof(*idx));
	atomic_init(&idx->seq, 0);
}

void
index_fini(struct part_index *idx)
{
	struct index_block *b = idx->block;
	while (b != NULL) {
		struct index_block *older = b->replaced;
		mem_free(b);
		b = older;
	}
	index_init(idx);
}

int
index_reserve(struct part_index *idx, size_t extra)
{
	if (idx->count + extra <= idx->cap)
		return 0;
	size_t cap = idx->cap ? idx->cap * 2 : 16;
	while (cap < idx->count + extra)
		cap *= 2;
	struct index_block *block = mem_alloc(sizeof(*block) +
			cap * sizeof(block->entries[0]));
	if (block == NULL)
		return -ENOMEM;
	/* room on both sides: sets grow at either end */
	size_t head = (cap - idx->count) / 2;
	if (idx->count > 0)
		memcpy(block->entries + head, idx->items,
			idx->count * sizeof(*idx->items));
	/*
	 * The old array keeps the same entries, so a reader still searching
	 * it finds what it would have found.
	 */
	block->replaced = idx->block;
	idx->block = block;
	idx->head = head;
	STORE(&idx->items, block->entries + head);
	idx->cap = cap;
	return 0;
}

/*
 * The first position whose end (ends) or start (!ends) lies above addr.
 * Branch-free: random lookups would mispredict half of a branchy search's
 * steps, and there are more steps the bigger the set; a conditional move
 * costs the same at every size.
 */
static size_t
first_above(const struct index_view *v, uintptr_t addr, bool ends)
{
	size_t len = v->count;
	if (len == 0)
		return 0;
	const struct index_entry *base = v->items;
	while (len > 1) {
		size_t half = len / 2;
		const struct index_entry *e = &base[half];
		uintptr_t key = (uintptr_t)(ends ? LOAD(&e->end) :
				LOAD(&e->start));
		base = key <= addr ? e : base;
		len -= half;
	}
	uintptr_t key = (uintptr_t)(ends ? LOAD(&base->end) :
			LOAD(&base->start));
	return (size_t)(base - v->items) + (key <= addr);
}

size_t
view_find(const struct index_view *v, const void *addr)
{
	size_t i = first_above(v, (uintptr_t)addr, true);
	if (i < v->count && LOAD(&v->items[i].start) <= (const char *)addr)
		return i;
	return v->count;
}

size_t
view_first_starting_after(const struct index_view *v, const void *addr)
{
	return first_above(v, (uintptr_t)addr, false);
}

bool
view_contains(const struct index_view *v, const struct pmemset_part_map *pmap,
		const void *start)
{
	/* compare addresses as integers: pmap may not be ours */
	uintptr_t addr = (uintptr_t)start;
	size_t lo = 0, hi = v->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (LOAD(&v->items[mid].pmap) == pmap)
			return true;
		if ((uintptr_t)LOAD(&v->items[mid].start) < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

size_t
index_first_ending_after(const struct part_index *idx, const void *addr)
{
	struct index_view v = index_view_of(idx);
	return first_above(&v, (uintptr_t)addr, true);
}

size_t
index_first_starting_after(const struct part_index *idx, const void *addr)
{
	struct index_view v = index_view_of(idx);
	return first_above(&v, (uintptr_t)addr, false);
}

struct pmemset_part_map *
index_find(const struct part_index *idx, const void *addr)
{
	struct index_view v = index_view_of(idx);
	size_t i = view_find(&v, addr);
	return i < v.count ? view_at(&v, i) : NULL;
}

int
index_contains(const struct part_index *idx,
		const struct pmemset_part_map *pmap, const void *start)
{
	struct index_view v = index_view_of(idx);
	return view_contains(&v, pmap, start);
}

void
index_write_begin(struct part_index *idx)
{
	/* the changes are release stores: none shows before this */
	unsigned seq = atomic_load_explicit(&idx->seq, memory_order_relaxed);
	atomic_store_explicit(&idx->seq, seq + 1, memory_order_relaxed);
}

void
index_write_end(struct part_index *idx)
{
	unsigned seq = atomic_load_explicit(&idx->seq, memory_order_relaxed);
	atomic_store_explicit(&idx->seq, seq + 1, memory_order_release);
}

static void
entry_copy(struct index_entry *dst, const struct index_entry *src)
{
	STORE(&dst->start, LOAD(&src->start));
	STORE(&dst->end, LOAD(&src->end));
	STORE(&dst->pmap, LOAD(&src->pmap));
	STORE(&dst->lanes, LOAD(&src->lanes));
}

/* memmove for entries readers may be reading */
static void
entries_move(struct index_entry *dst, struct index_entry *src, size_t n)
{
	if (dst < src) {
		for (size_t i = 0; i < n; i++)
			entry_copy(&dst[i], &src[i]);
	} else {
		for (size_t i = n; i > 0; i--)
			entry_copy(&dst[i - 1], &src[i - 1]);
	}
}

static void
entry_set(struct index_entry *dst, struct index_entry e)
{
	STORE(&dst->start, e.start);
	STORE(&dst->end, e.end);
	STORE(&dst->pmap, e.pmap);
	STORE(&dst->lanes, e.lanes);
}

/*
 * Puts the entries in the middle of their block. Without this, a set that
 * grows at one end (mmap hands out falling addresses: every new part map
 * goes first) moves every entry at every insert once that end's room is
 * used up, until the next doubling: quadratic, a third of a 10k map's
 * time. Centering halves the free room each time, so an insert moves
 * O(log n) entries on average.
 */
static void
index_center(struct part_index *idx)
{
	size_t head = (idx->cap - idx->count) / 2;
	if (head == idx->head)
		return;
	struct index_entry *items = idx->block->entries + head;
	entries_move(items, idx->items, idx->count);
	STORE(&idx->items, items);
	idx->head = head;
}

void
index_insert(struct part_index *idx, struct index_entry e)
{
	size_t pos = index_first_starting_after(idx, e.start);
	bool front = pos < idx->count / 2;	/* the shorter side to move */
	if (front ? idx->head == 0 : idx->cap == idx->head + idx->count)
		index_center(idx);
	size_t tail_room = idx->cap - idx->head - idx->count;
	/* index_reserve left room on one side at least */
	if (idx->head > 0 && (front || tail_room == 0)) {
		entries_move(idx->items - 1, idx->items, pos);
		STORE(&idx->items, idx->items - 1);
		idx->head--;
	} else {
		entries_move(&idx->items[pos + 1], &idx->items[pos],
				idx->count - pos);
	}
	entry_set(&idx->items[pos], e);
	STORE(&idx->count, idx->count + 1);
}

void
index_remove(struct part_index *idx, struct index_entry e)
{
	size_t pos = index_first_ending_after(idx, e.start);
	if (pos >= idx->count || idx->items[pos].pmap != e.pmap)
		return;
	if (pos < idx->count / 2) {
		entries_move(idx->items + 1, idx->items, pos);
		STORE(&idx->items, idx->items + 1);
		idx->head++;
	} else {
		entries_move(&idx->items[pos], &idx->items[pos + 1],
				idx->count - pos - 1);
	}
	STORE(&idx->count, idx->count - 1);
}

void
index_update(struct part_index *idx, struct index_entry e)
{
	size_t pos = index_first_ending_after(idx, e.start);
	if (pos < idx->count && idx->items[pos].pmap == e.pmap)
		entry_set(&idx->items[pos], e);
}
