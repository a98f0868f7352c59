/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * part_map.h -- parts (one pmemset_map call's mapping each) and part maps
 * (contiguous runs of parts inside one reservation, what users iterate).
 */
#ifndef PMEMSET_PART_MAP_H
#define PMEMSET_PART_MAP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "object_id.h"
#include "part_index.h"
#include "refs.h"

struct rsv;

struct pmemset_part {
	struct pmem2_map *map;
	char *addr;
	size_t size;
	struct pmemset_source *src;
	size_t offset;		/* in the source */
	uint64_t id;		/* never reused in a process */
	struct rsv *rsv;
	struct pmemset_part_map *pmap; /* owner */
};

/*
 * A counted object (refs.h): its references, dead once it is removed, are
 * kept beside it, and a lookup and a drop touch only those (and its
 * owner's bit PMAP_CHECKED, the set's PMEMSET_CHECK_REFS: ref_check.h),
 * never the part map itself. Its fields are for mapping, removal and
 * descriptors.
 */
struct pmemset_part_map {
	struct pmemset *set;
	uint64_t id;		/* never reused in a process */
	char *addr;
	size_t size;
	struct rsv *rsv;
	struct pmemset_part **parts; /* by address, contiguous */
	size_t nparts;
	size_t cap;
	struct pmemset_part_map *pool_next;	/* in the set's pool */
};

/*
 * Lookups take no lock and no read section, so a part map they may still
 * read is never freed while its set lives: a removed one goes back to the
 * set's pool, for the set's next part map, and only pmemset_delete frees
 * them. Its count stays in place, so a late lookup that reads it bounces
 * off (dead) or, once reused, takes a reference that its index check then
 * gives back.
 */
struct pmap_pool {
	pthread_mutex_t lock;
	struct pmemset_part_map *free;
};

/* 0, or an errno value from pthread_mutex_init */
int pmap_pool_init(struct pmap_pool *pool);
/* frees the pool's part maps: only for a set no lookup can reach any more */
void pmap_pool_fini(struct pmap_pool *pool);

/* where it starts, for lock-free readers (coalescing writes it meanwhile) */
static inline char *
pmap_start(const struct pmemset_part_map *pmap)
{
	return __atomic_load_n(&pmap->addr, __ATOMIC_ACQUIRE);
}

static inline char *
pmap_end(const struct pmemset_part_map *pmap)
{
	return pmap->addr + pmap->size;
}

/* the owner's bit of a part map whose set checks its drops */
#define PMAP_CHECKED 1u

static inline bool
pmap_checked(const struct pmemset_part_map *pmap)
{
	return (refs_owner_bits(pmap) & PMAP_CHECKED) != 0;
}

/* what the set's index keeps of pmap (part_index.h) */
static inline struct index_entry
pmap_index_entry(struct pmemset_part_map *pmap)
{
	struct index_entry e = {
		.start = pmap->addr,
		.end = pmap_end(pmap),
		.pmap = pmap,
	};
	return e;
}

/* from the set's pool, or new; NULL when out of memory */
struct pmemset_part_map *pmap_new(struct pmemset *set, struct rsv *rsv);
/* back to its set's pool (NULL: nothing) */
void pmap_retire(struct pmemset_part_map *pmap);
/*
 * With the set's lock held: marks pmap dead (no lookup takes a reference
 * any more) if it holds exactly `allowed` references; otherwise returns
 * false and the count seen in *seen.
 */
static inline bool
pmap_kill(struct pmemset_part_map *pmap, long allowed, long *seen)
{
	return refs_kill(pmap, allowed, seen);
}

/* undoes pmap_kill for a part map that stays (a split's first piece) */
static inline void
pmap_revive(struct pmemset_part_map *pmap)
{
	refs_revive(pmap);
}

static inline bool
pmap_dead(const struct pmemset_part_map *pmap)
{
	return refs_dead(pmap);
}
/* makes room for `extra` more parts; 0 or -ENOMEM */
int pmap_reserve(struct pmemset_part_map *pmap, size_t extra);
/* appends a part at the end (room must have been reserved) */
void pmap_append(struct pmemset_part_map *pmap, struct pmemset_part *part);

#endif
