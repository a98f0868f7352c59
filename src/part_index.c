// SPDX-License-Identifier: BSD-3-Clause
/*
 * part_index.c -- the interval index of part maps (see part_index.h).
 * Part maps never overlap, so sorting by start also sorts by end and a
 * binary search answers every query. Inserts and removals move the shorter
 * side's entries (memmove): nothing at either end, and cheap in between at
 * the tens of thousands of part maps a process can hold.
 */
#include <errno.h>
#include <string.h>

#include "alloc.h"
#include "part_index.h"
#include "part_map.h"

void
index_init(struct part_index *idx)
{
	memset(idx, 0, sizeof(*idx));
}

void
index_fini(struct part_index *idx)
{
	mem_free(idx->base);
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
	struct index_entry *base = mem_alloc(cap * sizeof(*base));
	if (base == NULL)
		return -ENOMEM;
	/* room on both sides: sets grow at either end */
	size_t head = (cap - idx->count) / 2;
	if (idx->count > 0)
		memcpy(base + head, idx->items,
			idx->count * sizeof(*base));
	mem_free(idx->base);
	idx->base = base;
	idx->head = head;
	idx->items = base + head;
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
first_above(const struct part_index *idx, uintptr_t addr, bool ends)
{
	size_t len = idx->count;
	if (len == 0)
		return 0;
	const struct index_entry *base = idx->items;
	while (len > 1) {
		size_t half = len / 2;
		const struct index_entry *e = &base[half];
		uintptr_t key = (uintptr_t)(ends ? e->end : e->start);
		base = key <= addr ? e : base;
		len -= half;
	}
	uintptr_t key = (uintptr_t)(ends ? base->end : base->start);
	return (size_t)(base - idx->items) + (key <= addr);
}

size_t
index_first_ending_after(const struct part_index *idx, const void *addr)
{
	return first_above(idx, (uintptr_t)addr, true);
}

size_t
index_first_starting_after(const struct part_index *idx, const void *addr)
{
	return first_above(idx, (uintptr_t)addr, false);
}

struct pmemset_part_map *
index_find(const struct part_index *idx, const void *addr)
{
	size_t i = index_first_ending_after(idx, addr);
	if (i < idx->count && idx->items[i].start <= (const char *)addr)
		return idx->items[i].pmap;
	return NULL;
}

int
index_contains(const struct part_index *idx,
		const struct pmemset_part_map *pmap)
{
	size_t lo = 0, hi = idx->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (idx->items[mid].pmap == pmap)
			return 1;
		/* compare addresses as integers: pmap may not be ours */
		if ((uintptr_t)idx->items[mid].start < (uintptr_t)pmap->addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

void
index_insert(struct part_index *idx, struct pmemset_part_map *pmap)
{
	size_t pos = index_first_starting_after(idx, pmap->addr);
	size_t tail_room = idx->cap - idx->head - idx->count;
	/* index_reserve left room on one side at least */
	if (idx->head > 0 && (pos < idx->count / 2 || tail_room == 0)) {
		memmove(idx->items - 1, idx->items,
				pos * sizeof(*idx->items));
		idx->items--;
		idx->head--;
	} else {
		memmove(&idx->items[pos + 1], &idx->items[pos],
				(idx->count - pos) * sizeof(*idx->items));
	}
	idx->items[pos].start = pmap->addr;
	idx->items[pos].end = pmap_end(pmap);
	idx->items[pos].pmap = pmap;
	idx->count++;
}

void
index_remove(struct part_index *idx, struct pmemset_part_map *pmap)
{
	size_t pos = index_first_ending_after(idx, pmap->addr);
	if (pos >= idx->count || idx->items[pos].pmap != pmap)
		return;
	if (pos < idx->count / 2) {
		memmove(idx->items + 1, idx->items,
				pos * sizeof(*idx->items));
		idx->items++;
		idx->head++;
	} else {
		memmove(&idx->items[pos], &idx->items[pos + 1],
				(idx->count - pos - 1) * sizeof(*idx->items));
	}
	idx->count--;
}

void
index_update(struct part_index *idx, struct pmemset_part_map *pmap)
{
	size_t pos = index_first_ending_after(idx, pmap->addr);
	if (pos < idx->count && idx->items[pos].pmap == pmap) {
		idx->items[pos].start = pmap->addr;
		idx->items[pos].end = pmap_end(pmap);
	}
}
