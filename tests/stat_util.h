/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * stat_util.h -- what the observer tests share: status assertions, and a
 * recorder that installs itself on every map of a view and logs each
 * callback with the URIs involved and what a SYS read returned there.
 */
#ifndef PMEMSET_STAT_UTIL_H
#define PMEMSET_STAT_UTIL_H

#include "test_util.h"
#include "libpmemset/stat.h"

#define assert_st(expr) do { \
	enum pmemset_stat_status st_ = (expr); \
	if (st_ != PMEMSET_STAT_S_OK) \
		fail_msg("%s returned %s: %s", #expr, \
			pmemset_stat_status_string(st_), pmemset_errormsg()); \
} while (0)

#define assert_st_err(expr, code) do { \
	enum pmemset_stat_status st_ = (expr); \
	if (st_ != (code)) \
		fail_msg("%s returned %s (%d), expected %s: %s", #expr, \
			pmemset_stat_status_string(st_), (int)st_, #code, \
			pmemset_errormsg()); \
	assert_true(pmemset_errormsg()[0] != '\0'); \
} while (0)

enum rec_kind { REC_TREE = 'T', REC_DATA = 'D', REC_DESTROY = 'X' };

struct rec {
	enum rec_kind kind;
	int event;		/* the tree or data event; -1 for destroy */
	char on[64];		/* the map the callback was set on */
	char sub[64];		/* the map the event is about */
	enum pmemset_stat_status sys; /* reading a SYS value of sub */
	enum pmemset_stat_status usr; /* reading USR value "tag" of sub */
};

#define REC_MAX 4096
extern struct rec Recs[REC_MAX];
extern size_t Nrecs;

void rec_clear(void);
/* the recorder's callbacks on map; on TREE_ADD they spread to sub-maps */
void rec_install(struct pmemset_stat_map *map);
void rec_tree_cb(struct pmemset_stat_map *map,
		struct pmemset_stat_map *sub, enum pmemset_stat_tree_event ev);
void rec_data_cb(struct pmemset_stat_map *map,
		struct pmemset_stat_map *sub, enum pmemset_stat_data_event ev);
void rec_destroy_cb(struct pmemset_stat_map *map, void *userdata);

/* the index of the first matching record at or after `from`, or -1 */
long rec_find(size_t from, enum rec_kind kind, int event, const char *on,
		const char *sub);
/* fails the test unless the record exists; returns its index */
size_t rec_expect(enum rec_kind kind, int event, const char *on,
		const char *sub);
size_t rec_count(enum rec_kind kind, int event);
void rec_print(void);

/* a file source on /dev/shm and its path, removed by stat_source_free */
struct stat_source {
	char *path;
	struct pmemset_source *src;
};
void stat_source_new(struct stat_source *s, const char *tag, size_t size);
void stat_source_free(struct stat_source *s);

/*
 * What most observer tests start from: a file source, a PAGE set with
 * ranges of the file mapped, and a handle on the set. Each test says which
 * ranges, and whether the handle has had its first update.
 */
#define STAT_FIXTURE_PARTS 4

/* one range of the fixture's file, mapped before the handle opens */
struct stat_part {
	size_t offset;
	size_t length;
};

enum stat_view {
	STAT_VIEW_EMPTY,	/* only opened: the root, nothing under it */
	STAT_VIEW_UPDATED,	/* updated once: set_map is the set's map */
};

struct stat_fixture {
	struct stat_source src;
	struct pmemset *set;
	struct pmemset_part_descriptor d[STAT_FIXTURE_PARTS]; /* per range */
	char set_uri[64];	/* a copy: uri_fmt's buffers rotate */
	struct pmemset_stat *h;
	struct pmemset_stat_map *root;
	struct pmemset_stat_map *set_map; /* NULL in a STAT_VIEW_EMPTY */
};

struct stat_fixture *stat_fixture_new(const char *tag, size_t file_size,
		const struct stat_part *parts, size_t nparts,
		enum stat_view view);
/* closes the handle, deletes the set and the source (each may be gone) */
void stat_fixture_delete(struct stat_fixture *f);
/* a cmocka teardown: stat_fixture_delete(*state) */
int stat_fixture_teardown(void **state);

/* the URI of a map, or "" */
const char *stat_uri(struct pmemset_stat_map *map);
/* a set's id, found through a handle of its own; its URI (static buffer) */
uint64_t set_id_of(struct pmemset *set);
const char *set_uri(struct pmemset *set);
/* a URI built like the tree does, in one of 8 rotating static buffers */
const char *uri_fmt(const char *fmt, ...)
	__attribute__((__format__(__printf__, 1, 2)));
struct pmemset_stat_map *stat_lookup(struct pmemset_stat *h, const char *uri);
/* a handle on set alone, updated once: its root, and the set's map */
struct pmemset_stat_map *stat_view_of(struct pmemset *set,
		struct pmemset_stat **h, struct pmemset_stat_map **root);
uint64_t stat_u64(struct pmemset_stat_map *map, const char *name);
size_t stat_children(struct pmemset_stat_map *map);

/* fails the test, showing text, unless text holds what */
void assert_has(const char *text, const char *what);
/* a map's dump as a string (the caller frees it) */
char *stat_dump_string(struct pmemset_stat_map *map,
		enum pmemset_stat_dump_format fmt);
/* the text dump of a handle's whole tree (the caller frees it) */
char *stat_view_text(struct pmemset_stat *h);
/*
 * h's view equals, value for value, the one a fresh handle on set with the
 * same matchers builds by walking; a failure names the first difference
 */
void assert_view_fresh(struct pmemset_stat *h, struct pmemset *set,
		const struct pmemset_stat_matcher *matchers, size_t nmatchers);

#endif
