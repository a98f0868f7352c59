/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sds.h -- shutdown data state: the state a map computes from the source's
 * SDS, and the acquire/release bookkeeping around map and unmap.
 */
#ifndef PMEMSET_SDS_H
#define PMEMSET_SDS_H

#include <stdbool.h>
#include "libpmemset.h"

struct sds_pending {
	bool active;		 /* an SDS, checked: commit or cancel it */
	struct pmemset_sds next; /* its value once the map succeeds */
	enum pmemset_part_state state;
};

/*
 * Before mapping: read the device, compute the state, write *state_ptr,
 * refuse a state outside the set's acceptable ones. Changes nothing in the
 * source's SDS. Call it holding src->grow_lock (and no set lock) and keep
 * holding it until sds_after_map, so two maps of one source never both see
 * it "not yet open". A map that fails after it simply never commits.
 */
int sds_before_map(struct pmemset *set, struct pmemset_source *src,
		struct sds_pending *pending);

/* after a successful map: commit (acquire); true if the SDS changed */
bool sds_after_map(struct pmemset_source *src, struct sds_pending *pending);

/* after unmapping one part of src (release); true if the SDS changed */
bool sds_release(struct pmemset_source *src);

/* test seam: is src->grow_lock held (by anyone)? */
bool sds_map_lock_held(struct pmemset_source *src);

#endif
