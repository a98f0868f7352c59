// SPDX-License-Identifier: BSD-3-Clause
/*
 * generation.c -- the process-wide generation (see generation.h). It is
 * its own file so that everything that changes a set or a source can bump
 * it without depending on the list of sets.
 */
#include <stdatomic.h>

#include "generation.h"

static _Atomic uint64_t Generation = 1;

void
generation_bump(void)
{
	atomic_fetch_add_explicit(&Generation, 1, memory_order_release);
}

uint64_t
generation_now(void)
{
	return atomic_load_explicit(&Generation, memory_order_acquire);
}
