// SPDX-License-Identifier: BSD-3-Clause
/*
 * registry.c -- the list of live sets, their ids, and which of them an
 * observer watches.
 */
#include <stdatomic.h>

#include "generation.h"
#include "registry.h"
#include "set.h"

struct fork_lock Registry_lock = FORK_LOCK_INITIALIZER;
struct pmemset *Registry_head;
static uint64_t Next_set_id = 1; /* guarded by Registry_lock */
/* open handles that observe every set; guarded by Registry_lock */
static unsigned All_sets_observers;

void
registry_observe_locked(struct pmemset *set, bool attach)
{
	int before = atomic_fetch_add(&set->observers, attach ? 1 : -1);
	if (attach && before == 0)
		hooks_set(set, HOOK_COUNTERS);
	else if (!attach && before == 1)
		hooks_clear(set, HOOK_COUNTERS);
}

/* every set holds one observer for all the all-sets handles together */
static void
observe_for_all_sets(struct pmemset *set, bool attach)
{
	if (set->observed_for_all == attach)
		return;
	set->observed_for_all = attach;
	registry_observe_locked(set, attach);
}

void
registry_observe_all(bool attach)
{
	fork_lock_take(&Registry_lock);
	unsigned before = All_sets_observers;
	All_sets_observers = attach ? before + 1 : before - 1;
	if ((before == 0) != (All_sets_observers == 0))
		for (struct pmemset *s = Registry_head; s; s = s->reg_next)
			observe_for_all_sets(s, attach);
	fork_lock_release(&Registry_lock);
}

void
registry_add(struct pmemset *set)
{
	fork_lock_take(&Registry_lock);
	set->id = Next_set_id++;
	set->reg_prev = NULL;
	set->reg_next = Registry_head;
	if (Registry_head != NULL)
		Registry_head->reg_prev = set;
	Registry_head = set;
	observe_for_all_sets(set, All_sets_observers > 0);
	fork_lock_release(&Registry_lock);
	generation_bump();
}

void
registry_remove(struct pmemset *set)
{
	fork_lock_take(&Registry_lock);
	/* a parent's set deleted in a forked child is in no list */
	if (set->reg_prev == NULL && Registry_head != set) {
		fork_lock_release(&Registry_lock);
		return;
	}
	if (set->reg_prev != NULL)
		set->reg_prev->reg_next = set->reg_next;
	else
		Registry_head = set->reg_next;
	if (set->reg_next != NULL)
		set->reg_next->reg_prev = set->reg_prev;
	set->reg_prev = set->reg_next = NULL;
	fork_lock_release(&Registry_lock);
	generation_bump();
}

void
registry_forget_inherited(void)
{
	struct pmemset *s = Registry_head;
	while (s != NULL) {
		struct pmemset *next = s->reg_next;
		s->reg_prev = s->reg_next = NULL;
		s = next;
	}
	Registry_head = NULL;
	generation_bump();
}
