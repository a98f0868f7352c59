/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libpmemset/stat.h -- the observer module: a view of sets and their parts
 * as a tree of maps, resynchronised by pmemset_stat_update(), which tells
 * the application about maps that appear and disappear through callbacks.
 * Modelled on Solaris' libkstat2.
 *
 * The tree:
 *	/pmemset			the root of a handle
 *	/pmemset/set/<n>		one per observed set
 *	/pmemset/set/<n>/part/<k>	one per part (one pmemset_map call)
 * <n> and <k> are ids that are never reused in a process.
 *
 * Every function returns a status; on failure it also sets
 * pmemset_errormsg() and leaves its out-parameters unchanged.
 *
 * Threads: a handle, and every map, iterator and value obtained through it,
 * may be used by one thread at a time (any thread; serialising is up to the
 * application). Different handles are independent. The observed sets stay
 * fully thread-safe: an update running while other threads map and unmap
 * sees a consistent snapshot of each set.
 */
#ifndef LIBPMEMSET_STAT_H
#define LIBPMEMSET_STAT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pmemset;
struct pmemset_stat;		/* a handle: one view */
struct pmemset_stat_map;	/* one node of the view's tree */
struct pmemset_stat_mapiter;	/* walks the values of one map */
struct pmemset_stat_mapref;	/* a reference that survives updates */

/* kstat2's order */
enum pmemset_stat_status {
	PMEMSET_STAT_S_OK = 0,
	PMEMSET_STAT_S_NO_PERM,		/* the value belongs to the library */
	PMEMSET_STAT_S_NO_MEM,
	PMEMSET_STAT_S_NO_SPACE,	/* the caller's buffer is too small */
	PMEMSET_STAT_S_INVAL_ARG,
	PMEMSET_STAT_S_INVAL_STATE,	/* not allowed now (see the rules) */
	PMEMSET_STAT_S_INVAL_TYPE,	/* the value has another type */
	PMEMSET_STAT_S_NOT_FOUND,
	PMEMSET_STAT_S_CONC_MOD,	/* the tree changed under an iterator */
	PMEMSET_STAT_S_DEL_MAP,		/* the referenced map is gone */
	PMEMSET_STAT_S_SYS_FAIL		/* a system call failed (e.g. a write) */
};

enum pmemset_stat_tree_event {
	PMEMSET_STAT_TREE_ADD = 0,
	PMEMSET_STAT_TREE_REM = 1
};

enum pmemset_stat_data_event {
	PMEMSET_STAT_DATA_ADD = 0,
	PMEMSET_STAT_DATA_REM = 1
};

/*
 * Called with the map the callback was set on, the map added or removed
 * (tree) or whose data was added or removed (data), and the event.
 */
typedef void (*pmemset_stat_tree_cb)(struct pmemset_stat_map *map,
		struct pmemset_stat_map *sub_map,
		enum pmemset_stat_tree_event event);
typedef void (*pmemset_stat_data_cb)(struct pmemset_stat_map *map,
		struct pmemset_stat_map *sub_map,
		enum pmemset_stat_data_event event);
/* called just before the map is freed, with its user data */
typedef void (*pmemset_stat_map_cb)(struct pmemset_stat_map *map,
		void *user_data);

/* matchers given at open restrict the view to maps whose URI matches */
enum pmemset_stat_match {
	PMEMSET_STAT_MATCH_STRING,	/* the whole URI, exactly */
	PMEMSET_STAT_MATCH_GLOB,	/* fnmatch(3), no flags: '*' crosses '/' */
	PMEMSET_STAT_MATCH_REGEX	/* POSIX extended regex; anchor with ^$ */
};

struct pmemset_stat_matcher {
	enum pmemset_stat_match type;
	const char *pattern;
};

/* value types (kstat2's order) */
enum pmemset_stat_value_type {
	PMEMSET_STAT_TYPE_MAP = 0,
	PMEMSET_STAT_TYPE_UINT64 = 1,
	PMEMSET_STAT_TYPE_UINT64_ARRAY = 2,
	PMEMSET_STAT_TYPE_STRING = 3,
	PMEMSET_STAT_TYPE_STRING_ARRAY = 4
};

/* value kinds, also used as a mask by pmemset_stat_mapiter_start() */
enum pmemset_stat_value_kind {
	PMEMSET_STAT_KIND_SYS = 1 << 0,	/* the library's, a snapshot */
	PMEMSET_STAT_KIND_USR = 1 << 1,	/* put by the application */
	PMEMSET_STAT_KIND_MAP = 1 << 2,	/* a sub-map */
	PMEMSET_STAT_KIND_ALL = 7
};

/* how a number is meant to be read (the text dump prints addresses in hex) */
enum pmemset_stat_unit {
	PMEMSET_STAT_UNIT_NONE = 0,
	PMEMSET_STAT_UNIT_BYTES = 1,
	PMEMSET_STAT_UNIT_ADDRESS = 2
};

/*
 * One value. Pointers in it stay valid until the next update or close of
 * the handle, or until a USR value is put again or removed.
 */
struct pmemset_stat_nv {
	const char *name;
	enum pmemset_stat_value_type type;
	enum pmemset_stat_value_kind kind;
	enum pmemset_stat_unit unit;
	union {
		uint64_t uint64;
		struct {
			const uint64_t *array;
			size_t length;
		} uint64_array;
		const char *string;
		struct {
			const char *const *array;
			size_t length;
		} string_array;
		struct pmemset_stat_map *map;
	} data;
};

enum pmemset_stat_dump_format {
	PMEMSET_STAT_DUMP_TEXT = 0,
	PMEMSET_STAT_DUMP_JSON = 1,
	PMEMSET_STAT_DUMP_OPENMETRICS = 2	/* OpenMetrics 1.0 text */
};

/* the handle */
enum pmemset_stat_status pmemset_stat_open(struct pmemset_stat **handle,
		struct pmemset *set /* NULL: every live set */,
		const struct pmemset_stat_matcher *matchers,
		size_t nmatchers /* 0: everything */);
/*
 * Brings the view up to date, calling the callbacks. With nothing created,
 * deleted, mapped or unmapped since the last update it only refreshes the
 * counters of the observed sets; otherwise it copies the sets that changed.
 */
enum pmemset_stat_status pmemset_stat_update(struct pmemset_stat *handle);
enum pmemset_stat_status pmemset_stat_close(struct pmemset_stat **handle);
enum pmemset_stat_status pmemset_stat_root(struct pmemset_stat *handle,
		struct pmemset_stat_map **root);
enum pmemset_stat_status pmemset_stat_lookup_map(struct pmemset_stat *handle,
		const char *uri, struct pmemset_stat_map **map);
/*
 * The URI of a live set's map (/pmemset/set/<n>), for
 * pmemset_stat_lookup_map; PMEMSET_STAT_SET_URI_MAX bytes always suffice.
 */
#define PMEMSET_STAT_SET_URI_MAX 64
enum pmemset_stat_status pmemset_stat_set_uri(struct pmemset *set, char *buf,
		size_t buflen);

/* maps */
enum pmemset_stat_status pmemset_stat_map_uri(struct pmemset_stat_map *map,
		const char **uri);
enum pmemset_stat_status pmemset_stat_map_name(struct pmemset_stat_map *map,
		const char **name);
enum pmemset_stat_status pmemset_stat_map_parent(struct pmemset_stat_map *map,
		struct pmemset_stat_map **parent);
enum pmemset_stat_status pmemset_stat_map_size(struct pmemset_stat_map *map,
		size_t *count);

/* callbacks and user data */
enum pmemset_stat_status pmemset_stat_map_set_tree_cb(
		struct pmemset_stat_map *map, pmemset_stat_tree_cb cb);
enum pmemset_stat_status pmemset_stat_map_set_data_cb(
		struct pmemset_stat_map *map, pmemset_stat_data_cb cb);
enum pmemset_stat_status pmemset_stat_map_set_destroy_cb(
		struct pmemset_stat_map *map, pmemset_stat_map_cb cb);
enum pmemset_stat_status pmemset_stat_map_set_userdata(
		struct pmemset_stat_map *map, void *data);
enum pmemset_stat_status pmemset_stat_map_get_userdata(
		struct pmemset_stat_map *map, void **data);

/* reading values by name */
enum pmemset_stat_status pmemset_stat_map_get(struct pmemset_stat_map *map,
		const char *name, struct pmemset_stat_nv *nv);
enum pmemset_stat_status pmemset_stat_map_get_uint64(
		struct pmemset_stat_map *map, const char *name, uint64_t *value);
enum pmemset_stat_status pmemset_stat_map_get_string(
		struct pmemset_stat_map *map, const char *name,
		const char **value);
enum pmemset_stat_status pmemset_stat_map_get_uint64_array(
		struct pmemset_stat_map *map, const char *name,
		const uint64_t **values, size_t *length);
enum pmemset_stat_status pmemset_stat_map_get_string_array(
		struct pmemset_stat_map *map, const char *name,
		const char *const **values, size_t *length);
enum pmemset_stat_status pmemset_stat_map_get_map(
		struct pmemset_stat_map *map, const char *name,
		struct pmemset_stat_map **sub_map);

/* USR values: copied in; a name the library uses gives NO_PERM */
enum pmemset_stat_status pmemset_stat_map_put_uint64(
		struct pmemset_stat_map *map, const char *name, uint64_t value);
enum pmemset_stat_status pmemset_stat_map_put_string(
		struct pmemset_stat_map *map, const char *name,
		const char *value);
enum pmemset_stat_status pmemset_stat_map_put_uint64_array(
		struct pmemset_stat_map *map, const char *name,
		const uint64_t *values, size_t length);
enum pmemset_stat_status pmemset_stat_map_put_string_array(
		struct pmemset_stat_map *map, const char *name,
		const char *const *values, size_t length);
enum pmemset_stat_status pmemset_stat_map_remove(struct pmemset_stat_map *map,
		const char *name);

/* iterators: fail with CONC_MOD once the tree or the map changed */
enum pmemset_stat_status pmemset_stat_mapiter_start(
		struct pmemset_stat_map *map, unsigned kinds,
		struct pmemset_stat_mapiter **iter);
enum pmemset_stat_status pmemset_stat_mapiter_hasnext(
		struct pmemset_stat_mapiter *iter, bool *has_next);
enum pmemset_stat_status pmemset_stat_mapiter_next(
		struct pmemset_stat_mapiter *iter, struct pmemset_stat_nv *nv);
enum pmemset_stat_status pmemset_stat_mapiter_end(
		struct pmemset_stat_mapiter **iter);

/* references that survive updates: deref gives DEL_MAP once the map is gone */
enum pmemset_stat_status pmemset_stat_mapref_alloc(
		struct pmemset_stat_map *map, struct pmemset_stat_mapref **ref);
enum pmemset_stat_status pmemset_stat_mapref_deref(
		struct pmemset_stat_mapref *ref, struct pmemset_stat_map **map);
enum pmemset_stat_status pmemset_stat_mapref_free(
		struct pmemset_stat_mapref **ref);

/* percent-encoding of one URI component (RFC 3986 unreserved kept) */
enum pmemset_stat_status pmemset_stat_uri_encode(const char *str, char *buf,
		size_t buflen);
enum pmemset_stat_status pmemset_stat_uri_decode(const char *str, char *buf,
		size_t buflen);

/*
 * The map and every map below it, as text, JSON or OpenMetrics. Numbers are
 * written exactly; a parser that reads them as doubles (JSON, Prometheus)
 * loses precision above 2^53.
 */
enum pmemset_stat_status pmemset_stat_dump(struct pmemset_stat_map *map,
		FILE *stream, enum pmemset_stat_dump_format format);

const char *pmemset_stat_status_string(enum pmemset_stat_status status);

/*
 * Live publication (pmemset_stat_publish_start(3)): the process's observer
 * tree and counters, copied at least every 250 ms by a thread of the
 * library into a file only this user may read, $XDG_RUNTIME_DIR/pmemset/<pid>
 * or /dev/shm/pmemset-<uid>/<pid>, for pmemset-stat --pid. Also started by
 * PMEMSET_STAT_PUBLISH=1 (ignored by setuid and setgid programs). Stop
 * removes the file, and so does a normal exit.
 */
enum pmemset_stat_status pmemset_stat_publish_start(void);
enum pmemset_stat_status pmemset_stat_publish_stop(void);
/* the file's path while publishing, else NOT_FOUND */
enum pmemset_stat_status pmemset_stat_publish_path(char *buf, size_t buflen);


#ifdef __cplusplus
}
#endif

#endif
