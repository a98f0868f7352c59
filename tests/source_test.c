// SPDX-License-Identifier: BSD-3-Clause
/*
 * source_test.c -- file, xsource (create flags and modes), temporary and
 * pmem2 sources: success and every error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_util.h"
#include "libpmemset/stat.h"

static char *
missing_path(void)
{
	char *p = test_file("missing", 0);
	unlink(p);
	return p;
}

static void
from_file_opens_an_existing_file(void **state)
{
	(void) state;
	char *path = test_file("existing", 8 * KiB);
	struct pmemset_source *src = (void *)0x1;
	assert_ok(pmemset_source_from_file(&src, path));
	assert_non_null(src);
	size_t align = 0;
	assert_ok(pmemset_source_alignment(src, &align));
	assert_int_equal(align, (size_t)sysconf(_SC_PAGESIZE));
	assert_ok(pmemset_source_delete(&src));
	assert_null(src);
	assert_ok(pmemset_source_delete(&src));
	test_file_remove(path);
}

static void
from_file_missing_path(void **state)
{
	(void) state;
	char *path = missing_path();
	struct pmemset_source *src = (void *)0x1;
	assert_err(pmemset_source_from_file(&src, path),
			PMEMSET_E_INVALID_SOURCE_PATH);
	assert_null(src);
	assert_msg_has(path);
	/* the message says "No such file", and so does the errno */
	assert_msg_has(strerror(ENOENT));
	assert_int_equal(pmemset_err_to_errno(PMEMSET_E_INVALID_SOURCE_PATH),
			ENOENT);
	/* and it was not created */
	assert_int_equal(access(path, F_OK), -1);
	test_file_remove(path);
}

/*
 * libpmem2 sets no message for /dev/null: ours must say what it is, from
 * the code, never quote libpmem2's message of the FIFO tried just before,
 * nor show libpmem2's number.
 */
static void
dev_null_after_a_fifo_is_described_afresh(void **state)
{
	(void) state;
	char *fifo = missing_path();
	assert_int_equal(mkfifo(fifo, 0600), 0);
	struct pmemset_source *src;
	assert_err(pmemset_source_from_file(&src, fifo),
			PMEMSET_E_INVALID_SOURCE_TYPE);
	assert_msg_has("is a FIFO");
	assert_err(pmemset_source_from_file(&src, "/dev/null"),
			PMEMSET_E_INVALID_SOURCE_TYPE);
	assert_msg_has("pmemset_source_from_file: \"/dev/null\" is a "
			"character device that is not Device DAX");
	assert_null(strstr(pmemset_errormsg(), "010000"));
	assert_null(strstr(pmemset_errormsg(), "10000"));
	test_file_remove(fifo);
}

static void
from_file_directory(void **state)
{
	(void) state;
	struct pmemset_source *src;
	assert_err(pmemset_source_from_file(&src, test_dir()),
			PMEMSET_E_INVALID_SOURCE_TYPE);
	assert_msg_has("directory");
	assert_err(pmemset_xsource_from_file(&src, test_dir(),
			PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED),
			PMEMSET_E_INVALID_SOURCE_TYPE);
}

static void
from_file_null_arguments(void **state)
{
	(void) state;
	struct pmemset_source *src = (void *)0x1;
	assert_err(pmemset_source_from_file(NULL, "x"), -EINVAL);
	/* the public function is named, never an internal helper */
	assert_string_equal(pmemset_errormsg(),
			"pmemset_source_from_file: src is NULL");
	/* PMDK's code for a missing path */
	assert_err(pmemset_source_from_file(&src, NULL),
			PMEMSET_E_INVALID_SOURCE_PATH);
	assert_null(src);
	assert_string_equal(pmemset_errormsg(),
			"pmemset_source_from_file: file is NULL");
	assert_err(pmemset_xsource_from_file(NULL, "x", 0), -EINVAL);
	assert_string_equal(pmemset_errormsg(),
			"pmemset_xsource_from_file: src is NULL");
	src = (void *)0x1;
	assert_err(pmemset_xsource_from_file(&src, NULL, 0),
			PMEMSET_E_INVALID_SOURCE_PATH);
	assert_null(src);
	assert_err(pmemset_source_from_temporary(NULL, "/tmp"), -EINVAL);
	assert_err(pmemset_source_from_temporary(&src, NULL),
			PMEMSET_E_INVALID_SOURCE_PATH);
	assert_msg_has("pmemset_source_from_temporary: dir is NULL");
	char buf[8];
	assert_err(pmemset_source_pread_mcsafe(NULL, buf, 1, 0), -EINVAL);
	assert_string_equal(pmemset_errormsg(),
			"pmemset_source_pread_mcsafe: src is NULL");
	assert_err(pmemset_source_from_pmem2(NULL, NULL), -EINVAL);
	assert_err(pmemset_source_from_pmem2(&src, NULL),
			PMEMSET_E_INVALID_PMEM2_SOURCE);
	assert_err(pmemset_source_delete(NULL), -EINVAL);
	assert_err(pmemset_source_alignment(NULL, NULL), -EINVAL);
	size_t a;
	assert_err(pmemset_source_alignment(NULL, &a), -EINVAL);
	pmemset_source_set_badblock_detection(NULL, true);
	assert_msg_has("src is NULL");
}

/* opening read-write needs write permission; root has it anyway, so drop it */
static void
from_file_read_only(void **state)
{
	(void) state;
	char *path = test_file("readonly", 4 * KiB);
	assert_int_equal(chmod(path, 0444), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(2);
		struct pmemset_source *src;
		int ret = pmemset_source_from_file(&src, path);
		bool named = strstr(pmemset_errormsg(), path) != NULL;
		_exit(ret == -EACCES && named ? 0 : 1);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	test_file_remove(path);
}

static void
xsource_create_always_truncates(void **state)
{
	(void) state;
	char *path = test_file("always", 16 * KiB);
	struct pmemset_source *src;
	assert_ok(pmemset_xsource_from_file(&src, path,
			PMEMSET_SOURCE_FILE_CREATE_ALWAYS));
	assert_int_equal(test_file_size(path), 0);
	assert_ok(pmemset_source_delete(&src));
	test_file_remove(path);
}

static void
xsource_create_if_needed(void **state)
{
	(void) state;
	char *path = missing_path();
	struct pmemset_source *src;
	assert_ok(pmemset_xsource_from_file(&src, path,
			PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED));
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644); /* the default mode */
	assert_ok(pmemset_source_delete(&src));

	/* an existing file is kept as it is */
	assert_int_equal(truncate(path, 12 * KiB), 0);
	assert_ok(pmemset_xsource_from_file(&src, path,
			PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED));
	assert_int_equal(test_file_size(path), 12 * KiB);
	assert_ok(pmemset_source_delete(&src));
	test_file_remove(path);
}

static void
xsource_mode_is_applied(void **state)
{
	(void) state;
	mode_t old = umask(0);
	char *path = missing_path();
	struct pmemset_source *src;
	assert_ok(pmemset_xsource_from_file(&src, path,
			PMEMSET_SOURCE_FILE_CREATE_ALWAYS_MODE(
				PMEMSET_SOURCE_FILE_RWU_MODE |
				PMEMSET_SOURCE_FILE_RGRP_MODE)));
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_ok(pmemset_source_delete(&src));
	umask(old);
	test_file_remove(path);
}

static void
xsource_invalid_flags(void **state)
{
	(void) state;
	char *path = missing_path();
	struct pmemset_source *src = (void *)0x1;
	assert_err(pmemset_xsource_from_file(&src, path, 1u << 3),
			PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS);
	assert_null(src);
	assert_msg_has("0x8");
	/* mode bits outside 0777 (setuid) */
	assert_err(pmemset_xsource_from_file(&src, path,
			PMEMSET_SOURCE_FILE_CREATE_ALWAYS_MODE(04000)),
			PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS);
	assert_err(pmemset_xsource_from_file(&src, path,
			PMEMSET_SOURCE_FILE_CREATE_ALWAYS |
			PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED),
			PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS);
	assert_msg_has("contradict");
	/* nothing was created */
	assert_int_equal(access(path, F_OK), -1);
	test_file_remove(path);
}

static void
xsource_do_not_grow_without_create(void **state)
{
	(void) state;
	char *path = missing_path();
	struct pmemset_source *src;
	assert_err(pmemset_xsource_from_file(&src, path,
			PMEMSET_SOURCE_FILE_DO_NOT_GROW),
			PMEMSET_E_INVALID_SOURCE_PATH);
	test_file_remove(path);
}

static void
temporary_source_is_unnamed_and_maps(void **state)
{
	(void) state;
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_temporary(&src, test_dir()));
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset_part_descriptor d;
	test_map(set, src, 0, 64 * KiB, &d);
	assert_int_equal(d.size, 64 * KiB);
	memset(d.addr, 0xab, d.size);
	assert_ok(pmemset_persist(set, d.addr, d.size));
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
}

/* a directory that does not exist, or a path that is not one: PMDK's code */
static void
temporary_source_bad_directory(void **state)
{
	(void) state;
	struct pmemset_source *src = (void *)0x1;
	char *path = missing_path();
	assert_err(pmemset_source_from_temporary(&src, path),
			PMEMSET_E_INVALID_SOURCE_PATH);
	assert_null(src);
	assert_msg_has(path);
	assert_msg_has("is not an existing directory");
	assert_int_equal(pmemset_err_to_errno(PMEMSET_E_INVALID_SOURCE_PATH),
			ENOENT);

	/* a regular file where the directory should be */
	char *file = test_file("notadir", 4 * KiB);
	src = (void *)0x1;
	assert_err(pmemset_source_from_temporary(&src, file),
			PMEMSET_E_INVALID_SOURCE_PATH);
	assert_null(src);
	assert_msg_has(file);
	assert_msg_has("is not an existing directory");

	/* a missing directory below a file: ENOTDIR from open, same code */
	char below[4096];
	snprintf(below, sizeof(below), "%s/sub", file);
	assert_err(pmemset_source_from_temporary(&src, below),
			PMEMSET_E_INVALID_SOURCE_PATH);
	test_file_remove(file);
	test_file_remove(path);
}

/*
 * A directory that exists but where no unnamed file can be made stays
 * CANNOT_CREATE_TEMP_FILE: /proc has no O_TMPFILE (and no permission
 * matters there, so this holds for root too).
 */
static void
temporary_source_cannot_create_in_directory(void **state)
{
	(void) state;
	struct pmemset_source *src = (void *)0x1;
	assert_err(pmemset_source_from_temporary(&src, "/proc"),
			PMEMSET_E_CANNOT_CREATE_TEMP_FILE);
	assert_null(src);
	assert_msg_has("cannot create a temporary file in \"/proc\"");
}

static void
pmem2_source_is_not_closed_by_us(void **state)
{
	(void) state;
	char *path = test_file("pmem2", 32 * KiB);
	int fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	struct pmem2_source *p2;
	assert_int_equal(pmem2_source_from_fd(&p2, fd), 0);
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_pmem2(&src, p2));
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	test_map(set, src, 0, 0, NULL);
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
	/* the caller's descriptor still works */
	assert_true(fcntl(fd, F_GETFD) >= 0);
	pmem2_source_delete(&p2);
	close(fd);
	test_file_remove(path);
}

/*
 * As PMDK's tests do: the source is deleted right after mapping and the set
 * is used on. Its descriptor is closed at once; what the parts need lives
 * on until the last is unmapped (valgrind/ASan check nothing leaks or
 * dangles).
 */
static void
source_deleted_while_its_parts_are_mapped(void **state)
{
	(void) state;
	char *path = test_file("inuse", 16 * KiB);
	struct pmemset_source *src;
	int fds = test_open_fds();
	assert_ok(pmemset_source_from_file(&src, path));
	struct event_log log;
	memset(&log, 0, sizeof(log));
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE,
			event_log_cb, &log);
	struct pmemset_part_descriptor a, b;
	test_map(set, src, 0, 8 * KiB, &a);
	test_map(set, src, 8 * KiB, 8 * KiB, &b);
	assert_ok(pmemset_source_delete(&src));
	assert_null(src);
	assert_int_equal(test_open_fds(), fds); /* closed at once */

	/* the set works on: data path, observer, removal, delete */
	memset(a.addr, 'a', 8 * KiB);
	assert_ok(pmemset_persist(set, a.addr, 8 * KiB));
	struct pmemset_stat *h;
	assert_int_equal(pmemset_stat_open(&h, set, NULL, 0),
			PMEMSET_STAT_S_OK);
	assert_int_equal(pmemset_stat_update(h), PMEMSET_STAT_S_OK);
	/* the observer still shows the parts' source path */
	static char out[1 << 16];
	struct pmemset_stat_map *root;
	assert_int_equal(pmemset_stat_root(h, &root), PMEMSET_STAT_S_OK);
	FILE *f = fmemopen(out, sizeof(out), "w");
	assert_int_equal(pmemset_stat_dump(root, f, PMEMSET_STAT_DUMP_JSON),
			PMEMSET_STAT_S_OK);
	fclose(f);
	assert_non_null(strstr(out, path));
	assert_ok(pmemset_remove_range(set, a.addr, 1));
	assert_int_equal(pmemset_stat_update(h), PMEMSET_STAT_S_OK);
	assert_int_equal(pmemset_stat_close(&h), PMEMSET_STAT_S_OK);
	assert_ok(pmemset_delete(&set));
	/* both parts were removed with their events */
	assert_int_equal(event_log_mapped_bytes(&log), 0);

	/* the bytes went to the file */
	int fd = open(path, O_RDONLY);
	char c = 0;
	assert_int_equal(pread(fd, &c, 1, 0), 1);
	assert_int_equal(c, 'a');
	close(fd);
	test_file_remove(path);
}

/* a temporary file lives on in its mappings after its source is deleted */
static void
temporary_source_deleted_while_mapped(void **state)
{
	(void) state;
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_temporary(&src, test_dir()));
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset_part_descriptor d;
	test_map(set, src, 0, 64 * KiB, &d);
	assert_ok(pmemset_source_delete(&src));
	memset(d.addr, 7, 64 * KiB);
	assert_ok(pmemset_persist(set, d.addr, 64 * KiB));
	assert_int_equal(((char *)d.addr)[64 * KiB - 1], 7);
	assert_ok(pmemset_delete(&set));
}

/*
 * A program mapping a thousand files, deleting each source after its map,
 * under a limit of 64 descriptors: none is kept per part.
 */
static void
thousand_files_mapped_under_a_low_descriptor_limit(void **state)
{
	(void) state;
	enum { NFILES = 1000 };
	char *paths[NFILES];
	for (int i = 0; i < NFILES; i++)
		paths[i] = test_file("many", 4 * KiB);
	struct rlimit old, low;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = 64;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	int failed_at = -1;
	for (int i = 0; i < NFILES && failed_at < 0; i++) {
		struct pmemset_source *src;
		if (pmemset_source_from_file(&src, paths[i]) != 0 ||
		    pmemset_map(set, src, NULL, NULL) != 0 ||
		    pmemset_source_delete(&src) != 0)
			failed_at = i;
	}
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	if (failed_at >= 0)
		fail_msg("file %d: %s", failed_at, pmemset_errormsg());
	assert_int_equal(test_count_part_maps(set), NFILES);
	assert_ok(pmemset_delete(&set));
	for (int i = 0; i < NFILES; i++)
		test_file_remove(paths[i]);
}

static int
count_open_fds(void)
{
	int n = 0;
	for (int fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

static void
sources_are_close_on_exec_and_leak_no_fd(void **state)
{
	(void) state;
	int before = count_open_fds();
	char *path = test_file("cloexec", 4 * KiB);
	struct pmemset_source *src, *tmp;
	assert_ok(pmemset_source_from_file(&src, path));
	assert_ok(pmemset_source_from_temporary(&tmp, test_dir()));
	int cloexec = 0, opened = 0;
	for (int fd = 0; fd < 1024; fd++) {
		int flags = fcntl(fd, F_GETFD);
		if (flags < 0)
			continue;
		opened++;
		if (flags & FD_CLOEXEC)
			cloexec++;
	}
	assert_int_equal(opened, before + 2);
	assert_true(cloexec >= 2);
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	test_map(set, src, 0, 0, NULL);
	test_map(set, tmp, 0, 8 * KiB, NULL);
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
	assert_ok(pmemset_source_delete(&tmp));
	assert_int_equal(count_open_fds(), before);
	test_file_remove(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(from_file_opens_an_existing_file),
		cmocka_unit_test(from_file_missing_path),
		cmocka_unit_test(from_file_directory),
		cmocka_unit_test(dev_null_after_a_fifo_is_described_afresh),
		cmocka_unit_test(from_file_null_arguments),
		cmocka_unit_test(from_file_read_only),
		cmocka_unit_test(xsource_create_always_truncates),
		cmocka_unit_test(xsource_create_if_needed),
		cmocka_unit_test(xsource_mode_is_applied),
		cmocka_unit_test(xsource_invalid_flags),
		cmocka_unit_test(xsource_do_not_grow_without_create),
		cmocka_unit_test(temporary_source_is_unnamed_and_maps),
		cmocka_unit_test(temporary_source_bad_directory),
		cmocka_unit_test(temporary_source_cannot_create_in_directory),
		cmocka_unit_test(pmem2_source_is_not_closed_by_us),
		cmocka_unit_test(source_deleted_while_its_parts_are_mapped),
		cmocka_unit_test(temporary_source_deleted_while_mapped),
		cmocka_unit_test(thousand_files_mapped_under_a_low_descriptor_limit),
		cmocka_unit_test(sources_are_close_on_exec_and_leak_no_fd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
