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

/* with the lock held for writing: takes a whole part map out of the set */
void detach_part_map(struct pmemset *set, struct pmemset_part_map *pmap);

/*
 * With the lock held, before anything changes: makes bytes about to be
 * unmapped read-only, so the kernel splits their mappings now (see
 * remove.c). 0, or the error (message naming func) with nothing changed.
 */
int protect_for_removal(char *addr, size_t size, const char *func);

/*
 * Fires PART_REMOVE for each part (bytes still readable, no lock held),
 * then unmaps them in order, gives back reservation room, releases SDS and
 * fires SDS_UPDATE, and frees the parts unmapped (not the array). If an
 * unmapping fails, the parts from there on go back into the set (into
 * `home` if they are its parts: pass the part map being removed whole, or
 * NULL), with a PART_ADD each, and the error is returned.
 */
int remove_detached_parts(struct pmemset *set, struct pmemset_part **parts,
		size_t nparts, struct pmemset_part_map *home, const char *func);

#endif
