/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * badblock.h -- the bad-block scan pmemset_map runs when detection is on.
 */
#ifndef PMEMSET_BADBLOCK_H
#define PMEMSET_BADBLOCK_H

struct pmemset;
struct pmemset_source;

/*
 * Fires BADBLOCK once per bad block, rescans, fires BADBLOCKS_CLEARED if
 * all were cleared. 0 to go on mapping, or the error pmemset_map returns.
 */
int badblock_scan_before_map(struct pmemset *set, struct pmemset_source *src);

#endif
