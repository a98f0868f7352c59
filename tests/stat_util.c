// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat_util.c -- the observer tests' recorder and helpers (stat_util.h).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "stat_util.h"

struct rec Recs[REC_MAX];
size_t Nrecs;

void
rec_clear(void)
{
	Nrecs = 0;
}

const char *
stat_uri(struct pmemset_stat_map *map)
{
	const char *uri = "";
	if (map != NULL && pmemset_stat_map_uri(map, &uri) !=
			PMEMSET_STAT_S_OK)
		uri = "";
	return uri;
}

static struct rec *
rec_add(enum rec_kind kind, int event, struct pmemset_stat_map *on,
		struct pmemset_stat_map *sub)
{
	if (Nrecs >= REC_MAX)
		fail_msg("recorder full");
	struct rec *r = &Recs[Nrecs++];
	r->kind = kind;
	r->event = event;
	snprintf(r->on, sizeof(r->on), "%s", stat_uri(on));
	snprintf(r->sub, sizeof(r->sub), "%s", stat_uri(sub));
	/* every map has an "id" or a "sets" SYS value */
	uint64_t v;
	const char *sysname = strcmp(r->sub, "/pmemset") == 0 ? "sets" : "id";
	r->sys = pmemset_stat_map_get_uint64(sub, sysname, &v);
	const char *tag;
	r->usr = pmemset_stat_map_get_string(sub, "tag", &tag);
	return r;
}

void
rec_install(struct pmemset_stat_map *map)
{
	assert_st(pmemset_stat_map_set_tree_cb(map, rec_tree_cb));
	assert_st(pmemset_stat_map_set_data_cb(map, rec_data_cb));
	assert_st(pmemset_stat_map_set_destroy_cb(map, rec_destroy_cb));
}

void
rec_tree_cb(struct pmemset_stat_map *map, struct pmemset_stat_map *sub,
		enum pmemset_stat_tree_event ev)
{
	struct pmemset_stat_map *parent;
	/* spread once, from the sub-map's parent, so every map records */
	if (ev == PMEMSET_STAT_TREE_ADD &&
	    pmemset_stat_map_parent(sub, &parent) == PMEMSET_STAT_S_OK &&
	    parent == map) {
		rec_install(sub);
		assert_st(pmemset_stat_map_put_string(sub, "tag", "usr"));
	}
	rec_add(REC_TREE, (int)ev, map, sub);
}

void
rec_data_cb(struct pmemset_stat_map *map, struct pmemset_stat_map *sub,
		enum pmemset_stat_data_event ev)
{
	rec_add(REC_DATA, (int)ev, map, sub);
}

void
rec_destroy_cb(struct pmemset_stat_map *map, void *userdata)
{
	(void) userdata;
	rec_add(REC_DESTROY, -1, map, map);
}

static bool
rec_matches(const struct rec *r, enum rec_kind kind, int event,
		const char *on, const char *sub)
{
	return r->kind == kind && r->event == event &&
		(on == NULL || strcmp(r->on, on) == 0) &&
		(sub == NULL || strcmp(r->sub, sub) == 0);
}

long
rec_find(size_t from, enum rec_kind kind, int event, const char *on,
		const char *sub)
{
	for (size_t i = from; i < Nrecs; i++)
		if (rec_matches(&Recs[i], kind, event, on, sub))
			return (long)i;
	return -1;
}

void
rec_print(void)
{
	for (size_t i = 0; i < Nrecs; i++)
		print_message("  %zu: %c %d on %s sub %s\n", i,
			(char)Recs[i].kind, Recs[i].event, Recs[i].on,
			Recs[i].sub);
}

size_t
rec_expect(enum rec_kind kind, int event, const char *on, const char *sub)
{
	long i = rec_find(0, kind, event, on, sub);
	if (i < 0) {
		rec_print();
		fail_msg("no record %c %d on %s sub %s", (char)kind, event,
			on ? on : "*", sub ? sub : "*");
	}
	return (size_t)i;
}

size_t
rec_count(enum rec_kind kind, int event)
{
	size_t n = 0;
	for (size_t i = 0; i < Nrecs; i++)
		n += rec_matches(&Recs[i], kind, event, NULL, NULL);
	return n;
}

void
stat_source_new(struct stat_source *s, const char *tag, size_t size)
{
	s->path = test_file(tag, size);
	assert_ok(pmemset_source_from_file(&s->src, s->path));
}

void
stat_source_free(struct stat_source *s)
{
	assert_ok(pmemset_source_delete(&s->src));
	test_file_remove(s->path);
	s->path = NULL;
}

uint64_t
set_id_of(struct pmemset *set)
{
	struct pmemset_stat *h;
	struct pmemset_stat_map *root;
	const uint64_t *ids;
	size_t n;
	assert_st(pmemset_stat_open(&h, set, NULL, 0));
	assert_st(pmemset_stat_update(h));
	assert_st(pmemset_stat_root(h, &root));
	assert_st(pmemset_stat_map_get_uint64_array(root, "set_ids", &ids,
			&n));
	assert_int_equal(n, 1);
	uint64_t id = ids[0];
	assert_st(pmemset_stat_close(&h));
	return id;
}

const char *
uri_fmt(const char *fmt, ...)
{
	static char bufs[8][64];
	static unsigned next;
	char *buf = bufs[next++ % 8];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(bufs[0]), fmt, ap);
	va_end(ap);
	return buf;
}

const char *
set_uri(struct pmemset *set)
{
	return uri_fmt("/pmemset/set/%" PRIu64, set_id_of(set));
}

struct pmemset_stat_map *
stat_lookup(struct pmemset_stat *h, const char *uri)
{
	struct pmemset_stat_map *map = NULL;
	enum pmemset_stat_status st = pmemset_stat_lookup_map(h, uri, &map);
	if (st != PMEMSET_STAT_S_OK)
		fail_msg("lookup %s: %s: %s", uri,
			pmemset_stat_status_string(st), pmemset_errormsg());
	return map;
}

struct pmemset_stat_map *
stat_view_of(struct pmemset *set, struct pmemset_stat **h,
		struct pmemset_stat_map **root)
{
	assert_st(pmemset_stat_open(h, set, NULL, 0));
	assert_st(pmemset_stat_update(*h));
	assert_st(pmemset_stat_root(*h, root));
	return stat_lookup(*h, set_uri(set));
}

void
assert_has(const char *text, const char *what)
{
	if (strstr(text, what) == NULL)
		fail_msg("the dump lacks \"%s\":\n%s", what, text);
}

uint64_t
stat_u64(struct pmemset_stat_map *map, const char *name)
{
	uint64_t v = 0;
	assert_st(pmemset_stat_map_get_uint64(map, name, &v));
	return v;
}

size_t
stat_children(struct pmemset_stat_map *map)
{
	struct pmemset_stat_mapiter *it;
	size_t n = 0;
	bool more;
	assert_st(pmemset_stat_mapiter_start(map, PMEMSET_STAT_KIND_MAP, &it));
	assert_st(pmemset_stat_mapiter_hasnext(it, &more));
	while (more) {
		struct pmemset_stat_nv nv;
		assert_st(pmemset_stat_mapiter_next(it, &nv));
		n++;
		assert_st(pmemset_stat_mapiter_hasnext(it, &more));
	}
	assert_st(pmemset_stat_mapiter_end(&it));
	return n;
}

char *
stat_dump_string(struct pmemset_stat_map *map,
		enum pmemset_stat_dump_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_st(pmemset_stat_dump(map, f, fmt));
	fclose(f);
	return buf;
}

char *
stat_view_text(struct pmemset_stat *h)
{
	struct pmemset_stat_map *root;
	assert_st(pmemset_stat_root(h, &root));
	return stat_dump_string(root, PMEMSET_STAT_DUMP_TEXT);
}

void
assert_view_fresh(struct pmemset_stat *h, struct pmemset *set,
		const struct pmemset_stat_matcher *matchers, size_t nmatchers)
{
	struct pmemset_stat *fresh;
	assert_st(pmemset_stat_open(&fresh, set, matchers, nmatchers));
	assert_st(pmemset_stat_update(fresh));
	char *want = stat_view_text(fresh);
	char *got = stat_view_text(h);
	if (strcmp(want, got) != 0) {
		/* the first line that differs, with the map it belongs to */
		size_t i = 0, line = 0, map = 0;
		while (want[i] == got[i]) {
			if (want[i] == '\n') {
				line = i + 1;
				if (want[line] == '/')
					map = line;
			}
			i++;
		}
		fail_msg("the view differs from a fresh one in\n%.60s\n"
			"fresh: %.60s\nthis:  %.60s", want + map, want + line,
			got + line);
	}
	free(want);
	free(got);
	assert_st(pmemset_stat_close(&fresh));
}

struct stat_fixture *
stat_fixture_new(const char *tag, size_t file_size,
		const struct stat_part *parts, size_t nparts,
		enum stat_view view)
{
	assert_true(nparts <= STAT_FIXTURE_PARTS);
	struct stat_fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	stat_source_new(&f->src, tag, file_size);
	f->set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	for (size_t i = 0; i < nparts; i++)
		test_map(f->set, f->src.src, parts[i].offset, parts[i].length,
			&f->d[i]);
	snprintf(f->set_uri, sizeof(f->set_uri), "%s", set_uri(f->set));
	assert_st(pmemset_stat_open(&f->h, f->set, NULL, 0));
	if (view == STAT_VIEW_UPDATED)
		assert_st(pmemset_stat_update(f->h));
	assert_st(pmemset_stat_root(f->h, &f->root));
	if (view == STAT_VIEW_UPDATED)
		f->set_map = stat_lookup(f->h, f->set_uri);
	return f;
}

void
stat_fixture_delete(struct stat_fixture *f)
{
	assert_st(pmemset_stat_close(&f->h));
	assert_ok(pmemset_delete(&f->set));
	stat_source_free(&f->src);
	free(f);
}

int
stat_fixture_teardown(void **state)
{
	stat_fixture_delete(*state);
	return 0;
}
