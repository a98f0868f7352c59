/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tracker.h -- what a handle remembers about each set the core showed it.
 */
#ifndef PMEMSET_STAT_TRACKER_H
#define PMEMSET_STAT_TRACKER_H

#include <stdint.h>

#include "stat_internal.h"

/* the tracker of set id, or NULL */
struct stat_tracker *tracker_find(struct pmemset_stat *h, uint64_t id);
/* a new tracker for set id (not applied yet); NULL when out of memory */
struct stat_tracker *tracker_insert(struct pmemset_stat *h, uint64_t id);

#endif
