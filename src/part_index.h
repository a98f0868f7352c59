/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * part_index.h -- the set's interval index of part maps: a sorted array of
 * non-overlapping ranges, O(log n) lookup by address and successor. Each
 * entry keeps its range inline, so a search touches only the array.
 */
#ifndef PMEMSET_PART_INDEX_H
#define PMEMSET_PART_INDEX_H

#include <stddef.h>

struct pmemset_part_map;

struct index_entry {
	const char *start;
	const char *end;
	struct pmemset_part_map *pmap;
};

/*
 * The entries sit anywhere inside the allocation: an insert or removal
 * moves whichever side of it is shorter, so the first and last positions
 * (where sets grow and shrink) cost O(1).
 */
struct part_index {
	struct index_entry *items;	/* the first entry: base + head */
	size_t count;
	struct index_entry *base;	/* the allocation */
	size_t head;			/* free entries before items */
	size_t cap;			/* entries in the allocation */
};

static inline struct pmemset_part_map *
index_at(const struct part_index *idx, size_t i)
{
	return idx->items[i].pmap;
}

void index_init(struct part_index *idx);
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
/* is pmap one of ours? */
int index_contains(const struct part_index *idx,
		const struct pmemset_part_map *pmap);
void index_insert(struct part_index *idx, struct pmemset_part_map *pmap);
void index_remove(struct part_index *idx, struct pmemset_part_map *pmap);
/* after pmap grew in place (coalescing): refresh its entry's range */
void index_update(struct part_index *idx, struct pmemset_part_map *pmap);

#endif
