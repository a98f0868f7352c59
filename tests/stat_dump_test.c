// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat_dump_test.c -- the text and JSON dumps. The JSON is checked by a
 * real parser: jq (path in $JQ, found by cmake; CI must install jq), run on
 * the dump with one filter per property, so a malformed document or a wrong
 * value fails the test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stat_util.h"

#define PART (64 * KiB)

/* two parts with a gap between them, in a view updated once */
static int
setup(void **state)
{
	static const struct stat_part parts[] = {{0, PART}, {2 * PART, PART}};
	*state = stat_fixture_new("dump", 4 * PART, parts, 2,
			STAT_VIEW_UPDATED);
	return 0;
}

static void
text_dump_lists_every_map_and_value(void **state)
{
	struct stat_fixture *f = *state;
	assert_st(pmemset_stat_map_put_string(f->set_map, "note", "two\nlines"));
	const char *words[] = {"x", "y\"z"};
	assert_st(pmemset_stat_map_put_string_array(f->set_map, "words", words,
			2));
	char *text = stat_dump_string(f->root, PMEMSET_STAT_DUMP_TEXT);
	assert_true(strncmp(text, "/pmemset\n", 9) == 0);
	assert_has(text, "\tversion                  1.0\n");
	assert_has(text, "\tsets                     1\n");
	char line[128];
	snprintf(line, sizeof(line), "\n%s\n\tid ", f->set_uri);
	assert_has(text, line);
	snprintf(line, sizeof(line), "\taddress                  0x%llx\n",
		(unsigned long long)(uintptr_t)f->d[0].addr);
	assert_has(text, line);
	snprintf(line, sizeof(line), "\tsource_path              %s\n",
		f->src.path);
	assert_has(text, line);
	assert_has(text, "\tmapped_bytes             131072\n");
	assert_has(text, "\tnote                     two\\x0alines\n");
	assert_has(text, "\twords                    [\"x\", \"y\\\"z\"]\n");
	/* one block per map: root, set, two parts */
	size_t blocks = 0;
	for (const char *p = text; (p = strstr(p, "\n/pmemset")) != NULL; p++)
		blocks++;
	assert_int_equal(blocks, 3);
	free(text);

	/* a sub-tree dump starts at its map */
	text = stat_dump_string(f->set_map, PMEMSET_STAT_DUMP_TEXT);
	assert_true(strncmp(text, f->set_uri, strlen(f->set_uri)) == 0);
	assert_null(strstr(text, "\tversion"));
	free(text);
}

/* runs jq -e with the filter (and --arg pairs) on the file; its exit code */
static int
jq(const char *file, const char *filter, const char *arg_name,
		const char *arg_value)
{
	const char *jq_path = getenv("JQ");
	if (jq_path == NULL || jq_path[0] == '\0')
		fail_msg("JQ is not set: install jq (CI must) and re-run cmake");
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (freopen("/dev/null", "w", stdout) == NULL)
			_exit(126);
		if (arg_name != NULL)
			execl(jq_path, "jq", "-e", "--arg", arg_name, arg_value,
				filter, file, (char *)NULL);
		else
			execl(jq_path, "jq", "-e", filter, file, (char *)NULL);
		_exit(127);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
expect_jq(const char *file, const char *filter, const char *name,
		const char *value)
{
	int rc = jq(file, filter, name, value);
	if (rc != 0)
		fail_msg("jq -e '%s' (%s=%s) on %s exited %d", filter,
			name ? name : "-", value ? value : "-", file, rc);
}

static char *
json_file(struct pmemset_stat_map *map)
{
	char *path = test_file("dump.json", 0);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_st(pmemset_stat_dump(map, f, PMEMSET_STAT_DUMP_JSON));
	fclose(f);
	return path;
}

static void
json_dump_parses_and_holds_the_values(void **state)
{
	struct stat_fixture *f = *state;
	/* the awkward strings: quotes, backslash, control, invalid UTF-8 */
	assert_st(pmemset_stat_map_put_string(f->set_map, "weird",
			"a\"b\\c\nd\x01\xff\xc3\xa9"));
	uint64_t nums[] = {1, 2, 3};
	assert_st(pmemset_stat_map_put_uint64_array(f->set_map, "nums", nums,
			3));
	assert_st(pmemset_stat_map_put_string_array(f->set_map, "none", NULL,
			0));
	char *file = json_file(f->root);

	expect_jq(file, ".uri == \"/pmemset\" and .values.sets == 1 and "
		"(.maps | length) == 1 and .values.version == \"1.0\"",
		NULL, NULL);
	expect_jq(file, ".maps[0].uri == $u and .maps[0].values.parts == 2 "
		"and (.maps[0].maps | length) == 2", "u", f->set_uri);
	expect_jq(file, ".maps[0].values.source_paths == [$p]", "p",
		f->src.path);
	char addr[32];
	snprintf(addr, sizeof(addr), "%llu",
		(unsigned long long)(uintptr_t)f->d[0].addr);
	expect_jq(file, "[.maps[0].maps[].values.address] | "
		"index($a | tonumber) != null", "a", addr);
	expect_jq(file, ".maps[0].maps | all(.values.size == 65536 and "
		".values.source == \"file\" and (.maps | length) == 0)",
		NULL, NULL);
	expect_jq(file, ".maps[0].values.weird == $w", "w",
		"a\"b\\c\nd\x01\xef\xbf\xbd\xc3\xa9");
	expect_jq(file, ".maps[0].values.nums == [1,2,3] and "
		".maps[0].values.none == []", NULL, NULL);
	/* and a wrong expectation does fail: jq really checks */
	assert_int_not_equal(jq(file, ".values.sets == 2", NULL, NULL), 0);
	test_file_remove(file);

	/* an empty view is valid JSON too */
	struct pmemset_stat *h;
	struct pmemset_stat_map *root;
	assert_st(pmemset_stat_open(&h, f->set, NULL, 0));
	assert_st(pmemset_stat_root(h, &root));
	file = json_file(root);
	expect_jq(file, ".maps == [] and .values.set_ids == []", NULL, NULL);
	test_file_remove(file);
	assert_st(pmemset_stat_close(&h));
}

static void
dump_reports_bad_arguments_and_write_failures(void **state)
{
	struct stat_fixture *f = *state;
	assert_st_err(pmemset_stat_dump(NULL, stdout, PMEMSET_STAT_DUMP_TEXT),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_st_err(pmemset_stat_dump(f->root, NULL, PMEMSET_STAT_DUMP_TEXT),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_st_err(pmemset_stat_dump(f->root, stdout,
			(enum pmemset_stat_dump_format)5),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_msg_has("format");
	FILE *full = fopen("/dev/full", "w");
	assert_non_null(full);
	assert_st_err(pmemset_stat_dump(f->root, full, PMEMSET_STAT_DUMP_JSON),
		PMEMSET_STAT_S_SYS_FAIL);
	fclose(full);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, stat_fixture_teardown)
		T(text_dump_lists_every_map_and_value),
		T(json_dump_parses_and_holds_the_values),
		T(dump_reports_bad_arguments_and_write_failures),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
