// SPDX-License-Identifier: BSD-3-Clause
/*
 * remove.c -- pmemset_remove_part_map and pmemset_remove_range, splitting
 * part maps, and the unmapping of parts shared with pmemset_delete.
 *
 * Removal detaches parts from the index under the lock (so no one else can
 * reach or remove them), then fires the events with no lock held while the
 * bytes are still mapped, then unmaps under the lock again.
 *
 * Unmapping can fail (at vm.max_map_count, turning a range back into
 * reserved space needs the kernel to split a mapping). A removal that
 * cannot unmap fails and changes nothing the caller can see:
 *
 *  - first, with the set unchanged, the bytes to go are made read-only,
 *    which makes the kernel split the mappings at their ends now; at the
 *    limit that fails and the removal fails with nothing changed. The
 *    unmapping after it then needs no split that could fail half-way;
 *  - should an unmapping still fail, the parts not yet unmapped go back
 *    into the set, writable again, with a PART_ADD each (their PART_REMOVE
 *    was reported already), and the removal returns the error. Only if
 *    even that cannot be done (out of memory) do their bytes become
 *    PROT_NONE, never left writable and unreachable.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

#include "alloc.h"
#include "arena.h"
#include "error.h"
#include "event.h"
#include "log.h"
#include "part_map.h"
#include "remove.h"
#include "reservation.h"
#include "sds.h"
#include "set.h"
#include "source.h"

int
protect_for_removal(char *addr, size_t size, const char *func)
{
	if (mprotect(addr, size, PROT_READ) == 0)
		return 0;
	int errnum = errno;
	/* a split at one end may have happened: harmless, flags unchanged */
	(void) mprotect(addr, size, PROT_READ | PROT_WRITE);
	if (errnum == ENOMEM)
		return err_set(-ENOMEM, "%s: cannot unmap %p+%zu: the kernel "
			"cannot split its mapping (the process may be at its "
			"limit of mappings, vm.max_map_count); nothing was "
			"removed", func, (void *)addr, size);
	return err_errno(errnum, "%s: cannot prepare %p+%zu for unmapping; "
			"nothing was removed", func, (void *)addr, size);
}

static void
reverse_parts(struct pmemset_part **parts, size_t lo, size_t hi)
{
	while (lo + 1 < hi) {
		struct pmemset_part *t = parts[lo];
		parts[lo++] = parts[--hi];
		parts[hi] = t;
	}
}

/* [a, b) becomes [b, a): the parts still mapped come first, in order */
static void
rotate_parts(struct pmemset_part **parts, size_t split, size_t n)
{
	reverse_parts(parts, 0, split);
	reverse_parts(parts, split, n);
	reverse_parts(parts, 0, n);
}

/*
 * Lock held: a run of parts of one original part map, still mapped, goes
 * back into the set: into `home` if it is theirs (a whole part map being
 * removed: a caller's reference to it stays good), else into a part map of
 * its own (remove_range's pieces).
 */
static bool
reattach_run(struct pmemset *set, struct pmemset_part **run, size_t n,
		struct pmemset_part_map *home)
{
	struct pmemset_part_map *pmap = home;
	if (home == NULL || run[0]->pmap != home) {
		home = NULL;
		pmap = pmap_new(set, run[0]->rsv);
		if (pmap == NULL || pmap_reserve(pmap, n) != 0) {
			pmap_retire(pmap);
			return false;
		}
	}
	if (index_reserve(&set->index, 1) != 0) {
		if (pmap != home)
			pmap_retire(pmap);
		return false;
	}
	/* run may be home's own array: appending never overtakes it */
	pmap->nparts = 0;
	for (size_t i = 0; i < n; i++) {
		pmap_append(pmap, run[i]);
		journal_note(set, JOURNAL_PART, run[i]->id, run[i]->addr);
		set->nparts++;
		set->mapped_bytes += run[i]->size;
	}
	journal_note(set, JOURNAL_PART_MAP, pmap->id, pmap->addr);
	index_insert(&set->index, pmap_index_entry(pmap));
	/* killed for the removal (delete kills none): lookups find it again */
	if (pmap == home && pmap_dead(pmap))
		pmap_revive(pmap);
	set_parts_changed(set);
	/* read-only since protect_for_removal; a read-only source stays so */
	(void) mprotect(pmap->addr, pmap->size, PROT_READ | PROT_WRITE);
	return true;
}

/* lock held: the parts not unmapped go back, run by run */
static void
reattach_parts(struct pmemset *set, struct pmemset_part **parts, size_t n,
		struct pmemset_part_map *home)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i + 1;
		while (j < n && parts[j]->pmap == parts[i]->pmap &&
		    parts[j]->addr == parts[j - 1]->addr + parts[j - 1]->size)
			j++;
		if (!reattach_run(set, parts + i, j - i, home)) {
			/* the last resort: unreachable, so not writable */
			char *lo = parts[i]->addr;
			size_t len = (size_t)(parts[j - 1]->addr +
					parts[j - 1]->size - lo);
			(void) mprotect(lo, len, PROT_NONE);
			log_line(LOG_ERROR, "%p+%zu could neither be unmapped "
				"nor put back into set %p: made inaccessible",
				(void *)lo, len, (void *)set);
		}
		i = j;
	}
}

int
remove_detached_parts(struct pmemset *set, struct pmemset_part **parts,
		size_t nparts, struct pmemset_part_map *home, const char *func)
{
	for (size_t i = 0; i < nparts; i++)
		event_part_remove(set, parts[i]->addr, parts[i]->size);

	int ret = 0;
	size_t done;
	pthread_rwlock_wrlock(&set->lock);
	for (done = 0; done < nparts; done++) {
		struct pmemset_part *p = parts[done];
		ret = rsv_map_delete(p->rsv, &p->map);
		if (ret != 0) {
			ret = err_pmem2(ret, "%s: cannot unmap part %p+%zu; "
				"it stays in the set, with the %zu part(s) "
				"after it, and %zu part(s) before it were "
				"removed", func, (void *)p->addr, p->size,
				nparts - done - 1, done);
			break;
		}
		if (p->rsv == NULL) /* placed by libpmem2 itself */
			continue;
		p->rsv->nparts--;
		if (p->rsv->arena != NULL) {
			arena_give_back(&set->arenas, p->rsv, p->addr, p->size,
					true);
			p->rsv = NULL;
		} else if (p->rsv->nparts == 0) {
			rsv_release_if_empty(&p->rsv);
		} else {
			bool hosts_last = set->last_part != NULL &&
					set->last_part->rsv == p->rsv;
			rsv_trim(p->rsv, hosts_last);
		}
	}
	size_t kept = nparts - done;
	if (kept > 0) {
		/* the kept first: they may go back into this very array */
		rotate_parts(parts, done, nparts);
		index_write_begin(&set->index);
		reattach_parts(set, parts, kept, home);
		index_write_end(&set->index);
	}
	pthread_rwlock_unlock(&set->lock);

	for (size_t i = 0; i < kept; i++)
		event_part_add(set, parts[i]->addr, parts[i]->size,
				parts[i]->src->pmem2_src);
	for (size_t i = kept; i < nparts; i++) {
		struct pmemset_source *src = parts[i]->src;
		atomic_fetch_sub(&src->nparts, 1);
		if (sds_release(src))
			event_sds_update(set, src);
		source_put(src); /* may free a source the caller deleted */
		mem_free(parts[i]);
	}
	return ret;
}

/* the message for a part map found holding `refs` where `allowed` may be */
static int
references_error(struct pmemset_part_map *pmap, long refs, long allowed,
		const char *func)
{
	if (refs < allowed)
		return err_set(PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP,
			"%s: part map %p was already dropped (it holds no "
			"reference)", func, (void *)pmap);
	return err_set(PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP,
		"%s: part map %p still has %ld other reference(s) held; drop "
		"them first", func, (void *)pmap, refs - allowed);
}

/* the lock is held; undoes nothing, only reports */
static int
check_no_references(struct pmemset_part_map *pmap, long allowed,
		const char *func)
{
	long refs = refs_count(pmap);
	if (refs == allowed)
		return 0;
	return references_error(pmap, refs, allowed, func);
}

/*
 * Inside the index's write section: no lookup can take a reference from
 * here on, or one was taken since check_no_references (then it reports).
 */
static int
kill_part_map(struct pmemset_part_map *pmap, long allowed, const char *func)
{
	long seen;
	if (pmap_kill(pmap, allowed, &seen))
		return 0;
	return references_error(pmap, seen, allowed, func);
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
	index_remove(&set->index, pmap_index_entry(pmap));
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
	if (pmap->set != set || !index_contains(&set->index, pmap, pmap->addr))
		ret = err_set(PMEMSET_E_PART_NOT_FOUND,
			"pmemset_remove_part_map: part map %p is not in set %p",
			(void *)pmap, (void *)set);
	if (ret == 0)
		ret = check_no_references(pmap, 1, "pmemset_remove_part_map");
	/* flush before anything changes, so a failure leaves it all in place */
	if (ret == 0)
		ret = deep_flush_part_map(pmap);
	if (ret == 0)
		ret = protect_for_removal(pmap->addr, pmap->size,
				"pmemset_remove_part_map");
	if (ret == 0) {
		index_write_begin(&set->index);
		ret = kill_part_map(pmap, 1, "pmemset_remove_part_map");
		if (ret == 0)
			detach_part_map(set, pmap);
		index_write_end(&set->index);
		if (ret != 0)	/* a lookup took a reference meanwhile */
			(void) mprotect(pmap->addr, pmap->size,
					PROT_READ | PROT_WRITE);
	}
	pthread_rwlock_unlock(&set->lock);
	if (ret != 0)
		return ret;

	log_line(LOG_CALL, "pmemset_remove_part_map: %p+%zu",
			(void *)pmap->addr, pmap->size);
	ret = remove_detached_parts(set, pmap->parts, pmap->nparts, pmap,
			"pmemset_remove_part_map");
	if (ret != 0)
		return ret; /* pmap is back, with the parts still mapped */
	pmap->nparts = 0;
	pmap_retire(pmap);
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
		pmap_retire(plan->spare[i]);
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
	while (last < set->index.count &&
	    index_start_at(&set->index, last) < end)
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
	pmap_retire(plan->spare[plan->nspare]);
nomem:
	plan_free(plan);
	return err_set(PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE,
			"pmemset_remove_range: out of memory");
}

/*
 * Lock held; splits one part map along the removed parts. Cannot fail.
 * True if none of its parts stays: the caller frees it once the removed
 * parts, which still point at it, are unmapped.
 */
static bool
split_part_map(struct pmemset *set, struct pmemset_part_map *pmap,
		const char *start, const char *end, struct range_plan *plan)
{
	index_remove(&set->index, pmap_index_entry(pmap));
	size_t n = pmap->nparts;
	struct pmemset_part **parts = pmap->parts;
	struct pmemset_part_map *target = NULL; /* run being filled */
	bool first_run_done = false;
	size_t first_spare = plan->used_spare;
	/* is this the part map coalescing appends to? */
	bool was_target = set->last_part != NULL &&
			set->last_part->pmap == pmap;
	pmap->nparts = 0;
	__atomic_store_n(&pmap->size, 0, __ATOMIC_RELEASE);
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
		index_insert(&set->index, pmap_index_entry(plan->spare[i]));
	if (pmap->nparts > 0) {
		index_insert(&set->index, pmap_index_entry(pmap));
		pmap_revive(pmap);
	}
	/* coalescing keeps appending to the lowest piece left, as PMDK does */
	if (was_target && pmap->nparts > 0)
		set->last_part = pmap->parts[pmap->nparts - 1];
	else if (was_target)
		retarget_coalescing(set, pmap->addr);
	return pmap->nparts == 0;
}

/* the run of parts of pmap that [start, end) removes */
static void
removed_run(const struct pmemset_part_map *pmap, const char *start,
		const char *end, char **lo, size_t *size)
{
	char *first = NULL, *last_end = NULL;
	for (size_t i = 0; i < pmap->nparts; i++) {
		struct pmemset_part *p = pmap->parts[i];
		if (!part_intersects(p, start, end))
			continue;
		if (first == NULL)
			first = p->addr;
		last_end = p->addr + p->size;
	}
	*lo = first;
	*size = (size_t)(last_end - first);
}

/* undoes protect_range for the first n affected part maps */
static void
unprotect_range(struct range_plan *plan, const char *start, const char *end,
		size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *lo;
		size_t size;
		removed_run(plan->affected[i], start, end, &lo, &size);
		(void) mprotect(lo, size, PROT_READ | PROT_WRITE);
	}
}

/* lock held, before any change: see protect_for_removal */
static int
protect_range(struct range_plan *plan, const char *start, const char *end)
{
	for (size_t i = 0; i < plan->naffected; i++) {
		char *lo;
		size_t size;
		removed_run(plan->affected[i], start, end, &lo, &size);
		int ret = protect_for_removal(lo, size,
				"pmemset_remove_range");
		if (ret == 0)
			continue;
		unprotect_range(plan, start, end, i);
		return ret;
	}
	return 0;
}

/* in the index's write section: all of the plan's part maps or none dead */
static int
kill_affected(struct range_plan *plan)
{
	for (size_t i = 0; i < plan->naffected; i++) {
		int ret = kill_part_map(plan->affected[i], 0,
				"pmemset_remove_range");
		if (ret == 0)
			continue;
		while (i-- > 0)
			pmap_revive(plan->affected[i]);
		return ret;
	}
	return 0;
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
	size_t nemptied = 0;
	pthread_rwlock_wrlock(&set->lock);
	int ret = plan_range(set, start, end, &plan);
	if (ret == 0) {
		ret = protect_range(&plan, start, end);
		if (ret != 0)
			plan_free(&plan);
	}
	if (ret == 0) {
		index_write_begin(&set->index);
		ret = kill_affected(&plan);
		if (ret == 0) {
			/* the emptied part maps move to the front of affected */
			for (size_t i = 0; i < plan.naffected; i++)
				if (split_part_map(set, plan.affected[i], start,
						end, &plan))
					plan.affected[nemptied++] =
						plan.affected[i];
			set->nparts -= plan.nremoved;
			set->mapped_bytes -= plan.removed_bytes;
			set_parts_changed(set);
		}
		index_write_end(&set->index);
		if (ret != 0) {	/* a lookup took a reference meanwhile */
			unprotect_range(&plan, start, end, plan.naffected);
			plan_free(&plan);
		}
	}
	pthread_rwlock_unlock(&set->lock);
	if (ret != 0)
		return ret;

	log_line(LOG_CALL, "pmemset_remove_range: %p+%zu removes %zu part(s)",
			addr, len, plan.nremoved);
	event_remove_range(set, addr, len);
	ret = remove_detached_parts(set, plan.removed, plan.nremoved, NULL,
			"pmemset_remove_range");
	/* unreachable since the split; parts kept went to new part maps */
	for (size_t i = 0; i < nemptied; i++)
		pmap_retire(plan.affected[i]);
	plan_free(&plan);
	return ret;
}
