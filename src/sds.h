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
	bool active;		 /* an SDS: the source's map lock is held */
	struct pmemset_sds next; /* its value once the map succeeds */
	enum pmemset_part_state state;
};

/*
 * Before mapping: read the device, compute the state, write *state_ptr,
 * refuse a state outside the set's acceptable ones. Changes nothing in the
 * source's SDS. On success with an SDS, the source's map lock (not
 * src->lock) stays held until sds_after_map or sds_cancel, so two maps of
 * one source never both see it "not yet open". Call it holding no set
 * lock. On failure nothing is held.
 */
int sds_before_map(struct pmemset *set, struct pmemset_source *src,
		struct sds_pending *pending);

/* after a successful map: commit (acquire); true if the SDS changed */
bool sds_after_map(struct pmemset_source *src, struct sds_pending *pending);

/* after a failed map: drop what sds_before_map prepared */
void sds_cancel(struct pmemset_source *src, struct sds_pending *pending);

/* after unmapping one part of src (release); true if the SDS changed */
bool sds_release(struct pmemset_source *src);

/* test seam: is the map lock of src (or of a source sharing it) held? */
bool sds_map_lock_held(const struct pmemset_source *src);

#endif
