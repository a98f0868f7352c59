// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_view.c -- what the observer may read of the core (see core_view.h).
 * Lock order: the registry lock, then a set's lock.
 */
#include "core_view.h"
#include "part_map.h"
#include "registry.h"
#include "set.h"
#include "source.h"

uint64_t
core_generation(void)
{
	return registry_generation();
}

uint64_t
core_set_id(struct pmemset *set)
{
	return set == NULL ? 0 : set->id;
}

static uint64_t
load(_Atomic uint64_t *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

static void
fill_set_info(struct pmemset *set, struct core_set_info *info)
{
	info->id = set->id;
	info->changes = atomic_load(&set->changes);
	info->granularity_fixed = set->granularity_fixed;
	info->granularity = set->granularity;
	info->required_granularity = set->cfg.granularity;
	info->coalescing = set->coalescing;
	info->parts = set->nparts;
	info->part_maps = set->index.count;
	info->mapped_bytes = set->mapped_bytes;
	struct data_counters *c = &set->counters;
	info->persist_calls = load(&c->persist_calls);
	info->persist_bytes = load(&c->persist_bytes);
	info->flush_calls = load(&c->flush_calls);
	info->flush_bytes = load(&c->flush_bytes);
	info->drain_calls = load(&c->drain_calls);
	info->copy_calls = load(&c->copy_calls);
	info->copy_bytes = load(&c->copy_bytes);
	info->move_calls = load(&c->move_calls);
	info->move_bytes = load(&c->move_bytes);
	info->set_calls = load(&c->set_calls);
	info->set_bytes = load(&c->set_bytes);
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
visit_parts(struct pmemset *set, core_part_visitor *part_fn, void *arg)
{
	for (size_t i = 0; i < set->index.count; i++) {
		struct pmemset_part_map *pmap = index_at(&set->index, i);
		for (size_t j = 0; j < pmap->nparts; j++) {
			struct pmemset_part *p = pmap->parts[j];
			struct core_part_info info = {
				.id = p->id,
				.address = p->addr,
				.size = p->size,
				.source_kind = source_kind_name(p->src->kind),
				.source_path = p->src->path ? p->src->path : "",
				.offset = p->offset,
				.granularity = set->granularity,
				.part_map_address = pmap->addr,
				.part_map_size = pmap->size,
				.sds_state = sds_state_of(p->src),
				.badblocks = atomic_load(&p->src->badblocks_found),
			};
			part_fn(arg, &info);
		}
	}
}

size_t
core_visit_selected(uint64_t set_id, core_set_selector *set_fn,
		core_part_visitor *part_fn, void *arg)
{
	size_t visited = 0;
	pthread_mutex_lock(&Registry_lock);
	for (struct pmemset *s = Registry_head; s != NULL; s = s->reg_next) {
		if (set_id != 0 && s->id != set_id)
			continue;
		pthread_rwlock_rdlock(&s->lock);
		struct core_set_info info;
		fill_set_info(s, &info);
		if (set_fn(arg, &info) && part_fn != NULL)
			visit_parts(s, part_fn, arg);
		pthread_rwlock_unlock(&s->lock);
		visited++;
		if (set_id != 0)
			break;
	}
	pthread_mutex_unlock(&Registry_lock);
	return visited;
}

/* core_visit is core_visit_selected with a selector that always says yes */
struct plain_visit {
	core_set_visitor *set_fn;
	core_part_visitor *part_fn;
	void *arg;
};

static bool
plain_set(void *arg, const struct core_set_info *set)
{
	struct plain_visit *v = arg;
	if (v->set_fn != NULL)
		v->set_fn(v->arg, set);
	return v->part_fn != NULL;
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
	struct plain_visit v = {set_fn, part_fn, arg};
	return core_visit_selected(set_id, plain_set, plain_part, &v);
}

bool
core_observe(uint64_t set_id, bool attach)
{
	bool found = false;
	pthread_mutex_lock(&Registry_lock);
	for (struct pmemset *s = Registry_head; s != NULL; s = s->reg_next) {
		if (s->id != set_id)
			continue;
		found = true;
		int before = atomic_fetch_add(&s->observers, attach ? 1 : -1);
		if (attach && before == 0)
			hooks_set(s, HOOK_COUNTERS);
		else if (!attach && before == 1)
			hooks_clear(s, HOOK_COUNTERS);
		break;
	}
	pthread_mutex_unlock(&Registry_lock);
	return found;
}
