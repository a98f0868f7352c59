/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * openmetrics.h -- the OpenMetrics dump.
 */
#ifndef PMEMSET_STAT_OPENMETRICS_H
#define PMEMSET_STAT_OPENMETRICS_H

#include <stdio.h>

#include "stat_internal.h"

/* the map and all below it, then "# EOF" */
enum pmemset_stat_status openmetrics_dump(struct pmemset_stat_map *map,
		FILE *stream);

#endif
