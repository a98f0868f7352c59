// SPDX-License-Identifier: BSD-3-Clause
/*
 * counters.c -- per-thread data-path counters (see counters.h): claiming a
 * slot, moving counts to a set's base, and summing for a reader.
 *
 * Every change to which slot holds which set, and every reading, happens
 * under the registry lock, so a reader never sees a count twice or not at
 * all; between those, only the owning thread writes its slots.
 */
#include <pthread.h>
#include <string.h>

#include "alloc.h"
#include "counters.h"
#include "registry.h"
#include "set.h"

__thread struct thread_table *Counter_table
	__attribute__((tls_model("initial-exec")));
__thread char Counter_thread_tag __attribute__((tls_model("initial-exec")));

static struct thread_table *Tables;	/* every thread's; Registry_lock */
static pthread_key_t Table_key;
static pthread_once_t Table_key_once = PTHREAD_ONCE_INIT;
static bool Table_key_made;

void
counters_add_shared(struct data_counters *base, enum counted_op op,
		size_t bytes)
{
	atomic_fetch_add_explicit(&base->v[op], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&base->v[op + 1], bytes,
			memory_order_relaxed);
}

/* the registry lock is held: the slot's counts go to its set, if alive */
static void
slot_fold(struct thread_slot *s)
{
	uint64_t id = atomic_load_explicit(&s->set_id, memory_order_relaxed);
	if (id == 0)
		return;
	for (struct pmemset *set = Registry_head; set; set = set->reg_next) {
		if (set->id != id)
			continue;
		for (int i = 0; i < COUNTERS; i++)
			atomic_fetch_add_explicit(&set->counters.v[i],
				atomic_load_explicit(&s->v[i],
					memory_order_relaxed),
				memory_order_relaxed);
		break;
	}
	for (int i = 0; i < COUNTERS; i++)
		atomic_store_explicit(&s->v[i], 0, memory_order_relaxed);
	atomic_store_explicit(&s->set_id, 0, memory_order_relaxed);
}

/* a thread ends: its counts go to the sets, its table away */
static void
table_release(void *arg)
{
	struct thread_table *t = arg;
	fork_lock_take(&Registry_lock);
	for (int i = 0; i < THREAD_SLOTS; i++)
		slot_fold(&t->slots[i]);
	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		Tables = t->next;
	if (t->next != NULL)
		t->next->prev = t->prev;
	fork_lock_release(&Registry_lock);
	Counter_table = NULL;
	mem_free(t);
}

static void
table_key_make(void)
{
	Table_key_made = pthread_key_create(&Table_key, table_release) == 0;
}

/* the registry lock is held */
static struct thread_table *
table_new(void)
{
	pthread_once(&Table_key_once, table_key_make);
	if (!Table_key_made)
		return NULL;	/* no way to learn of the thread's end */
	struct thread_table *t = mem_zalloc_lines(sizeof(*t));
	if (t == NULL)
		return NULL;
	if (pthread_setspecific(Table_key, t) != 0) {
		mem_free(t);
		return NULL;
	}
	t->next = Tables;
	if (Tables != NULL)
		Tables->prev = t;
	Tables = t;
	return t;
}

struct thread_slot *
counters_claim(uint64_t set_id)
{
	fork_lock_take(&Registry_lock);
	struct thread_table *t = Counter_table;
	if (t == NULL) {
		t = table_new();
		Counter_table = t;
	}
	struct thread_slot *s = NULL;
	if (t != NULL) {
		s = &t->slots[set_id % THREAD_SLOTS];
		/* another set had it: its counts stay counted, in its base */
		slot_fold(s);
		atomic_store_explicit(&s->set_id, set_id,
				memory_order_relaxed);
	}
	fork_lock_release(&Registry_lock);
	return s;
}

void
counters_sum(struct pmemset *set, uint64_t out[COUNTERS])
{
	for (int i = 0; i < COUNTERS; i++)
		out[i] = atomic_load_explicit(&set->counters.v[i],
				memory_order_relaxed);
	/* an owner's counters hold nothing before its tag: they stay cold */
	for (int k = 0; k < SET_OWNERS; k++) {
		_Atomic uintptr_t *tag = counters_owner_tag(&set->count_owner,
				&set->more_owners, k);
		if (atomic_load_explicit(tag, memory_order_relaxed) == 0)
			break;
		for (int i = 0; i < COUNTERS; i++)
			out[i] += atomic_load_explicit(
					&set->owned_counts[k].v[i],
					memory_order_relaxed);
	}
	struct thread_slot *s;
	for (struct thread_table *t = Tables; t != NULL; t = t->next) {
		s = &t->slots[set->id % THREAD_SLOTS];
		if (atomic_load_explicit(&s->set_id, memory_order_relaxed) !=
				set->id)
			continue;
		for (int i = 0; i < COUNTERS; i++)
			out[i] += atomic_load_explicit(&s->v[i],
					memory_order_relaxed);
	}
}
