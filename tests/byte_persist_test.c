// SPDX-License-Identifier: BSD-3-Clause
/*
 * byte_persist_test.c -- the functions a set persists with. At BYTE
 * granularity on x86-64 the library's own (an sfence: src/byte_persist.c),
 * except under valgrind, where libpmem2's keep pmemcheck informed; at
 * CACHE_LINE libpmem2's. Either way what was persisted is there after the
 * set is gone and the file mapped again.
 */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "part_map.h"
#include "set.h"

#ifdef PMEMSET_HAVE_VALGRIND_H
#include <valgrind/valgrind.h>
#define OWN_BYTE_FNS (defined_x86_64 && !RUNNING_ON_VALGRIND)
#else
#define OWN_BYTE_FNS 0	/* the library keeps libpmem2's (byte_persist.c) */
#endif

#ifdef __x86_64__
#define defined_x86_64 1
#else
#define defined_x86_64 0
#endif

#define AREA (64 * KiB)

struct fixture {
	char *path;
	struct pmemset_source *src;
	struct pmemset *set;
	char *base;
	struct pmem2_map *map;	/* the part's, for what libpmem2 offers */
};

static struct fixture *
fixture_new(const char *force)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	setenv("PMEM2_FORCE_GRANULARITY", force, 1);
	f->set = test_file_set_new(&f->path, &f->src, "byte_persist", AREA,
			NULL, NULL);
	struct pmemset_part_descriptor d;
	test_map(f->set, f->src, 0, AREA, &d);
	unsetenv("PMEM2_FORCE_GRANULARITY");
	f->base = d.addr;
	struct pmemset_part_map *pm;
	pmemset_first_part_map(f->set, &pm);
	assert_non_null(pm);
	f->map = pm->parts[0]->map;
	pmemset_part_map_drop(&pm);
	return f;
}

static void
fixture_delete(struct fixture *f)
{
	test_file_set_delete(&f->set, &f->src, f->path);
	free(f);
}

/* the file as a fresh set maps it holds what f's set persisted */
static void
assert_file_holds(struct fixture *f, const char *want, size_t len)
{
	pmemset_delete(&f->set);
	f->set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset_part_descriptor d;
	test_map(f->set, f->src, 0, AREA, &d);
	assert_memory_equal(d.addr, want, len);
}

static void
byte_set_fences_with_the_right_functions(void **state)
{
	(void) state;
	struct fixture *f = fixture_new("BYTE");
	assert_int_equal(f->set->granularity, PMEM2_GRANULARITY_BYTE);
	bool own = OWN_BYTE_FNS;
	bool p = f->set->persist_fn != pmem2_get_persist_fn(f->map);
	bool fl = f->set->flush_fn != pmem2_get_flush_fn(f->map);
	bool dr = f->set->drain_fn != pmem2_get_drain_fn(f->map);
	if (own != p || own != fl || own != dr)
		fail_msg("expected %s functions; persist %s, flush %s, drain "
			"%s", own ? "the library's own" : "libpmem2's",
			p ? "own" : "libpmem2's", fl ? "own" : "libpmem2's",
			dr ? "own" : "libpmem2's");
	/* the copy functions stay libpmem2's in every case */
	assert_ptr_equal(f->set->memcpy_fn, pmem2_get_memcpy_fn(f->map));

	char want[3 * 256];
	for (size_t i = 0; i < sizeof(want); i++)
		want[i] = (char)(i * 7 + 1);
	memcpy(f->base, want, 256);
	assert_int_equal(pmemset_persist(f->set, f->base, 256), 0);
	memcpy(f->base + 256, want + 256, 256);
	assert_int_equal(pmemset_flush(f->set, f->base + 256, 256), 0);
	assert_int_equal(pmemset_drain(f->set), 0);
	assert_non_null(pmemset_memcpy(f->set, f->base + 512, want + 512, 256,
			0));
	assert_file_holds(f, want, sizeof(want));
	fixture_delete(f);
}

static void
cache_line_set_keeps_libpmem2s_functions(void **state)
{
	(void) state;
	struct fixture *f = fixture_new("CACHE_LINE");
	assert_int_equal(f->set->granularity, PMEM2_GRANULARITY_CACHE_LINE);
	assert_ptr_equal(f->set->persist_fn, pmem2_get_persist_fn(f->map));
	assert_ptr_equal(f->set->flush_fn, pmem2_get_flush_fn(f->map));
	assert_ptr_equal(f->set->drain_fn, pmem2_get_drain_fn(f->map));
	char want[128];
	memset(want, 0x5a, sizeof(want));
	memcpy(f->base, want, sizeof(want));
	assert_int_equal(pmemset_persist(f->set, f->base, sizeof(want)), 0);
	assert_file_holds(f, want, sizeof(want));
	fixture_delete(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(byte_set_fences_with_the_right_functions),
		cmocka_unit_test(cache_line_set_keeps_libpmem2s_functions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
