// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_view.c -- what the observer may read of the core (see core_view.h).
 * Lock order: the registry lock, then a set's lock.
 */
#include "core_view.h"
#include "generation.h"
#include "part_map.h"
#include "registry.h"
#include "set.h"
#include "source.h"

uint64_t
core_generation(void)
{
	return generation_now();
}

/*
 * The live set at this address, or NULL; Registry_lock held. Only pointer
 * values are compared, so a deleted set's freed memory is never read.
 */
static struct pmemset *
live_set_locked(const struct pmemset *set)
{
	for (struct pmemset *s = Registry_head; s != NULL; s = s->reg_next)
		if (s == set)
			return s;
	return NULL;
}

/* the id of the live set at this address, or 0; observe: one observer more */
static uint64_t
live_set_id(struct pmemset *set, bool observe)
{
	if (set == NULL)
		return 0;
	fork_lock_take(&Registry_lock);
	struct pmemset *s = live_set_locked(set);
	uint64_t id = 0;
	if (s != NULL) {
		if (observe)
			registry_observe_locked(s, true);
		id = s->id;
	}
	fork_lock_release(&Registry_lock);
	return id;
}

uint64_t
core_set_id(struct pmemset *set)
{
	return live_set_id(set, false);
}

uint64_t
core_observe_set(struct pmemset *set)
{
	return live_set_id(set, true);
}

static void
fill_set_info(struct pmemset *set, struct core_set_info *info)
{
	info->id = set->id;
	info->changes = atomic_load(&set->changes);
	info->journal_head = set->journal.head;
	info->journal_oldest = set->journal.oldest;
	info->granularity_fixed = set->granularity_fixed;
	info->granularity = set->granularity;
	info->required_granularity = set->cfg.granularity;
	info->coalescing = set->coalescing;
	info->parts = set->nparts;
	info->part_maps = set->index.count;
	info->mapped_bytes = set->mapped_bytes;
	uint64_t c[COUNTERS];
	counters_sum(set, c);
	info->persist_calls = c[COUNT_PERSIST];
	info->persist_bytes = c[COUNT_PERSIST + 1];
	info->flush_calls = c[COUNT_FLUSH];
	info->flush_bytes = c[COUNT_FLUSH + 1];
	info->drain_calls = c[COUNT_DRAIN];
	info->copy_calls = c[COUNT_COPY];
	info->copy_bytes = c[COUNT_COPY + 1];
	info->move_calls = c[COUNT_MOVE];
	info->move_bytes = c[COUNT_MOVE + 1];
	info->set_calls = c[COUNT_SET];
	info->set_bytes = c[COUNT_SET + 1];
}

/*
 * The SDS state is written under the source's lock by maps into any set
 * sharing the source, so it is read under that lock too (set lock, then
 * source lock: nothing takes them the other way round). has_sds needs no
 * lock: it is set before the source's first part is mapped, never after.
 */
static int
sds_state_of(struct pmemset_source *src)
{
	if (!src->has_sds)
		return 0;
	pthread_mutex_lock(&src->lock);
	int state = (int)src->last_state;
	pthread_mutex_unlock(&src->lock);
	return state;
}

static void
part_info(struct pmemset *set, struct pmemset_part *p,
		struct core_part_info *info)
{
	struct pmemset_part_map *pmap = p->pmap;
	*info = (struct core_part_info){
		.id = p->id,
		.address = p->addr,
		.size = p->size,
		.source_kind = source_kind_name(p->src->kind),
		.source_path = p->src->path ? p->src->path : "",
		.offset = p->offset,
		.granularity = set->granularity,
		.part_map_id = pmap->id,
		.part_map_address = pmap->addr,
		.part_map_size = pmap->size,
		.source_id = p->src->id,
		.sds_state = sds_state_of(p->src),
		.badblocks = atomic_load(&p->src->badblocks_found),
	};
}

static void
visit_all_parts(struct pmemset *set, const struct core_visitor *v, void *arg)
{
	for (size_t i = 0; i < set->index.count; i++) {
		struct pmemset_part_map *pmap = index_at(&set->index, i);
		for (size_t j = 0; j < pmap->nparts; j++) {
			struct core_part_info info;
			part_info(set, pmap->parts[j], &info);
			v->part(arg, &info);
		}
	}
}

/* the part at addr if it is still the one with this id: O(log n) */
static struct pmemset_part *
find_part(struct pmemset *set, const void *addr, uint64_t id)
{
	struct pmemset_part_map *pmap = index_find(&set->index, addr);
	if (pmap == NULL)
		return NULL;
	/* the first part ending above addr; integers: addr may be stale */
	uintptr_t a = (uintptr_t)addr;
	size_t lo = 0, hi = pmap->nparts;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		struct pmemset_part *p = pmap->parts[mid];
		if ((uintptr_t)p->addr + p->size <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < pmap->nparts && (uintptr_t)pmap->parts[lo]->addr == a &&
			pmap->parts[lo]->id == id)
		return pmap->parts[lo];
	return NULL;
}

static void
visit_changed_parts(struct pmemset *set, uint64_t since,
		const struct core_visitor *v, void *arg)
{
	const struct change_journal *j = &set->journal;
	for (uint64_t seq = since; seq < j->head; seq++) {
		const struct journal_entry *e = journal_at(j, seq);
		if (e->kind == JOURNAL_PART_MAP) {
			struct pmemset_part_map *pmap =
				index_find(&set->index, e->addr);
			/* one that went: its parts have entries of their own */
			if (pmap == NULL || pmap->id != e->id)
				continue;
			struct core_part_map_info info = {
				pmap->id, pmap->addr, pmap->size
			};
			v->part_map(arg, &info);
			continue;
		}
		struct pmemset_part *p = find_part(set, e->addr, e->id);
		if (p == NULL) {
			v->part_gone(arg, e->id);
			continue;
		}
		struct core_part_info info;
		part_info(set, p, &info);
		v->part(arg, &info);
	}
}

size_t
core_visit_selected(uint64_t set_id, const struct core_visitor *v, void *arg)
{
	size_t visited = 0;
	fork_lock_take(&Registry_lock);
	for (struct pmemset *s = Registry_head; s != NULL; s = s->reg_next) {
		if (set_id != 0 && s->id != set_id)
			continue;
		pthread_rwlock_rdlock(&s->lock);
		struct core_set_info info;
		fill_set_info(s, &info);
		uint64_t since = info.journal_head;
		switch (v->set(arg, &info, &since)) {
		case CORE_PARTS_NONE:
			break;
		case CORE_PARTS_ALL:
			visit_all_parts(s, v, arg);
			break;
		case CORE_PARTS_CHANGED:
			if (since >= info.journal_oldest &&
					since <= info.journal_head)
				visit_changed_parts(s, since, v, arg);
			break;
		}
		pthread_rwlock_unlock(&s->lock);
		visited++;
		if (set_id != 0)
			break;
	}
	fork_lock_release(&Registry_lock);
	return visited;
}

/* core_visit is core_visit_selected asking for every part or none */
struct plain_visit {
	core_set_visitor *set_fn;
	core_part_visitor *part_fn;
	void *arg;
};

static enum core_parts_wanted
plain_set(void *arg, const struct core_set_info *set, uint64_t *since)
{
	(void) since;
	struct plain_visit *v = arg;
	if (v->set_fn != NULL)
		v->set_fn(v->arg, set);
	return v->part_fn != NULL ? CORE_PARTS_ALL : CORE_PARTS_NONE;
}

static void
plain_part(void *arg, const struct core_part_info *part)
{
	struct plain_visit *v = arg;
	v->part_fn(v->arg, part);
}

size_t
core_visit(uint64_t set_id, core_set_visitor *set_fn,
		core_part_visitor *part_fn, void *arg)
{
	struct plain_visit pv = {set_fn, part_fn, arg};
	const struct core_visitor v = {plain_set, plain_part, NULL, NULL};
	return core_visit_selected(set_id, &v, &pv);
}

bool
core_source_changes(uint64_t *seq, core_source_visitor *fn, void *arg)
{
	return source_journal_read(seq, fn, arg);
}

uint64_t
core_source_changes_head(void)
{
	return source_journal_head();
}

void
core_observe_all(bool attach)
{
	registry_observe_all(attach);
}

bool
core_observe(uint64_t set_id, bool attach)
{
	bool found = false;
	fork_lock_take(&Registry_lock);
	for (struct pmemset *s = Registry_head; s != NULL; s = s->reg_next) {
		if (s->id != set_id)
			continue;
		found = true;
		registry_observe_locked(s, attach);
		break;
	}
	fork_lock_release(&Registry_lock);
	return found;
}
