// SPDX-License-Identifier: BSD-3-Clause
/*
 * map_race_test.c -- a map that grows a file and then fails cuts the file
 * back; another map of the same source must never be caught in between
 * (its part would end past the end of the file: SIGBUS at the first store).
 * pmem2_map_new is wrapped so the first map fails slowly, while a second
 * thread maps a range inside the grown area.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "test_util.h"

int __real_pmem2_map_new(struct pmem2_map **map, const struct pmem2_config *cfg,
		const struct pmem2_source *src);
int __wrap_pmem2_map_new(struct pmem2_map **map, const struct pmem2_config *cfg,
		const struct pmem2_source *src);

static __thread int Fail_slowly;
static _Atomic int A_inside;

int
__wrap_pmem2_map_new(struct pmem2_map **map, const struct pmem2_config *cfg,
		const struct pmem2_source *src)
{
	if (!Fail_slowly)
		return __real_pmem2_map_new(map, cfg, src);
	atomic_store(&A_inside, 1);
	/* give the other thread time to map meanwhile, were it allowed to */
	struct timespec ts = {0, 300 * 1000 * 1000};
	nanosleep(&ts, NULL);
	return -ENOMEM;
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
	char *path = test_file("race", 1 * MiB);
	struct race r = {0};
	assert_ok(pmemset_source_from_file(&r.src, path));
	r.set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(failed_growth_never_cuts_another_map),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
