// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat_uri_test.c -- looking maps up by URI (canonical, percent-encoded,
 * malformed) and the percent-encoding of URI components.
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookup_finds_every_level_and_nothing_else),
		cmocka_unit_test(encode_keeps_unreserved_and_escapes_the_rest),
		cmocka_unit_test(decode_reverses_encode_and_rejects_bad_escapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
