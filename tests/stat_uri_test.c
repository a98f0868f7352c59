// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat_uri_test.c -- looking maps up by URI (canonical, percent-encoded,
 * malformed), a set's own URI from its pointer (pmemset_stat_set_uri), and
 * the percent-encoding of URI components.
 */
#include <stdlib.h>

#include "stat_util.h"

#define PART (64 * KiB)

static void
lookup_finds_every_level_and_nothing_else(void **state)
{
	(void) state;
	struct stat_source src;
	stat_source_new(&src, "uri", 2 * PART);
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	test_map(set, src.src, 0, PART, NULL);
	uint64_t id = set_id_of(set);
	struct pmemset_stat *h;
	assert_st(pmemset_stat_open(&h, set, NULL, 0));
	assert_st(pmemset_stat_update(h));
	struct pmemset_stat_map *root, *m;
	assert_st(pmemset_stat_root(h, &root));
	assert_ptr_equal(stat_lookup(h, "/pmemset"), root);
	struct pmemset_stat_map *set_map = stat_lookup(h,
			uri_fmt("/pmemset/set/%llu", (unsigned long long)id));
	const uint64_t *ids;
	size_t n;
	assert_st(pmemset_stat_map_get_uint64_array(set_map, "part_ids", &ids,
			&n));
	const char *part = uri_fmt("/pmemset/set/%llu/part/%llu",
			(unsigned long long)id, (unsigned long long)ids[0]);
	struct pmemset_stat_map *part_map = stat_lookup(h, part);
	const char *uri;
	assert_st(pmemset_stat_map_uri(part_map, &uri));
	assert_string_equal(uri, part);

	/* percent-encoded components name the same maps */
	char enc[128];
	snprintf(enc, sizeof(enc), "/%%70memset/s%%65t/%llu",
		(unsigned long long)id);
	assert_ptr_equal(stat_lookup(h, enc), set_map);

	const char *bad[] = {
		"", "/", "pmemset", "/pmemset/", "/pmemsetx", "/pmem",
		"/pmemset/set", "/pmemset/set/", "/pmemset/part/1",
		"/pmemset/set/0", "/pmemset/set/abc", "/pmemset/set/-1",
		"/pmemset/set/99999999999999999999999",
		"/pmemset/set/18446744073709551616",
		uri_fmt("/pmemset/set/0%llu", (unsigned long long)id),
		uri_fmt("/pmemset/set/%llu/", (unsigned long long)id),
		uri_fmt("/pmemset/set/%llu/part", (unsigned long long)id),
		uri_fmt("%s/x", part), uri_fmt("%s/part/1", part),
		"/pmemset/set/%2", "/pmemset/set/%zz",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = (void *)0x1;
		assert_st_err(pmemset_stat_lookup_map(h, bad[i], &m),
			PMEMSET_STAT_S_NOT_FOUND);
		assert_ptr_equal(m, (void *)0x1);
	}
	assert_st_err(pmemset_stat_lookup_map(NULL, "/pmemset", &m),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_st_err(pmemset_stat_lookup_map(h, NULL, &m),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_st_err(pmemset_stat_lookup_map(h, "/pmemset", NULL),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_st(pmemset_stat_close(&h));
	assert_ok(pmemset_delete(&set));
	stat_source_free(&src);
}

static void
encode_keeps_unreserved_and_escapes_the_rest(void **state)
{
	(void) state;
	char buf[64];
	assert_st(pmemset_stat_uri_encode("abc-XYZ_0.9~", buf, sizeof(buf)));
	assert_string_equal(buf, "abc-XYZ_0.9~");
	assert_st(pmemset_stat_uri_encode("a/b c%\xc3\xa9", buf, sizeof(buf)));
	assert_string_equal(buf, "a%2Fb%20c%25%C3%A9");
	assert_st(pmemset_stat_uri_encode("", buf, sizeof(buf)));
	assert_string_equal(buf, "");
	/* exactly enough room, then one byte short */
	assert_st(pmemset_stat_uri_encode("a/", buf, 5));
	strcpy(buf, "untouched");
	assert_st_err(pmemset_stat_uri_encode("a/", buf, 4),
		PMEMSET_STAT_S_NO_SPACE);
	assert_msg_has("5 bytes");
	assert_string_equal(buf, "untouched");
	assert_st_err(pmemset_stat_uri_encode(NULL, buf, 4),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_st_err(pmemset_stat_uri_encode("a", NULL, 4),
		PMEMSET_STAT_S_INVAL_ARG);
}

static void
decode_reverses_encode_and_rejects_bad_escapes(void **state)
{
	(void) state;
	const char *samples[] = {"", "plain", "a/b c%\xc3\xa9", "%%%", "+?#&="};
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		char enc[64], dec[64];
		assert_st(pmemset_stat_uri_encode(samples[i], enc, sizeof(enc)));
		assert_st(pmemset_stat_uri_decode(enc, dec, sizeof(dec)));
		assert_string_equal(dec, samples[i]);
	}
	char buf[16];
	assert_st(pmemset_stat_uri_decode("%41%62c", buf, sizeof(buf)));
	assert_string_equal(buf, "Abc");
	assert_st(pmemset_stat_uri_decode("%41", buf, 2));
	const char *bad[] = {"%", "%4", "%4g", "x%g1", "%00", "ab%"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcpy(buf, "untouched");
		assert_st_err(pmemset_stat_uri_decode(bad[i], buf, sizeof(buf)),
			PMEMSET_STAT_S_INVAL_ARG);
		assert_string_equal(buf, "untouched");
	}
	assert_st_err(pmemset_stat_uri_decode("abc", buf, 3),
		PMEMSET_STAT_S_NO_SPACE);
	assert_st_err(pmemset_stat_uri_decode(NULL, buf, 3),
		PMEMSET_STAT_S_INVAL_ARG);
}

/* a program finds its own set's map from the set pointer, and tags it */
static void
a_sets_uri_finds_its_map_in_a_view_of_every_set(void **state)
{
	(void) state;
	struct pmemset *a = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset *b = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	char ua[PMEMSET_STAT_SET_URI_MAX], ub[PMEMSET_STAT_SET_URI_MAX];
	assert_st(pmemset_stat_set_uri(a, ua, sizeof(ua)));
	assert_st(pmemset_stat_set_uri(b, ub, sizeof(ub)));
	/* what a handle on each set alone shows as the set's id */
	assert_string_equal(ua, set_uri(a));
	assert_string_equal(ub, set_uri(b));
	assert_string_not_equal(ua, ub);

	struct pmemset_stat *h;
	assert_st(pmemset_stat_open(&h, NULL, NULL, 0));
	struct pmemset_stat_map *m = (void *)0x1;
	/* the URI exists before any view shows the set */
	assert_st_err(pmemset_stat_lookup_map(h, ua, &m),
		PMEMSET_STAT_S_NOT_FOUND);
	assert_ptr_equal(m, (void *)0x1);
	assert_st(pmemset_stat_update(h));
	struct pmemset_stat_map *ma = stat_lookup(h, ua);
	struct pmemset_stat_map *mb = stat_lookup(h, ub);
	assert_ptr_not_equal(ma, mb);
	assert_int_equal(stat_u64(ma, "id"), set_id_of(a));
	assert_int_equal(stat_u64(mb, "id"), set_id_of(b));
	/* the program's own value on its own set's map */
	assert_st(pmemset_stat_map_put_uint64(ma, "records", 42));
	assert_int_equal(stat_u64(stat_lookup(h, ua), "records"), 42);

	/* the URI stays the set's while it lives, and goes with it */
	char again[PMEMSET_STAT_SET_URI_MAX];
	assert_st(pmemset_stat_set_uri(a, again, sizeof(again)));
	assert_string_equal(again, ua);
	assert_ok(pmemset_delete(&b));
	assert_st(pmemset_stat_update(h));
	assert_st_err(pmemset_stat_lookup_map(h, ub, &m),
		PMEMSET_STAT_S_NOT_FOUND);
	assert_st(pmemset_stat_close(&h));
	assert_ok(pmemset_delete(&a));
}

static void
a_sets_uri_needs_room_and_a_live_set(void **state)
{
	(void) state;
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	char uri[PMEMSET_STAT_SET_URI_MAX];
	assert_st(pmemset_stat_set_uri(set, uri, sizeof(uri)));
	size_t need = strlen(uri) + 1;

	char small[PMEMSET_STAT_SET_URI_MAX];
	memset(small, 'x', sizeof(small));
	assert_st_err(pmemset_stat_set_uri(set, small, need - 1),
		PMEMSET_STAT_S_NO_SPACE);
	assert_msg_has("needs");
	assert_int_equal(small[0], 'x');	/* left unchanged */
	assert_st_err(pmemset_stat_set_uri(set, small, 0),
		PMEMSET_STAT_S_NO_SPACE);
	assert_st(pmemset_stat_set_uri(set, small, need));	/* exactly */
	assert_string_equal(small, uri);

	assert_st_err(pmemset_stat_set_uri(NULL, uri, sizeof(uri)),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_msg_has("NULL");
	assert_st_err(pmemset_stat_set_uri(set, NULL, sizeof(uri)),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_msg_has("NULL");

	/* a deleted set is refused, not read (ASan/valgrind would see it) */
	struct pmemset *gone = set;
	assert_ok(pmemset_delete(&set));
	memset(small, 'x', sizeof(small));
	assert_st_err(pmemset_stat_set_uri(gone, small, sizeof(small)),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_msg_has("live");
	assert_int_equal(small[0], 'x');
}

/*
 * Ids count 1, 2, 3 ... per kind: the parts of a set mapped one after the
 * other, and sets made one after the other, have consecutive ids, whatever
 * part maps and sources came with them.
 */
static void
set_and_part_ids_are_dense(void **state)
{
	(void) state;
	struct stat_source src;
	stat_source_new(&src, "dense", 4 * PART);
	struct pmemset *a = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset *b = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	assert_int_equal(set_id_of(b), set_id_of(a) + 1);
	/* three parts, each in a part map of its own (no coalescing) */
	for (size_t i = 0; i < 3; i++)
		test_map(a, src.src, i * PART, PART, NULL);
	struct pmemset_stat *h;
	struct pmemset_stat_map *root;
	struct pmemset_stat_map *set_map = stat_view_of(a, &h, &root);
	const uint64_t *ids;
	size_t n;
	assert_st(pmemset_stat_map_get_uint64_array(set_map, "part_ids", &ids,
			&n));
	assert_int_equal(n, 3);
	assert_int_equal(ids[1], ids[0] + 1);
	assert_int_equal(ids[2], ids[0] + 2);
	assert_int_equal(stat_u64(set_map, "part_maps"), 3);
	assert_st(pmemset_stat_close(&h));
	assert_ok(pmemset_delete(&b));
	assert_ok(pmemset_delete(&a));
	stat_source_free(&src);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookup_finds_every_level_and_nothing_else),
		cmocka_unit_test(
		a_sets_uri_finds_its_map_in_a_view_of_every_set),
		cmocka_unit_test(a_sets_uri_needs_room_and_a_live_set),
		cmocka_unit_test(set_and_part_ids_are_dense),
		cmocka_unit_test(encode_keeps_unreserved_and_escapes_the_rest),
		cmocka_unit_test(decode_reverses_encode_and_rejects_bad_escapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
