/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * byte_persist.h -- the set's own persist, flush and drain where stores
 * reach the persistence domain without a flush (BYTE granularity).
 */
#ifndef PMEMSET_BYTE_PERSIST_H
#define PMEMSET_BYTE_PERSIST_H

#include <stdbool.h>

struct pmemset;

/*
 * Gives a set of BYTE granularity our own persist, flush and drain, if this
 * build and process allow it (see byte_persist.c); true if it did.
 */
bool byte_persist_use(struct pmemset *set);

#endif
