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
	bool active;		 /* the source has an SDS */
	struct pmemset_sds next; /* its value once the map succeeds */
	enum pmemset_part_state state;
};

/*
 * Before mapping: compute the state, write *state_ptr, refuse a state
 * outside the acceptable set. Changes nothing in the source.
 */
int sds_before_map(struct pmemset *set, struct pmemset_source *src,
		struct sds_pending *pending);

/* after a successful map: commit (acquire); true if the SDS changed */
bool sds_after_map(struct pmemset_source *src, struct sds_pending *pending);

/* after unmapping one part of src (release); true if the SDS changed */
bool sds_release(struct pmemset_source *src);

#endif
