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

#include "fork.h"
#include "journal.h"
#include "pmem2_gate.h"
#include "refs.h"
#include "registry.h"
#include "reservation.h"

static void
before_fork(void)
{
	pthread_mutex_lock(&Registry_lock);
	source_journal_lock();
	refs_lock_before_fork();
	rsv_lock_before_fork();
	pmem2_gate_close();
}

static void
after_fork_in_parent(void)
{
	pmem2_gate_open();
	rsv_unlock_after_fork();
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
	pmem2_gate_reset_in_child();
	source_journal_lock_reset();
	refs_lock_reset_in_child();
	rsv_lock_reset_in_child();
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
