// SPDX-License-Identifier: BSD-3-Clause
/*
 * fork.c -- keeps the library usable in a child forked while other threads
 * are inside it (libpmemset(7), FORK).
 *
 * fork() copies only the calling thread; a lock another thread held stays
 * held in the child for ever. So, around every fork, the forking thread
 * takes each process-wide lock, in the order the library nests them, and
 * releases them on both sides. The process-wide locks are:
 *
 *   Registry_lock        the list of sets; also guards the data-path
 *                        counters' thread tables (counters.c)
 *   Source_journal_lock  the sources' change journal (journal.c)
 *   Refs_lock            reference counts' slow paths and lanes (refs.c)
 *   the libpmem2 gate    libpmem2 1.12.1 keeps every map in one tree under
 *                        one rwlock and has no fork handlers: a child forked
 *                        while a thread held it hangs in its first map. Our
 *                        calls that take it (map new and delete; persist,
 *                        flush and mem* at PAGE granularity, which look the
 *                        map up) pass through a gate, and a fork waits until
 *                        none is inside. The gate is two atomics, not a lock,
 *                        because the data path takes no lock; a thread only
 *                        waits at it while a fork is being prepared.
 *
 * Everything else process-wide is lock-free (ids, the allocation and device
 * seams, the generation) or fork-safe in glibc (pthread_once for the log,
 * stdio's locks, malloc). Per-set and per-source locks are not taken: the
 * child must not use the parent's sets and sources, and they may be held.
 * So the child also forgets the parent's sets, so that its observers, which
 * walk every set, never wait on one of them.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "fork.h"
#include "journal.h"
#include "refs.h"
#include "registry.h"
#include "set.h"

/*
 * Inside counts the threads in a gated call; Closed is set by a fork being
 * prepared. Both sequentially consistent: a thread that counted itself in
 * and then saw the gate open is seen by the fork, which closed the gate
 * before reading the count.
 */
static _Atomic long Inside;
static _Atomic int Closed;

void
pmem2_gate_enter(void)
{
	for (;;) {
		atomic_fetch_add(&Inside, 1);
		if (!atomic_load(&Closed))
			return;
		atomic_fetch_sub(&Inside, 1);
		while (atomic_load(&Closed))
			sched_yield();
	}
}

void
pmem2_gate_leave(void)
{
	atomic_fetch_sub(&Inside, 1);
}

/* with Registry_lock held, so one fork at a time closes it */
static void
gate_close(void)
{
	atomic_store(&Closed, 1);
	while (atomic_load(&Inside) != 0)
		sched_yield();
}

static void
gate_open(void)
{
	atomic_store(&Closed, 0);
}

/* libpmem2's PAGE functions: the same for every PAGE map of the process */
static struct {
	_Atomic(pmem2_persist_fn) persist;
	_Atomic(pmem2_flush_fn) flush;
	_Atomic(pmem2_memcpy_fn) memcpy;
	_Atomic(pmem2_memmove_fn) memmove;
	_Atomic(pmem2_memset_fn) memset;
} Page;

static void
gated_persist(const void *ptr, size_t size)
{
	pmem2_gate_enter();
	atomic_load_explicit(&Page.persist, memory_order_relaxed)(ptr, size);
	pmem2_gate_leave();
}

static void
gated_flush(const void *ptr, size_t size)
{
	pmem2_gate_enter();
	atomic_load_explicit(&Page.flush, memory_order_relaxed)(ptr, size);
	pmem2_gate_leave();
}

static void *
gated_memcpy(void *dest, const void *src, size_t len, unsigned flags)
{
	pmem2_gate_enter();
	void *r = atomic_load_explicit(&Page.memcpy, memory_order_relaxed)(
			dest, src, len, flags);
	pmem2_gate_leave();
	return r;
}

static void *
gated_memmove(void *dest, const void *src, size_t len, unsigned flags)
{
	pmem2_gate_enter();
	void *r = atomic_load_explicit(&Page.memmove, memory_order_relaxed)(
			dest, src, len, flags);
	pmem2_gate_leave();
	return r;
}

static void *
gated_memset(void *dest, int c, size_t len, unsigned flags)
{
	pmem2_gate_enter();
	void *r = atomic_load_explicit(&Page.memset, memory_order_relaxed)(
			dest, c, len, flags);
	pmem2_gate_leave();
	return r;
}

void
pmem2_gate_page_fns(struct pmemset *set)
{
	atomic_store(&Page.persist, set->persist_fn);
	atomic_store(&Page.flush, set->flush_fn);
	atomic_store(&Page.memcpy, set->memcpy_fn);
	atomic_store(&Page.memmove, set->memmove_fn);
	atomic_store(&Page.memset, set->memset_fn);
	set->persist_fn = gated_persist;
	set->flush_fn = gated_flush;
	set->memcpy_fn = gated_memcpy;
	set->memmove_fn = gated_memmove;
	set->memset_fn = gated_memset;
}

static void
before_fork(void)
{
	pthread_mutex_lock(&Registry_lock);
	source_journal_lock();
	refs_lock_before_fork();
	gate_close();
}

static void
after_fork_in_parent(void)
{
	gate_open();
	refs_unlock_after_fork();
	source_journal_unlock();
	pthread_mutex_unlock(&Registry_lock);
}

/*
 * The child's only thread: nobody else is inside anything. Its locks are
 * made afresh rather than unlocked, as its thread has a new id.
 */
static void
after_fork_in_child(void)
{
	atomic_store(&Inside, 0);
	gate_open();
	source_journal_lock_reset();
	refs_lock_reset_in_child();
	registry_forget_inherited();
	pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
	Registry_lock = fresh;
}

static pthread_once_t Installed = PTHREAD_ONCE_INIT;

static void
install(void)
{
	/* only fails for lack of memory: forks are then as unsafe as before */
	(void) pthread_atfork(before_fork, after_fork_in_parent,
			after_fork_in_child);
}

void
fork_guard_install(void)
{
	pthread_once(&Installed, install);
}

/*
 * At load, so even a process that only observes is covered; registry_add
 * calls it too, which keeps this file in a static link.
 */
__attribute__((constructor)) static void
install_at_load(void)
{
	fork_guard_install();
}
