/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * internal_util.h -- helpers for OBJECT_LINKED tests only: they read the
 * library's internals (here, the registry of live sets).
 */
#ifndef PMEMSET_INTERNAL_UTIL_H
#define PMEMSET_INTERNAL_UTIL_H

#include <pthread.h>
#include <stddef.h>

#include "registry.h"
#include "set.h"

/* live sets in the process (a failed pmemset_new must leave none behind) */
static inline size_t
test_live_sets(void)
{
	size_t n = 0;
	fork_lock_take(&Registry_lock);
	for (struct pmemset *s = Registry_head; s != NULL; s = s->reg_next)
		n++;
	fork_lock_release(&Registry_lock);
	return n;
}

#endif
