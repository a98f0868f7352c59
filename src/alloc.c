// SPDX-License-Identifier: BSD-3-Clause
/*
 * alloc.c -- the allocation seam (see alloc.h).
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

static _Atomic long Fail_countdown = -1;
static _Atomic long Alloc_count;

static int
should_fail(void)
{
	atomic_fetch_add_explicit(&Alloc_count, 1, memory_order_relaxed);
	long c = atomic_load_explicit(&Fail_countdown, memory_order_relaxed);
	if (c < 0)
		return 0;
	/* decrement; the caller that takes it from 0 to -1 fails */
	c = atomic_fetch_sub_explicit(&Fail_countdown, 1,
			memory_order_relaxed);
	return c == 0;
}

long
alloc_inject_failure(long countdown)
{
	atomic_store(&Fail_countdown, countdown);
	return atomic_exchange(&Alloc_count, 0);
}

void *
mem_alloc(size_t size)
{
	return should_fail() ? NULL : malloc(size);
}

void *
mem_zalloc(size_t size)
{
	return should_fail() ? NULL : calloc(1, size);
}

void *
mem_zalloc_lines(size_t size)
{
	void *p;
	if (should_fail() || posix_memalign(&p, 64, size) != 0)
		return NULL;
	return memset(p, 0, size);
}

void *
mem_realloc(void *ptr, size_t size)
{
	return should_fail() ? NULL : realloc(ptr, size);
}

char *
mem_strdup(const char *s)
{
	size_t len = strlen(s) + 1;
	char *copy = mem_alloc(len);
	if (copy != NULL)
		memcpy(copy, s, len);
	return copy;
}

void
mem_free(void *ptr)
{
	free(ptr);
}
