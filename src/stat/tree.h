/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tree.h -- the maps of a view: making, freeing, adding and removing them
 * in the full event order, and finding one by URI.
 */
#ifndef PMEMSET_STAT_TREE_H
#define PMEMSET_STAT_TREE_H

#include <stdint.h>

#include "stat_internal.h"

struct pmemset_stat_map *tree_map_new(struct pmemset_stat *h,
		struct pmemset_stat_map *parent, enum stat_level level,
		uint64_t id);
void tree_map_free(struct pmemset_stat_map *map);
/* links a new map under its parent and fires TREE_ADD then DATA_ADD */
enum pmemset_stat_status tree_add(struct pmemset_stat_map *map);
/* removes the map and everything below it, children first */
void tree_remove(struct pmemset_stat_map *map);

#endif
