/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * registry.h -- the process-wide list of live sets (for the observer).
 */
#ifndef PMEMSET_REGISTRY_H
#define PMEMSET_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "fork_lock.h"

struct pmemset;

/* the list's lock; fork.c takes it around fork */
extern struct fork_lock Registry_lock;
extern struct pmemset *Registry_head;

void registry_add(struct pmemset *set);
void registry_remove(struct pmemset *set);
/*
 * In a forked child, with Registry_lock held: the parent's sets leave the
 * list (the child must not use them; their locks may be held for ever).
 */
void registry_forget_inherited(void);

/* one observer more (attach) or less on a set; Registry_lock held */
void registry_observe_locked(struct pmemset *set, bool attach);
/*
 * A handle that observes every set opened (attach) or closed: while any is
 * open, every set counts its data-path calls from its creation, so the
 * handle's first update that adds a new set already has its first calls.
 */
void registry_observe_all(bool attach);

#endif
