// SPDX-License-Identifier: BSD-3-Clause
/*
 * log_env_test.c -- PMEMSET_LOG_LEVEL and PMEMSET_LOG_FILE as libpmemset(7)
 * ENVIRONMENT describes them: the file's mode and O_NOFOLLOW, one warning
 * for a level or a file that cannot be used, and log lines that text from
 * the caller cannot forge.
 *
 * The library reads the variables once per process, so every case runs in
 * a child forked before this process ever called the library; the child
 * makes a few calls and exits, the parent reads its standard error and
 * the log file. (The privileged-program case: tests/security/.)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_util.h"

static char Dir[4096];
static char Log_path[4096 + 16];

/* what the child wrote on standard error */
static char Child_stderr[64 * 1024];

/* the calls a child makes with the environment set */
enum child_calls { FAILING_CALLS, ONE_FILE_NAME, CREATE_AND_DELETE };
static const char *Child_file_name;

static void
child_work(enum child_calls calls)
{
	struct pmemset_source *src;
	char missing[4096 + 16];
	snprintf(missing, sizeof(missing), "%s/missing", Dir);
	switch (calls) {
	case FAILING_CALLS:
		for (int i = 0; i < 3; i++)
			(void) pmemset_source_from_file(&src, missing);
		break;
	case ONE_FILE_NAME:
		(void) pmemset_source_from_file(&src, Child_file_name);
		break;
	case CREATE_AND_DELETE: {
		struct pmemset_config *cfg;
		struct pmemset *set;
		(void) pmemset_source_from_file(&src, missing);
		if (pmemset_config_new(&cfg) != 0)
			_exit(3);
		pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE);
		if (pmemset_new(&set, cfg) != 0)
			_exit(4);
		pmemset_delete(&set);
		pmemset_config_delete(&cfg);
		break;
	}
	}
}

/*
 * Runs the calls in a child with PMEMSET_LOG_LEVEL=level and
 * PMEMSET_LOG_FILE=file (NULL: unset), umask 0 so that the mode the
 * library asks for is the mode the file gets.
 */
static void
run_child(const char *level, const char *file, enum child_calls calls)
{
	int out[2];
	assert_int_equal(pipe(out), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(out[0]);
		if (dup2(out[1], STDERR_FILENO) < 0)
			_exit(2);
		umask(0);
		if (level != NULL)
			setenv("PMEMSET_LOG_LEVEL", level, 1);
		else
			unsetenv("PMEMSET_LOG_LEVEL");
		if (file != NULL)
			setenv("PMEMSET_LOG_FILE", file, 1);
		else
			unsetenv("PMEMSET_LOG_FILE");
		child_work(calls);
		_exit(0);
	}
	close(out[1]);
	size_t used = 0;
	ssize_t n;
	while ((n = read(out[0], Child_stderr + used,
			sizeof(Child_stderr) - 1 - used)) > 0)
		used += (size_t)n;
	close(out[0]);
	Child_stderr[used] = '\0';
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("the child failed (status 0x%x), its stderr:\n%s",
			status, Child_stderr);
}

/* lines of text, and how many of them start with prefix */
static size_t
count_lines(const char *text, const char *prefix, size_t *total)
{
	size_t matching = 0;
	*total = 0;
	for (const char *line = text; *line != '\0';) {
		(*total)++;
		if (strncmp(line, prefix, strlen(prefix)) == 0)
			matching++;
		const char *end = strchr(line, '\n');
		if (end == NULL)
			break;
		line = end + 1;
	}
	return matching;
}

static char File_text[64 * 1024];

/* the whole log file, or NULL when it does not exist */
static const char *
read_log(void)
{
	int fd = open(Log_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		assert_int_equal(errno, ENOENT);
		return NULL;
	}
	ssize_t n = read(fd, File_text, sizeof(File_text) - 1);
	close(fd);
	assert_true(n >= 0);
	File_text[n] = '\0';
	return File_text;
}

static int
setup(void **state)
{
	(void) state;
	snprintf(Dir, sizeof(Dir), "%s/log_env_test.%d", test_dir(),
		(int)getpid());
	if (mkdir(Dir, 0700) != 0)
		return -1;
	snprintf(Log_path, sizeof(Log_path), "%s/pmemset.log", Dir);
	return 0;
}

static int
teardown(void **state)
{
	(void) state;
	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", Dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
log_file_is_created_0600_and_appended_to(void **state)
{
	(void) state;
	size_t total;
	run_child("1", Log_path, FAILING_CALLS);
	assert_string_equal(Child_stderr, "");
	struct stat st;
	assert_int_equal(stat(Log_path, &st), 0);
	/* umask 0 in the child: 0600 is what the library asked for */
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(count_lines(read_log(), "libpmemset <error>: ",
		&total), 3);
	assert_int_equal(total, 3);

	/* a second process appends, never truncates */
	run_child("1", Log_path, FAILING_CALLS);
	assert_int_equal(count_lines(read_log(), "libpmemset <error>: ",
		&total), 6);
	assert_int_equal(total, 6);
}

static void
a_file_name_cannot_forge_a_log_line(void **state)
{
	(void) state;
	char name[4096 + 64];
	snprintf(name, sizeof(name),
		"%s/x\n[fake] line\r\x01\x7f\\n", Dir);
	Child_file_name = name;
	run_child("1", Log_path, ONE_FILE_NAME);
	const char *text = read_log();
	assert_non_null(text);
	size_t total;
	assert_int_equal(count_lines(text, "libpmemset <error>: ", &total), 1);
	assert_int_equal(total, 1);
	assert_int_equal(count_lines(text, "[fake]", &total), 0);
	/* every control character is shown escaped, and the backslash too */
	if (strstr(text, "/x\\n[fake] line\\r\\x01\\x7f\\\\n\"") == NULL)
		fail_msg("the name is not escaped as expected: %s", text);
}

static void
bad_levels_warn_once_and_log_nothing(void **state)
{
	(void) state;
	static const char *const bad[] = {"abc", "3x", "", "1 ", "-1", "4",
		"2147483648", "99999999999999999999",
		"-99999999999999999999", "0x1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		run_child(bad[i], Log_path, FAILING_CALLS);
		size_t total;
		if (count_lines(Child_stderr, "libpmemset: PMEMSET_LOG_LEVEL=",
				&total) != 1 || total != 1 ||
				strstr(Child_stderr, "logging stays off") ==
				NULL)
			fail_msg("PMEMSET_LOG_LEVEL=\"%s\": stderr is \"%s\", "
				"not one warning", bad[i], Child_stderr);
		if (read_log() != NULL)
			fail_msg("PMEMSET_LOG_LEVEL=\"%s\" created the log",
				bad[i]);
	}
}

static void
levels_choose_what_is_logged(void **state)
{
	(void) state;
	size_t total;
	/* unset or 0: nothing, and no file */
	run_child(NULL, Log_path, CREATE_AND_DELETE);
	assert_string_equal(Child_stderr, "");
	assert_null(read_log());
	run_child("0", Log_path, CREATE_AND_DELETE);
	assert_string_equal(Child_stderr, "");
	assert_null(read_log());

	/* 1: the error only */
	run_child("1", Log_path, CREATE_AND_DELETE);
	assert_int_equal(count_lines(read_log(), "libpmemset <error>: ",
		&total), 1);
	assert_int_equal(total, 1);
	assert_int_equal(unlink(Log_path), 0);

	/* 2 (also written +2): the error and the calls */
	run_child("+2", Log_path, CREATE_AND_DELETE);
	assert_int_equal(count_lines(read_log(), "libpmemset <error>: ",
		&total), 1);
	assert_int_equal(count_lines(read_log(), "libpmemset <call>: ",
		&total), 2);
	assert_int_equal(total, 3);
	assert_string_equal(Child_stderr, "");

	/* no file: the same lines on standard error */
	run_child("2", NULL, CREATE_AND_DELETE);
	assert_int_equal(count_lines(Child_stderr, "libpmemset <call>: ",
		&total), 2);
	assert_int_equal(total, 3);
}

/*
 * The failing calls logged with a file that cannot be opened: one warning
 * naming the reason, then the three errors on standard error instead.
 */
static void
assert_file_refused_once(const char *path, const char *reason)
{
	run_child("1", path, FAILING_CALLS);
	size_t total;
	assert_int_equal(count_lines(Child_stderr,
		"libpmemset: PMEMSET_LOG_FILE=", &total), 1);
	if (strstr(Child_stderr, reason) == NULL)
		fail_msg("the warning does not say \"%s\": %s", reason,
			Child_stderr);
	assert_int_equal(count_lines(Child_stderr, "libpmemset <error>: ",
		&total), 3);
	assert_int_equal(total, 4);
}

static void
a_log_file_that_cannot_be_opened_is_reported_once(void **state)
{
	(void) state;
	char path[4096 + 64];
	snprintf(path, sizeof(path), "%s/no-such-dir/pmemset.log", Dir);
	assert_file_refused_once(path, "No such file or directory");
}

static void
a_symbolic_link_is_not_followed(void **state)
{
	(void) state;
	char target[4096 + 64];
	snprintf(target, sizeof(target), "%s/target", Dir);
	int fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(symlink(target, Log_path), 0);

	assert_file_refused_once(Log_path, "symbolic links");
	assert_int_equal(test_file_size(target), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			log_file_is_created_0600_and_appended_to,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_file_name_cannot_forge_a_log_line, setup, teardown),
		cmocka_unit_test_setup_teardown(
			bad_levels_warn_once_and_log_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(
			levels_choose_what_is_logged, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_log_file_that_cannot_be_opened_is_reported_once,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_symbolic_link_is_not_followed, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
