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
 * Zeroed pages of anonymous memory, `size` long and starting at a multiple
 * of `align` (both powers of two, align at least a page), touched only as
 * they are used; given back with mem_unmap_aligned.
 */
void *mem_map_aligned(size_t size, size_t align);
void mem_unmap_aligned(void *ptr, size_t size);
/*
 * For objects the library places itself inside such memory: after
 * mem_poison, AddressSanitizer and valgrind report any access, as they do
 * for freed heap memory; mem_unpoison makes it usable (and defined) again.
 */
void mem_poison(void *ptr, size_t size);
void mem_unpoison(void *ptr, size_t size);

/*
 * Test seam: after `countdown` more successful allocations, the next one
 * fails (once). A negative countdown disables injection. Returns how many
 * allocations have been made since the last call.
 */
long alloc_inject_failure(long countdown);

#endif
