// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref.c -- references to maps that stay safe across updates: each map
 * keeps a list of the references pointing at it and clears them when it is
 * freed, so a dereference after that gives DEL_MAP instead of a dangling
 * pointer. References may outlive the handle.
 */
#include "alloc.h"
#include "ref.h"
#include "status.h"

enum pmemset_stat_status
pmemset_stat_mapref_alloc(struct pmemset_stat_map *map,
		struct pmemset_stat_mapref **ref)
{
	if (map == NULL)
		return STAT_NULL_ARG("map");
	if (ref == NULL)
		return STAT_NULL_ARG("ref");
	struct pmemset_stat_mapref *r = mem_zalloc(sizeof(*r));
	if (r == NULL)
		return stat_fail(PMEMSET_STAT_S_NO_MEM, "%s: out of memory",
				__func__);
	r->map = map;
	r->next = map->refs;
	if (map->refs != NULL)
		map->refs->prev = r;
	map->refs = r;
	*ref = r;
	return PMEMSET_STAT_S_OK;
}

enum pmemset_stat_status
pmemset_stat_mapref_deref(struct pmemset_stat_mapref *ref,
		struct pmemset_stat_map **map)
{
	if (ref == NULL)
		return STAT_NULL_ARG("ref");
	if (map == NULL)
		return STAT_NULL_ARG("map");
	if (ref->map == NULL)
		return stat_fail(PMEMSET_STAT_S_DEL_MAP,
			"%s: the referenced map has been removed from the view",
			__func__);
	*map = ref->map;
	return PMEMSET_STAT_S_OK;
}

enum pmemset_stat_status
pmemset_stat_mapref_free(struct pmemset_stat_mapref **ref)
{
	if (ref == NULL)
		return STAT_NULL_ARG("ref");
	struct pmemset_stat_mapref *r = *ref;
	if (r == NULL)
		return PMEMSET_STAT_S_OK;
	if (r->map != NULL) {
		if (r->prev != NULL)
			r->prev->next = r->next;
		else
			r->map->refs = r->next;
		if (r->next != NULL)
			r->next->prev = r->prev;
	}
	mem_free(r);
	*ref = NULL;
	return PMEMSET_STAT_S_OK;
}

void
ref_invalidate_all(struct pmemset_stat_map *map)
{
	struct pmemset_stat_mapref *r = map->refs;
	while (r != NULL) {
		struct pmemset_stat_mapref *next = r->next;
		r->map = NULL;
		r->prev = r->next = NULL;
		r = next;
	}
	map->refs = NULL;
}
