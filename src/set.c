// SPDX-License-Identifier: BSD-3-Clause
/*
 * set.c -- the set-wide settings, and freeing a set once pmemset_delete
 * (delete.c) has unmapped it and taken it out of the registry. A set is
 * made by pmemset_new (new.c).
 */
#include "alloc.h"
#include "error.h"
#include "generation.h"
#include "journal.h"
#include "part_map.h"
#include "set.h"

void
set_free(struct pmemset *s)
{
	pthread_rwlock_wrlock(&s->lock);
	journal_fini(&s->journal);
	pthread_rwlock_unlock(&s->lock);
	index_fini(&s->index);
	pmap_pool_fini(&s->pmap_pool);
	ref_table_fini(&s->ref_table);
	arena_list_fini(&s->arenas);
	mem_free(s->user_rsv);
	pthread_rwlock_destroy(&s->lock);
	mem_free(s);
}

void
journal_note(struct pmemset *set, enum journal_kind kind, uint64_t id,
		const void *addr)
{
	struct change_journal *j = &set->journal;
	if (j->ring == NULL)
		return;	/* a set being deleted */
	bool may_grow = false;
	if (journal_full(j)) {
		/* an observer behind by more than the set holds walks it all */
		size_t worth = set->nparts + set->index.count;
		bool observed = atomic_load_explicit(&set->observers,
				memory_order_relaxed) > 0;
		may_grow = observed && j->cap < worth;
	}
	journal_push(j, may_grow, kind, id, addr);
}

void
set_parts_changed(struct pmemset *set)
{
	if (set->nparts == 0)
		hooks_set(set, HOOK_EMPTY);
	else
		hooks_clear(set, HOOK_EMPTY);
	atomic_fetch_add(&set->changes, 1);
	generation_bump();
}

int
pmemset_get_store_granularity(struct pmemset *set, enum pmem2_granularity *g)
{
	if (set == NULL)
		return ERR_NULL_ARG("set");
	if (g == NULL)
		return ERR_NULL_ARG("g");
	pthread_rwlock_rdlock(&set->lock);
	bool fixed = set->granularity_fixed;
	enum pmem2_granularity value = set->granularity;
	pthread_rwlock_unlock(&set->lock);
	if (!fixed)
		return err_set(PMEMSET_E_NO_PART_MAPPED,
			"pmemset_get_store_granularity: no part has been mapped "
			"yet, so the set has no effective granularity");
	*g = value;
	return 0;
}

int
pmemset_set_contiguous_part_coalescing(struct pmemset *set,
		enum pmemset_coalescing value)
{
	if (set == NULL)
		return ERR_NULL_ARG("set");
	switch (value) {
	case PMEMSET_COALESCING_NONE:
	case PMEMSET_COALESCING_OPPORTUNISTIC:
	case PMEMSET_COALESCING_FULL:
		break;
	default:
		return err_set(PMEMSET_E_INVALID_COALESCING_VALUE,
			"pmemset_set_contiguous_part_coalescing: invalid "
			"value %d (valid: PMEMSET_COALESCING_NONE (%d), "
			"PMEMSET_COALESCING_OPPORTUNISTIC (%d), "
			"PMEMSET_COALESCING_FULL (%d))", (int)value,
			PMEMSET_COALESCING_NONE,
			PMEMSET_COALESCING_OPPORTUNISTIC,
			PMEMSET_COALESCING_FULL);
	}
	pthread_rwlock_wrlock(&set->lock);
	set->coalescing = value;
	pthread_rwlock_unlock(&set->lock);
	atomic_fetch_add(&set->changes, 1);
	generation_bump();
	return 0;
}
