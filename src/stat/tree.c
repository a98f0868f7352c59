// SPDX-License-Identifier: BSD-3-Clause
/*
 * tree.c -- the maps of a view and their children: creating, linking and
 * freeing maps, and adding or removing them in the seed page's order
 * (TREE_ADD, DATA_ADD ... DATA_REM, TREE_REM, destroy, freed; children are
 * removed completely before their parent), and finding a map by URI.
 */
#include <string.h>

#include "alloc.h"
#include "callbacks.h"
#include "children.h"
#include "ref.h"
#include "shared.h"
#include "status.h"
#include "tree.h"
#include "uri.h"
#include "values.h"

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
	enum pmemset_stat_status st = children_link(map->parent, map);
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
		children_unlink(map->parent, map);
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

enum pmemset_stat_status
pmemset_stat_lookup_map(struct pmemset_stat *handle, const char *uri,
		struct pmemset_stat_map **map)
{
	if (handle == NULL)
		return STAT_NULL_ARG("handle");
	if (uri == NULL)
		return STAT_NULL_ARG("uri");
	if (map == NULL)
		return STAT_NULL_ARG("map");

	uint64_t ids[2];
	size_t depth;
	struct pmemset_stat_map *m = NULL;
	if (uri_parse(uri, ids, &depth)) {
		m = handle->root;
		for (size_t i = 0; i < depth && m != NULL; i++)
			m = tree_child(m, ids[i]);
	}
	if (m == NULL)
		return stat_fail(PMEMSET_STAT_S_NOT_FOUND,
			"pmemset_stat_lookup_map: no map \"%s\" in the view "
			"(URIs are /pmemset[/set/<n>[/part/<k>]])", uri);
	*map = m;
	return PMEMSET_STAT_S_OK;
}
