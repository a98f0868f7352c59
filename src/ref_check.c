// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref_check.c -- the checking mode of part map references (ref_check.h):
 * a set's table of the references it handed out, each with the variable
 * it was written into and the thread that took it.
 *
 * One lock per set and a linear search: the mode is for finding bugs, not
 * for speed, and a table holds as many entries as references are held.
 */
#include <pthread.h>
#include <string.h>

#include "alloc.h"
#include "env.h"
#include "error.h"
#include "libpmemset.h"
#include "ref_check.h"

struct held_ref {
	struct pmemset_part_map **slot;	/* the variable it was written into */
	const struct pmemset_part_map *pmap;
	const void *thread;	/* the one that took it (This_thread's address) */
	bool moved;	/* the library wrote something else into slot since */
};

/* its address tells threads apart, for as long as the thread lives */
static __thread char This_thread;


bool
ref_check_requested(void)
{
	const char *v = env_get("PMEMSET_CHECK_REFS");
	return v != NULL && strcmp(v, "1") == 0;
}

int
ref_table_init(struct ref_table *t)
{
	t->refs = NULL;
	t->nrefs = t->cap = 0;
	t->incomplete = false;
	return pthread_mutex_init(&t->lock, NULL);
}

void
ref_table_fini(struct ref_table *t)
{
	mem_free(t->refs);
	t->refs = NULL;
	pthread_mutex_destroy(&t->lock);
}

/* with t->lock held */
static void
mark_moved(struct ref_table *t, struct pmemset_part_map **slot)
{
	for (size_t i = 0; i < t->nrefs; i++)
		if (t->refs[i].slot == slot)
			t->refs[i].moved = true;
}

/* with t->lock held */
static void
forget_at(struct ref_table *t, size_t i)
{
	t->refs[i] = t->refs[--t->nrefs];
}

void
ref_check_taken(struct ref_table *t, struct pmemset_part_map **slot,
		struct pmemset_part_map *pmap)
{
	pthread_mutex_lock(&t->lock);
	mark_moved(t, slot);
	if (t->nrefs == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct held_ref *r = mem_realloc(t->refs, cap * sizeof(*r));
		if (r == NULL) {
			t->incomplete = true;
			pthread_mutex_unlock(&t->lock);
			return;
		}
		t->refs = r;
		t->cap = cap;
	}
	t->refs[t->nrefs++] = (struct held_ref){slot, pmap, &This_thread,
		false};
	pthread_mutex_unlock(&t->lock);
}

void
ref_check_slot_written(struct ref_table *t, struct pmemset_part_map **slot)
{
	pthread_mutex_lock(&t->lock);
	mark_moved(t, slot);
	pthread_mutex_unlock(&t->lock);
}

int
ref_check_drop(struct ref_table *t, struct pmemset_part_map **slot,
		struct pmemset_part_map *pmap)
{
	pthread_mutex_lock(&t->lock);
	size_t n = t->nrefs, own = n, moved = n, handed = n, held = 0;
	for (size_t i = 0; i < n; i++) {
		const struct held_ref *r = &t->refs[i];
		if (r->pmap != pmap)
			continue;
		held++;
		if (r->slot == slot && !r->moved)
			own = i;
		else if (r->moved)
			moved = i;
		else if (r->thread != &This_thread)
			handed = i;
	}
	/*
	 * Its own variable's first; else one moved out of its variable; else
	 * one another thread took, and may have handed over to this one.
	 */
	size_t give = own < n ? own : moved < n ? moved : handed;
	if (give < n) {
		forget_at(t, give);
		pthread_mutex_unlock(&t->lock);
		return 0;
	}
	bool unchecked = t->incomplete;
	pthread_mutex_unlock(&t->lock);
	/* none held at all: the count refuses it, with its own message */
	if (held == 0 || unchecked)
		return 0;
	return err_set(PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP,
		"pmemset_part_map_drop: part map %p: no reference was handed "
		"out through the variable at %p, and each of the %zu held was "
		"taken by this thread and is still in the variable it was "
		"handed out through: this drop through a copy would use up "
		"another holder's reference (refused because "
		"PMEMSET_CHECK_REFS=1); drop a reference through the variable "
		"the lookup wrote it into",
		(void *)pmap, (void *)slot, held);
}

void
ref_check_forget(struct ref_table *t, const struct pmemset_part_map *pmap)
{
	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->nrefs;) {
		if (t->refs[i].pmap == pmap)
			forget_at(t, i);
		else
			i++;
	}
	if (t->nrefs == 0) {	/* nothing held: give the memory back */
		mem_free(t->refs);
		t->refs = NULL;
		t->cap = 0;
		t->incomplete = false;
	}
	pthread_mutex_unlock(&t->lock);
}
