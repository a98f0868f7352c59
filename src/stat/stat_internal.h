/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * stat_internal.h -- the observer's own structures, shared by the files of
 * src/stat/. The observer reads the core only through core_view.h and
 * keeps set ids, never set pointers.
 */
#ifndef PMEMSET_STAT_INTERNAL_H
#define PMEMSET_STAT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libpmemset/stat.h"
#include "core_view.h"

#define STAT_STR_(x) #x
#define STAT_STR(x) STAT_STR_(x)
#define PMEMSET_STAT_VERSION_STRING \
	STAT_STR(PMEMSET_MAJOR_VERSION) "." STAT_STR(PMEMSET_MINOR_VERSION)

enum stat_level { STAT_ROOT, STAT_SET, STAT_PART };

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

/* shared.c: values many parts show, kept once (see shared.c) */
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

/*
 * tree.c: makes room for `need` elements of `elem` bytes in *array (of
 * capacity *cap), doubling; false when out of memory (the array is intact)
 */
bool stat_grow(void **array, size_t *cap, size_t need, size_t elem);

/* status.c: set pmemset_errormsg() and return the status */
enum pmemset_stat_status stat_fail(enum pmemset_stat_status status,
		const char *fmt, ...)
	__attribute__((__format__(__printf__, 2, 3)));
#define STAT_NULL_ARG(name) \
	stat_fail(PMEMSET_STAT_S_INVAL_ARG, "%s: %s is NULL", __func__, name)

/* tree.c: maps, children, removal and addition in the full event order */
struct pmemset_stat_map *tree_map_new(struct pmemset_stat *h,
		struct pmemset_stat_map *parent, enum stat_level level,
		uint64_t id);
void tree_map_free(struct pmemset_stat_map *map);
/* links a new map under its parent and fires TREE_ADD then DATA_ADD */
enum pmemset_stat_status tree_add(struct pmemset_stat_map *map);
/* removes the map and everything below it, children first */
void tree_remove(struct pmemset_stat_map *map);
struct pmemset_stat_map *tree_child(const struct pmemset_stat_map *map,
		uint64_t id);
/* the child's entry, trying next to *hint (the last position found) first */
struct stat_child *tree_child_near(struct pmemset_stat_map *map, uint64_t id,
		size_t *hint);
/* drops the tombstones left by removals */
void tree_compact(struct pmemset_stat_map *map);
/* the next live child at or after position *pos, or NULL */
struct pmemset_stat_map *tree_next_child(const struct pmemset_stat_map *map,
		size_t *pos);

/* callbacks.c: dispatch in the seed page's order */
void cb_tree(struct pmemset_stat_map *sub,
		enum pmemset_stat_tree_event event);
void cb_data(struct pmemset_stat_map *sub,
		enum pmemset_stat_data_event event);
void cb_destroy(struct pmemset_stat_map *map);

/* values.c */
size_t values_sys_count(const struct pmemset_stat_map *map);
/*
 * the i-th SYS value; fails INVAL_STATE where SYS values are not readable;
 * func is the public function, for messages
 */
enum pmemset_stat_status values_sys_at(struct pmemset_stat_map *map,
		size_t i, struct pmemset_stat_nv *nv, const char *func);
enum pmemset_stat_status values_sys_readable(struct pmemset_stat_map *map,
		const char *what);
void values_usr_nv(const struct pmemset_stat_map *map, size_t i,
		struct pmemset_stat_nv *nv);
void values_child_nv(struct pmemset_stat_map *child,
		struct pmemset_stat_nv *nv);
void values_free(struct pmemset_stat_map *map);
/* the derived arrays are rebuilt at the next read */
void values_children_changed(struct pmemset_stat_map *map);
const char *values_granularity_name(bool fixed, enum pmem2_granularity g);
const char *values_coalescing_name(enum pmemset_coalescing c);
const char *values_sds_state_name(int state);

/* dump.c: the length of a valid UTF-8 sequence at s, or 0 */
size_t stat_utf8_len(const unsigned char *s);
/* openmetrics.c: the map and all below it, then "# EOF" */
enum pmemset_stat_status openmetrics_dump(struct pmemset_stat_map *map,
		FILE *stream);

/* iter.c, ref.c */
void iter_detach_all(struct pmemset_stat *h);
void ref_invalidate_all(struct pmemset_stat_map *map);

/* match.c */
enum pmemset_stat_status match_compile(const struct pmemset_stat_matcher *m,
		size_t n, struct stat_matcher **out);
void match_free(struct stat_matcher *m, size_t n);
/* true when there are no matchers or one of them matches */
bool match_uri(const struct stat_matcher *m, size_t n, const char *uri);

/* uri.c */
#define STAT_URI_ROOT_WORD "pmemset"
#define STAT_URI_ROOT "/" STAT_URI_ROOT_WORD
#define STAT_URI_MAX 64	/* the longest URI the tree builds, with its NUL */
void uri_of(char *buf, size_t len, enum stat_level level, uint64_t set_id,
		uint64_t part_id);
/* parses "set/<n>" or "part/<k>" (the name of a sub-map) */
bool uri_parse_name(const char *name, enum stat_level level, uint64_t *id);

/* snapshot.c: copying the core's state out from under its locks */
void staging_reset(struct stat_staging *st);
void staging_free(struct stat_staging *st);
/* everything that changed since the trackers were last applied */
enum pmemset_stat_status snapshot_collect(struct pmemset_stat *h);
/* only the set values (counters), for an update with nothing changed */
void snapshot_refresh_counters(struct pmemset_stat *h);

/* update.c */
struct stat_tracker *tracker_find(struct pmemset_stat *h, uint64_t id);

#endif
