// SPDX-License-Identifier: BSD-3-Clause
/*
 * byte_persist.c -- persist, flush and drain for BYTE granularity.
 *
 * With BYTE granularity a store is persistent once it is globally visible
 * (eADR, or PMEM2_FORCE_GRANULARITY=BYTE for tests): nothing needs
 * flushing, and persist and drain are an sfence that orders the stores.
 * libpmem2 1.12's functions for this do exactly that work, but behind two
 * nested calls (persist, then its fence through a pointer) and a 136-byte
 * frame with a stack canary, for its debug log and pmemcheck annotations;
 * at a few nanoseconds a call that frame is a third of pmemset_persist.
 * Ours are the sfence alone.
 *
 * Only on x86-64, where libpmem2's fence is sfence on every CPU, and never
 * under valgrind: pmemcheck learns of flushes from libpmem2's annotations,
 * so a program checked with it keeps libpmem2's functions.
 */
#include "byte_persist.h"
#include "set.h"

#if defined(__x86_64__) && defined(PMEMSET_HAVE_VALGRIND_H)
#include <valgrind/valgrind.h>

static void
byte_persist(const void *ptr, size_t size)
{
	(void) ptr;
	(void) size;
	__builtin_ia32_sfence();
}

static void
byte_flush(const void *ptr, size_t size)
{
	/* already in the persistence domain: the drain orders it */
	(void) ptr;
	(void) size;
}

static void
byte_drain(void)
{
	__builtin_ia32_sfence();
}

bool
byte_persist_use(struct pmemset *set)
{
	if (RUNNING_ON_VALGRIND)
		return false;
	set->persist_fn = byte_persist;
	set->flush_fn = byte_flush;
	set->drain_fn = byte_drain;
	return true;
}

#else

bool
byte_persist_use(struct pmemset *set)
{
	(void) set;
	return false;
}

#endif
