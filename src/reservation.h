/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * reservation.h -- address space for part maps: our own generous
 * reservations (one per part map when coalescing is on, shrunk as parts
 * go), or the user's, which we never resize or delete. Without coalescing
 * and without a user reservation, a small part goes into one of the set's
 * arenas (arena.h) and libpmem2 places a bigger one itself (the part has
 * no struct rsv then).
 */
#ifndef PMEMSET_RESERVATION_H
#define PMEMSET_RESERVATION_H

#include <stdbool.h>
#include <stddef.h>

struct pmem2_map;
struct pmem2_vm_reservation;
struct arena;

struct rsv {
	struct pmem2_vm_reservation *pmem2_rsv;
	bool owned;	/* ours: shrink and delete it as parts go */
	size_t nparts;	/* parts of the set living in it */
	struct arena *arena;	/* this is an arena's (arena.h), or NULL */
};

/* room a new internal reservation keeps after its first part for coalescing */
#define COALESCE_SLACK ((size_t)256 << 20)

int rsv_new_internal(struct rsv **out, size_t size);
struct rsv *rsv_wrap_user(struct pmem2_vm_reservation *user);
char *rsv_base(const struct rsv *r);
size_t rsv_size(const struct rsv *r);
/* is [offset, offset + len) inside the reservation and free of mappings? */
bool rsv_range_free(struct rsv *r, size_t offset, size_t len);
/* first free, aligned offset fitting len; -1 as (size_t) if none */
size_t rsv_first_fit(struct rsv *r, size_t len, size_t alignment);
/* make an owned reservation at least `size` bytes long; 0 or error code */
int rsv_grow(struct rsv *r, size_t size);
/* give back room that no part can use any more; keep_tail keeps slack */
void rsv_trim(struct rsv *r, bool keep_tail);
/* free an owned reservation once empty; the wrapper of a user one stays */
void rsv_release_if_empty(struct rsv **r);

/*
 * Around finding room in, mapping into and unmapping from a reservation:
 * a user's may be shared by several sets used from several threads, and
 * libpmem2 1.12.1 searches a reservation's tree with no lock at all
 * (pmem2_vm_reservation_map_find*). Our own reservations belong to one set,
 * whose lock is held: nothing to do for them. A leaf lock.
 */
void rsv_lock_shared(const struct rsv *r);
void rsv_unlock_shared(const struct rsv *r);

/*
 * Deletes a pmem2 map placed in r (NULL: placed by libpmem2 itself), inside
 * what guards it: the lock above and the libpmem2 gate (pmem2_gate.h).
 * 0 or libpmem2's error.
 */
int rsv_map_delete(const struct rsv *r, struct pmem2_map **map);

/* the lock of programs' reservations; fork.c takes it around fork */
struct fork_lock;
extern struct fork_lock User_rsv_lock;

#endif
