// SPDX-License-Identifier: BSD-3-Clause
/*
 * durability_test.c -- DURABILITY in pmemset_map(3): the directory is
 * synced exactly when the library created a file in it, the file's size
 * exactly when a map grew a named file (or the caller's), never for a
 * temporary file; and a failed sync fails the call with -errno and a
 * message, and is retried by the next map.
 *
 * fsync and fdatasync are wrapped (--wrap, our objects linked in): every
 * call is recorded with the device and inode of what it synced, and one
 * call can be made to fail with an errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"

#define PART (64 * KiB)
#define MAXCALLS 16

struct sync_call {
	bool data_only;	/* fdatasync, not fsync */
	bool dir;
	dev_t dev;
	ino_t ino;
};

static struct {
	size_t n;
	struct sync_call call[MAXCALLS];
	int fail_fsync;		/* errno for the next fsync, 0: none */
	int fail_fdatasync;	/* errno for the next fdatasync */
} Syncs;

int __real_fsync(int fd);
int __wrap_fsync(int fd);
int __real_fdatasync(int fd);
int __wrap_fdatasync(int fd);

static void
record(int fd, bool data_only)
{
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(Syncs.n < MAXCALLS);
	Syncs.call[Syncs.n++] = (struct sync_call){data_only,
		S_ISDIR(st.st_mode), st.st_dev, st.st_ino};
}

/* records the call, then fails it once if asked to (*fail), or makes it */
static int
recorded_sync(int fd, bool data_only, int *fail, int (*real)(int))
{
	record(fd, data_only);
	if (*fail != 0) {
		errno = *fail;
		*fail = 0;
		return -1;
	}
	return real(fd);
}

int
__wrap_fsync(int fd)
{
	return recorded_sync(fd, false, &Syncs.fail_fsync, __real_fsync);
}

int
__wrap_fdatasync(int fd)
{
	return recorded_sync(fd, true, &Syncs.fail_fdatasync,
			__real_fdatasync);
}

static void
syncs_clear(void)
{
	memset(&Syncs, 0, sizeof(Syncs));
}

/* the one sync recorded is of kind data_only, of the object at path */
static void
assert_one_sync(const char *path, bool data_only)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	if (Syncs.n != 1)
		fail_msg("%zu syncs, expected one of %s", Syncs.n, path);
	assert_int_equal(Syncs.call[0].data_only, data_only);
	assert_int_equal(Syncs.call[0].dir, S_ISDIR(st.st_mode));
	assert_true(Syncs.call[0].dev == st.st_dev &&
			Syncs.call[0].ino == st.st_ino);
}

/* a path in the test directory that does not exist yet */
static char *
fresh_path(const char *tag)
{
	char *path = test_file(tag, 0);
	assert_int_equal(unlink(path), 0);
	return path;
}

static void
map_range(struct pmemset *set, struct pmemset_source *src, size_t off,
		size_t len, int want)
{
	struct pmemset_map_config *mc;
	assert_ok(pmemset_map_config_new(&mc));
	assert_ok(pmemset_map_config_set_offset(mc, off));
	pmemset_map_config_set_length(mc, len);
	if (want == 0)
		assert_ok(pmemset_map(set, src, mc, NULL));
	else
		assert_err(pmemset_map(set, src, mc, NULL), want);
	pmemset_map_config_delete(&mc);
}

/* a file the library creates: its directory is synced, once */
static void
test_create_syncs_directory(void **state)
{
	(void) state;
	static const uint64_t flags[] = {
		PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED,
		PMEMSET_SOURCE_FILE_CREATE_ALWAYS,
	};
	for (size_t i = 0; i < 2; i++) {
		char *path = fresh_path("durable-create");
		struct pmemset_source *src;
		syncs_clear();
		assert_ok(pmemset_xsource_from_file(&src, path, flags[i]));
		assert_one_sync(test_dir(), false);
		assert_ok(pmemset_source_delete(&src));
		/* the file exists now: opening it again creates nothing */
		syncs_clear();
		assert_ok(pmemset_xsource_from_file(&src, path, flags[i]));
		assert_int_equal(Syncs.n, 0);
		assert_ok(pmemset_source_delete(&src));
		test_file_remove(path);
	}
}

/* an existing file opened (also with the create flags): no sync at all */
static void
test_existing_file_not_synced(void **state)
{
	(void) state;
	char *path = test_file("durable-existing", PART);
	struct pmemset_source *src;
	syncs_clear();
	assert_ok(pmemset_source_from_file(&src, path));
	assert_ok(pmemset_source_delete(&src));
	assert_ok(pmemset_xsource_from_file(&src, path,
			PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED |
			PMEMSET_SOURCE_FILE_DO_NOT_GROW));
	assert_ok(pmemset_source_delete(&src));
	assert_int_equal(Syncs.n, 0);
	test_file_remove(path);
}

/* a relative path: the directory synced is the working directory */
static void
test_relative_path_syncs_cwd(void **state)
{
	(void) state;
	char *path = fresh_path("durable-relative");
	char old[4096];
	assert_non_null(getcwd(old, sizeof(old)));
	assert_int_equal(chdir(test_dir()), 0);
	struct pmemset_source *src;
	syncs_clear();
	assert_ok(pmemset_xsource_from_file(&src, strrchr(path, '/') + 1,
			PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED));
	assert_one_sync(".", false);
	assert_ok(pmemset_source_delete(&src));
	assert_int_equal(chdir(old), 0);
	test_file_remove(path);
}

/* each map that grows a named file syncs its size once; others nothing */
static void
test_growth_syncs_size(void **state)
{
	(void) state;
	char *path = fresh_path("durable-grow");
	struct pmemset_source *src;
	assert_ok(pmemset_xsource_from_file(&src, path,
			PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED));
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL,
			NULL);
	syncs_clear();
	map_range(set, src, 0, PART, 0);
	assert_one_sync(path, true);
	syncs_clear();
	map_range(set, src, 0, PART, 0); /* inside the file: no growth */
	assert_int_equal(Syncs.n, 0);
	map_range(set, src, PART, PART, 0);
	assert_one_sync(path, true);
	assert_int_equal(test_file_size(path), 2 * PART);
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
	test_file_remove(path);
}

/* the caller's file, through a libpmem2 source: grown, so synced */
static void
test_growth_of_pmem2_source_synced(void **state)
{
	(void) state;
	char *path = test_file("durable-pmem2", 0);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	struct pmem2_source *p2;
	assert_int_equal(pmem2_source_from_fd(&p2, fd), 0);
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_pmem2(&src, p2));
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL,
			NULL);
	syncs_clear();
	map_range(set, src, 0, PART, 0);
	assert_one_sync(path, true);
	/* its failure names the descriptor: there is no path to name */
	syncs_clear();
	Syncs.fail_fdatasync = EIO;
	map_range(set, src, PART, PART, -EIO);
	assert_msg_has("fdatasync");
	char fdname[32];
	snprintf(fdname, sizeof(fdname), "fd %d", fd);
	assert_msg_has(fdname);
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
	pmem2_source_delete(&p2);
	close(fd);
	test_file_remove(path);
}

/* a temporary file does not outlive the process: never synced */
static void
test_temporary_not_synced(void **state)
{
	(void) state;
	struct pmemset_source *src;
	syncs_clear();
	assert_ok(pmemset_source_from_temporary(&src, test_dir()));
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL,
			NULL);
	for (size_t i = 0; i < 4; i++)
		map_range(set, src, i * PART, PART, 0);
	assert_int_equal(Syncs.n, 0);
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
}

/*
 * The size sync fails: the map fails with -errno and a message naming the
 * file, maps nothing, fires no event; the file stays grown, and the next
 * map of the source syncs it even though it grows nothing.
 */
static void
test_size_sync_failure(void **state)
{
	(void) state;
	char *path = fresh_path("durable-size-fail");
	struct pmemset_source *src;
	assert_ok(pmemset_xsource_from_file(&src, path,
			PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED));
	struct event_log log = {0};
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE,
			event_log_cb, &log);
	syncs_clear();
	Syncs.fail_fdatasync = EIO;
	map_range(set, src, 0, PART, -EIO);
	assert_msg_has("fdatasync");
	assert_msg_has(path);
	assert_int_equal(pmemset_err_to_errno(-EIO), EIO);
	assert_int_equal(test_count_part_maps(set), 0);
	assert_int_equal(log.count, 0);
	assert_int_equal(test_file_size(path), PART);
	/* retried by the next map, which needs no growth */
	syncs_clear();
	map_range(set, src, 0, PART, 0);
	assert_one_sync(path, true);
	assert_int_equal(test_count_part_maps(set), 1);
	/* and only once */
	syncs_clear();
	map_range(set, src, 0, PART, 0);
	assert_int_equal(Syncs.n, 0);
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
	test_file_remove(path);
}

/*
 * The directory sync fails: the source is not made, the file it created
 * is removed again, and the message names the directory.
 */
static void
test_directory_sync_failure(void **state)
{
	(void) state;
	char *path = fresh_path("durable-dir-fail");
	struct pmemset_source *src = (void *)1;
	syncs_clear();
	Syncs.fail_fsync = ENOSPC;
	assert_err(pmemset_xsource_from_file(&src, path,
			PMEMSET_SOURCE_FILE_CREATE_ALWAYS), -ENOSPC);
	assert_null(src);
	assert_msg_has("fsync of the directory");
	assert_msg_has(test_dir());
	assert_int_equal(access(path, F_OK), -1);
	/* nothing fails now: the same call works */
	assert_ok(pmemset_xsource_from_file(&src, path,
			PMEMSET_SOURCE_FILE_CREATE_ALWAYS));
	assert_ok(pmemset_source_delete(&src));
	test_file_remove(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_syncs_directory),
		cmocka_unit_test(test_existing_file_not_synced),
		cmocka_unit_test(test_relative_path_syncs_cwd),
		cmocka_unit_test(test_growth_syncs_size),
		cmocka_unit_test(test_growth_of_pmem2_source_synced),
		cmocka_unit_test(test_temporary_not_synced),
		cmocka_unit_test(test_size_sync_failure),
		cmocka_unit_test(test_directory_sync_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
