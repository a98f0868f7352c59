/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * shared.h -- values many parts share (a part map's extent, a source's SDS
 * state and bad blocks), kept once per handle in reference-counted nodes.
 */
#ifndef PMEMSET_STAT_SHARED_H
#define PMEMSET_STAT_SHARED_H

#include <stddef.h>
#include <stdint.h>

/* values many parts show, kept once */
struct stat_shared {
	uint64_t id;		/* the part map's or the source's */
	uint64_t v[2];		/* address, size or SDS state, bad blocks */
	size_t refs;		/* parts pointing here */
};
#define SHARED_PM_ADDRESS 0
#define SHARED_PM_SIZE 1
#define SHARED_SRC_SDS_STATE 0
#define SHARED_SRC_BADBLOCKS 1

struct stat_shared_table {
	struct {
		uint64_t id;
		struct stat_shared *node; /* NULL: a tombstone */
	} *slots;			/* sorted by id */
	size_t count;			/* with tombstones */
	size_t cap;
	size_t dead;
};

struct stat_shared *shared_find(const struct stat_shared_table *t,
		uint64_t id);
/* the node of id (made if needed) with these values, one more reference;
 * NULL when out of memory */
struct stat_shared *shared_hold(struct stat_shared_table *t, uint64_t id,
		uint64_t v0, uint64_t v1);
/* one reference fewer; the node goes with its last (NULL is ignored) */
void shared_release(struct stat_shared_table *t, struct stat_shared *node);
void shared_table_free(struct stat_shared_table *t);

#endif
