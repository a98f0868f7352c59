/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * arena.h -- address space for the small parts of a set mapped without
 * coalescing and without a user reservation: a few large libpmem2
 * reservations per set (arenas), carved into parts first fit and given
 * back as parts go, so a set's address space follows its peak, not the
 * number of maps it ever made.
 *
 * Mapping into a reservation costs libpmem2 one mmap; placing a map itself
 * costs it a hint reservation, the mmap and the unmaps of what the
 * alignment left over. An arena is reserved at an address we choose, so
 * libpmem2 1.12.1's over-reservation after it is a known range, released
 * here at once: deleting an arena leaves nothing mapped.
 *
 * Every call is made with the set's lock held for writing.
 */
#ifndef PMEMSET_ARENA_H
#define PMEMSET_ARENA_H

#include <stdbool.h>
#include <stddef.h>

#include "reservation.h"

struct arena;

/* parts shorter than this go into arenas; longer ones libpmem2 places */
#define ARENA_PART_MAX ((size_t)2 << 20)

/* the address space one arena reserves */
#define ARENA_SIZE ((size_t)256 << 20)

/* a set's arenas, oldest first */
struct arena_list {
	struct arena *first;
};

/*
 * Room for len bytes aligned to `alignment` in one of the set's arenas
 * (a new one if none has room): its reservation in *r and the offset in
 * it in *offset. 0, -ENOMEM, or libpmem2's error reserving address space.
 */
int arena_take(struct arena_list *list, size_t len, size_t alignment,
		struct rsv **r, size_t *offset);

/*
 * Gives back [addr, addr + len), taken from r by arena_take and no longer
 * mapped. An arena left empty is deleted, unless it is the set's only one
 * and keep_last is set (a set whose parts come and go keeps its room; a
 * failed map leaves the set as it found it).
 */
void arena_give_back(struct arena_list *list, struct rsv *r, const char *addr,
		size_t len, bool keep_last);

/* deletes the set's arenas; every part must have been given back */
void arena_list_fini(struct arena_list *list);

/* how many arenas the set holds (tests and the bench read it) */
size_t arena_count(const struct arena_list *list);

#endif
