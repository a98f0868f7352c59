/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * alloc.h -- every allocation the library makes goes through here, so tests
 * can make the N-th one fail and check that the call rolls back.
 */
#ifndef PMEMSET_ALLOC_H
#define PMEMSET_ALLOC_H

#include <stddef.h>

void *mem_alloc(size_t size);
void *mem_zalloc(size_t size);
/*
 * Zeroed and starting on a 64-byte cache line: for objects whose hot
 * fields must share one line (freed with mem_free like the others).
 */
void *mem_zalloc_lines(size_t size);
void *mem_realloc(void *ptr, size_t size);
char *mem_strdup(const char *s);
void mem_free(void *ptr);

/*
 * Test seam: after `countdown` more successful allocations, the next one
 * fails (once). A negative countdown disables injection. Returns how many
 * allocations have been made since the last call.
 */
long alloc_inject_failure(long countdown);

#endif
