/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ref_check.h -- the checking mode of part map references
 * (PMEMSET_CHECK_REFS=1 at pmemset_new): which variable each reference
 * was handed out through, so that an extra drop through a copy of the
 * pointer is refused even while another holder's reference keeps the
 * count above zero.
 *
 * A count alone cannot tell whose reference a drop gives back. The
 * tracker binds each reference to the variable (the pmemset_part_map **
 * slot) the lookup wrote it into, and to the thread that took it. A drop
 * through that variable gives it back. A drop through another variable (a
 * copy) gives back a reference the library has since written something
 * else into the variable of (a later lookup into it: the pointer was moved
 * out, as an iteration with first/next does), or else one another thread
 * took (it may have handed the pointer over). When every reference held
 * was taken by the dropping thread and is still in its variable, the drop
 * is refused. Nothing here runs unless the mode is on. The table is the
 * set's: a variable reused for a lookup in another set does not count as
 * written for this one.
 */
#ifndef PMEMSET_REF_CHECK_H
#define PMEMSET_REF_CHECK_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct pmemset_part_map;
struct held_ref;

/*
 * One per set (in struct pmemset), so its lock is a per-set lock: a child
 * of fork(2) must not use the parent's sets, and never takes it.
 */
struct ref_table {
	pthread_mutex_t lock;
	struct held_ref *refs;
	size_t nrefs, cap;
	/* a reference could not be recorded (out of memory): drops go unchecked */
	bool incomplete;
};

/* PMEMSET_CHECK_REFS is "1" (secure_getenv) */
bool ref_check_requested(void);
/* 0, or an errno value from pthread_mutex_init */
int ref_table_init(struct ref_table *t);
void ref_table_fini(struct ref_table *t);

/* a lookup wrote pmap, with a reference, into *slot */
void ref_check_taken(struct ref_table *t, struct pmemset_part_map **slot,
		struct pmemset_part_map *pmap);
/* a lookup wrote NULL into *slot: what it held is no longer bound there */
void ref_check_slot_written(struct ref_table *t,
		struct pmemset_part_map **slot);
/*
 * A drop of pmap through *slot: 0 when it may give back a reference (and
 * the table has forgotten one), or an error code with the message set.
 */
int ref_check_drop(struct ref_table *t, struct pmemset_part_map **slot,
		struct pmemset_part_map *pmap);
/* pmap is removed (or its set deleted): its references are gone */
void ref_check_forget(struct ref_table *t,
		const struct pmemset_part_map *pmap);

#endif
