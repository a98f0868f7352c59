/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * reclaim.h -- lookups without the set's lock, and the frees that wait for
 * them. Readers mark a read section (userspace RCU, the bulletproof flavour:
 * no thread has to register, which a library cannot ask of its users);
 * writers hand what readers may still hold to reclaim_later, which frees it
 * once every read section that could have seen it has ended. Frees still
 * queued when the library unloads (or the process exits) are done first.
 */
#ifndef PMEMSET_RECLAIM_H
#define PMEMSET_RECLAIM_H

#include <urcu-bp.h>

/* around a lock-free lookup; nests; writes only this thread's own slot */
void reclaim_read_begin(void);
void reclaim_read_end(void);

/*
 * Calls free_fn(head) after a grace period, from liburcu's call_rcu thread.
 * head is embedded in the object to free. Never blocks.
 */
void reclaim_later(struct rcu_head *head,
		void (*free_fn)(struct rcu_head *head));

/* free_fn begins with this, so race detectors see the grace period */
void reclaim_free_begins(void);

#endif
