/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * iter.h -- iterators over a map's values.
 */
#ifndef PMEMSET_STAT_ITER_H
#define PMEMSET_STAT_ITER_H

#include "stat_internal.h"

/* the handle closes: its iterators fail from now on */
void iter_detach_all(struct pmemset_stat *h);

#endif
