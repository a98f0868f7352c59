/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fork_lock.h -- a process-wide mutex that a fork() cannot leave held in
 * the child.
 *
 * fork() copies only the calling thread, so a mutex another thread held
 * stays held in the child for ever. Every process-wide lock of the library
 * is a fork_lock, and fork.c, around every fork, takes them all in the
 * order the library nests them, releases them in the parent and makes them
 * afresh in the child (its one thread has a new id, so unlocking is not
 * enough). A new process-wide lock only needs to be added to fork.c's list.
 */
#ifndef PMEMSET_FORK_LOCK_H
#define PMEMSET_FORK_LOCK_H

#include <pthread.h>

struct fork_lock {
	pthread_mutex_t mutex;
};

#define FORK_LOCK_INITIALIZER { PTHREAD_MUTEX_INITIALIZER }

static inline void
fork_lock_take(struct fork_lock *l)
{
	pthread_mutex_lock(&l->mutex);
}

static inline void
fork_lock_release(struct fork_lock *l)
{
	pthread_mutex_unlock(&l->mutex);
}

/*
 * In a forked child, whose only thread is inside nothing: the lock as if
 * never taken.
 */
void fork_lock_reset_in_child(struct fork_lock *l);

#endif
