// SPDX-License-Identifier: BSD-3-Clause
/*
 * delete.c -- pmemset_delete: every part map unmapped, lowest first, with
 * the removal path of remove.c, then the set freed (set.c).
 */
#include "error.h"
#include "event.h"
#include "log.h"
#include "part_map.h"
#include "registry.h"
#include "remove.h"
#include "set.h"

/*
 * Takes the lowest part map out of the index (*pmap NULL when none is
 * left), so delete can unmap part map by part map with no lock held during
 * events and without allocating anything. The lowest, so that PART_REMOVE
 * comes in address order as pmemset_delete(3) promises; taking the first
 * entry of the index moves nothing either (entries float). Fails, changing
 * nothing, when its mappings cannot be prepared for unmapping (remove.h).
 */
static int
detach_first_part_map(struct pmemset *set, struct pmemset_part_map **pmap)
{
	int ret = 0;
	*pmap = NULL;
	pthread_rwlock_wrlock(&set->lock);
	if (set->index.count > 0) {
		struct pmemset_part_map *first = index_at(&set->index, 0);
		ret = protect_for_removal(first->addr, first->size,
				"pmemset_delete");
		if (ret == 0) {
			index_write_begin(&set->index);
			detach_part_map(set, first);
			index_write_end(&set->index);
			*pmap = first;
		}
	}
	pthread_rwlock_unlock(&set->lock);
	return ret;
}

int
pmemset_delete(struct pmemset **set)
{
	if (set == NULL)
		return ERR_NULL_ARG("set");
	struct pmemset *s = *set;
	if (s == NULL)
		return 0;
	if (event_in_callback_of(s))
		return event_refuse_in_callback("pmemset_delete");

	/*
	 * Everything unmapped first, the set still whole: a part that cannot
	 * be unmapped stays in it, and the set stays usable (and deletable
	 * again) rather than leaving a writable mapping nobody knows of.
	 */
	struct pmemset_part_map *pmap;
	int ret;
	while ((ret = detach_first_part_map(s, &pmap)) == 0 && pmap != NULL) {
		ret = remove_detached_parts(s, pmap->parts, pmap->nparts, pmap,
				"pmemset_delete");
		if (ret != 0)
			break;	/* pmap is back in the set */
		pmap->nparts = 0;
		pmap_retire(pmap);
	}
	if (ret != 0)
		return ret;

	log_line(LOG_CALL, "pmemset_delete: set %p", (void *)s);
	/* unreachable for observers, so none reads a dying set */
	registry_remove(s);
	set_free(s);
	*set = NULL;
	return 0;
}
