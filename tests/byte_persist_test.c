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

#include "file_set_fixture.h"

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

/* the shared file-set fixture, mapped under a forced granularity */
struct fixture {
	struct file_set_fixture *fs;
	struct pmem2_map *map;	/* the part's, for what libpmem2 offers */
};

static struct fixture *
fixture_new(const char *force)
{
	static const struct file_set_params params = {
		.tag = "byte_persist", .file_size = AREA,
		.parts = 1, .part_size = AREA,
	};
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	setenv("PMEM2_FORCE_GRANULARITY", force, 1);
	f->fs = file_set_fixture_new(&params);
	unsetenv("PMEM2_FORCE_GRANULARITY");
	struct pmemset_part_map *pm;
	pmemset_first_part_map(f->fs->set, &pm);
	assert_non_null(pm);
	f->map = pm->parts[0]->map;
	pmemset_part_map_drop(&pm);
	return f;
}

static void
fixture_delete(struct fixture *f)
{
	file_set_fixture_delete(f->fs);
	free(f);
}

/* the file as a fresh set maps it holds what f's set persisted */
static void
assert_file_holds(struct fixture *f, const char *want, size_t len)
{
	pmemset_delete(&f->fs->set);
	f->fs->set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset_part_descriptor d;
	test_map(f->fs->set, f->fs->src, 0, AREA, &d);
	assert_memory_equal(d.addr, want, len);
}

static void
byte_set_fences_with_the_right_functions(void **state)
{
	(void) state;
	struct fixture *f = fixture_new("BYTE");
	assert_int_equal(f->fs->set->granularity, PMEM2_GRANULARITY_BYTE);
	bool own = OWN_BYTE_FNS;
	bool p = f->fs->set->persist_fn != pmem2_get_persist_fn(f->map);
	bool fl = f->fs->set->flush_fn != pmem2_get_flush_fn(f->map);
	bool dr = f->fs->set->drain_fn != pmem2_get_drain_fn(f->map);
	if (own != p || own != fl || own != dr)
		fail_msg("expected %s functions; persist %s, flush %s, drain "
			"%s", own ? "the library's own" : "libpmem2's",
			p ? "own" : "libpmem2's", fl ? "own" : "libpmem2's",
			dr ? "own" : "libpmem2's");
	/* the copy functions stay libpmem2's in every case */
	assert_ptr_equal(f->fs->set->memcpy_fn, pmem2_get_memcpy_fn(f->map));

	char want[3 * 256];
	for (size_t i = 0; i < sizeof(want); i++)
		want[i] = (char)(i * 7 + 1);
	memcpy(f->fs->base, want, 256);
	assert_int_equal(pmemset_persist(f->fs->set, f->fs->base, 256), 0);
	memcpy(f->fs->base + 256, want + 256, 256);
	assert_int_equal(pmemset_flush(f->fs->set, f->fs->base + 256, 256), 0);
	assert_int_equal(pmemset_drain(f->fs->set), 0);
	assert_non_null(pmemset_memcpy(f->fs->set, f->fs->base + 512, want + 512, 256,
			0));
	assert_file_holds(f, want, sizeof(want));
	fixture_delete(f);
}

static void
cache_line_set_keeps_libpmem2s_functions(void **state)
{
	(void) state;
	struct fixture *f = fixture_new("CACHE_LINE");
	assert_int_equal(f->fs->set->granularity, PMEM2_GRANULARITY_CACHE_LINE);
	assert_ptr_equal(f->fs->set->persist_fn, pmem2_get_persist_fn(f->map));
	assert_ptr_equal(f->fs->set->flush_fn, pmem2_get_flush_fn(f->map));
	assert_ptr_equal(f->fs->set->drain_fn, pmem2_get_drain_fn(f->map));
	char want[128];
	memset(want, 0x5a, sizeof(want));
	memcpy(f->fs->base, want, sizeof(want));
	assert_int_equal(pmemset_persist(f->fs->set, f->fs->base, sizeof(want)), 0);
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
