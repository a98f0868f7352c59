// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref_check.c -- the checking mode of part map references (ref_check.h):
 * one table of the references handed out to sets in that mode, each with
 * the variable it was written into.
 *
 * One lock and a linear search: the mode is for finding bugs, not for
 * speed, and it holds as many entries as references are held.
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

static pthread_mutex_t Lock = PTHREAD_MUTEX_INITIALIZER;
static struct held_ref *Refs;
static size_t Nrefs, Cap;
/* a reference could not be recorded (out of memory): drops go unchecked */
static bool Incomplete;

bool
ref_check_requested(void)
{
	const char *v = env_get("PMEMSET_CHECK_REFS");
	return v != NULL && strcmp(v, "1") == 0;
}

/* with Lock held */
static void
mark_moved(struct pmemset_part_map **slot)
{
	for (size_t i = 0; i < Nrefs; i++)
		if (Refs[i].slot == slot)
			Refs[i].moved = true;
}

/* with Lock held */
static void
forget_at(size_t i)
{
	Refs[i] = Refs[--Nrefs];
}

void
ref_check_taken(struct pmemset_part_map **slot, struct pmemset_part_map *pmap)
{
	pthread_mutex_lock(&Lock);
	mark_moved(slot);
	if (Nrefs == Cap) {
		size_t cap = Cap ? Cap * 2 : 16;
		struct held_ref *r = mem_realloc(Refs, cap * sizeof(*r));
		if (r == NULL) {
			Incomplete = true;
			pthread_mutex_unlock(&Lock);
			return;
		}
		Refs = r;
		Cap = cap;
	}
	Refs[Nrefs++] = (struct held_ref){slot, pmap, &This_thread, false};
	pthread_mutex_unlock(&Lock);
}

void
ref_check_slot_written(struct pmemset_part_map **slot)
{
	pthread_mutex_lock(&Lock);
	mark_moved(slot);
	pthread_mutex_unlock(&Lock);
}

int
ref_check_drop(struct pmemset_part_map **slot, struct pmemset_part_map *pmap)
{
	pthread_mutex_lock(&Lock);
	size_t own = Nrefs, moved = Nrefs, handed = Nrefs, held = 0;
	for (size_t i = 0; i < Nrefs; i++) {
		if (Refs[i].pmap != pmap)
			continue;
		held++;
		if (Refs[i].slot == slot && !Refs[i].moved)
			own = i;
		else if (Refs[i].moved)
			moved = i;
		else if (Refs[i].thread != &This_thread)
			handed = i;
	}
	/*
	 * Its own variable's first; else one moved out of its variable; else
	 * one another thread took, and may have handed over to this one.
	 */
	size_t give = own < Nrefs ? own : moved < Nrefs ? moved : handed;
	if (give < Nrefs) {
		forget_at(give);
		pthread_mutex_unlock(&Lock);
		return 0;
	}
	bool unchecked = Incomplete;
	pthread_mutex_unlock(&Lock);
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
ref_check_forget(const struct pmemset_part_map *pmap)
{
	pthread_mutex_lock(&Lock);
	for (size_t i = 0; i < Nrefs;) {
		if (Refs[i].pmap == pmap)
			forget_at(i);
		else
			i++;
	}
	if (Nrefs == 0) {	/* nothing held: give the memory back */
		mem_free(Refs);
		Refs = NULL;
		Cap = 0;
		Incomplete = false;
	}
	pthread_mutex_unlock(&Lock);
}
