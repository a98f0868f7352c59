// SPDX-License-Identifier: BSD-3-Clause
/*
 * data_path_cost_test.c -- the data path takes no lock and allocates
 * nothing, with and without an event callback: malloc, calloc, realloc and
 * every pthread lock our objects call are wrapped and counted while
 * persist, flush, drain, memcpy, memmove and memset run, and while part
 * maps are looked up, described and dropped.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static int Counting;
static int Calls;

#define COUNTED(ret, name, params, args) \
	ret __real_##name params; \
	ret __wrap_##name params; \
	ret __wrap_##name params \
	{ \
		if (Counting) \
			Calls++; \
		return __real_##name args; \
	}

COUNTED(void *, malloc, (size_t s), (s))
COUNTED(void *, calloc, (size_t n, size_t s), (n, s))
COUNTED(void *, realloc, (void *p, size_t s), (p, s))
COUNTED(int, pthread_mutex_lock, (pthread_mutex_t *m), (m))
COUNTED(int, pthread_rwlock_rdlock, (pthread_rwlock_t *l), (l))
COUNTED(int, pthread_rwlock_wrlock, (pthread_rwlock_t *l), (l))

static int
noop_cb(struct pmemset *set, struct pmemset_event_context *ctx, void *arg)
{
	(void) set;
	(void) ctx;
	(void) arg;
	return 0;
}

static void
run_data_path(pmemset_event_callback *cb)
{
	char *path;
	struct pmemset_source *src;
	struct pmemset *set = test_file_set_new(&path, &src, "cost", 64 * KiB,
			cb, NULL);
	struct pmemset_part_descriptor d;
	test_map(set, src, 0, 0, &d);
	char *p = d.addr;
	char buf[256];
	memset(buf, 3, sizeof(buf));

	Calls = 0;
	Counting = 1;
	for (int i = 0; i < 100; i++) {
		pmemset_memcpy(set, p, buf, sizeof(buf), 0);
		pmemset_memmove(set, p + 1, p, 100, PMEMSET_F_MEM_NODRAIN);
		pmemset_memset(set, p + 300, i, 50, PMEMSET_F_MEM_NOFLUSH);
		pmemset_flush(set, p + 300, 50);
		pmemset_drain(set);
		pmemset_persist(set, p, 400);
	}
	Counting = 0;
	assert_int_equal(Calls, 0);

	/* lookups take no lock either (they read the index lock-free) */
	struct pmemset_part_map *pmap;
	Counting = 1;
	for (int i = 0; i < 100; i++) {
		assert_ok(pmemset_part_map_by_address(set, &pmap, p + i));
		struct pmemset_part_descriptor pd =
			pmemset_descriptor_part_map(pmap);
		assert_ptr_equal(pd.addr, p);
		pmemset_part_map_drop(&pmap);
		pmemset_first_part_map(set, &pmap);
		struct pmemset_part_map *next = NULL;
		pmemset_next_part_map(set, pmap, &next);
		assert_null(next);
		pmemset_part_map_drop(&pmap);
	}
	Counting = 0;
	assert_int_equal(Calls, 0);

	/* the counter does see our own calls: this one takes the lock */
	enum pmem2_granularity g;
	Counting = 1;
	assert_ok(pmemset_get_store_granularity(set, &g));
	Counting = 0;
	assert_true(Calls > 0);

	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
	test_file_remove(path);
}

static void
no_lock_no_allocation(void **state)
{
	(void) state;
	run_data_path(NULL);
}

static void
no_lock_no_allocation_with_a_callback(void **state)
{
	(void) state;
	run_data_path(noop_cb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_lock_no_allocation),
		cmocka_unit_test(no_lock_no_allocation_with_a_callback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
