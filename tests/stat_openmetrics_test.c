// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat_openmetrics_test.c -- the OpenMetrics dump, on parts whose file
 * names hold quotes, backslashes, newlines, UTF-8 and a byte that is not
 * UTF-8. Run plain, it checks the text itself (families whole and once,
 * every number a family, the escapes byte for byte). Run with --parser, it
 * hands the dump to a real parser, prometheus_client's (tests/
 * openmetrics_check.py, run by $PMEMSET_PYTHON), and checks that the sizes,
 * addresses, offsets and counters it reads back are the real ones; it
 * exits 77 (skipped) when python3-prometheus-client is missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stat_util.h"

#define PART (64 * KiB)
#define NFILES 5

/* the awkward names, and how the dump must write them in a label */
static const struct {
	const char *tag;
	const char *escaped;
} Names[NFILES] = {
	{"q\"uote", "q\\\"uote"},
	{"back\\slash", "back\\\\slash"},
	{"new\nline", "new\\nline"},
	{"utf8-\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
		"utf8-\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"},
	{"bad-\xff-byte", "bad-\xef\xbf\xbd-byte"},
};

struct fixture {
	struct stat_source src[NFILES];
	struct pmemset_part_descriptor d[NFILES];
	struct pmemset *set;
	struct pmemset_stat *h;
	struct pmemset_stat_map *root, *set_map;
	uint64_t set_id;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	/* sizes differ, so a size read back names its file */
	for (int i = 0; i < NFILES; i++) {
		stat_source_new(&f->src[i], Names[i].tag,
			(size_t)(i + 1) * PART);
		test_map(f->set, f->src[i].src, 0, (size_t)(i + 1) * PART,
			&f->d[i]);
	}
	f->set_id = set_id_of(f->set);
	f->set_map = stat_view_of(f->set, &f->h, &f->root);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	assert_st(pmemset_stat_close(&f->h));
	assert_ok(pmemset_delete(&f->set));
	for (int i = 0; i < NFILES; i++)
		stat_source_free(&f->src[i]);
	free(f);
	return 0;
}

/* the number of lines of text that start with prefix */
static size_t
lines_starting(const char *text, const char *prefix)
{
	size_t n = 0, len = strlen(prefix);
	for (const char *l = text; *l; ) {
		if (strncmp(l, prefix, len) == 0)
			n++;
		const char *nl = strchr(l, '\n');
		if (nl == NULL)
			break;
		l = nl + 1;
	}
	return n;
}

/*
 * Every sample line belongs to the family of the last TYPE line, and no
 * family's TYPE comes twice: so each family's samples are together.
 */
static void
families_are_whole_and_once(void **state)
{
	struct fixture *f = *state;
	char *text = stat_dump_string(f->root, PMEMSET_STAT_DUMP_OPENMETRICS);
	char family[128] = "";
	size_t nfamilies = 0, nsamples = 0;
	char *copy = strdup(text);
	char *save = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l != NULL;
			l = strtok_r(NULL, "\n", &save)) {
		if (strncmp(l, "# TYPE ", 7) == 0) {
			char type[32];
			assert_int_equal(sscanf(l + 7, "%127s %31s", family,
				type), 2);
			char again[160];
			snprintf(again, sizeof(again), "# TYPE %s ", family);
			assert_int_equal(lines_starting(text, again), 1);
			nfamilies++;
		} else if (l[0] == '#') {
			assert_true(strncmp(l, "# UNIT ", 7) == 0 ||
				strncmp(l, "# HELP ", 7) == 0 ||
				strcmp(l, "# EOF") == 0);
		} else {
			if (strncmp(l, family, strlen(family)) != 0 ||
			    family[0] == '\0')
				fail_msg("sample outside its family %s: %s",
					family, l);
			nsamples++;
		}
	}
	free(copy);
	/* the last line, and only there */
	size_t len = strlen(text);
	assert_true(len > 6 && strcmp(text + len - 6, "# EOF\n") == 0);
	assert_int_equal(lines_starting(text, "# EOF"), 1);
	/* 3 info families (one per level) and a family per part value */
	assert_true(nfamilies >= 3 + 7);
	assert_int_equal(lines_starting(text, "pmemset_part_size_bytes{"),
		NFILES);
	assert_true(nsamples >= nfamilies);
	free(text);
}

/* the family a SYS number of a map of this level is written to */
static void
expect_family_of(const char *text, const char *prefix,
		const struct pmemset_stat_nv *nv)
{
	char want[160];
	size_t len = strlen(nv->name);
	bool bytes = nv->unit == PMEMSET_STAT_UNIT_BYTES &&
		!(len >= 6 && strcmp(nv->name + len - 6, "_bytes") == 0);
	snprintf(want, sizeof(want), "\n# TYPE %s_%s%s ", prefix, nv->name,
		bytes ? "_bytes" : "");
	assert_has(text, want);
}

/* walks the SYS values, not the writer's table: a new number must show */
static void
every_number_is_a_metric(void **state)
{
	struct fixture *f = *state;
	char *text = stat_dump_string(f->root, PMEMSET_STAT_DUMP_OPENMETRICS);
	struct pmemset_stat_map *maps[3] = {f->root, f->set_map, NULL};
	const char *prefixes[3] = {"pmemset", "pmemset_set", "pmemset_part"};
	struct pmemset_stat_mapiter *it;
	struct pmemset_stat_nv nv;
	bool more;
	assert_st(pmemset_stat_mapiter_start(f->set_map,
		PMEMSET_STAT_KIND_MAP, &it));
	assert_st(pmemset_stat_mapiter_next(it, &nv));
	maps[2] = nv.data.map;
	assert_st(pmemset_stat_mapiter_end(&it));
	size_t checked = 0;
	for (int level = 0; level < 3; level++) {
		assert_st(pmemset_stat_mapiter_start(maps[level],
			PMEMSET_STAT_KIND_SYS, &it));
		while (pmemset_stat_mapiter_hasnext(it, &more) ==
				PMEMSET_STAT_S_OK && more) {
			assert_st(pmemset_stat_mapiter_next(it, &nv));
			/* ids are the set and part labels */
			if (nv.type != PMEMSET_STAT_TYPE_UINT64 ||
			    strcmp(nv.name, "id") == 0)
				continue;
			expect_family_of(text, prefixes[level], &nv);
			checked++;
		}
		assert_st(pmemset_stat_mapiter_end(&it));
	}
	assert_true(checked >= 1 + 14 + 6);
	/* counters are counters, with _total samples */
	assert_has(text, "\n# TYPE pmemset_set_persist_calls counter\n");
	assert_has(text, "\n# TYPE pmemset_set_persist_bytes counter\n"
		"# UNIT pmemset_set_persist_bytes bytes\n");
	char line[128];
	snprintf(line, sizeof(line), "\npmemset_set_persist_calls_total"
		"{set=\"%llu\"} 0\n", (unsigned long long)f->set_id);
	assert_has(text, line);
	assert_has(text, "\n# TYPE pmemset_set_parts gauge\n");
	free(text);
}

static void
labels_are_escaped_byte_for_byte(void **state)
{
	struct fixture *f = *state;
	char *text = stat_dump_string(f->root, PMEMSET_STAT_DUMP_OPENMETRICS);
	for (int i = 0; i < NFILES; i++) {
		/* the path as the dump must write it */
		const char *tag = strstr(f->src[i].path, Names[i].tag);
		assert_non_null(tag);
		char line[512];
		snprintf(line, sizeof(line), "\",path=\"%.*s%s\"} %zu\n",
			(int)(tag - f->src[i].path), f->src[i].path,
			Names[i].escaped, (size_t)(i + 1) * PART);
		assert_has(text, line);
	}
	/* no raw newline inside a label: every line is a whole record */
	assert_null(strstr(text, "new\nline"));
	/* USR values: a name that needs escaping is a label value */
	assert_st(pmemset_stat_map_put_uint64(f->set_map, "a \"b\"\\c", 42));
	free(text);
	text = stat_dump_string(f->root, PMEMSET_STAT_DUMP_OPENMETRICS);
	char line[160];
	snprintf(line, sizeof(line), "\npmemset_set_user_value{set=\"%llu\","
		"name=\"a \\\"b\\\"\\\\c\"} 42\n",
		(unsigned long long)f->set_id);
	assert_has(text, line);
	assert_has(text, "\n# TYPE pmemset_set_user_value unknown\n");
	free(text);
}

static void
sub_trees_empty_views_and_errors(void **state)
{
	struct fixture *f = *state;
	/* a set's dump has no root families */
	char *text = stat_dump_string(f->set_map,
			PMEMSET_STAT_DUMP_OPENMETRICS);
	assert_true(strncmp(text, "# TYPE pmemset_set info\n", 24) == 0);
	assert_null(strstr(text, "pmemset_sets"));
	assert_int_equal(lines_starting(text, "pmemset_part_info{"), NFILES);
	free(text);

	/* an empty view: the root's families, then EOF */
	struct pmemset_stat *h;
	struct pmemset_stat_map *root;
	assert_st(pmemset_stat_open(&h, f->set, NULL, 0));
	assert_st(pmemset_stat_root(h, &root));
	text = stat_dump_string(root, PMEMSET_STAT_DUMP_OPENMETRICS);
	assert_string_equal(text,
		"# TYPE pmemset info\n"
		"# HELP pmemset The library's version (and, in a published "
		"tree, the program).\n"
		"pmemset_info{version=\"1.0\"} 1\n"
		"# TYPE pmemset_sets gauge\n"
		"# HELP pmemset_sets Sets in the view.\n"
		"pmemset_sets 0\n"
		"# EOF\n");
	free(text);
	assert_st(pmemset_stat_close(&h));

	assert_st_err(pmemset_stat_dump(f->root, stdout,
			(enum pmemset_stat_dump_format)3),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_msg_has("format");
	FILE *full = fopen("/dev/full", "w");
	assert_non_null(full);
	assert_st_err(pmemset_stat_dump(f->root, full,
			PMEMSET_STAT_DUMP_OPENMETRICS),
		PMEMSET_STAT_S_SYS_FAIL);
	fclose(full);
}

/* the checker's command line, grown argument by argument */
struct argv {
	char *v[256];
	int n;
};

static void
arg(struct argv *a, const char *s)
{
	assert_true(a->n < 255);
	a->v[a->n++] = strdup(s);
}

static void
arg_u64(struct argv *a, uint64_t v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	arg(a, buf);
}

/* --expect sample value: one sample with the label given, of value */
static void
expect(struct argv *a, const char *sample, uint64_t value,
		const char *label, const char *label_value, uint64_t set_id)
{
	arg(a, "--expect");
	arg(a, sample);
	arg_u64(a, value);
	arg(a, label ? "2" : "1");
	arg(a, "set");
	arg_u64(a, set_id);
	if (label != NULL) {
		arg(a, label);
		arg(a, label_value);
	}
}

/* runs the checker; its exit code */
static int
check(struct argv *a)
{
	const char *python = getenv("PMEMSET_PYTHON");
	const char *script = getenv("PMEMSET_OM_CHECK");
	assert_non_null(python);
	assert_non_null(script);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *argv[260];
		argv[0] = (char *)python;
		argv[1] = (char *)script;
		for (int i = 0; i <= a->n; i++)
			argv[2 + i] = a->v[i];
		execv(python, argv);
		_exit(127);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
argv_free(struct argv *a)
{
	for (int i = 0; i < a->n; i++) {
		free(a->v[i]);
		a->v[i] = NULL;	/* v[n] ends the list */
	}
	a->n = 0;
}

static void
parser_reads_back_the_real_values(void **state)
{
	struct fixture *f = *state;
	/* counters: three persists of 100 bytes while observed */
	for (int i = 0; i < 3; i++)
		assert_ok(pmemset_persist(f->set, f->d[0].addr, 100));
	uint64_t nums[] = {7, 1ULL << 40, UINT64_MAX / 3};
	assert_st(pmemset_stat_map_put_uint64_array(f->set_map, "w\"eird\n",
			nums, 3));
	assert_st(pmemset_stat_map_put_uint64(f->root, "answer", 42));
	assert_st(pmemset_stat_update(f->h));

	char *file = test_file("metrics.prom", 0);
	FILE *out = fopen(file, "w");
	assert_non_null(out);
	assert_st(pmemset_stat_dump(f->root, out,
			PMEMSET_STAT_DUMP_OPENMETRICS));
	fclose(out);

	struct argv a = {.n = 0};
	arg(&a, file);
	size_t total = 0;
	for (int i = 0; i < NFILES; i++) {
		const char *p = f->src[i].path;
		/* the real size of the file, and where the part really is */
		expect(&a, "pmemset_part_size_bytes", test_file_size(p),
			"path", p, f->set_id);
		expect(&a, "pmemset_part_address",
			(uint64_t)(uintptr_t)f->d[i].addr, "path", p,
			f->set_id);
		expect(&a, "pmemset_part_offset_bytes", 0, "path", p,
			f->set_id);
		total += test_file_size(p);
	}
	expect(&a, "pmemset_set_mapped_bytes", total, NULL, NULL, f->set_id);
	expect(&a, "pmemset_set_parts", NFILES, NULL, NULL, f->set_id);
	expect(&a, "pmemset_set_persist_calls_total", 3, NULL, NULL,
		f->set_id);
	expect(&a, "pmemset_set_persist_bytes_total", 300, NULL, NULL,
		f->set_id);
	for (int k = 0; k < 3; k++) {
		arg(&a, "--expect");
		arg(&a, "pmemset_set_user_array_value");
		arg_u64(&a, nums[k]);
		arg(&a, "2");
		arg(&a, "name");
		arg(&a, "w\"eird\n");
		arg(&a, "index");
		arg_u64(&a, (uint64_t)k);
	}
	arg(&a, "--expect");
	arg(&a, "pmemset_user_value");
	arg(&a, "42");
	arg(&a, "1");
	arg(&a, "name");
	arg(&a, "answer");
	arg(&a, "--count");
	arg(&a, "pmemset_part_info");
	arg_u64(&a, NFILES);
	assert_int_equal(check(&a), 0);

	/* the checker does fail on a wrong value: one size off by one */
	argv_free(&a);
	arg(&a, file);
	expect(&a, "pmemset_part_size_bytes", 2 * PART + 1, "path",
		f->src[1].path, f->set_id);
	assert_int_equal(check(&a), 1);
	argv_free(&a);
	test_file_remove(file);
}

/* 77 (skipped) unless $PMEMSET_PYTHON can import the parser */
static bool
parser_available(void)
{
	const char *python = getenv("PMEMSET_PYTHON");
	if (python == NULL || python[0] == '\0')
		return false;
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "'%s' -c 'import "
		"prometheus_client.openmetrics.parser' 2>/dev/null", python);
	return system(cmd) == 0;
}

int
main(int argc, char *argv[])
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	if (argc > 1 && strcmp(argv[1], "--parser") == 0) {
		if (!parser_available()) {
			printf("SKIPPED: no python3 with prometheus_client "
				"(PMEMSET_PYTHON=\"%s\"): apt-get install "
				"python3-prometheus-client and re-run cmake\n",
				getenv("PMEMSET_PYTHON") ?
				getenv("PMEMSET_PYTHON") : "");
			return 77;
		}
		const struct CMUnitTest tests[] = {
			T(parser_reads_back_the_real_values),
		};
		return cmocka_run_group_tests(tests, NULL, NULL);
	}
	const struct CMUnitTest tests[] = {
		T(families_are_whole_and_once),
		T(every_number_is_a_metric),
		T(labels_are_escaped_byte_for_byte),
		T(sub_trees_empty_views_and_errors),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
