// SPDX-License-Identifier: BSD-3-Clause
/*
 * map_race_test.c -- a map that grows a file and then fails never shrinks
 * the file again: whoever used the grown bytes meanwhile -- another map of
 * the same source, another source of the same file in another thread, or
 * another process appending with pwrite -- keeps them (a cut-back would
 * lose their data, or raise SIGBUS at their first store). pmem2_map_new is
 * wrapped so the growing map fails slowly, after the others did their part.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"

int __real_pmem2_map_new(struct pmem2_map **map, const struct pmem2_config *cfg,
		const struct pmem2_source *src);
int __wrap_pmem2_map_new(struct pmem2_map **map, const struct pmem2_config *cfg,
		const struct pmem2_source *src);

static __thread int Fail_slowly;
static _Atomic int A_inside;
/* set: the failing map waits until the other side says it is done */
static _Atomic int Others_done;
static _Atomic int Wait_for_others;

int
__wrap_pmem2_map_new(struct pmem2_map **map, const struct pmem2_config *cfg,
		const struct pmem2_source *src)
{
	if (!Fail_slowly)
		return __real_pmem2_map_new(map, cfg, src);
	/* the file is grown by now: let the others use the new bytes */
	atomic_store(&A_inside, 1);
	if (atomic_load(&Wait_for_others)) {
		while (!atomic_load(&Others_done))
			sched_yield();
	} else {
		/* a map of the same source waits for our grow lock */
		struct timespec ts = {0, 300 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return -ENOMEM;
}

static void
reset_race(void)
{
	atomic_store(&A_inside, 0);
	atomic_store(&Others_done, 0);
	atomic_store(&Wait_for_others, 0);
}

struct race {
	struct pmemset *set;
	struct pmemset_source *src;
	int a_ret;
};

static void *
failing_grower(void *arg)
{
	struct race *r = arg;
	struct pmemset_map_config *mc;
	pmemset_map_config_new(&mc);
	pmemset_map_config_set_offset(mc, 1 * MiB);
	pmemset_map_config_set_length(mc, 1 * MiB);
	Fail_slowly = 1;
	r->a_ret = pmemset_map(r->set, r->src, mc, NULL);
	pmemset_map_config_delete(&mc);
	return NULL;
}

static void
failed_growth_never_cuts_another_map(void **state)
{
	(void) state;
	reset_race();
	char *path;
	struct race r = {0};
	r.set = test_file_set_new(&path, &r.src, "race", 1 * MiB, NULL, NULL);

	pthread_t a;
	pthread_create(&a, NULL, failing_grower, &r);
	while (!atomic_load(&A_inside))
		sched_yield();
	/* the file is 2 MiB now, for a moment: map inside the grown part */
	struct pmemset_part_descriptor d;
	test_map(r.set, r.src, 1 * MiB, 64 * KiB, &d);
	pthread_join(a, NULL);

	assert_int_equal(r.a_ret, -ENOMEM);
	assert_true(test_file_size(path) >= 1 * MiB + 64 * KiB);
	memset(d.addr, 0x77, d.size); /* SIGBUS here if the file was cut */
	assert_ok(pmemset_persist(r.set, d.addr, d.size));
	assert_ok(pmemset_delete(&r.set));
	assert_ok(pmemset_source_delete(&r.src));
	test_file_remove(path);
}

/*
 * Two sources of one file (two grow locks): while a map through the first
 * has grown the file and is about to fail, the second maps the grown bytes
 * and writes them. They must survive the failure: no SIGBUS, no byte lost.
 */
static void
failed_growth_keeps_another_sources_part(void **state)
{
	(void) state;
	reset_race();
	atomic_store(&Wait_for_others, 1);
	char *path = test_file("race2", 1 * MiB);
	struct race r = {0};
	struct pmemset_source *other;
	assert_ok(pmemset_source_from_file(&r.src, path));
	assert_ok(pmemset_source_from_file(&other, path));
	r.set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset *set2 = test_set_new(PMEM2_GRANULARITY_PAGE, NULL,
			NULL);

	pthread_t a;
	pthread_create(&a, NULL, failing_grower, &r);
	while (!atomic_load(&A_inside))
		sched_yield();
	struct pmemset_part_descriptor d;
	test_map(set2, other, 1 * MiB + 512 * KiB, 512 * KiB, &d);
	memset(d.addr, 0x3c, d.size);
	assert_ok(pmemset_persist(set2, d.addr, d.size));
	atomic_store(&Others_done, 1);
	pthread_join(a, NULL);

	assert_int_equal(r.a_ret, -ENOMEM);
	assert_int_equal(test_file_size(path), 2 * MiB);
	/* SIGBUS here had the file been cut back under the part */
	memset(d.addr, 0x5d, d.size);
	assert_ok(pmemset_persist(set2, d.addr, d.size));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	char buf[4096];
	for (size_t off = 0; off < d.size; off += sizeof(buf)) {
		assert_int_equal(pread(fd, buf, sizeof(buf),
				(off_t)(1 * MiB + 512 * KiB + off)),
				sizeof(buf));
		for (size_t i = 0; i < sizeof(buf); i++)
			if (buf[i] != 0x5d)
				fail_msg("byte %zu of the other part lost",
						off + i);
	}
	close(fd);
	assert_ok(pmemset_delete(&set2));
	assert_ok(pmemset_delete(&r.set));
	assert_ok(pmemset_source_delete(&other));
	assert_ok(pmemset_source_delete(&r.src));
	test_file_remove(path);
}

#define RECORDS 12
#define RECORD 4096

/* the other process: appends RECORDS records at the end, each made durable */
static void
append_records(const char *path, int go_fd)
{
	char go;
	if (read(go_fd, &go, 1) != 1)
		_exit(2);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		_exit(3);
	char rec[RECORD];
	for (int i = 0; i < RECORDS; i++) {
		struct stat st;
		if (fstat(fd, &st) != 0)
			_exit(4);
		memset(rec, 'a' + i, sizeof(rec));
		if (pwrite(fd, rec, sizeof(rec), st.st_size) != RECORD ||
		    fsync(fd) != 0)
			_exit(5);
	}
	close(fd);
	_exit(0);
}

/*
 * Another process appends records past the end of the grown file (with no
 * lock of ours: pwrite and fsync) before the growing map fails. Every
 * record must still be there, where it was written.
 */
static void
failed_growth_keeps_another_process_records(void **state)
{
	(void) state;
	reset_race();
	atomic_store(&Wait_for_others, 1);
	char *path;
	struct race r = {0};
	r.set = test_file_set_new(&path, &r.src, "race3", 1 * MiB, NULL, NULL);
	int go[2];
	assert_int_equal(pipe(go), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		close(go[1]);
		append_records(path, go[0]);
	}
	close(go[0]);

	pthread_t a;
	pthread_create(&a, NULL, failing_grower, &r);
	while (!atomic_load(&A_inside))
		sched_yield();
	assert_int_equal(write(go[1], "g", 1), 1);
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	atomic_store(&Others_done, 1);
	pthread_join(a, NULL);
	close(go[1]);

	assert_int_equal(r.a_ret, -ENOMEM);
	assert_int_equal(test_file_size(path), 2 * MiB + RECORDS * RECORD);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	char rec[RECORD];
	for (int i = 0; i < RECORDS; i++) {
		assert_int_equal(pread(fd, rec, sizeof(rec),
				(off_t)(2 * MiB + (size_t)i * RECORD)), RECORD);
		for (size_t j = 0; j < sizeof(rec); j++)
			if (rec[j] != 'a' + i)
				fail_msg("record %d lost (byte %zu)", i, j);
	}
	close(fd);
	/* the source still maps, and knows the file's new size */
	struct pmemset_part_descriptor d;
	test_map(r.set, r.src, 2 * MiB, RECORDS * RECORD, &d);
	assert_int_equal(((char *)d.addr)[RECORD * (RECORDS - 1)],
			'a' + RECORDS - 1);
	assert_int_equal(test_file_size(path), 2 * MiB + RECORDS * RECORD);
	assert_ok(pmemset_delete(&r.set));
	assert_ok(pmemset_source_delete(&r.src));
	test_file_remove(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(failed_growth_never_cuts_another_map),
		cmocka_unit_test(failed_growth_keeps_another_sources_part),
		cmocka_unit_test(failed_growth_keeps_another_process_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
