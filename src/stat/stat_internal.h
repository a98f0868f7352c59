/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * stat_internal.h -- the observer's own structures (a handle, its maps,
 * trackers and staging), shared by the files of src/stat/. Types only:
 * each file's functions are declared in that file's own header, so the
 * files depend on each other in one direction.
 *
 * The observer reads the core only through core_view.h and keeps set ids,
 * never set pointers.
 */
#ifndef PMEMSET_STAT_INTERNAL_H
#define PMEMSET_STAT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libpmemset/stat.h"
#include "core_view.h"
#include "metrics.h"
#include "shared.h"

/* what a running callback may read: the seed page's access rules */
enum stat_phase {
	PHASE_NONE,		/* no callback running: everything */
	PHASE_RESTRICTED,	/* TREE_ADD/REM, DATA_REM, destroy: no SYS */
	PHASE_DATA_ADD		/* everything */
};

struct stat_usr {
	char *name;
	enum pmemset_stat_value_type type;
	union {
		uint64_t u64;
		char *str;
		struct {
			uint64_t *v;
			size_t n;
		} u64s;
		struct {
			char **v;
			size_t n;
		} strs;
	} v;
};

/* sorted by id; a removed child leaves a tombstone (map NULL) until compacted */
struct stat_child {
	uint64_t id;
	struct pmemset_stat_map *map;
	uint64_t seen;	/* the update epoch in which the core still had it */
};

struct stat_children {
	struct stat_child *items;
	size_t count;	/* with tombstones */
	size_t cap;
	size_t live;
};

/* a part's values as the last update saw them */
struct stat_part_snap {
	uint64_t address;
	uint64_t size;
	uint64_t offset;
	struct stat_shared *part_map;	/* in the handle's part_maps */
	struct stat_shared *source_values; /* in the handle's sources */
	const char *source;	/* a static string */
	char *source_path;	/* owned; a part's source never changes */
	enum pmem2_granularity granularity;
};

struct pmemset_stat_map {
	struct pmemset_stat *h;
	struct pmemset_stat_map *parent;
	enum stat_level level;
	uint64_t id;
	char *uri;
	const char *name;	/* inside uri, after the parent's uri and '/' */
	bool has_data;		/* between DATA_ADD and DATA_REM */

	pmemset_stat_tree_cb tree_cb;
	pmemset_stat_data_cb data_cb;
	pmemset_stat_map_cb destroy_cb;
	void *userdata;

	struct stat_children children;
	struct stat_usr *usr;
	size_t nusr;
	size_t usr_cap;
	uint64_t modcount;	/* values put or removed, children linked */
	struct pmemset_stat_mapref *refs;

	union {
		struct core_set_info set;
		struct stat_part_snap part;
	} snap;

	/* SYS arrays derived from the children, built on first read */
	uint64_t *ids;
	size_t nids;
	bool ids_valid;
	const char **paths;
	size_t npaths;
	bool paths_valid;
};

/* what the handle remembers about each set the core showed it */
struct stat_tracker {
	uint64_t id;
	uint64_t changes;	/* the set's change counter when last applied */
	uint64_t journal_head;	/* the set's journal read up to here */
	uint64_t max_part_id;	/* every part with a lower id was seen */
	bool matched;		/* the set's own URI passes the matchers */
	bool seen;		/* in this update's snapshot */
	struct pmemset_stat_map *map; /* NULL while the matchers exclude it */
};

/* a snapshot copied out from under the core's locks */
struct stat_staged_part {
	uint64_t id;
	uint64_t address;
	uint64_t size;
	uint64_t offset;
	uint64_t part_map_id;
	uint64_t part_map_address;
	uint64_t part_map_size;
	uint64_t source_id;
	uint64_t badblocks;
	const char *source;
	char *source_path;	/* copied only for parts the view lacks */
	enum pmem2_granularity granularity;
	int sds_state;
	bool gone;		/* the journal named it, the set has it no more */
	bool add;		/* new and matching: to be added */
};

struct stat_staged_set {
	struct core_set_info info;
	enum core_parts_wanted parts_wanted;
	size_t first;		/* its parts in the staged parts array */
	size_t nparts;
	size_t first_part_map;	/* its part maps in the staged array */
	size_t npart_maps;
};

struct stat_staging {
	struct stat_staged_set *sets;
	size_t nsets;
	size_t sets_cap;
	struct stat_staged_part *parts;
	size_t nparts;
	size_t parts_cap;
	struct core_part_map_info *part_maps;
	size_t npart_maps;
	size_t part_maps_cap;
	bool nomem;
};

struct stat_matcher;

struct pmemset_stat {
	uint64_t set_id;		/* 0: every live set */
	struct stat_matcher *matchers;
	size_t nmatchers;
	struct pmemset_stat_map *root;

	uint64_t generation;		/* core_generation() last applied */
	uint64_t tree_version;		/* bumps when a map comes or goes */
	uint64_t epoch;			/* one per update that looks at parts */
	enum stat_phase phase;
	bool in_callback;

	struct stat_tracker *trackers;	/* sorted by id */
	size_t ntrackers;
	size_t trackers_cap;
	size_t observed;		/* trackers with a map */
	struct stat_staging staging;
	struct stat_staged_part **order; /* new parts, sorted by id */
	size_t order_cap;
	struct stat_shared_table part_maps; /* shared by the parts */
	struct stat_shared_table sources;
	uint64_t source_seq;		/* the sources' journal read up to here */
	bool walk_all;			/* it was not: walk every set's parts */
	size_t staged_last;		/* parts the last update copied (tests) */
	struct pmemset_stat_mapiter *iters; /* live iterators */
};

struct pmemset_stat_mapiter {
	struct pmemset_stat *h;	/* NULL once the handle closed */
	struct pmemset_stat_map *map;
	uint64_t tree_version;
	uint64_t modcount;
	unsigned kinds;
	size_t pos;		/* over SYS, then USR, then children */
	struct pmemset_stat_mapiter *prev, *next;
};

struct pmemset_stat_mapref {
	struct pmemset_stat_map *map;	/* NULL once the map is freed */
	struct pmemset_stat_mapref *prev, *next;
};

#endif
