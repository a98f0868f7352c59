// SPDX-License-Identifier: BSD-3-Clause
/*
 * fork_test.c -- libpmemset(7) FORK: a child forked while other threads are
 * inside the library can create, map, observe and delete objects of its
 * own. The parent forks again and again while its threads map and remove
 * parts (with bad-block detection on, so every map notes the source
 * journal), create and delete sets, write through an observed set (the
 * counters' thread tables) and update observers over every set (the
 * registry lock, held across whole walks).
 *
 * Each child must finish; the parent waits for it with a generous bound
 * and kills it past that, so a hang fails the test instead of CI.
 *
 * On a DAX file system (label pmem) the child's own part must also be a
 * MAP_SYNC mapping, so the run there is a fork of a process with DAX
 * mappings whose child makes DAX mappings of its own, with bad-block
 * detection on the real device stack meanwhile.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pmem_env.h"
#include "test_util.h"
#include "stat_util.h"
#include "libpmemset/stat.h"

#define PART (64 * KiB)
/*
 * How long the observer's walk holds the registry lock, and how many forks
 * meet the threads inside the library. On DAX, in the emulated guest of the
 * pmem label (TCG), every map costs 15-50 ms (libpmem2 walks sysfs at each
 * map, bench/README.md) and a round about 0.35 s: 2000 parts and 200 rounds
 * took 110-140 s there. An observer's pass over 500 parts there still
 * holds the lock about as long as one over 2000 on the host (passes over
 * 2000 counted during a run: about 0.3 s each in the guest, 50 ms on the
 * host), and 50 rounds still fork into every thread's critical sections
 * many times (one map and removal of the mapper lasts about a second
 * there). On tmpfs the counts stay as they were.
 */
#define BIG_PARTS 2000
#define BIG_PARTS_DAX 500
#define ROUNDS 200
#define ROUNDS_DAX 50
/* a hung child is killed after this long: far beyond any slow machine */
#define CHILD_BOUND_S 120

static _Atomic int Stop;
static bool On_dax;		/* test_dir() is on a DAX file system */
static struct pmemset *Shared_set;	/* observed; written by a thread */
static struct pmemset_source *Shared_src;

/* maps and removes parts of the shared source, both ways */
static void *
mapper(void *arg)
{
	(void) arg;
	/* no coalescing: libpmem2 1.12.1 leaks a mapping per reservation */
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	for (unsigned i = 0; !atomic_load(&Stop); i++) {
		struct pmemset_part_descriptor d;
		test_map(set, Shared_src, (i % 4) * PART, PART, &d);
		if (i % 2 == 0) {
			assert_ok(pmemset_remove_range(set, d.addr, PART));
		} else {
			struct pmemset_part_map *pm;
			assert_ok(pmemset_part_map_by_address(set, &pm,
					d.addr));
			assert_ok(pmemset_remove_part_map(set, &pm));
		}
	}
	assert_ok(pmemset_delete(&set));
	return NULL;
}

/* new sets come and go; the observed set is written through */
static void *
churner(void *arg)
{
	(void) arg;
	struct pmemset_part_descriptor d;
	struct pmemset_part_map *pm;
	pmemset_first_part_map(Shared_set, &pm);
	d = pmemset_descriptor_part_map(pm);
	pmemset_part_map_drop(&pm);
	while (!atomic_load(&Stop)) {
		struct pmemset *s = test_set_new(PMEM2_GRANULARITY_PAGE, NULL,
				NULL);
		pmemset_memset(Shared_set, d.addr, 0x11, 256, 0);
		assert_ok(pmemset_persist(Shared_set, d.addr, 256));
		assert_ok(pmemset_delete(&s));
	}
	return NULL;
}

/*
 * Walks every set, the big one whole each time (a fresh handle), holding
 * the registry lock all the while.
 */
static void *
observer(void *arg)
{
	(void) arg;
	while (!atomic_load(&Stop)) {
		struct pmemset_stat *h;
		assert_st(pmemset_stat_open(&h, NULL, NULL, 0));
		assert_st(pmemset_stat_update(h));
		assert_st(pmemset_stat_close(&h));
	}
	return NULL;
}

/*
 * The child's life: objects of its own, from creation to deletion. No
 * cmocka assertion here: a failure would unwind into the parent's test.
 */
static int
child_work(void)
{
	struct pmemset_config *cfg;
	struct pmemset *set;
	struct pmemset_source *src;
	struct pmemset_map_config *mc;
	struct pmemset_part_descriptor d;
	struct pmemset_part_map *pm;
	struct pmemset_stat *h;
	struct pmemset_stat_map *root;
	if (pmemset_config_new(&cfg) ||
	    pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE) ||
	    pmemset_new(&set, cfg) || pmemset_config_delete(&cfg))
		return 10;
	if (pmemset_source_from_temporary(&src, test_dir()) ||
	    pmemset_map_config_new(&mc))
		return 11;
	pmemset_map_config_set_length(mc, PART);
	if (pmemset_map(set, src, mc, &d) || pmemset_map_config_delete(&mc))
		return 12;
	pmemset_memset(set, d.addr, 0x42, PART, 0);
	if (((char *)d.addr)[PART - 1] != 0x42)
		return 13;
	char flags[256];
	if (On_dax && (!pmem_env_vma_flags(d.addr, flags, sizeof(flags)) ||
			!pmem_env_has_vma_flag(flags, "sf")))
		return 19; /* not MAP_SYNC on DAX */
	/* every set the child sees is its own: the parent's are forgotten */
	if (pmemset_stat_open(&h, NULL, NULL, 0) != PMEMSET_STAT_S_OK ||
	    pmemset_stat_update(h) != PMEMSET_STAT_S_OK ||
	    pmemset_stat_root(h, &root) != PMEMSET_STAT_S_OK)
		return 14;
	uint64_t sets = 0;
	if (pmemset_stat_map_get_uint64(root, "sets", &sets) !=
			PMEMSET_STAT_S_OK || sets != 1)
		return 15;
	if (pmemset_part_map_by_address(set, &pm, d.addr) ||
	    pmemset_remove_part_map(set, &pm))
		return 16;
	if (pmemset_stat_update(h) != PMEMSET_STAT_S_OK ||
	    pmemset_stat_close(&h) != PMEMSET_STAT_S_OK)
		return 17;
	if (pmemset_delete(&set) || pmemset_source_delete(&src))
		return 18;
	return 0;
}

/*
 * The child reports its result through a pipe and ends by SIGKILL: under
 * valgrind an exit would check the child for leaks, and the parent's other
 * threads' memory, whose stacks the child never had, would count as lost.
 */
static void
child_run(int report_fd)
{
	unsigned char result = (unsigned char)child_work();
	if (write(report_fd, &result, 1) != 1)
		_exit(1);
	kill(getpid(), SIGKILL);
	_exit(1);
}

/* the child's report, or a failure once it outlived the bound */
static void
wait_bounded(pid_t pid, int report_fd, int round)
{
	struct timespec start, now, nap = {0, 1000 * 1000};
	clock_gettime(CLOCK_MONOTONIC, &start);
	int status;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		assert_int_equal(r, 0);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > CHILD_BOUND_S) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fail_msg("round %d: the child hung (killed after %d s)",
					round, CHILD_BOUND_S);
		}
		nanosleep(&nap, NULL);
	}
	unsigned char result = 255;
	if (read(report_fd, &result, 1) != 1 || result != 0)
		fail_msg("round %d: the child failed: step %d (%s %d)", round,
			(int)result, WIFEXITED(status) ? "exit" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) :
			WTERMSIG(status));
}

static void
children_of_a_busy_parent_finish(void **state)
{
	(void) state;
	On_dax = test_dir_granularity() != PMEM2_GRANULARITY_PAGE;
	const char *r = getenv("PMEMSET_FORK_ROUNDS");
	int rounds = r != NULL ? atoi(r) : On_dax ? ROUNDS_DAX : ROUNDS;
	if (rounds == 0)
		skip(); /* under ASan or TSan: see reliability.cmake */
	size_t big_parts = On_dax ? BIG_PARTS_DAX : BIG_PARTS;
	char *path = test_file("fork", 8 * PART);
	assert_ok(pmemset_source_from_file(&Shared_src, path));
	pmemset_source_set_badblock_detection(Shared_src, true);
	Shared_set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	test_map(Shared_set, Shared_src, 6 * PART, PART, NULL);
	/* many parts: an observer's walk holds the registry lock a while */
	struct pmemset_source *big;
	assert_ok(pmemset_source_from_temporary(&big, test_dir()));
	for (size_t i = 0; i < big_parts; i++)
		test_map(Shared_set, big, i * 4 * KiB, 4 * KiB, NULL);

	pthread_t th[3];
	void *(*fn[3])(void *) = {mapper, churner, observer};
	for (int i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&th[i], NULL, fn[i], NULL), 0);
	for (int i = 0; i < rounds; i++) {
		int report[2];
		assert_int_equal(pipe(report), 0);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			child_run(report[1]);
		close(report[1]);
		wait_bounded(pid, report[0], i);
		close(report[0]);
	}
	atomic_store(&Stop, 1);
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	assert_ok(pmemset_delete(&Shared_set));
	assert_ok(pmemset_source_delete(&big));
	assert_ok(pmemset_source_delete(&Shared_src));
	test_file_remove(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(children_of_a_busy_parent_finish),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
