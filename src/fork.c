// SPDX-License-Identifier: BSD-3-Clause
/*
 * fork.c -- keeps the library usable in a child forked while other threads
 * are inside it (libpmemset(7), FORK).
 *
 * fork() copies only the calling thread; a lock another thread held stays
 * held in the child for ever. So, around every fork, the forking thread
 * takes each process-wide lock (a fork_lock, fork_lock.h), in the order the
 * library nests them, and releases them on both sides. The process-wide
 * locks are:
 *
 *   Registry_lock        the list of sets; also guards the data-path
 *                        counters' thread tables (counters.c)
 *   Source_journal_lock  the sources' change journal (journal.c)
 *   Refs_lock            reference counts' slow paths and lanes (refs.c)
 *   User_rsv_lock        maps into and out of programs' reservations
 *                        (reservation.c)
 *   the libpmem2 gate    libpmem2 1.12.1 keeps every map in one tree under
 *                        one rwlock and has no fork handlers: a child forked
 *                        while a thread held it hangs in its first map. Our
 *                        calls that take it pass through a gate
 *                        (pmem2_gate.c), and a fork waits until none is
 *                        inside.
 *
 * Everything else process-wide is lock-free (ids, the allocation and device
 * seams, the generation) or fork-safe in glibc (pthread_once for the log,
 * stdio's locks, malloc). Per-set and per-source locks are not taken: the
 * child must not use the parent's sets and sources, and they may be held.
 * So the child also forgets the parent's sets, so that its observers, which
 * walk every set, never wait on one of them.
 */
#include <pthread.h>
#include <stddef.h>

#include "fork_lock.h"
#include "journal.h"
#include "pmem2_gate.h"
#include "refs.h"
#include "registry.h"
#include "reservation.h"

/* the process-wide locks in the order the library nests them */
static struct fork_lock *const Nesting[] = {
	&Registry_lock,
	&Source_journal_lock,
	&Refs_lock,
	&User_rsv_lock,
};
#define NLOCKS (sizeof(Nesting) / sizeof(Nesting[0]))

static void
before_fork(void)
{
	for (size_t i = 0; i < NLOCKS; i++)
		fork_lock_take(Nesting[i]);
	pmem2_gate_close();
}

static void
after_fork_in_parent(void)
{
	pmem2_gate_open();
	for (size_t i = NLOCKS; i > 0; i--)
		fork_lock_release(Nesting[i - 1]);
}

/*
 * The child's only thread: nobody else is inside anything. Its locks are
 * made afresh rather than unlocked, as its thread has a new id. The
 * registry forgets the parent's sets while its lock is still held.
 */
static void
after_fork_in_child(void)
{
	pmem2_gate_reset_in_child();
	for (size_t i = 1; i < NLOCKS; i++)
		fork_lock_reset_in_child(Nesting[i]);
	registry_forget_inherited();
	fork_lock_reset_in_child(&Registry_lock);
}

/*
 * At load, before the program's own code runs, so even a process that only
 * observes is covered. The static library is one relocatable object, so
 * this file is always in a static link too.
 */
__attribute__((constructor)) static void
install_at_load(void)
{
	/* only fails for lack of memory: forks are then as unsafe as before */
	(void) pthread_atfork(before_fork, after_fork_in_parent,
			after_fork_in_child);
}
