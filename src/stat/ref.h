/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ref.h -- update-safe references to maps.
 */
#ifndef PMEMSET_STAT_REF_H
#define PMEMSET_STAT_REF_H

#include "stat_internal.h"

/* the map is freed: its references answer DEL_MAP from now on */
void ref_invalidate_all(struct pmemset_stat_map *map);

#endif
