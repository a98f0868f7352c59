// SPDX-License-Identifier: BSD-3-Clause
/*
 * snapshot.c -- copying what the view needs out of the core, through
 * core_view.h, while the core holds its locks. Nothing here calls back into
 * the library or into the application: the callbacks run later, from the
 * copy, with no core lock held. Only sets whose change counter moved since
 * the last update have their parts copied.
 */
#include <string.h>

#include "alloc.h"
#include "stat_internal.h"

void
staging_reset(struct stat_staging *st)
{
	for (size_t i = 0; i < st->nparts; i++)
		mem_free(st->parts[i].source_path);
	st->nparts = 0;
	st->nsets = 0;
	st->nomem = false;
}

void
staging_free(struct stat_staging *st)
{
	staging_reset(st);
	mem_free(st->parts);
	mem_free(st->sets);
	memset(st, 0, sizeof(*st));
}

struct collect {
	struct pmemset_stat *h;
	struct stat_staging *st;
	uint64_t max_known;	/* parts at or below it need no path copied */
	const char *last_kind;	/* the core's name last looked at */
	const char *last_name;	/* and ours */
};

/* our own copy of the name, so nothing points into the core */
static const char *
kind_name(struct collect *c, const char *core_name)
{
	static const char *const known[] = {"file", "temporary", "pmem2"};
	/* the core hands out a few static names: compare each one once */
	if (core_name == c->last_kind)
		return c->last_name;
	c->last_kind = core_name;
	c->last_name = "unknown";
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(core_name, known[i]) == 0) {
			c->last_name = known[i];
			break;
		}
	return c->last_name;
}

static bool
stage_set(void *arg, const struct core_set_info *info)
{
	struct collect *c = arg;
	struct stat_staging *st = c->st;
	if (st->nomem)
		return false;
	if (!stat_grow((void **)&st->sets, &st->sets_cap, st->nsets + 1,
			sizeof(st->sets[0]))) {
		st->nomem = true;
		return false;
	}
	struct stat_tracker *t = tracker_find(c->h, info->id);
	struct stat_staged_set *s = &st->sets[st->nsets++];
	s->info = *info;
	s->with_parts = t == NULL || t->changes != info->changes;
	s->first = st->nparts;
	s->nparts = 0;
	c->max_known = t != NULL ? t->max_part_id : 0;
	return s->with_parts;
}

static void
stage_part(void *arg, const struct core_part_info *p)
{
	struct collect *c = arg;
	struct stat_staging *st = c->st;
	if (st->nomem)
		return;
	if (!stat_grow((void **)&st->parts, &st->parts_cap, st->nparts + 1,
			sizeof(st->parts[0]))) {
		st->nomem = true;
		return;
	}
	char *path = NULL;
	if (p->id > c->max_known) {
		path = mem_strdup(p->source_path);
		if (path == NULL) {
			st->nomem = true;
			return;
		}
	}
	struct stat_staged_part *s = &st->parts[st->nparts++];
	s->id = p->id;
	s->address = (uint64_t)(uintptr_t)p->address;
	s->size = p->size;
	s->offset = p->offset;
	s->part_map_address = (uint64_t)(uintptr_t)p->part_map_address;
	s->part_map_size = p->part_map_size;
	s->badblocks = p->badblocks;
	s->source = kind_name(c, p->source_kind);
	s->source_path = path;
	s->granularity = p->granularity;
	s->sds_state = p->sds_state;
	st->sets[st->nsets - 1].nparts++;
}

enum pmemset_stat_status
snapshot_collect(struct pmemset_stat *h)
{
	struct collect c = {h, &h->staging, 0, NULL, NULL};
	staging_reset(&h->staging);
	(void) core_visit_selected(h->set_id, stage_set, stage_part, &c);
	if (h->staging.nomem) {
		staging_reset(&h->staging);
		return stat_fail(PMEMSET_STAT_S_NO_MEM,
			"pmemset_stat_update: out of memory copying the sets");
	}
	return PMEMSET_STAT_S_OK;
}

static void
copy_counters(struct core_set_info *to, const struct core_set_info *from)
{
	to->persist_calls = from->persist_calls;
	to->persist_bytes = from->persist_bytes;
	to->flush_calls = from->flush_calls;
	to->flush_bytes = from->flush_bytes;
	to->drain_calls = from->drain_calls;
	to->copy_calls = from->copy_calls;
	to->copy_bytes = from->copy_bytes;
	to->move_calls = from->move_calls;
	to->move_bytes = from->move_bytes;
	to->set_calls = from->set_calls;
	to->set_bytes = from->set_bytes;
}

static bool
refresh_set(void *arg, const struct core_set_info *info)
{
	struct pmemset_stat *h = arg;
	struct stat_tracker *t = tracker_find(h, info->id);
	if (t == NULL || t->map == NULL)
		return false;
	/*
	 * A set that changed since the generation was read keeps its other
	 * values until the next update applies the change with its parts.
	 */
	if (t->changes == info->changes)
		t->map->snap.set = *info;
	else
		copy_counters(&t->map->snap.set, info);
	return false;
}

void
snapshot_refresh_counters(struct pmemset_stat *h)
{
	if (h->observed == 0)
		return;
	(void) core_visit_selected(h->set_id, refresh_set, NULL, h);
}
