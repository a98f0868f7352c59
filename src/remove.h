/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * remove.h -- unmapping parts that were already detached from the index.
 */
#ifndef PMEMSET_REMOVE_H
#define PMEMSET_REMOVE_H

#include <stddef.h>

struct pmemset;
struct pmemset_part;
struct pmemset_part_map;

/*
 * Fires PART_REMOVE for each part (bytes still readable, no lock held),
 * then unmaps them, gives back reservation room, releases SDS and fires
 * SDS_UPDATE. Frees the part structures (not the array).
 */
/* with the lock held for writing: takes a whole part map out of the set */
void detach_part_map(struct pmemset *set, struct pmemset_part_map *pmap);

void remove_detached_parts(struct pmemset *set, struct pmemset_part **parts,
		size_t nparts);

#endif
