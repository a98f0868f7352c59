// SPDX-License-Identifier: BSD-3-Clause
/*
 * iter.c -- iterators over the values of one map: SYS values first, then
 * USR values, then sub-maps, filtered by kind. An iterator fails with
 * CONC_MOD once any map was added to or removed from the tree, or a value
 * of its map was put or removed, since it started. The handle keeps a list
 * of live iterators so that closing it disarms them instead of leaving them
 * pointing at freed maps.
 */
#include "alloc.h"
#include "iter.h"
#include "status.h"
#include "values.h"

enum pmemset_stat_status
pmemset_stat_mapiter_start(struct pmemset_stat_map *map, unsigned kinds,
		struct pmemset_stat_mapiter **iter)
{
	if (map == NULL)
		return STAT_NULL_ARG("map");
	if (iter == NULL)
		return STAT_NULL_ARG("iter");
	if (kinds == 0 || (kinds & ~(unsigned)PMEMSET_STAT_KIND_ALL) != 0)
		return stat_fail(PMEMSET_STAT_S_INVAL_ARG,
			"%s: invalid kinds 0x%x (a mask of "
			"PMEMSET_STAT_KIND_SYS, _USR and _MAP)", __func__, kinds);
	struct pmemset_stat_mapiter *it = mem_zalloc(sizeof(*it));
	if (it == NULL)
		return stat_fail(PMEMSET_STAT_S_NO_MEM, "%s: out of memory",
				__func__);
	struct pmemset_stat *h = map->h;
	it->h = h;
	it->map = map;
	it->tree_version = h->tree_version;
	it->modcount = map->modcount;
	it->kinds = kinds;
	it->next = h->iters;
	if (h->iters != NULL)
		h->iters->prev = it;
	h->iters = it;
	*iter = it;
	return PMEMSET_STAT_S_OK;
}

static enum pmemset_stat_status
check_fresh(struct pmemset_stat_mapiter *it, const char *func)
{
	if (it->h == NULL)
		return stat_fail(PMEMSET_STAT_S_CONC_MOD,
			"%s: the handle was closed", func);
	/* the tree version first: the map may be gone */
	if (it->h->tree_version != it->tree_version)
		return stat_fail(PMEMSET_STAT_S_CONC_MOD,
			"%s: maps were added or removed since the iteration "
			"started", func);
	if (it->map->modcount != it->modcount)
		return stat_fail(PMEMSET_STAT_S_CONC_MOD,
			"%s: values of %s were put or removed since the "
			"iteration started", func, it->map->uri);
	return PMEMSET_STAT_S_OK;
}

/*
 * Moves it->pos to the next value of a wanted kind; returns its kind, or 0
 * at the end. Children are indexed after SYS and USR values.
 */
static unsigned
seek(struct pmemset_stat_mapiter *it)
{
	const struct pmemset_stat_map *map = it->map;
	size_t nsys = values_sys_count(map);
	size_t nusr = map->nusr;
	for (;;) {
		size_t pos = it->pos;
		if (pos < nsys) {
			if (it->kinds & PMEMSET_STAT_KIND_SYS)
				return PMEMSET_STAT_KIND_SYS;
			it->pos = nsys;
		} else if (pos < nsys + nusr) {
			if (it->kinds & PMEMSET_STAT_KIND_USR)
				return PMEMSET_STAT_KIND_USR;
			it->pos = nsys + nusr;
		} else if (pos < nsys + nusr + map->children.count) {
			if ((it->kinds & PMEMSET_STAT_KIND_MAP) &&
			    map->children.items[pos - nsys - nusr].map != NULL)
				return PMEMSET_STAT_KIND_MAP;
			it->pos++;
		} else {
			return 0;
		}
	}
}

enum pmemset_stat_status
pmemset_stat_mapiter_hasnext(struct pmemset_stat_mapiter *iter,
		bool *has_next)
{
	if (iter == NULL)
		return STAT_NULL_ARG("iter");
	if (has_next == NULL)
		return STAT_NULL_ARG("has_next");
	enum pmemset_stat_status st = check_fresh(iter, __func__);
	if (st != PMEMSET_STAT_S_OK)
		return st;
	*has_next = seek(iter) != 0;
	return PMEMSET_STAT_S_OK;
}

/*
 * A SYS value that may not be read now (see the access rules) fails with
 * INVAL_STATE; the iterator still moves past it, so the rest can be read.
 */
enum pmemset_stat_status
pmemset_stat_mapiter_next(struct pmemset_stat_mapiter *iter,
		struct pmemset_stat_nv *nv)
{
	if (iter == NULL)
		return STAT_NULL_ARG("iter");
	if (nv == NULL)
		return STAT_NULL_ARG("nv");
	enum pmemset_stat_status st = check_fresh(iter, __func__);
	if (st != PMEMSET_STAT_S_OK)
		return st;
	unsigned kind = seek(iter);
	if (kind == 0)
		return stat_fail(PMEMSET_STAT_S_NOT_FOUND,
			"%s: no more values in %s", __func__, iter->map->uri);
	struct pmemset_stat_map *map = iter->map;
	size_t nsys = values_sys_count(map);
	size_t pos = iter->pos++;
	switch (kind) {
	case PMEMSET_STAT_KIND_SYS:
		return values_sys_at(map, pos, nv, __func__);
	case PMEMSET_STAT_KIND_USR:
		values_usr_nv(map, pos - nsys, nv);
		return PMEMSET_STAT_S_OK;
	default:
		values_child_nv(map->children.items[pos - nsys -
				map->nusr].map, nv);
		return PMEMSET_STAT_S_OK;
	}
}

static void
iter_unlink(struct pmemset_stat_mapiter *it)
{
	if (it->h == NULL)
		return;
	if (it->prev != NULL)
		it->prev->next = it->next;
	else
		it->h->iters = it->next;
	if (it->next != NULL)
		it->next->prev = it->prev;
	it->prev = it->next = NULL;
}

enum pmemset_stat_status
pmemset_stat_mapiter_end(struct pmemset_stat_mapiter **iter)
{
	if (iter == NULL)
		return STAT_NULL_ARG("iter");
	if (*iter == NULL)
		return PMEMSET_STAT_S_OK;
	iter_unlink(*iter);
	mem_free(*iter);
	*iter = NULL;
	return PMEMSET_STAT_S_OK;
}

void
iter_detach_all(struct pmemset_stat *h)
{
	struct pmemset_stat_mapiter *it = h->iters;
	while (it != NULL) {
		struct pmemset_stat_mapiter *next = it->next;
		it->h = NULL;
		it->map = NULL;
		it->prev = it->next = NULL;
		it = next;
	}
	h->iters = NULL;
}
