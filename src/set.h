/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * set.h -- struct pmemset. The first fields are all the data path reads:
 * the hook word and the libpmem2 functions chosen for the set's granularity.
 */
#ifndef PMEMSET_SET_H
#define PMEMSET_SET_H

#include <pthread.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "libpmemset.h"
#include "arena.h"
#include "config.h"
#include "counters.h"
#include "journal.h"
#include "part_index.h"
#include "part_map.h"
#include "ref_check.h"

/* bits of the hook word; the data path goes straight through when it is 0 */
#define HOOK_EMPTY		(1u << 0) /* no part mapped */
#define HOOK_CALLBACK		(1u << 1) /* an event callback is set */
#define HOOK_CHECK_RANGES	(1u << 2) /* PMEMSET_CHECK_RANGES=1 */
#define HOOK_COUNTERS		(1u << 3) /* an observer counts calls */

struct rsv;
struct pmemset_part;

struct pmemset {
	/* hot: read by every data-path call */
	_Atomic unsigned hooks;
	pmem2_persist_fn persist_fn;
	pmem2_flush_fn flush_fn;
	pmem2_drain_fn drain_fn;
	pmem2_memcpy_fn memcpy_fn;
	pmem2_memmove_fn memmove_fn;
	pmem2_memset_fn memset_fn;
	_Atomic uintptr_t count_owner;	/* owned_counts[0]'s (counters.h) */

	/* everything below is guarded by lock unless atomic */
	pthread_rwlock_t lock;
	struct pmemset_config cfg;
	bool granularity_fixed;
	enum pmem2_granularity granularity;
	enum pmemset_coalescing coalescing;
	bool check_refs;		/* PMEMSET_CHECK_REFS=1: ref_check.h */
	struct ref_table ref_table;	/* used only if check_refs */
	struct part_index index;
	struct pmap_pool pmap_pool;	/* removed part maps, for reuse */
	struct pmemset_part *last_part; /* coalescing appends after its part map */
	struct rsv *user_rsv;		/* wraps cfg.reservation, if any */
	struct arena_list arenas;	/* small parts without coalescing */
	size_t nparts;
	size_t mapped_bytes;

	/* for the observer (core_view.h) */
	uint64_t id;
	_Atomic uint64_t changes;
	_Atomic int observers;
	bool observed_for_all;		/* guarded by Registry_lock */
	struct change_journal journal;	/* guarded by lock */
	struct data_counters counters;
	struct pmemset *reg_prev, *reg_next;
	struct owner_tags more_owners;	/* whose are owned_counts[1..] */
	struct owned_counters owned_counts[SET_OWNERS];
};

/* the data path's fields share one line, which the data path only reads */
_Static_assert(offsetof(struct pmemset, count_owner) +
		sizeof(uintptr_t) <= 64, "the set's hot fields fill one line");

/*
 * The set's write lock is held. Notes a change in the set's journal for the
 * observer (journal.h). Does nothing once journal_fini ran (a set being
 * deleted keeps no journal). While an observer is attached, the ring grows
 * to hold a whole set's worth of changes (beyond that, a full walk costs
 * less than the journal); otherwise it stays small and forgets.
 */
void journal_note(struct pmemset *set, enum journal_kind kind, uint64_t id,
		const void *addr);

/* called with lock held for writing after nparts changed */
void set_parts_changed(struct pmemset *set);
/* frees a set with no part map left, once nothing can reach it any more */
void set_free(struct pmemset *set);

static inline void
hooks_set(struct pmemset *set, unsigned bits)
{
	atomic_fetch_or_explicit(&set->hooks, bits, memory_order_release);
}

static inline void
hooks_clear(struct pmemset *set, unsigned bits)
{
	atomic_fetch_and_explicit(&set->hooks, ~bits, memory_order_release);
}

#endif
