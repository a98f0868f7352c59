/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * part_map.h -- parts (one pmemset_map call's mapping each) and part maps
 * (contiguous runs of parts inside one reservation, what users iterate).
 */
#ifndef PMEMSET_PART_MAP_H
#define PMEMSET_PART_MAP_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

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
	_Atomic long refs;	/* references held by users */
};

static inline char *
pmap_end(const struct pmemset_part_map *pmap)
{
	return pmap->addr + pmap->size;
}

struct pmemset_part_map *pmap_new(struct pmemset *set, struct rsv *rsv);
void pmap_free(struct pmemset_part_map *pmap);
/* makes room for `extra` more parts; 0 or -ENOMEM */
int pmap_reserve(struct pmemset_part_map *pmap, size_t extra);
/* appends a part at the end (room must have been reserved) */
void pmap_append(struct pmemset_part_map *pmap, struct pmemset_part *part);

/* ids of parts, part maps and sources: never reused in a process */
uint64_t next_object_id(void);

#endif
