// SPDX-License-Identifier: BSD-3-Clause
/*
 * callbacks.c -- the tree, data and destroy callbacks of a map, its user
 * data, and the dispatch that calls them in the seed page's order: a tree
 * callback hears about maps below the map it is set on, a data callback
 * about that map and every map below it, the nearest ancestor first.
 *
 * While a callback runs, the handle records what it may read (SYS values
 * only during DATA_ADD) and refuses update and close.
 */
#include "callbacks.h"
#include "status.h"

enum pmemset_stat_status
pmemset_stat_map_set_tree_cb(struct pmemset_stat_map *map,
		pmemset_stat_tree_cb cb)
{
	if (map == NULL)
		return STAT_NULL_ARG("map");
	map->tree_cb = cb;
	return PMEMSET_STAT_S_OK;
}

enum pmemset_stat_status
pmemset_stat_map_set_data_cb(struct pmemset_stat_map *map,
		pmemset_stat_data_cb cb)
{
	if (map == NULL)
		return STAT_NULL_ARG("map");
	map->data_cb = cb;
	return PMEMSET_STAT_S_OK;
}

enum pmemset_stat_status
pmemset_stat_map_set_destroy_cb(struct pmemset_stat_map *map,
		pmemset_stat_map_cb cb)
{
	if (map == NULL)
		return STAT_NULL_ARG("map");
	map->destroy_cb = cb;
	return PMEMSET_STAT_S_OK;
}

enum pmemset_stat_status
pmemset_stat_map_set_userdata(struct pmemset_stat_map *map, void *data)
{
	if (map == NULL)
		return STAT_NULL_ARG("map");
	map->userdata = data;
	return PMEMSET_STAT_S_OK;
}

enum pmemset_stat_status
pmemset_stat_map_get_userdata(struct pmemset_stat_map *map, void **data)
{
	if (map == NULL)
		return STAT_NULL_ARG("map");
	if (data == NULL)
		return STAT_NULL_ARG("data");
	*data = map->userdata;
	return PMEMSET_STAT_S_OK;
}

/* marks the handle as inside a callback; returns what to restore */
static enum stat_phase
enter(struct pmemset_stat *h, enum stat_phase phase)
{
	enum stat_phase before = h->phase;
	h->phase = phase;
	h->in_callback = true;
	return before;
}

static void
leave(struct pmemset_stat *h, enum stat_phase before)
{
	h->phase = before;
	h->in_callback = before != PHASE_NONE;
}

void
cb_tree(struct pmemset_stat_map *sub, enum pmemset_stat_tree_event event)
{
	struct pmemset_stat *h = sub->h;
	/* read each slot just before calling it: a callback may change them */
	for (struct pmemset_stat_map *m = sub->parent; m != NULL;
			m = m->parent) {
		pmemset_stat_tree_cb cb = m->tree_cb;
		if (cb == NULL)
			continue;
		enum stat_phase before = enter(h, PHASE_RESTRICTED);
		cb(m, sub, event);
		leave(h, before);
	}
}

void
cb_data(struct pmemset_stat_map *sub, enum pmemset_stat_data_event event)
{
	struct pmemset_stat *h = sub->h;
	enum stat_phase phase = event == PMEMSET_STAT_DATA_ADD ?
		PHASE_DATA_ADD : PHASE_RESTRICTED;
	for (struct pmemset_stat_map *m = sub; m != NULL; m = m->parent) {
		pmemset_stat_data_cb cb = m->data_cb;
		if (cb == NULL)
			continue;
		enum stat_phase before = enter(h, phase);
		cb(m, sub, event);
		leave(h, before);
	}
}

void
cb_destroy(struct pmemset_stat_map *map)
{
	pmemset_stat_map_cb cb = map->destroy_cb;
	if (cb == NULL)
		return;
	enum stat_phase before = enter(map->h, PHASE_RESTRICTED);
	cb(map, map->userdata);
	leave(map->h, before);
}
