// SPDX-License-Identifier: BSD-3-Clause
/*
 * arena.c -- the set's arenas (see arena.h).
 *
 * Free room is a sorted array of extents per arena, merged with their
 * neighbours when given back; a part takes the first extent that fits.
 * A set mapping parts one after another takes them all from the front of
 * the last extent, and removing them in any order merges them back, so the
 * array stays short in the common cases.
 *
 * Placing the reservation ourselves: libpmem2 1.12.1's
 * pmem2_vm_reservation_new(addr, size) maps ALIGN_UP(size, align) + align
 * bytes at addr (align 2 MiB below 2 GiB) with MAP_FIXED_NOREPLACE, and
 * its delete unmaps only [addr, addr + size). The arena's size is a
 * multiple of the alignment, so the surplus is exactly [addr + size,
 * addr + size + align): address space we asked for and that nobody else
 * can hold while it is mapped. It is released right after the reservation
 * is made, once mincore says something is mapped there (a libpmem2 that
 * reserves no surplus leaves nothing to release).
 */
#include <errno.h>
#include <libpmem2.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "alloc.h"
#include "arena.h"

struct free_extent {
	size_t offset;
	size_t len;
};

struct arena {
	struct rsv rsv;		/* first: a part's rsv leads back here */
	char *base;
	size_t size;
	struct free_extent *free;	/* sorted by offset, never adjacent */
	size_t nfree;
	size_t cap;
	struct arena *next;
};

/* libpmem2 1.12.1's alignment of a reservation of `size` bytes */
static size_t
pmem2_rsv_alignment(size_t size)
{
	return size >= ((size_t)2 << 30) ? (size_t)1 << 30 : (size_t)2 << 20;
}

static size_t
align_up(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

/*
 * Releases libpmem2's surplus after a reservation it made at `end`'s
 * start (see the top of this file).
 */
static void
release_surplus(char *end, size_t align)
{
	unsigned char vec[1];
	long page = sysconf(_SC_PAGESIZE);
	/* mincore fails with ENOMEM where nothing is mapped */
	if (mincore(end, (size_t)page, vec) != 0)
		return;
	(void) munmap(end, align);
}

/*
 * A reservation of `size` bytes at an address of our choosing: a free
 * range found by the kernel, given back and taken again by libpmem2.
 * Another thread may map into the range between: then try another.
 */
static int
reserve_at_chosen_address(struct pmem2_vm_reservation **out, size_t size)
{
	size_t align = pmem2_rsv_alignment(size);
	size_t span = size + 2 * align;
	int ret = PMEM2_E_MAPPING_EXISTS;
	for (int attempt = 0; attempt < 8 && ret == PMEM2_E_MAPPING_EXISTS;
			attempt++) {
		void *hint = mmap(NULL, span, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
				-1, 0);
		if (hint == MAP_FAILED)
			return -errno;
		char *addr = (char *)align_up((uintptr_t)hint, align);
		(void) munmap(hint, span);
		ret = pmem2_vm_reservation_new(out, addr, size);
		if (ret == 0)
			release_surplus(addr + size, align);
	}
	return ret;
}

static int
arena_new(struct arena **out, size_t min_size)
{
	struct arena *a = mem_zalloc(sizeof(*a));
	if (a == NULL)
		return -ENOMEM;
	a->size = min_size > ARENA_SIZE ?
		align_up(min_size, pmem2_rsv_alignment(min_size)) : ARENA_SIZE;
	a->cap = 4;
	a->free = mem_alloc(a->cap * sizeof(*a->free));
	if (a->free == NULL) {
		mem_free(a);
		return -ENOMEM;
	}
	int ret = reserve_at_chosen_address(&a->rsv.pmem2_rsv, a->size);
	if (ret != 0) {
		mem_free(a->free);
		mem_free(a);
		return ret;
	}
	a->rsv.owned = true;
	a->rsv.arena = a;
	a->base = pmem2_vm_reservation_get_address(a->rsv.pmem2_rsv);
	a->free[0] = (struct free_extent){0, a->size};
	a->nfree = 1;
	*out = a;
	return 0;
}

static void
arena_delete(struct arena *a)
{
	/* empty: libpmem2 unmaps all it has left, the surplus went already */
	(void) pmem2_vm_reservation_delete(&a->rsv.pmem2_rsv);
	mem_free(a->free);
	mem_free(a);
}

/* room for one more extent; false when out of memory */
static bool
extents_reserve(struct arena *a)
{
	if (a->nfree < a->cap)
		return true;
	size_t cap = a->cap * 2;
	struct free_extent *f = mem_realloc(a->free, cap * sizeof(*f));
	if (f == NULL)
		return false;
	a->free = f;
	a->cap = cap;
	return true;
}

static void
extent_insert_at(struct arena *a, size_t i, size_t offset, size_t len)
{
	memmove(&a->free[i + 1], &a->free[i], (a->nfree - i) * sizeof(*a->free));
	a->free[i] = (struct free_extent){offset, len};
	a->nfree++;
}

static void
extent_remove_at(struct arena *a, size_t i)
{
	memmove(&a->free[i], &a->free[i + 1],
			(a->nfree - i - 1) * sizeof(*a->free));
	a->nfree--;
}

/*
 * Takes len bytes at an aligned offset from the first extent that has
 * them; false if none has (or the array cannot grow for a split).
 */
static bool
extent_take(struct arena *a, size_t len, size_t alignment, size_t *offset)
{
	uintptr_t base = (uintptr_t)a->base;
	for (size_t i = 0; i < a->nfree; i++) {
		struct free_extent *f = &a->free[i];
		/* aligned as an address: the arena's base is only 2 MiB-aligned */
		size_t at = align_up(base + f->offset, alignment) - base;
		size_t gap = at - f->offset;
		if (gap > f->len || f->len - gap < len)
			continue;
		size_t rest = f->len - gap - len;
		if (gap > 0 && rest > 0) {
			/* the extent splits in two */
			if (!extents_reserve(a))
				return false;
			f = &a->free[i];
			f->len = gap;
			extent_insert_at(a, i + 1, at + len, rest);
		} else if (gap > 0) {
			f->len = gap;
		} else if (rest > 0) {
			f->offset = at + len;
			f->len = rest;
		} else {
			extent_remove_at(a, i);
		}
		*offset = at;
		return true;
	}
	return false;
}

/* gives [offset, offset + len) back, merged with its neighbours */
static bool
extent_give_back(struct arena *a, size_t offset, size_t len)
{
	size_t lo = 0, hi = a->nfree;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a->free[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* lo: the first extent after the range */
	bool joins_prev = lo > 0 &&
		a->free[lo - 1].offset + a->free[lo - 1].len == offset;
	bool joins_next = lo < a->nfree && offset + len == a->free[lo].offset;
	if (joins_prev && joins_next) {
		a->free[lo - 1].len += len + a->free[lo].len;
		extent_remove_at(a, lo);
	} else if (joins_prev) {
		a->free[lo - 1].len += len;
	} else if (joins_next) {
		a->free[lo].offset = offset;
		a->free[lo].len += len;
	} else {
		if (!extents_reserve(a))
			return false;
		extent_insert_at(a, lo, offset, len);
	}
	return true;
}

int
arena_take(struct arena_list *list, size_t len, size_t alignment,
		struct rsv **r, size_t *offset)
{
	struct arena **link = &list->first;
	for (struct arena *a = list->first; a != NULL; a = a->next) {
		if (extent_take(a, len, alignment, offset)) {
			*r = &a->rsv;
			return 0;
		}
		link = &a->next;
	}
	struct arena *a;
	/* room for the alignment too: the arena's base is 2 MiB-aligned */
	int ret = arena_new(&a, len + alignment);
	if (ret != 0)
		return ret;
	if (!extent_take(a, len, alignment, offset)) {
		arena_delete(a);
		return -ENOMEM;
	}
	*link = a;
	*r = &a->rsv;
	return 0;
}

static bool
arena_empty(const struct arena *a)
{
	return a->nfree == 1 && a->free[0].len == a->size;
}

void
arena_give_back(struct arena_list *list, struct rsv *r, const char *addr,
		size_t len, bool keep_last)
{
	struct arena *a = r->arena;
	if (!extent_give_back(a, (size_t)(addr - a->base), len))
		return; /* out of memory: the range stays unused, nothing else */
	if (!arena_empty(a) ||
	    (keep_last && list->first == a && a->next == NULL))
		return;
	struct arena **link = &list->first;
	while (*link != a)
		link = &(*link)->next;
	*link = a->next;
	arena_delete(a);
}

void
arena_list_fini(struct arena_list *list)
{
	struct arena *a = list->first;
	while (a != NULL) {
		struct arena *next = a->next;
		arena_delete(a);
		a = next;
	}
	list->first = NULL;
}

size_t
arena_count(const struct arena_list *list)
{
	size_t n = 0;
	for (const struct arena *a = list->first; a != NULL; a = a->next)
		n++;
	return n;
}
