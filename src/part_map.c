// SPDX-License-Identifier: BSD-3-Clause
/*
 * part_map.c -- part maps and the lookups users make: by address,
 * first/next, descriptors, references and drop.
 */
#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "error.h"
#include "part_map.h"
#include "ref_check.h"
#include "set.h"

int
pmap_pool_init(struct pmap_pool *pool)
{
	pool->free = NULL;
	return pthread_mutex_init(&pool->lock, NULL);
}

void
pmap_pool_fini(struct pmap_pool *pool)
{
	while (pool->free != NULL) {
		struct pmemset_part_map *pmap = pool->free;
		pool->free = pmap->pool_next;
		refs_obj_free(pmap);
	}
	pthread_mutex_destroy(&pool->lock);
}

_Static_assert(sizeof(struct pmemset_part_map) <= REFS_OBJ_MAX,
		"a part map must fit a counted object");

struct pmemset_part_map *
pmap_new(struct pmemset *set, struct rsv *rsv)
{
	struct pmap_pool *pool = &set->pmap_pool;
	pthread_mutex_lock(&pool->lock);
	struct pmemset_part_map *pmap = pool->free;
	if (pmap != NULL)
		pool->free = pmap->pool_next;
	pthread_mutex_unlock(&pool->lock);

	if (pmap != NULL) {
		refs_reuse(pmap);
	} else {
		/* the check bit never changes: a late drop may read it */
		pmap = refs_obj_new(sizeof(*pmap),
				set->check_refs ? PMAP_CHECKED : 0);
		if (pmap == NULL)
			return NULL;
	}
	pmap->set = set;
	pmap->id = next_object_id(OBJECT_PART_MAP);
	/* lookups read the extent with atomic loads */
	__atomic_store_n(&pmap->addr, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&pmap->size, 0, __ATOMIC_RELAXED);
	pmap->rsv = rsv;
	pmap->parts = NULL;
	pmap->nparts = 0;
	pmap->cap = 0;
	pmap->pool_next = NULL;
	return pmap;
}

void
pmap_retire(struct pmemset_part_map *pmap)
{
	if (pmap == NULL)
		return;
	/* the parts array is the set's own: lookups never read it */
	mem_free(pmap->parts);
	pmap->parts = NULL;
	pmap->nparts = pmap->cap = 0;
	refs_retire(pmap);
	if (pmap->set->check_refs)
		ref_check_forget(&pmap->set->ref_table, pmap);
	struct pmap_pool *pool = &pmap->set->pmap_pool;
	pthread_mutex_lock(&pool->lock);
	pmap->pool_next = pool->free;
	pool->free = pmap;
	pthread_mutex_unlock(&pool->lock);
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
	/* descriptors read the extent lock-free: atomic stores */
	bool first = pmap->nparts == 0;
	if (first)
		__atomic_store_n(&pmap->addr, part->addr, __ATOMIC_RELEASE);
	__atomic_store_n(&pmap->size, (first ? 0 : pmap->size) + part->size,
			__ATOMIC_RELEASE);
	pmap->parts[pmap->nparts++] = part;
	part->pmap = pmap;
}

enum lookup { BY_ADDRESS, FIRST, AFTER };

/*
 * One query on a snapshot of the index: the position it names (v->count
 * for none); *stale when `after` (for AFTER) is not in it. Reads only the
 * index: nothing here writes memory.
 */
static size_t
query(const struct index_view *v, enum lookup kind, const void *addr,
		const struct pmemset_part_map *after, bool *stale)
{
	switch (kind) {
	case BY_ADDRESS:
		return view_find(v, addr);
	case FIRST:
		return 0;
	case AFTER:
	default: {
		const char *start = pmap_start(after);
		if (!view_contains(v, after, start)) {
			*stale = true;
			return v->count;
		}
		return view_first_starting_after(v, start);
	}
	}
}

/*
 * The part map a query names, with a reference taken, or NULL. No lock:
 * the answer counts only if no writer changed the index meanwhile, and the
 * reference only if the part map was not killed by a remover; otherwise it
 * is asked again. It writes no shared memory: the reference goes into this
 * thread's lane of the count (refs.h).
 */
static struct pmemset_part_map *
lookup(struct pmemset *set, enum lookup kind, const void *addr,
		const struct pmemset_part_map *after, bool *stale)
{
	struct pmemset_part_map *found;
	for (unsigned tries = 1;; tries++) {
		/* a remover or a drop's check blocks the count for a moment */
		if (tries % 64 == 0)
			sched_yield();
		struct index_view v;
		unsigned seq = index_read_begin(&set->index, &v);
		*stale = false;
		size_t i = query(&v, kind, addr, after, stale);
		found = NULL;
		if (i < v.count) {
			found = view_at(&v, i);
			refs_prefetch(found);
		}
		if (!index_read_valid(&set->index, seq))
			continue;
		if (found == NULL)
			break;
		/* dead: a remover took it out meanwhile, or is splitting it */
		if (!refs_try_get(found))
			continue;
		/* a split may have shrunk it between the search and the ref */
		if (index_read_valid(&set->index, seq))
			break;
		refs_put_own(found);
	}
	return found;
}

/* in PMEMSET_CHECK_REFS mode: a lookup wrote *slot (a reference, or NULL) */
static void
checked_lookup_wrote(struct pmemset *set, struct pmemset_part_map **slot)
{
	if (*slot != NULL)
		ref_check_taken(&set->ref_table, slot, *slot);
	else
		ref_check_slot_written(&set->ref_table, slot);
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

	bool stale;
	struct pmemset_part_map *found = lookup(set, BY_ADDRESS, addr, NULL,
			&stale);
	if (found == NULL) {
		if (set->check_refs)
			ref_check_slot_written(&set->ref_table, pmap);
		return err_set(PMEMSET_E_CANNOT_FIND_PART_MAP,
			"pmemset_part_map_by_address: no part map of set %p "
			"holds address %p", (void *)set, addr);
	}
	*pmap = found;
	if (__builtin_expect(set->check_refs, 0))
		ref_check_taken(&set->ref_table, pmap, found);
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
	bool stale;
	*pmap = lookup(set, FIRST, NULL, NULL, &stale);
	if (set->check_refs)
		checked_lookup_wrote(set, pmap);
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
	bool stale = cur->set != set;
	if (!stale)
		*next = lookup(set, AFTER, NULL, cur, &stale);
	if (set->check_refs)
		checked_lookup_wrote(set, next);
	if (stale)
		err_set(PMEMSET_E_PART_NOT_FOUND,
			"pmemset_next_part_map: part map %p is not in set %p",
			(void *)cur, (void *)set);
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
	if (__builtin_expect(pmap_checked(p), 0) &&
	    ref_check_drop(&p->set->ref_table, pmap, p) != 0) {
		*pmap = NULL;
		return;
	}
	if (refs_put(p) != 0)
		err_set(PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP,
			"pmemset_part_map_drop: part map %p holds no "
			"reference to drop", (void *)p);
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
	/*
	 * Coalescing may grow it meanwhile, inside the index's write section:
	 * the sequence count says when both fields were read in one state.
	 * The reference keeps the part map (and its set) alive.
	 */
	const struct part_index *idx = &pmap->set->index;
	unsigned seq;
	do {
		struct index_view unused;
		seq = index_read_begin(idx, &unused);
		desc.addr = __atomic_load_n(&pmap->addr, __ATOMIC_ACQUIRE);
		desc.size = __atomic_load_n(&pmap->size, __ATOMIC_ACQUIRE);
	} while (!index_read_valid(idx, seq));
	return desc;
}
