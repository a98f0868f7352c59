// SPDX-License-Identifier: BSD-3-Clause
/*
 * badblock.c -- bad-block detection at map time and pmemset_badblock_clear.
 * Not implemented yet: detection on refuses the map with PMEMSET_E_NOSUPP.
 */
#include <stdatomic.h>

#include "badblock.h"
#include "error.h"
#include "source.h"

int
badblock_scan_before_map(struct pmemset *set, struct pmemset_source *src)
{
	(void) set;
	if (!atomic_load(&src->badblock_detection))
		return 0;
	return err_set(PMEMSET_E_NOSUPP,
		"pmemset_map: bad-block detection is not implemented yet");
}

int
pmemset_badblock_clear(struct pmemset_badblock *bb, struct pmemset_source *src)
{
	(void) bb;
	(void) src;
	err_clear();
	return err_set(PMEMSET_E_NOSUPP,
		"pmemset_badblock_clear: not implemented yet");
}
