/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * callbacks.h -- calling a map's callbacks in the seed page's order.
 */
#ifndef PMEMSET_STAT_CALLBACKS_H
#define PMEMSET_STAT_CALLBACKS_H

#include "stat_internal.h"

void cb_tree(struct pmemset_stat_map *sub,
		enum pmemset_stat_tree_event event);
void cb_data(struct pmemset_stat_map *sub,
		enum pmemset_stat_data_event event);
void cb_destroy(struct pmemset_stat_map *map);

#endif
