/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * event.h -- the event dispatcher: calls the set's callback with no lock
 * held, never recursively on one thread.
 */
#ifndef PMEMSET_EVENT_H
#define PMEMSET_EVENT_H

#include <stdbool.h>
#include "libpmemset.h"

/* is this thread inside a callback of `set`? (mutating calls refuse) */
bool event_in_callback_of(struct pmemset *set);

/* is there a callback, and is this event in its mask? */
bool event_wanted(struct pmemset *set, enum pmemset_event type);

/*
 * What pmemset_persist reports around its work: FLUSH {addr, len}, then
 * persist(addr, len), then DRAIN, each if the mask wants it. The
 * callback's state is entered once for both events. Returns 0, so that
 * pmemset_persist can end in it.
 */
int event_persist(struct pmemset *set, void *addr, size_t len,
		pmem2_persist_fn persist);

/* fires ctx and returns the callback's value (0 if nothing was called) */
int event_fire(struct pmemset *set, struct pmemset_event_context *ctx);

/*
 * For events whose callback may stop the operation: 0 to go on, otherwise
 * the error to return (a negative return as is, a positive one as
 * PMEMSET_E_CALLBACK_ABORTED with the value in the message).
 */
int event_fire_stoppable(struct pmemset *set,
		struct pmemset_event_context *ctx, const char *operation);

/* shorthands for the events the control path fires */
void event_part_add(struct pmemset *set, void *addr, size_t len,
		struct pmem2_source *src);
void event_part_remove(struct pmemset *set, void *addr, size_t len);
void event_remove_range(struct pmemset *set, void *addr, size_t len);
void event_sds_update(struct pmemset *set, struct pmemset_source *src);

/* the IN_CALLBACK refusal, with a message naming the call */
int event_refuse_in_callback(const char *func);

#endif
