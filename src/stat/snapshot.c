// SPDX-License-Identifier: BSD-3-Clause
/*
 * snapshot.c -- copying what the view needs out of the core, through
 * core_view.h, while the core holds its locks. Nothing here calls back into
 * the library or into the application: the callbacks run later, from the
 * copy, with no core lock held. Only sets whose change counter moved since
 * the last update have parts copied, and of those only the parts the set's
 * journal names since the last update: k changes copy k parts, not n.
 */
#include <string.h>

#include "alloc.h"
#include "array.h"
#include "shared.h"
#include "snapshot.h"
#include "status.h"
#include "tracker.h"

void
staging_reset(struct stat_staging *st)
{
	for (size_t i = 0; i < st->nparts; i++)
		mem_free(st->parts[i].source_path);
	st->nparts = 0;
	st->nsets = 0;
	st->npart_maps = 0;
	st->nomem = false;
}

void
staging_free(struct stat_staging *st)
{
	staging_reset(st);
	mem_free(st->parts);
	mem_free(st->sets);
	mem_free(st->part_maps);
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

/* which of the set's parts this update needs */
static enum core_parts_wanted
parts_wanted(const struct pmemset_stat *h, const struct stat_tracker *t,
		const struct core_set_info *info, uint64_t *since)
{
	if (t == NULL || t->changes == UINT64_MAX || h->walk_all)
		return CORE_PARTS_ALL;	/* nothing applied yet to build on */
	if (t->changes == info->changes)
		return CORE_PARTS_NONE;
	if (t->journal_head < info->journal_oldest ||
			t->journal_head > info->journal_head)
		return CORE_PARTS_ALL;	/* the journal forgot: walk it all */
	*since = t->journal_head;
	return CORE_PARTS_CHANGED;
}

static enum core_parts_wanted
stage_set(void *arg, const struct core_set_info *info, uint64_t *since)
{
	struct collect *c = arg;
	struct stat_staging *st = c->st;
	if (st->nomem)
		return CORE_PARTS_NONE;
	if (!stat_grow((void **)&st->sets, &st->sets_cap, st->nsets + 1,
			sizeof(st->sets[0]))) {
		st->nomem = true;
		return CORE_PARTS_NONE;
	}
	struct stat_tracker *t = tracker_find(c->h, info->id);
	struct stat_staged_set *s = &st->sets[st->nsets++];
	s->info = *info;
	s->parts_wanted = parts_wanted(c->h, t, info, since);
	s->first = st->nparts;
	s->nparts = 0;
	s->first_part_map = st->npart_maps;
	s->npart_maps = 0;
	c->max_known = t != NULL ? t->max_part_id : 0;
	return s->parts_wanted;
}

static struct stat_staged_part *
stage_one(struct stat_staging *st)
{
	if (st->nomem)
		return NULL;
	if (!stat_grow((void **)&st->parts, &st->parts_cap, st->nparts + 1,
			sizeof(st->parts[0]))) {
		st->nomem = true;
		return NULL;
	}
	st->sets[st->nsets - 1].nparts++;
	struct stat_staged_part *s = &st->parts[st->nparts++];
	memset(s, 0, sizeof(*s));
	return s;
}

static void
stage_part(void *arg, const struct core_part_info *p)
{
	struct collect *c = arg;
	struct stat_staging *st = c->st;
	if (st->nomem)
		return;
	char *path = NULL;
	if (p->id > c->max_known) {
		path = mem_strdup(p->source_path);
		if (path == NULL) {
			st->nomem = true;
			return;
		}
	}
	struct stat_staged_part *s = stage_one(st);
	if (s == NULL) {
		mem_free(path);
		return;
	}
	s->id = p->id;
	s->address = (uint64_t)(uintptr_t)p->address;
	s->size = p->size;
	s->offset = p->offset;
	s->part_map_id = p->part_map_id;
	s->part_map_address = (uint64_t)(uintptr_t)p->part_map_address;
	s->part_map_size = p->part_map_size;
	s->source_id = p->source_id;
	s->badblocks = p->badblocks;
	s->source = kind_name(c, p->source_kind);
	s->source_path = path;
	s->granularity = p->granularity;
	s->sds_state = p->sds_state;
}

static void
stage_gone(void *arg, uint64_t id)
{
	struct collect *c = arg;
	struct stat_staged_part *s = stage_one(c->st);
	if (s == NULL)
		return;
	s->id = id;
	s->gone = true;
}

static void
stage_part_map(void *arg, const struct core_part_map_info *pm)
{
	struct collect *c = arg;
	struct stat_staging *st = c->st;
	if (st->nomem)
		return;
	if (!stat_grow((void **)&st->part_maps, &st->part_maps_cap,
			st->npart_maps + 1, sizeof(st->part_maps[0]))) {
		st->nomem = true;
		return;
	}
	st->part_maps[st->npart_maps++] = *pm;
	st->sets[st->nsets - 1].npart_maps++;
}

/* a source's values changed: one node holds them for all its parts */
static void
source_changed(void *arg, const struct core_source_info *s)
{
	struct pmemset_stat *h = arg;
	struct stat_shared *node = shared_find(&h->sources, s->id);
	if (node == NULL)
		return;	/* no part of it in the view: a new one brings them */
	node->v[SHARED_SRC_SDS_STATE] = (uint64_t)s->sds_state;
	node->v[SHARED_SRC_BADBLOCKS] = s->badblocks;
}

enum pmemset_stat_status
snapshot_collect(struct pmemset_stat *h)
{
	struct collect c = {h, &h->staging, 0, NULL, NULL};
	staging_reset(&h->staging);
	/* sources first: the parts copied below carry even newer values */
	if (!core_source_changes(&h->source_seq, source_changed, h))
		h->walk_all = true;
	static const struct core_visitor visitor = {
		stage_set, stage_part, stage_gone, stage_part_map
	};
	(void) core_visit_selected(h->set_id, &visitor, &c);
	h->staged_last = h->staging.nparts;
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

static enum core_parts_wanted
refresh_set(void *arg, const struct core_set_info *info, uint64_t *since)
{
	(void) since;
	struct pmemset_stat *h = arg;
	struct stat_tracker *t = tracker_find(h, info->id);
	if (t == NULL || t->map == NULL)
		return CORE_PARTS_NONE;
	/*
	 * A set that changed since the generation was read keeps its other
	 * values until the next update applies the change with its parts.
	 */
	if (t->changes == info->changes)
		t->map->snap.set = *info;
	else
		copy_counters(&t->map->snap.set, info);
	return CORE_PARTS_NONE;
}

void
snapshot_refresh_counters(struct pmemset_stat *h)
{
	if (h->observed == 0)
		return;
	static const struct core_visitor visitor = {refresh_set, NULL, NULL,
		NULL};
	(void) core_visit_selected(h->set_id, &visitor, h);
}
