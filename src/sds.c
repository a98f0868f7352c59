// SPDX-License-Identifier: BSD-3-Clause
/*
 * sds.c -- shutdown data state (see sds.h). Not implemented yet: a source
 * with an SDS refuses to map with PMEMSET_E_NOSUPP.
 */
#include "error.h"
#include "sds.h"
#include "source.h"

int
pmemset_source_set_sds(struct pmemset_source *src, struct pmemset_sds *sds,
		enum pmemset_part_state *state_ptr)
{
	(void) src;
	(void) sds;
	(void) state_ptr;
	err_clear();
	return err_set(PMEMSET_E_NOSUPP,
		"pmemset_source_set_sds: not implemented yet");
}

int
sds_before_map(struct pmemset *set, struct pmemset_source *src,
		struct sds_pending *pending)
{
	(void) set;
	pending->active = src->has_sds;
	return 0;
}

bool
sds_after_map(struct pmemset_source *src, struct sds_pending *pending)
{
	(void) src;
	(void) pending;
	return false;
}

bool
sds_release(struct pmemset_source *src)
{
	(void) src;
	return false;
}
