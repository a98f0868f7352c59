// SPDX-License-Identifier: BSD-3-Clause
/*
 * handle.c -- a view's handle: open, update and close, applying what the
 * snapshot copied out to the tree.
 *
 * An update compares the core's generation with the one it last applied:
 * equal means no set was created, deleted, mapped or unmapped, so only the
 * counters of the observed sets are refreshed (no tree work at all).
 * Otherwise it copies the sets out -- of a set whose change counter moved,
 * the parts its journal names since the last update (or every part, the
 * first time or when the journal forgot) -- then, with no core lock held,
 * removes what is gone and adds what is new, firing the callbacks in
 * order. A failure (out of memory) leaves every map either fully added or
 * not added, and the journal position where it was, so the next update
 * carries on from there.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "array.h"
#include "children.h"
#include "iter.h"
#include "match.h"
#include "shared.h"
#include "snapshot.h"
#include "status.h"
#include "tracker.h"
#include "tree.h"
#include "uri.h"

static void
drop_set_map(struct pmemset_stat *h, struct stat_tracker *t)
{
	struct pmemset_stat_map *map = t->map;
	t->map = NULL;
	h->observed--;
	tree_remove(map);
	(void) core_observe(t->id, false);
}

/* points *slot at the node of id holding v0, v1 */
static bool
share(struct stat_shared_table *t, struct stat_shared **slot, uint64_t id,
		uint64_t v0, uint64_t v1)
{
	struct stat_shared *old = *slot;
	if (old != NULL && old->id == id) {
		old->v[0] = v0;
		old->v[1] = v1;
		return true;
	}
	/* the new one first: releasing the old could free what we need */
	struct stat_shared *node = shared_hold(t, id, v0, v1);
	if (node == NULL)
		return false;
	shared_release(t, old);
	*slot = node;
	return true;
}

static enum pmemset_stat_status
part_snap_from(struct pmemset_stat *h, struct stat_part_snap *to,
		const struct stat_staged_part *p)
{
	if (!share(&h->part_maps, &to->part_map, p->part_map_id,
			p->part_map_address, p->part_map_size) ||
	    !share(&h->sources, &to->source_values, p->source_id,
			(uint64_t)p->sds_state, p->badblocks))
		return stat_fail(PMEMSET_STAT_S_NO_MEM,
			"pmemset_stat_update: out of memory keeping the values "
			"of part %llu", (unsigned long long)p->id);
	to->address = p->address;
	to->size = p->size;
	to->offset = p->offset;
	to->source = p->source;
	to->granularity = p->granularity;
	return PMEMSET_STAT_S_OK;
}

static int
cmp_staged_set(const void *a, const void *b)
{
	uint64_t x = ((const struct stat_staged_set *)a)->info.id;
	uint64_t y = ((const struct stat_staged_set *)b)->info.id;
	return x < y ? -1 : x > y;
}

static int
cmp_staged_part(const void *a, const void *b)
{
	uint64_t x = (*(const struct stat_staged_part *const *)a)->id;
	uint64_t y = (*(const struct stat_staged_part *const *)b)->id;
	return x < y ? -1 : x > y;
}

/*
 * Marks the parts the view has (refreshing their values) and the new ones
 * that pass the matchers; parts the journal says are gone leave now.
 */
static enum pmemset_stat_status
mark_parts(struct pmemset_stat *h, struct stat_tracker *t,
		struct stat_staged_part *parts, size_t n, uint64_t *max_id,
		size_t *candidates)
{
	size_t hint = 0;
	*candidates = 0;
	for (size_t i = 0; i < n; i++) {
		struct stat_staged_part *p = &parts[i];
		struct stat_child *child =
			t->map ? tree_child_near(t->map, p->id, &hint) : NULL;
		p->add = false;
		if (p->gone) {
			if (child != NULL)
				tree_remove(child->map);
			continue;
		}
		if (child != NULL) {
			/* still there: its values are refreshed right away */
			child->seen = h->epoch;
			enum pmemset_stat_status st = part_snap_from(h,
					&child->map->snap.part, p);
			if (st != PMEMSET_STAT_S_OK)
				return st;
		} else if (p->id > t->max_part_id) {
			char uri[STAT_URI_MAX];
			uri_of(uri, sizeof(uri), STAT_PART, t->id, p->id);
			p->add = match_uri(h->matchers, h->nmatchers, uri);
			*candidates += p->add;
		}
		if (p->id > *max_id)
			*max_id = p->id;
	}
	return PMEMSET_STAT_S_OK;
}

/* part maps whose extent changed while their parts stayed */
static void
apply_part_maps(struct pmemset_stat *h, const struct stat_staged_set *s)
{
	for (size_t i = 0; i < s->npart_maps; i++) {
		const struct core_part_map_info *pm =
			&h->staging.part_maps[s->first_part_map + i];
		struct stat_shared *node = shared_find(&h->part_maps, pm->id);
		if (node == NULL)
			continue;	/* no part of it in the view */
		node->v[SHARED_PM_ADDRESS] = (uint64_t)(uintptr_t)pm->address;
		node->v[SHARED_PM_SIZE] = pm->size;
	}
}

/* removes the parts the core no longer has */
static void
sweep_parts(struct pmemset_stat *h, struct pmemset_stat_map *map)
{
	struct stat_children *c = &map->children;
	/* a removal only leaves a tombstone: the array stays where it is */
	for (size_t i = 0; i < c->count; i++)
		if (c->items[i].map != NULL && c->items[i].seen != h->epoch)
			tree_remove(c->items[i].map);
	tree_compact(map);
}

static enum pmemset_stat_status
add_set_map(struct pmemset_stat *h, struct stat_tracker *t,
		const struct core_set_info *info)
{
	struct pmemset_stat_map *map = tree_map_new(h, h->root, STAT_SET,
			t->id);
	if (map == NULL)
		return stat_fail(PMEMSET_STAT_S_NO_MEM,
			"pmemset_stat_update: out of memory adding set %llu",
			(unsigned long long)t->id);
	map->snap.set = *info;
	enum pmemset_stat_status st = tree_add(map);
	if (st != PMEMSET_STAT_S_OK) {
		tree_map_free(map);
		return st;
	}
	t->map = map;
	h->observed++;
	(void) core_observe(t->id, true);
	return PMEMSET_STAT_S_OK;
}

static enum pmemset_stat_status
add_parts(struct pmemset_stat *h, struct pmemset_stat_map *set_map,
		struct stat_staged_part *parts, size_t n, size_t candidates)
{
	/* the k new parts, in creation order: sort k, not the whole set */
	if (!stat_grow((void **)&h->order, &h->order_cap, candidates,
			sizeof(h->order[0])))
		return stat_fail(PMEMSET_STAT_S_NO_MEM,
			"pmemset_stat_update: out of memory ordering %zu new "
			"parts", candidates);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (parts[i].add)
			h->order[k++] = &parts[i];
	qsort(h->order, k, sizeof(h->order[0]), cmp_staged_part);
	for (size_t i = 0; i < k; i++) {
		struct stat_staged_part *p = h->order[i];
		/* the journal may name a part twice, with the same values */
		if (i > 0 && h->order[i - 1]->id == p->id)
			continue;
		struct pmemset_stat_map *m = tree_map_new(h, set_map,
				STAT_PART, p->id);
		if (m == NULL)
			return stat_fail(PMEMSET_STAT_S_NO_MEM,
				"pmemset_stat_update: out of memory adding "
				"part %llu", (unsigned long long)p->id);
		enum pmemset_stat_status st = part_snap_from(h, &m->snap.part,
				p);
		if (st != PMEMSET_STAT_S_OK) {
			tree_map_free(m);
			return st;
		}
		m->snap.part.source_path = p->source_path;
		p->source_path = NULL;
		st = tree_add(m);
		if (st != PMEMSET_STAT_S_OK) {
			tree_map_free(m);
			return st;
		}
	}
	return PMEMSET_STAT_S_OK;
}

static enum pmemset_stat_status
apply_set(struct pmemset_stat *h, struct stat_staged_set *s)
{
	struct stat_tracker *t = tracker_find(h, s->info.id);
	if (t == NULL) {
		t = tracker_insert(h, s->info.id);
		if (t == NULL)
			return stat_fail(PMEMSET_STAT_S_NO_MEM,
				"pmemset_stat_update: out of memory tracking "
				"set %llu", (unsigned long long)s->info.id);
	}
	if (t->map != NULL)
		t->map->snap.set = s->info;
	if (s->parts_wanted == CORE_PARTS_NONE)
		return PMEMSET_STAT_S_OK;

	/* no part staged yet: the array may be NULL, and NULL + 0 is UB */
	struct stat_staged_part *parts = s->nparts > 0 ?
			&h->staging.parts[s->first] : NULL;
	h->epoch++;
	uint64_t max_id = t->max_part_id;
	size_t candidates;
	apply_part_maps(h, s);
	enum pmemset_stat_status mst = mark_parts(h, t, parts, s->nparts,
			&max_id, &candidates);
	if (mst != PMEMSET_STAT_S_OK)
		return mst;
	/* a walk of every part shows what is gone by its absence */
	if (t->map != NULL && s->parts_wanted == CORE_PARTS_ALL)
		sweep_parts(h, t->map);
	else if (t->map != NULL)
		tree_compact(t->map);

	bool wanted = t->matched || candidates > 0 ||
		(t->map != NULL && t->map->children.live > 0);
	if (t->map != NULL && !wanted)
		drop_set_map(h, t);
	if (t->map == NULL && wanted) {
		enum pmemset_stat_status st = add_set_map(h, t, &s->info);
		if (st != PMEMSET_STAT_S_OK)
			return st;
	}
	if (candidates > 0) {
		enum pmemset_stat_status st = add_parts(h, t->map, parts,
				s->nparts, candidates);
		if (st != PMEMSET_STAT_S_OK)
			return st;
	}
	/* only now: a failure above makes the next update look again */
	t->changes = s->info.changes;
	t->journal_head = s->info.journal_head;
	t->max_part_id = max_id;
	return PMEMSET_STAT_S_OK;
}

/* the sets the core no longer has leave, with everything below them */
static void
remove_gone_sets(struct pmemset_stat *h)
{
	struct stat_staging *st = &h->staging;
	for (size_t i = 0; i < h->ntrackers; i++)
		h->trackers[i].seen = false;
	for (size_t i = 0; i < st->nsets; i++) {
		struct stat_tracker *t = tracker_find(h, st->sets[i].info.id);
		if (t != NULL)
			t->seen = true;
	}
	size_t out = 0;
	for (size_t i = 0; i < h->ntrackers; i++) {
		struct stat_tracker *t = &h->trackers[i];
		if (!t->seen) {
			if (t->map != NULL)
				drop_set_map(h, t);
			continue;
		}
		h->trackers[out++] = *t;
	}
	h->ntrackers = out;
}

static enum pmemset_stat_status
apply(struct pmemset_stat *h)
{
	struct stat_staging *st = &h->staging;
	if (st->nsets > 1)
		qsort(st->sets, st->nsets, sizeof(st->sets[0]),
			cmp_staged_set);
	remove_gone_sets(h);
	enum pmemset_stat_status ret = PMEMSET_STAT_S_OK;
	for (size_t i = 0; i < st->nsets && ret == PMEMSET_STAT_S_OK; i++)
		ret = apply_set(h, &st->sets[i]);
	tree_compact(h->root);
	return ret;
}

enum pmemset_stat_status
pmemset_stat_update(struct pmemset_stat *handle)
{
	if (handle == NULL)
		return STAT_NULL_ARG("handle");
	if (handle->in_callback)
		return stat_fail(PMEMSET_STAT_S_INVAL_STATE,
			"pmemset_stat_update: called from inside a callback "
			"of the same handle");
	uint64_t gen = core_generation();
	if (gen == handle->generation) {
		snapshot_refresh_counters(handle);
		return PMEMSET_STAT_S_OK;
	}
	enum pmemset_stat_status st = snapshot_collect(handle);
	if (st != PMEMSET_STAT_S_OK)
		return st;
	st = apply(handle);
	staging_reset(&handle->staging);
	if (st == PMEMSET_STAT_S_OK) {
		handle->generation = gen;
		handle->walk_all = false;
	}
	return st;
}

enum pmemset_stat_status
pmemset_stat_open(struct pmemset_stat **handle, struct pmemset *set,
		const struct pmemset_stat_matcher *matchers, size_t nmatchers)
{
	if (handle == NULL)
		return STAT_NULL_ARG("handle");
	uint64_t set_id = 0;
	if (set != NULL) {
		/*
		 * Found by pointer among the live sets, never dereferenced
		 * first; observed from now on, so its counters count from the
		 * opening, as every set does for a handle on all of them.
		 */
		set_id = core_observe_set(set);
		if (set_id == 0)
			return stat_fail(PMEMSET_STAT_S_INVAL_ARG,
				"pmemset_stat_open: set %p is not a live set",
				(void *)set);
	}
	struct stat_matcher *m;
	enum pmemset_stat_status st = match_compile(matchers, nmatchers, &m);
	if (st != PMEMSET_STAT_S_OK) {
		if (set_id != 0)
			(void) core_observe(set_id, false);
		return st;
	}
	struct pmemset_stat *h = mem_zalloc(sizeof(*h));
	if (h == NULL)
		goto nomem;
	h->set_id = set_id;
	/* the first update walks everything: source changes before it are in */
	h->source_seq = core_source_changes_head();
	h->matchers = m;
	h->nmatchers = nmatchers;
	h->root = tree_map_new(h, NULL, STAT_ROOT, 0);
	if (h->root == NULL)
		goto nomem;
	/* the root exists from the start: its values are readable at once */
	h->root->has_data = true;
	if (set_id == 0)
		core_observe_all(true);
	*handle = h;
	return PMEMSET_STAT_S_OK;
nomem:
	mem_free(h);
	match_free(m, nmatchers);
	if (set_id != 0)
		(void) core_observe(set_id, false);
	return stat_fail(PMEMSET_STAT_S_NO_MEM,
		"pmemset_stat_open: out of memory");
}

enum pmemset_stat_status
pmemset_stat_close(struct pmemset_stat **handle)
{
	if (handle == NULL)
		return STAT_NULL_ARG("handle");
	struct pmemset_stat *h = *handle;
	if (h == NULL)
		return PMEMSET_STAT_S_OK;
	if (h->in_callback)
		return stat_fail(PMEMSET_STAT_S_INVAL_STATE,
			"pmemset_stat_close: called from inside a callback "
			"of the same handle");
	/* every map leaves in the full order, so destroy callbacks free */
	tree_remove(h->root);
	h->root = NULL;
	for (size_t i = 0; i < h->ntrackers; i++)
		if (h->trackers[i].map != NULL)
			(void) core_observe(h->trackers[i].id, false);
	if (h->set_id == 0)
		core_observe_all(false);
	else	/* the opening's; a set deleted meanwhile is not found */
		(void) core_observe(h->set_id, false);
	iter_detach_all(h);
	match_free(h->matchers, h->nmatchers);
	staging_free(&h->staging);
	shared_table_free(&h->part_maps);
	shared_table_free(&h->sources);
	mem_free(h->order);
	mem_free(h->trackers);
	mem_free(h);
	*handle = NULL;
	return PMEMSET_STAT_S_OK;
}

enum pmemset_stat_status
pmemset_stat_root(struct pmemset_stat *handle, struct pmemset_stat_map **root)
{
	if (handle == NULL)
		return STAT_NULL_ARG("handle");
	if (root == NULL)
		return STAT_NULL_ARG("root");
	*root = handle->root;
	return PMEMSET_STAT_S_OK;
}
