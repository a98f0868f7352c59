/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * part_map.h -- parts (one pmemset_map call's mapping each) and part maps
 * (contiguous runs of parts inside one reservation, what users iterate).
 */
#ifndef PMEMSET_PART_MAP_H
#define PMEMSET_PART_MAP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reclaim.h"

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

struct pmemset_part_map {
	struct pmemset *set;
	uint64_t id;		/* never reused in a process */
	char *addr;
	size_t size;
	struct rsv *rsv;
	struct pmemset_part **parts; /* by address, contiguous */
	size_t nparts;
	size_t cap;
	_Atomic long refs;	/* references held by users, and PMAP_DEAD */
	struct rcu_head rcu;	/* for the free after lock-free readers */
};

/*
 * Set in refs by a remover that found exactly the references it may hold:
 * from then on no lookup can take one (a reference is taken "unless dead").
 * Far above any count, so counting on top of it cannot reach it or carry.
 */
#define PMAP_DEAD (1L << 48)

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

struct pmemset_part_map *pmap_new(struct pmemset *set, struct rsv *rsv);
/* frees at once: for part maps no lock-free reader can have seen */
void pmap_free(struct pmemset_part_map *pmap);
/* frees once lock-free readers that may hold it are gone */
void pmap_free_later(struct pmemset_part_map *pmap);
/* a new reference, unless the part map is dead; lock-free */
bool pmap_try_ref(struct pmemset_part_map *pmap);
/* gives back a reference pmap_try_ref took but the lookup did not keep */
void pmap_unref(struct pmemset_part_map *pmap);
/*
 * With the set's lock held: marks pmap dead if it holds exactly `allowed`
 * references; otherwise returns false and the count seen in *seen.
 */
bool pmap_kill(struct pmemset_part_map *pmap, long allowed, long *seen);
/* undoes pmap_kill for a part map that stays (a split's first piece) */
void pmap_revive(struct pmemset_part_map *pmap);
/* makes room for `extra` more parts; 0 or -ENOMEM */
int pmap_reserve(struct pmemset_part_map *pmap, size_t extra);
/* appends a part at the end (room must have been reserved) */
void pmap_append(struct pmemset_part_map *pmap, struct pmemset_part *part);

/* ids of parts, part maps and sources: never reused in a process */
uint64_t next_object_id(void);

#endif
