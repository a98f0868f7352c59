// SPDX-License-Identifier: BSD-3-Clause
/*
 * alloc.c -- the allocation seam (see alloc.h).
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "alloc.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define ASAN_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define ASAN_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define ASAN_POISON(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#ifdef PMEMSET_HAVE_VALGRIND_H
#include <valgrind/memcheck.h>
#else
#define VALGRIND_MAKE_MEM_NOACCESS(p, n) ((void)(p), (void)(n))
#define VALGRIND_MAKE_MEM_DEFINED(p, n) ((void)(p), (void)(n))
#endif

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

void *
mem_map_aligned(size_t size, size_t align)
{
	if (should_fail())
		return NULL;
	/* over-reserve, then give back what lies outside the aligned part */
	size_t len = size + align;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	uintptr_t at = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
	size_t before = at - (uintptr_t)p;
	if (before > 0)
		munmap(p, before);
	if (len - before - size > 0)
		munmap((char *)at + size, len - before - size);
	return (void *)at;
}

void
mem_unmap_aligned(void *ptr, size_t size)
{
	if (ptr != NULL)
		munmap(ptr, size);
}

void
mem_poison(void *ptr, size_t size)
{
	ASAN_POISON(ptr, size);
	(void) VALGRIND_MAKE_MEM_NOACCESS(ptr, size);
}

void
mem_unpoison(void *ptr, size_t size)
{
	ASAN_UNPOISON(ptr, size);
	(void) VALGRIND_MAKE_MEM_DEFINED(ptr, size);
}
