// SPDX-License-Identifier: BSD-3-Clause
/*
 * new.c -- pmemset_new: a set made, then put in the registry of live sets,
 * the counterpart of pmemset_delete (delete.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "env.h"
#include "error.h"
#include "event.h"
#include "journal.h"
#include "log.h"
#include "part_map.h"
#include "ref_check.h"
#include "registry.h"
#include "reservation.h"
#include "set.h"

static bool
check_ranges_requested(void)
{
	const char *v = env_get("PMEMSET_CHECK_RANGES");
	return v != NULL && strcmp(v, "1") == 0;
}

int
pmemset_new(struct pmemset **set, struct pmemset_config *cfg)
{
	if (set == NULL)
		return ERR_NULL_ARG("set");
	*set = NULL;
	if (cfg == NULL)
		return ERR_NULL_ARG("cfg");
	if (!cfg->granularity_set)
		return err_set(PMEMSET_E_GRANULARITY_NOT_SET,
			"pmemset_new: the config has no required store "
			"granularity (pmemset_config_set_required_store_granularity)");

	/* on lines: the owner's counters share none with other fields */
	struct pmemset *s = mem_zalloc_lines(sizeof(*s));
	if (s == NULL)
		goto nomem;
	if (journal_init(&s->journal) != 0)
		goto nomem;
	if (cfg->reservation != NULL) {
		s->user_rsv = rsv_wrap_user(cfg->reservation);
		if (s->user_rsv == NULL)
			goto nomem;
	}
	int ret = pthread_rwlock_init(&s->lock, NULL);
	if (ret == 0 && (ret = pmap_pool_init(&s->pmap_pool)) != 0)
		pthread_rwlock_destroy(&s->lock);
	if (ret == 0 && (ret = ref_table_init(&s->ref_table)) != 0) {
		pmap_pool_fini(&s->pmap_pool);
		pthread_rwlock_destroy(&s->lock);
	}
	if (ret != 0) {
		mem_free(s->user_rsv);
		journal_fini(&s->journal);
		mem_free(s);
		return err_errno(ret, "pmemset_new: cannot create the set lock");
	}
	s->cfg = *cfg;
	s->coalescing = PMEMSET_COALESCING_NONE;
	index_init(&s->index);

	unsigned hooks = HOOK_EMPTY;
	/* a callback that wants no data-path event keeps the fast path */
	if (cfg->callback != NULL && (cfg->event_mask & DATA_PATH_EVENTS))
		hooks |= HOOK_CALLBACK;
	if (check_ranges_requested())
		hooks |= HOOK_CHECK_RANGES;
	s->check_refs = ref_check_requested();
	atomic_init(&s->hooks, hooks);

	registry_add(s);
	log_line(LOG_CALL, "pmemset_new: set %p (id %llu) granularity %s",
			(void *)s, (unsigned long long)s->id,
			granularity_name(cfg->granularity));
	*set = s;
	return 0;

nomem:
	if (s != NULL) {
		mem_free(s->user_rsv);
		journal_fini(&s->journal);
	}
	mem_free(s);
	return err_set(PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE,
			"pmemset_new: out of memory");
}
