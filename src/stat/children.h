/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * children.h -- the children of a map, sorted by id, with tombstones for
 * the removed until compacted.
 */
#ifndef PMEMSET_STAT_CHILDREN_H
#define PMEMSET_STAT_CHILDREN_H

#include <stdint.h>

#include "stat_internal.h"

struct pmemset_stat_map *tree_child(const struct pmemset_stat_map *map,
		uint64_t id);
/* the child's entry, trying next to *hint (the last position found) first */
struct stat_child *tree_child_near(struct pmemset_stat_map *map, uint64_t id,
		size_t *hint);
/* the next live child at or after position *pos, or NULL */
struct pmemset_stat_map *tree_next_child(const struct pmemset_stat_map *map,
		size_t *pos);
/* puts map among its parent's children; fails if its id is there already */
enum pmemset_stat_status children_link(struct pmemset_stat_map *parent,
		struct pmemset_stat_map *map);
/* leaves a tombstone where map was */
void children_unlink(struct pmemset_stat_map *parent,
		struct pmemset_stat_map *map);
/* drops the tombstones left by removals */
void tree_compact(struct pmemset_stat_map *map);

#endif
