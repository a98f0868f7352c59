// SPDX-License-Identifier: BSD-3-Clause
/*
 * flush_order_test.c -- every byte written through the set is flushed
 * before the DRAIN event that covers it. pmem2_get_*_fn are wrapped so the
 * set gets recording functions: they do the real work and track, per
 * byte, whether it is dirty, flushed or drained. At each DRAIN event the
 * range the test expects it to cover must be fully drained.
 */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define AREA (256 * KiB)

enum byte_state { CLEAN, DIRTY, FLUSHED, DRAINED };

static char *Base;
static unsigned char State[AREA];
static pmem2_memcpy_fn Real_memcpy;
static pmem2_memmove_fn Real_memmove;
static pmem2_memset_fn Real_memset;

static void
mark(const void *p, size_t len, enum byte_state from_at_most,
		enum byte_state to)
{
	size_t off = (size_t)((const char *)p - Base);
	for (size_t i = off; i < off + len && i < AREA; i++)
		if (State[i] != CLEAN && State[i] <= from_at_most)
			State[i] = (unsigned char)to;
}

static void
written(const void *p, size_t len)
{
	size_t off = (size_t)((const char *)p - Base);
	memset(State + off, DIRTY, len);
}

static void
rec_flush(const void *p, size_t len)
{
	mark(p, len, DIRTY, FLUSHED);
}

static void
rec_drain(void)
{
	for (size_t i = 0; i < AREA; i++)
		if (State[i] == FLUSHED)
			State[i] = DRAINED;
}

static void
rec_persist(const void *p, size_t len)
{
	rec_flush(p, len);
	rec_drain();
}

/* what libpmem2's mem functions do with the flags, applied to the record */
static void
after_mem(void *dest, size_t len, unsigned flags)
{
	written(dest, len);
	if (flags & PMEM2_F_MEM_NOFLUSH)
		return;
	rec_flush(dest, len);
	if (!(flags & PMEM2_F_MEM_NODRAIN))
		rec_drain();
}

static void *
rec_memcpy(void *dest, const void *src, size_t len, unsigned flags)
{
	void *r = Real_memcpy(dest, src, len, flags);
	after_mem(dest, len, flags);
	return r;
}

static void *
rec_memmove(void *dest, const void *src, size_t len, unsigned flags)
{
	void *r = Real_memmove(dest, src, len, flags);
	after_mem(dest, len, flags);
	return r;
}

static void *
rec_memset(void *dest, int c, size_t len, unsigned flags)
{
	void *r = Real_memset(dest, c, len, flags);
	after_mem(dest, len, flags);
	return r;
}

pmem2_persist_fn __wrap_pmem2_get_persist_fn(struct pmem2_map *map);
pmem2_flush_fn __wrap_pmem2_get_flush_fn(struct pmem2_map *map);
pmem2_drain_fn __wrap_pmem2_get_drain_fn(struct pmem2_map *map);
pmem2_memcpy_fn __wrap_pmem2_get_memcpy_fn(struct pmem2_map *map);
pmem2_memmove_fn __wrap_pmem2_get_memmove_fn(struct pmem2_map *map);
pmem2_memset_fn __wrap_pmem2_get_memset_fn(struct pmem2_map *map);
pmem2_memcpy_fn __real_pmem2_get_memcpy_fn(struct pmem2_map *map);
pmem2_memmove_fn __real_pmem2_get_memmove_fn(struct pmem2_map *map);
pmem2_memset_fn __real_pmem2_get_memset_fn(struct pmem2_map *map);

pmem2_persist_fn
__wrap_pmem2_get_persist_fn(struct pmem2_map *map)
{
	(void) map;
	return rec_persist;
}

pmem2_flush_fn
__wrap_pmem2_get_flush_fn(struct pmem2_map *map)
{
	(void) map;
	return rec_flush;
}

pmem2_drain_fn
__wrap_pmem2_get_drain_fn(struct pmem2_map *map)
{
	(void) map;
	return rec_drain;
}

pmem2_memcpy_fn
__wrap_pmem2_get_memcpy_fn(struct pmem2_map *map)
{
	Real_memcpy = __real_pmem2_get_memcpy_fn(map);
	return rec_memcpy;
}

pmem2_memmove_fn
__wrap_pmem2_get_memmove_fn(struct pmem2_map *map)
{
	Real_memmove = __real_pmem2_get_memmove_fn(map);
	return rec_memmove;
}

pmem2_memset_fn
__wrap_pmem2_get_memset_fn(struct pmem2_map *map)
{
	Real_memset = __real_pmem2_get_memset_fn(map);
	return rec_memset;
}

/* the range the next DRAIN event must find drained */
static char *Covered;
static size_t Covered_len;
static int Drains, Bad_drains;

static int
check_cb(struct pmemset *set, struct pmemset_event_context *ctx, void *arg)
{
	(void) set;
	(void) arg;
	if (ctx->type != PMEMSET_EVENT_DRAIN)
		return 0;
	Drains++;
	size_t off = (size_t)(Covered - Base);
	for (size_t i = off; i < off + Covered_len; i++)
		if (State[i] != DRAINED)
			Bad_drains++;
	return 0;
}

static void
expect_drain_covering(void *p, size_t len)
{
	Covered = p;
	Covered_len = len;
}

static void
every_write_is_flushed_before_its_drain(void **state)
{
	(void) state;
	char *path;
	struct pmemset_source *src;
	struct pmemset *set = test_file_set_new(&path, &src, "order", AREA,
			check_cb, NULL);
	struct pmemset_part_descriptor d;
	test_map(set, src, 0, AREA, &d);
	Base = d.addr;
	memset(State, CLEAN, sizeof(State));
	char buf[4096];
	memset(buf, 'r', sizeof(buf));

	expect_drain_covering(Base, 100);
	pmemset_memcpy(set, Base, buf, 100, 0);
	expect_drain_covering(Base + 200, 4096);
	pmemset_memset(set, Base + 200, 1, 4096, PMEMSET_F_MEM_NONTEMPORAL);
	expect_drain_covering(Base + 9000, 300);
	pmemset_memmove(set, Base + 9000, Base, 300, PMEMSET_F_MEM_WB);

	/* NODRAIN: no event; the explicit drain covers it */
	pmemset_memcpy(set, Base + 20000, buf, 512, PMEMSET_F_MEM_NODRAIN);
	expect_drain_covering(Base + 20000, 512);
	assert_ok(pmemset_drain(set));

	/* NOFLUSH: the user's flush then drain covers it */
	pmemset_memcpy(set, Base + 30000, buf, 64, PMEMSET_F_MEM_NOFLUSH);
	assert_ok(pmemset_flush(set, Base + 30000, 64));
	expect_drain_covering(Base + 30000, 64);
	assert_ok(pmemset_drain(set));

	/* plain stores, then persist */
	memset(Base + 40000, 'p', 1000);
	written(Base + 40000, 1000);
	expect_drain_covering(Base + 40000, 1000);
	assert_ok(pmemset_persist(set, Base + 40000, 1000));

	assert_int_equal(Drains, 6);
	assert_int_equal(Bad_drains, 0);
	/* and the bytes are really there */
	assert_int_equal(Base[0], 'r');
	assert_int_equal(Base[200], 1);
	assert_int_equal(Base[30000], 'r');
	pmemset_delete(&set);
	pmemset_source_delete(&src);
	test_file_remove(path);
}

/* the checker itself catches a drain reported before the flush */
static void
the_checker_catches_an_unflushed_drain(void **state)
{
	(void) state;
	char *path;
	struct pmemset_source *src;
	struct pmemset *set = test_file_set_new(&path, &src, "order2", AREA,
			check_cb, NULL);
	struct pmemset_part_descriptor d;
	test_map(set, src, 0, AREA, &d);
	Base = d.addr;
	memset(State, CLEAN, sizeof(State));
	Drains = Bad_drains = 0;
	memset(Base, 'x', 10);
	written(Base, 10);
	expect_drain_covering(Base, 10);
	assert_ok(pmemset_drain(set)); /* nothing was flushed */
	assert_int_equal(Drains, 1);
	assert_int_equal(Bad_drains, 10);
	pmemset_delete(&set);
	pmemset_source_delete(&src);
	test_file_remove(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_write_is_flushed_before_its_drain),
		cmocka_unit_test(the_checker_catches_an_unflushed_drain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
