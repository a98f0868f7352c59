/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * counters.h -- the data-path counters an observer reads (core_view.h).
 *
 * Each thread counts with a plain load and store (no locked instruction,
 * no cache line shared with other threads). The first SET_OWNERS threads
 * that count for a set own counters kept in the set itself (struct
 * owned_counters): their address follows from the set pointer the caller
 * passed, so the store's address is known at once. Any further thread
 * counts into a table of its own, found through a thread-local pointer:
 * beside a 4 KiB copy on the benchmark machine that chain of loads before
 * the store costs about 3 ns a call, an owner's count 0.5-1 ns (medians
 * over processes: bench/README.md, "Issue 24 after 81516c7").
 * A reader sums the owned counters, the threads' tables and the set's
 * base. A thread's table counts move to the base when it exits or needs
 * its slot for another set. All of this only while an observer watches
 * the set (HOOK_COUNTERS).
 */
#ifndef PMEMSET_COUNTERS_H
#define PMEMSET_COUNTERS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* each counted operation has its calls at op and its bytes at op + 1 */
enum counted_op {
	COUNT_PERSIST = 0,
	COUNT_FLUSH = 2,
	COUNT_DRAIN = 4,	/* its bytes stay 0 */
	COUNT_COPY = 6,
	COUNT_MOVE = 8,
	COUNT_SET = 10,
	COUNTERS = 12
};

/* a set's base: what threads that exited or moved on had counted */
struct data_counters {
	_Atomic uint64_t v[COUNTERS];
};

/*
 * The counts of one of the set's owning threads, on lines of their own so
 * that other threads' calls do not share them.
 */
struct owned_counters {
	_Atomic uint64_t v[COUNTERS];
} __attribute__((aligned(64)));

/*
 * How many threads count in the set itself. The first owner's tag is in
 * the set's first line, which the data path only reads; the others' tags
 * fill one line of their own, which only a claim writes. Tags are taken in
 * order and never given back, so the first free one ends a search.
 */
#define SET_OWNERS 8

struct owner_tags {
	_Atomic uintptr_t tag[SET_OWNERS - 1];	/* owners 1 and on; 0: free */
} __attribute__((aligned(64)));

/*
 * A thread's tag: the address of one of its thread-local bytes, which no
 * other live thread has. A thread that reuses a dead owner's address may
 * go on with its counters: there is still one writer at a time.
 */
extern __thread char Counter_thread_tag
	__attribute__((tls_model("initial-exec")));

static inline uintptr_t
counters_self(void)
{
	return (uintptr_t)&Counter_thread_tag;
}

/* one set's counts by one thread (v first: each pair on 16 bytes) */
struct thread_slot {
	_Atomic uint64_t v[COUNTERS];
	_Atomic uint64_t set_id;	/* 0: free */
} __attribute__((aligned(16)));

/* direct-mapped by set id: sets made one after another never collide */
#define THREAD_SLOTS 16

struct thread_table {
	struct thread_slot slots[THREAD_SLOTS];
	struct thread_table *prev, *next;	/* guarded by Registry_lock */
};

extern __thread struct thread_table *Counter_table
	__attribute__((tls_model("initial-exec")));

struct pmemset;

/* the slow way to this thread's slot for the set (NULL: out of memory) */
struct thread_slot *counters_claim(uint64_t set_id);
/* counts in the set's base, for when there is no slot */
void counters_add_shared(struct data_counters *base, enum counted_op op,
		size_t bytes);

/*
 * One call of op, of `bytes`, in a table of one writer's counters: only
 * that thread writes them, so a load and a store will do. On x86-64 the
 * pair (calls, bytes) is loaded, added to and stored as one 16-byte unit:
 * beside a 4 KiB copy on the benchmark machine, two 8-byte read-modify-
 * writes of one line cost 1.2-1.4 ns a call, the one 16-byte one about
 * 0.55 (medians over processes and four places of the copy). A reader
 * loads each counter alone, and an aligned 16-byte SSE store never tears
 * an aligned 8-byte half. It is asm because in C it would be a plain
 * access to atomic objects.
 */
static inline void
counters_bump_op(_Atomic uint64_t v[COUNTERS], enum counted_op op,
		size_t bytes)
{
#if defined(__x86_64__)
	typedef long long pair __attribute__((vector_size(16)));
	pair add = {1, (long long)bytes};
	pair sum;
	__asm__("movdqa %1, %0\n\t"
		"paddq %2, %0\n\t"
		"movdqa %0, %1"
		: "=&x"(sum), "+m"(*(pair *)(void *)&v[op])
		: "x"(add));
#else
	atomic_store_explicit(&v[op], atomic_load_explicit(&v[op],
			memory_order_relaxed) + 1, memory_order_relaxed);
	atomic_store_explicit(&v[op + 1], atomic_load_explicit(&v[op + 1],
			memory_order_relaxed) + bytes, memory_order_relaxed);
#endif
}

/* owner k's tag: the first one's in the set's hot line, the others' apart */
static inline _Atomic uintptr_t *
counters_owner_tag(_Atomic uintptr_t *first, struct owner_tags *more, int k)
{
	return k == 0 ? first : &more->tag[k - 1];
}

/*
 * Counts in the set's owned counters if this thread owns some: the first
 * owner on the fall-through, the others after a look at their tags' line.
 */
static inline bool
counters_add_owned(_Atomic uintptr_t *first, struct owner_tags *more,
		struct owned_counters c[SET_OWNERS], enum counted_op op,
		size_t bytes)
{
	uintptr_t self = counters_self();
	if (__builtin_expect(atomic_load_explicit(first, memory_order_relaxed)
			== self, 1)) {
		counters_bump_op(c[0].v, op, bytes);
		return true;
	}
	for (int k = 1; k < SET_OWNERS; k++) {
		uintptr_t tag = atomic_load_explicit(
				counters_owner_tag(first, more, k),
				memory_order_relaxed);
		if (tag == self) {
			counters_bump_op(c[k].v, op, bytes);
			return true;
		}
		if (tag == 0)
			break;
	}
	return false;
}

/* takes the first free owner tag: its index, or -1 when all are taken */
static inline int
counters_take_owned(_Atomic uintptr_t *first, struct owner_tags *more)
{
	for (int k = 0; k < SET_OWNERS; k++) {
		uintptr_t none = 0;
		if (atomic_compare_exchange_strong_explicit(
				counters_owner_tag(first, more, k), &none,
				counters_self(), memory_order_relaxed,
				memory_order_relaxed))
			return k;
	}
	return -1;
}

/*
 * Counts only if this thread already holds the set's slot (every call but
 * its first): the caller leaves the claim to its slow path, so that it
 * needs no registers saved around a call.
 */
static inline bool
counters_add_claimed(uint64_t set_id, enum counted_op op, size_t bytes)
{
	struct thread_table *t = Counter_table;
	if (t == NULL)
		return false;
	struct thread_slot *s = &t->slots[set_id % THREAD_SLOTS];
	if (atomic_load_explicit(&s->set_id, memory_order_relaxed) != set_id)
		return false;
	counters_bump_op(s->v, op, bytes);
	return true;
}

/* for a thread that found no slot of its own for the set: claims one */
static inline void
counters_add_by_claim(uint64_t set_id, struct data_counters *base,
		enum counted_op op, size_t bytes)
{
	struct thread_slot *s = counters_claim(set_id);
	if (s == NULL) {
		counters_add_shared(base, op, bytes);
		return;
	}
	counters_bump_op(s->v, op, bytes);
}

/* the set's totals; the registry lock is held */
void counters_sum(struct pmemset *set, uint64_t out[COUNTERS]);

#endif
