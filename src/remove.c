// SPDX-License-Identifier: BSD-3-Clause
/*
 * remove.c -- pmemset_remove_part_map and pmemset_remove_range, splitting
 * part maps, and the unmapping of parts shared with pmemset_delete.
 *
 * Removal detaches parts from the index under the lock (so no one else can
 * reach or remove them), then fires the events with no lock held while the
 * bytes are still mapped, then unmaps under the lock again.
 */
#include <errno.h>
#include <stdint.h>

#include "alloc.h"
#include "error.h"
#include "event.h"
#include "log.h"
#include "part_map.h"
#include "remove.h"
#include "reservation.h"
#include "sds.h"
#include "set.h"
#include "source.h"

void
remove_detached_parts(struct pmemset *set, struct pmemset_part **parts,
		size_t nparts)
{
	for (size_t i = 0; i < nparts; i++)
		event_part_remove(set, parts[i]->addr, parts[i]->size);

	pthread_rwlock_wrlock(&set->lock);
	for (size_t i = 0; i < nparts; i++) {
		struct pmemset_part *p = parts[i];
		(void) pmem2_map_delete(&p->map);
		if (p->rsv == NULL) /* placed by libpmem2 itself */
			continue;
		p->rsv->nparts--;
		if (p->rsv->nparts == 0) {
			rsv_release_if_empty(&p->rsv);
		} else {
			bool hosts_last = set->last_part != NULL &&
					set->last_part->rsv == p->rsv;
			rsv_trim(p->rsv, hosts_last);
		}
	}
	pthread_rwlock_unlock(&set->lock);

	for (size_t i = 0; i < nparts; i++) {
		struct pmemset_source *src = parts[i]->src;
		atomic_fetch_sub(&src->nparts, 1);
		if (sds_release(src))
			event_sds_update(set, src);
		source_put(src); /* may free a source the caller deleted */
		mem_free(parts[i]);
	}
}

/* the lock is held; undoes nothing, only reports */
static int
check_no_references(struct pmemset_part_map *pmap, long allowed,
		const char *func)
{
	long refs = atomic_load(&pmap->refs);
	if (refs == allowed)
		return 0;
	if (refs < allowed)
		return err_set(PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP,
			"%s: part map %p was already dropped (it holds no "
			"reference)", func, (void *)pmap);
	return err_set(PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP,
		"%s: part map %p still has %ld other reference(s) held; drop "
		"them first", func, (void *)pmap, refs - allowed);
}

/*
 * The part map coalescing appended to is gone (it started at gone_addr):
 * append to its neighbour below, or else above, as PMDK does; to nothing
 * once the set is empty. The lock is held and the part map is out of the
 * index.
 */
static void
retarget_coalescing(struct pmemset *set, const char *gone_addr)
{
	size_t i = index_first_starting_after(&set->index, gone_addr);
	if (i > 0)
		i--;
	set->last_part = NULL;
	if (i < set->index.count) {
		struct pmemset_part_map *next = index_at(&set->index, i);
		set->last_part = next->parts[next->nparts - 1];
	}
}

void
detach_part_map(struct pmemset *set, struct pmemset_part_map *pmap)
{
	for (size_t i = 0; i < pmap->nparts; i++)
		journal_note(set, JOURNAL_PART, pmap->parts[i]->id,
				pmap->parts[i]->addr);
	index_remove(&set->index, pmap);
	set->nparts -= pmap->nparts;
	set->mapped_bytes -= pmap->size;
	if (set->last_part != NULL && set->last_part->pmap == pmap)
		retarget_coalescing(set, pmap->addr);
	set_parts_changed(set);
}

static int
deep_flush_part_map(struct pmemset_part_map *pmap)
{
	for (size_t i = 0; i < pmap->nparts; i++) {
		struct pmemset_part *p = pmap->parts[i];
		err_pmem2_mark();
		int ret = pmem2_deep_flush(p->map, p->addr, p->size);
		if (ret != 0) {
			err_pmem2(ret, "pmemset_remove_part_map: deep flush "
				"of part %p+%zu failed; nothing was removed",
				(void *)p->addr, p->size);
			return PMEMSET_E_DEEP_FLUSH_FAIL;
		}
	}
	return 0;
}

int
pmemset_remove_part_map(struct pmemset *set, struct pmemset_part_map **part)
{
	if (set == NULL)
		return ERR_NULL_ARG("set");
	if (part == NULL)
		return ERR_NULL_ARG("part");
	struct pmemset_part_map *pmap = *part;
	if (pmap == NULL)
		return ERR_NULL_ARG("*part");
	if (event_in_callback_of(set))
		return event_refuse_in_callback("pmemset_remove_part_map");

	pthread_rwlock_wrlock(&set->lock);
	int ret = 0;
	if (pmap->set != set || !index_contains(&set->index, pmap))
		ret = err_set(PMEMSET_E_PART_NOT_FOUND,
			"pmemset_remove_part_map: part map %p is not in set %p",
			(void *)pmap, (void *)set);
	if (ret == 0)
		ret = check_no_references(pmap, 1, "pmemset_remove_part_map");
	/* flush before anything changes, so a failure leaves it all in place */
	if (ret == 0)
		ret = deep_flush_part_map(pmap);
	if (ret == 0)
		detach_part_map(set, pmap);
	pthread_rwlock_unlock(&set->lock);
	if (ret != 0)
		return ret;

	log_line(LOG_CALL, "pmemset_remove_part_map: %p+%zu",
			(void *)pmap->addr, pmap->size);
	remove_detached_parts(set, pmap->parts, pmap->nparts);
	pmap->nparts = 0;
	pmap_free(pmap);
	*part = NULL;
	return 0;
}

static bool
part_intersects(const struct pmemset_part *p, const char *start,
		const char *end)
{
	return p->addr < end && p->addr + p->size > start;
}

/* what a remove_range will do, worked out and allocated before any change */
struct range_plan {
	struct pmemset_part_map **affected;
	size_t naffected;
	struct pmemset_part **removed;
	size_t nremoved;
	size_t removed_bytes;
	struct pmemset_part_map **spare; /* new part maps for split runs */
	size_t nspare;
	size_t used_spare;
};

static void
plan_free(struct range_plan *plan)
{
	for (size_t i = plan->used_spare; i < plan->nspare; i++)
		pmap_free(plan->spare[i]);
	mem_free(plan->spare);
	mem_free(plan->affected);
	mem_free(plan->removed);
}

/* runs of parts that survive, and how many parts go */
static size_t
count_runs(const struct pmemset_part_map *pmap, const char *start,
		const char *end, size_t *nremoved)
{
	size_t runs = 0;
	bool in_run = false;
	for (size_t i = 0; i < pmap->nparts; i++) {
		if (part_intersects(pmap->parts[i], start, end)) {
			(*nremoved)++;
			in_run = false;
			continue;
		}
		if (!in_run)
			runs++;
		in_run = true;
	}
	return runs;
}

static int
plan_range(struct pmemset *set, const char *start, const char *end,
		struct range_plan *plan)
{
	size_t first = index_first_ending_after(&set->index, start);
	size_t last = first;
	while (last < set->index.count && set->index.items[last].start < end)
		last++;
	plan->naffected = last - first;
	if (plan->naffected == 0)
		return err_set(PMEMSET_E_CANNOT_FIND_PART_MAP,
			"pmemset_remove_range: no part of set %p intersects "
			"%p+%zu", (void *)set, (void *)start,
			(size_t)(end - start));
	for (size_t i = first; i < last; i++) {
		int ret = check_no_references(index_at(&set->index, i), 0,
				"pmemset_remove_range");
		if (ret != 0)
			return ret;
	}

	size_t extra_runs = 0;
	size_t nremoved = 0;
	plan->affected = mem_alloc(plan->naffected * sizeof(*plan->affected));
	if (plan->affected == NULL)
		goto nomem;
	for (size_t i = first; i < last; i++) {
		struct pmemset_part_map *pmap = index_at(&set->index, i);
		plan->affected[i - first] = pmap;
		size_t runs = count_runs(pmap, start, end, &nremoved);
		if (runs > 1)
			extra_runs += runs - 1;
	}
	plan->removed = mem_alloc(nremoved * sizeof(*plan->removed));
	if (plan->removed == NULL)
		goto nomem;
	if (extra_runs > 0) {
		plan->spare = mem_zalloc(extra_runs * sizeof(*plan->spare));
		if (plan->spare == NULL)
			goto nomem;
		for (size_t i = 0; i < plan->naffected; i++) {
			struct pmemset_part_map *pmap = plan->affected[i];
			/* one spare per run after the first, sized for it */
			bool in_run = false, seen_first = false;
			size_t run = 0;
			for (size_t j = 0; j <= pmap->nparts; j++) {
				bool keep = j < pmap->nparts &&
					!part_intersects(pmap->parts[j], start,
							end);
				if (keep) {
					in_run = true;
					run++;
					continue;
				}
				if (in_run && seen_first) {
					struct pmemset_part_map *s =
						pmap_new(set, pmap->rsv);
					plan->spare[plan->nspare] = s;
					if (s == NULL || pmap_reserve(s, run))
						goto nomem_spare;
					plan->nspare++;
				}
				if (in_run)
					seen_first = true;
				in_run = false;
				run = 0;
			}
		}
	}
	if (index_reserve(&set->index, extra_runs) != 0)
		goto nomem;
	return 0;

nomem_spare:
	/* the failed spare may be half built */
	pmap_free(plan->spare[plan->nspare]);
nomem:
	plan_free(plan);
	return err_set(PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE,
			"pmemset_remove_range: out of memory");
}

/* lock held; splits one part map along the removed parts. Cannot fail. */
static void
split_part_map(struct pmemset *set, struct pmemset_part_map *pmap,
		const char *start, const char *end, struct range_plan *plan)
{
	index_remove(&set->index, pmap);
	size_t n = pmap->nparts;
	struct pmemset_part **parts = pmap->parts;
	struct pmemset_part_map *target = NULL; /* run being filled */
	bool first_run_done = false;
	size_t first_spare = plan->used_spare;
	/* is this the part map coalescing appends to? */
	bool was_target = set->last_part != NULL &&
			set->last_part->pmap == pmap;
	pmap->nparts = 0;
	pmap->size = 0;
	for (size_t j = 0; j < n; j++) {
		struct pmemset_part *p = parts[j];
		if (part_intersects(p, start, end)) {
			journal_note(set, JOURNAL_PART, p->id, p->addr);
			plan->removed[plan->nremoved++] = p;
			plan->removed_bytes += p->size;
			if (target == pmap)
				first_run_done = true;
			target = NULL;
			continue;
		}
		if (target == NULL) {
			if (!first_run_done && pmap->nparts == 0)
				target = pmap;
			else
				target = plan->spare[plan->used_spare++];
		}
		/* the first run compacts into pmap's own array: never ahead of j */
		pmap_append(target, p);
		/* a part moved to a new part map is a changed part */
		if (target != pmap)
			journal_note(set, JOURNAL_PART, p->id, p->addr);
	}
	/* the first run stays: only its part map's extent changed */
	if (pmap->nparts > 0)
		journal_note(set, JOURNAL_PART_MAP, pmap->id, pmap->addr);
	/* index the pieces once their addresses are known */
	for (size_t i = first_spare; i < plan->used_spare; i++)
		index_insert(&set->index, plan->spare[i]);
	if (pmap->nparts > 0)
		index_insert(&set->index, pmap);
	/* coalescing keeps appending to the lowest piece left, as PMDK does */
	if (was_target && pmap->nparts > 0)
		set->last_part = pmap->parts[pmap->nparts - 1];
	else if (was_target)
		retarget_coalescing(set, pmap->addr);
	if (pmap->nparts == 0)
		pmap_free(pmap);
}

int
pmemset_remove_range(struct pmemset *set, void *addr, size_t len)
{
	if (set == NULL)
		return ERR_NULL_ARG("set");
	if (event_in_callback_of(set))
		return event_refuse_in_callback("pmemset_remove_range");
	if (len == 0)
		return err_set(PMEMSET_E_CANNOT_FIND_PART_MAP,
			"pmemset_remove_range: the range %p+0 is empty and "
			"holds no part", addr);
	const char *start = addr;
	if ((uintptr_t)start > UINTPTR_MAX - len)
		return err_set(PMEMSET_E_LENGTH_OUT_OF_RANGE,
			"pmemset_remove_range: %p+%zu wraps around the address "
			"space", addr, len);
	/* in integers: a length above PTRDIFF_MAX is UB in pointer arithmetic */
	const char *end = (const char *)((uintptr_t)start + len);

	struct range_plan plan = {0};
	pthread_rwlock_wrlock(&set->lock);
	int ret = plan_range(set, start, end, &plan);
	if (ret == 0) {
		for (size_t i = 0; i < plan.naffected; i++)
			split_part_map(set, plan.affected[i], start, end,
					&plan);
		set->nparts -= plan.nremoved;
		set->mapped_bytes -= plan.removed_bytes;
		set_parts_changed(set);
	}
	pthread_rwlock_unlock(&set->lock);
	if (ret != 0)
		return ret;

	log_line(LOG_CALL, "pmemset_remove_range: %p+%zu removes %zu part(s)",
			addr, len, plan.nremoved);
	event_remove_range(set, addr, len);
	remove_detached_parts(set, plan.removed, plan.nremoved);
	plan_free(&plan);
	return 0;
}
