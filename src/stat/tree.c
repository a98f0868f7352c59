// SPDX-License-Identifier: BSD-3-Clause
/*
 * tree.c -- the maps of a view and their children: creating, linking and
 * freeing maps, and adding or removing them in the seed page's order
 * (TREE_ADD, DATA_ADD ... DATA_REM, TREE_REM, destroy, freed; children are
 * removed completely before their parent).
 *
 * Children are kept sorted by id. Ids only grow, so a new child is almost
 * always appended; a removal leaves a tombstone, so removing while walking
 * the children is safe, and the update compacts once at the end.
 */
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "stat_internal.h"

struct pmemset_stat_map *
tree_map_new(struct pmemset_stat *h, struct pmemset_stat_map *parent,
		enum stat_level level, uint64_t id)
{
	struct pmemset_stat_map *map = mem_zalloc(sizeof(*map));
	if (map == NULL)
		return NULL;
	char uri[STAT_URI_MAX];
	uri_of(uri, sizeof(uri), level,
		level == STAT_PART ? parent->id : id, id);
	map->uri = mem_strdup(uri);
	if (map->uri == NULL) {
		mem_free(map);
		return NULL;
	}
	map->h = h;
	map->parent = parent;
	map->level = level;
	map->id = id;
	map->name = parent == NULL ? map->uri + 1 :
		map->uri + strlen(parent->uri) + 1;
	return map;
}

void
tree_map_free(struct pmemset_stat_map *map)
{
	ref_invalidate_all(map);
	values_free(map);
	if (map->level == STAT_PART) {
		mem_free(map->snap.part.source_path);
		shared_release(&map->h->part_maps, map->snap.part.part_map);
		shared_release(&map->h->sources,
				map->snap.part.source_values);
	}
	mem_free(map->children.items);
	mem_free(map->uri);
	mem_free(map);
}

bool
stat_grow(void **array, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap : 4;
	while (n < need)
		n *= 2;
	if (n > SIZE_MAX / elem)
		return false;
	void *a = mem_realloc(*array, n * elem);
	if (a == NULL)
		return false;
	*array = a;
	*cap = n;
	return true;
}

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

static enum pmemset_stat_status
link_child(struct pmemset_stat_map *parent, struct pmemset_stat_map *map)
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

static void
unlink_child(struct pmemset_stat_map *parent, struct pmemset_stat_map *map)
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

static void
tree_changed(struct pmemset_stat_map *parent)
{
	parent->h->tree_version++;
	parent->modcount++;
	values_children_changed(parent);
}

enum pmemset_stat_status
tree_add(struct pmemset_stat_map *map)
{
	enum pmemset_stat_status st = link_child(map->parent, map);
	if (st != PMEMSET_STAT_S_OK)
		return st;
	tree_changed(map->parent);
	cb_tree(map, PMEMSET_STAT_TREE_ADD);
	map->has_data = true;
	cb_data(map, PMEMSET_STAT_DATA_ADD);
	return PMEMSET_STAT_S_OK;
}

void
tree_remove(struct pmemset_stat_map *map)
{
	size_t pos = 0;
	struct pmemset_stat_map *child;
	while ((child = tree_next_child(map, &pos)) != NULL)
		tree_remove(child);

	map->has_data = false;
	cb_data(map, PMEMSET_STAT_DATA_REM);
	cb_tree(map, PMEMSET_STAT_TREE_REM);
	cb_destroy(map);

	if (map->parent != NULL) {
		unlink_child(map->parent, map);
		tree_changed(map->parent);
	} else {
		map->h->tree_version++;
	}
	tree_map_free(map);
}

enum pmemset_stat_status
pmemset_stat_map_uri(struct pmemset_stat_map *map, const char **uri)
{
	if (map == NULL)
		return STAT_NULL_ARG("map");
	if (uri == NULL)
		return STAT_NULL_ARG("uri");
	*uri = map->uri;
	return PMEMSET_STAT_S_OK;
}

enum pmemset_stat_status
pmemset_stat_map_name(struct pmemset_stat_map *map, const char **name)
{
	if (map == NULL)
		return STAT_NULL_ARG("map");
	if (name == NULL)
		return STAT_NULL_ARG("name");
	*name = map->name;
	return PMEMSET_STAT_S_OK;
}

enum pmemset_stat_status
pmemset_stat_map_parent(struct pmemset_stat_map *map,
		struct pmemset_stat_map **parent)
{
	if (map == NULL)
		return STAT_NULL_ARG("map");
	if (parent == NULL)
		return STAT_NULL_ARG("parent");
	if (map->parent == NULL)
		return stat_fail(PMEMSET_STAT_S_NOT_FOUND,
			"%s: %s is the root and has no parent", __func__,
			map->uri);
	*parent = map->parent;
	return PMEMSET_STAT_S_OK;
}
