// SPDX-License-Identifier: BSD-3-Clause
/*
 * children.c -- the children of a map, kept sorted by id. Ids only grow,
 * so a new child is almost always appended; a removal leaves a tombstone,
 * so removing while walking the children is safe, and the update compacts
 * once at the end.
 */
#include <string.h>

#include "array.h"
#include "children.h"
#include "status.h"

/* position of id, or where it would go */
static size_t
child_pos(const struct stat_children *c, uint64_t id)
{
	/* new ids are the largest: check the end before searching */
	if (c->count == 0 || c->items[c->count - 1].id < id)
		return c->count;
	size_t lo = 0, hi = c->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->items[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct pmemset_stat_map *
tree_child(const struct pmemset_stat_map *map, uint64_t id)
{
	const struct stat_children *c = &map->children;
	size_t i = child_pos(c, id);
	if (i < c->count && c->items[i].id == id)
		return c->items[i].map;
	return NULL;
}

struct stat_child *
tree_child_near(struct pmemset_stat_map *map, uint64_t id, size_t *hint)
{
	struct stat_children *c = &map->children;
	/*
	 * Walking a set in address order meets ids in runs, rising or (as
	 * mmap places mappings downwards) falling: try both neighbours of
	 * the last one found before searching.
	 */
	size_t last = *hint, i;
	if (last + 1 < c->count && c->items[last + 1].id == id)
		i = last + 1;
	else if (last > 0 && last - 1 < c->count &&
			c->items[last - 1].id == id)
		i = last - 1;
	else
		i = child_pos(c, id);
	if (i < c->count && c->items[i].id == id && c->items[i].map) {
		*hint = i;
		return &c->items[i];
	}
	return NULL;
}

struct pmemset_stat_map *
tree_next_child(const struct pmemset_stat_map *map, size_t *pos)
{
	const struct stat_children *c = &map->children;
	while (*pos < c->count) {
		struct pmemset_stat_map *m = c->items[(*pos)++].map;
		if (m != NULL)
			return m;
	}
	return NULL;
}

enum pmemset_stat_status
children_link(struct pmemset_stat_map *parent, struct pmemset_stat_map *map)
{
	struct stat_children *c = &parent->children;
	size_t i = child_pos(c, map->id);
	if (i < c->count && c->items[i].id == map->id) {
		/* a tombstone of the same id cannot be revived: ids are unique */
		return stat_fail(PMEMSET_STAT_S_INVAL_STATE,
			"%s is already in the view", map->uri);
	}
	if (!stat_grow((void **)&c->items, &c->cap, c->count + 1,
			sizeof(c->items[0])))
		return stat_fail(PMEMSET_STAT_S_NO_MEM,
			"pmemset_stat_update: out of memory adding %s",
			map->uri);
	memmove(&c->items[i + 1], &c->items[i],
		(c->count - i) * sizeof(c->items[0]));
	c->items[i].id = map->id;
	c->items[i].map = map;
	c->items[i].seen = 0;
	c->count++;
	c->live++;
	return PMEMSET_STAT_S_OK;
}

void
children_unlink(struct pmemset_stat_map *parent, struct pmemset_stat_map *map)
{
	struct stat_children *c = &parent->children;
	size_t i = child_pos(c, map->id);
	if (i < c->count && c->items[i].map == map) {
		c->items[i].map = NULL;
		c->live--;
	}
}

void
tree_compact(struct pmemset_stat_map *map)
{
	struct stat_children *c = &map->children;
	/*
	 * Only once the tombstones outnumber the living: a few removals from
	 * a large set then cost nothing here, and the copying stays
	 * proportional to the removals (lookups step over tombstones).
	 */
	if (c->count - c->live <= c->live)
		return;
	size_t out = 0;
	for (size_t i = 0; i < c->count; i++)
		if (c->items[i].map != NULL)
			c->items[out++] = c->items[i];
	c->count = out;
}
