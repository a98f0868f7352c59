// SPDX-License-Identifier: BSD-3-Clause
/*
 * fork_lock.c -- making a fork_lock afresh in a forked child (see
 * fork_lock.h).
 */
#include "fork_lock.h"

void
fork_lock_reset_in_child(struct fork_lock *l)
{
	struct fork_lock fresh = FORK_LOCK_INITIALIZER;
	*l = fresh;
}
