/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snapshot.h -- copying the core's state out from under its locks.
 */
#ifndef PMEMSET_STAT_SNAPSHOT_H
#define PMEMSET_STAT_SNAPSHOT_H

#include "stat_internal.h"

void staging_reset(struct stat_staging *st);
void staging_free(struct stat_staging *st);
/* everything that changed since the trackers were last applied */
enum pmemset_stat_status snapshot_collect(struct pmemset_stat *h);
/* only the set values (counters), for an update with nothing changed */
void snapshot_refresh_counters(struct pmemset_stat *h);

#endif
