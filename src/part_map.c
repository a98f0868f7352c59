// SPDX-License-Identifier: BSD-3-Clause
/*
 * part_map.c -- part maps and the lookups users make: by address,
 * first/next, descriptors, references and drop.
 */
#include <errno.h>
#include <stdint.h>

#include "alloc.h"
#include "error.h"
#include "part_map.h"
#include "set.h"

static _Atomic uint64_t Next_object_id = 1;

uint64_t
next_object_id(void)
{
	return atomic_fetch_add(&Next_object_id, 1);
}

struct pmemset_part_map *
pmap_new(struct pmemset *set, struct rsv *rsv)
{
	struct pmemset_part_map *pmap = mem_zalloc(sizeof(*pmap));
	if (pmap == NULL)
		return NULL;
	pmap->set = set;
	pmap->id = next_object_id();
	pmap->rsv = rsv;
	atomic_init(&pmap->refs, 0);
	return pmap;
}

void
pmap_free(struct pmemset_part_map *pmap)
{
	if (pmap == NULL)
		return;
	mem_free(pmap->parts);
	mem_free(pmap);
}

int
pmap_reserve(struct pmemset_part_map *pmap, size_t extra)
{
	if (pmap->nparts + extra <= pmap->cap)
		return 0;
	size_t cap = pmap->cap ? pmap->cap * 2 : 4;
	while (cap < pmap->nparts + extra)
		cap *= 2;
	void *parts = mem_realloc(pmap->parts, cap * sizeof(*pmap->parts));
	if (parts == NULL)
		return -ENOMEM;
	pmap->parts = parts;
	pmap->cap = cap;
	return 0;
}

void
pmap_append(struct pmemset_part_map *pmap, struct pmemset_part *part)
{
	if (pmap->nparts == 0) {
		pmap->addr = part->addr;
		pmap->size = 0;
	}
	pmap->parts[pmap->nparts++] = part;
	pmap->size += part->size;
	part->pmap = pmap;
}

static void
take_reference(struct pmemset_part_map *pmap)
{
	atomic_fetch_add_explicit(&pmap->refs, 1, memory_order_relaxed);
}

int
pmemset_part_map_by_address(struct pmemset *set,
		struct pmemset_part_map **pmap, void *addr)
{
	if (pmap == NULL)
		return ERR_NULL_ARG("pmap");
	*pmap = NULL;
	if (set == NULL)
		return ERR_NULL_ARG("set");

	pthread_rwlock_rdlock(&set->lock);
	struct pmemset_part_map *found = index_find(&set->index, addr);
	if (found != NULL)
		take_reference(found);
	pthread_rwlock_unlock(&set->lock);

	if (found == NULL)
		return err_set(PMEMSET_E_CANNOT_FIND_PART_MAP,
			"pmemset_part_map_by_address: no part map of set %p "
			"holds address %p", (void *)set, addr);
	*pmap = found;
	return 0;
}

void
pmemset_first_part_map(struct pmemset *set, struct pmemset_part_map **pmap)
{
	if (pmap == NULL) {
		ERR_NULL_ARG("pmap");
		return;
	}
	*pmap = NULL;
	if (set == NULL) {
		ERR_NULL_ARG("set");
		return;
	}
	pthread_rwlock_rdlock(&set->lock);
	if (set->index.count > 0) {
		*pmap = index_at(&set->index, 0);
		take_reference(*pmap);
	}
	pthread_rwlock_unlock(&set->lock);
}

void
pmemset_next_part_map(struct pmemset *set, struct pmemset_part_map *cur,
		struct pmemset_part_map **next)
{
	if (next == NULL) {
		ERR_NULL_ARG("next");
		return;
	}
	*next = NULL;
	if (set == NULL) {
		ERR_NULL_ARG("set");
		return;
	}
	if (cur == NULL) {
		ERR_NULL_ARG("cur");
		return;
	}
	pthread_rwlock_rdlock(&set->lock);
	if (cur->set != set || !index_contains(&set->index, cur)) {
		pthread_rwlock_unlock(&set->lock);
		err_set(PMEMSET_E_PART_NOT_FOUND,
			"pmemset_next_part_map: part map %p is not in set %p",
			(void *)cur, (void *)set);
		return;
	}
	size_t i = index_first_starting_after(&set->index, cur->addr);
	if (i < set->index.count) {
		*next = index_at(&set->index, i);
		take_reference(*next);
	}
	pthread_rwlock_unlock(&set->lock);
}

void
pmemset_part_map_drop(struct pmemset_part_map **pmap)
{
	if (pmap == NULL) {
		ERR_NULL_ARG("pmap");
		return;
	}
	struct pmemset_part_map *p = *pmap;
	if (p == NULL) {
		ERR_NULL_ARG("*pmap");
		return;
	}
	long refs = atomic_load_explicit(&p->refs, memory_order_relaxed);
	do {
		if (refs <= 0) {
			err_set(PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP,
				"pmemset_part_map_drop: part map %p holds no "
				"reference to drop", (void *)p);
			*pmap = NULL;
			return;
		}
	} while (!atomic_compare_exchange_weak_explicit(&p->refs, &refs,
			refs - 1, memory_order_release, memory_order_relaxed));
	*pmap = NULL;
}

struct pmemset_part_descriptor
pmemset_descriptor_part_map(struct pmemset_part_map *pmap)
{
	struct pmemset_part_descriptor desc = {NULL, 0};
	if (pmap == NULL) {
		ERR_NULL_ARG("pmap");
		return desc;
	}
	/* coalescing may grow it meanwhile */
	pthread_rwlock_rdlock(&pmap->set->lock);
	desc.addr = pmap->addr;
	desc.size = pmap->size;
	pthread_rwlock_unlock(&pmap->set->lock);
	return desc;
}
