// SPDX-License-Identifier: BSD-3-Clause
/*
 * data_test.c -- the data path at the medium's granularity (PAGE on tmpfs,
 * CACHE_LINE or BYTE on DAX), forced CACHE_LINE and forced BYTE:
 * memcpy, memmove (overlapping both ways), memset, persist, flush, drain;
 * sizes from 0 to several MiB, aligned and unaligned; flags; an empty set;
 * NULL; and the checked mode (PMEMSET_CHECK_RANGES=1).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define AREA (8 * MiB)

struct fixture {
	char *path;
	struct pmemset_source *src;
	struct pmemset *set;
	char *base;
	char *ref; /* what the mapping must hold */
};

static int
setup_with(void **state, const char *force)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (force != NULL)
		setenv("PMEM2_FORCE_GRANULARITY", force, 1);
	f->set = test_file_set_new(&f->path, &f->src, "data", AREA, NULL,
			NULL);
	struct pmemset_part_descriptor d;
	test_map(f->set, f->src, 0, AREA, &d);
	f->base = d.addr;
	f->ref = calloc(1, AREA);
	unsetenv("PMEM2_FORCE_GRANULARITY");
	*state = f;
	return 0;
}

static int setup_page(void **s) { return setup_with(s, NULL); }
static int setup_cache_line(void **s) { return setup_with(s, "CACHE_LINE"); }
static int setup_byte(void **s) { return setup_with(s, "BYTE"); }

static int
teardown(void **state)
{
	struct fixture *f = *state;
	test_file_set_delete(&f->set, &f->src, f->path);
	free(f->ref);
	free(f);
	return 0;
}

static const size_t Sizes[] = {0, 1, 7, 8, 63, 64, 65, 255, 256, 4095, 4096,
	4097, 65536 + 3, 1 * MiB, 3 * MiB + 5};
static const size_t Offsets[] = {0, 1, 8, 63, 64, 4096 - 1, 4096};
static const unsigned Flag_sets[] = {0, PMEMSET_F_MEM_NODRAIN,
	PMEMSET_F_MEM_NONTEMPORAL, PMEMSET_F_MEM_TEMPORAL, PMEMSET_F_MEM_WC,
	PMEMSET_F_MEM_WB, PMEMSET_F_MEM_NOFLUSH,
	PMEMSET_F_MEM_NODRAIN | PMEMSET_F_MEM_NONTEMPORAL};

static void
fill_pattern(char *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(seed * 31 + i * 7 + (i >> 9));
}

static void
check(struct fixture *f)
{
	if (memcmp(f->base, f->ref, AREA) != 0) {
		size_t i = 0;
		while (f->base[i] == f->ref[i])
			i++;
		fail_msg("mapping differs from the reference at byte %zu", i);
	}
}

static void
granularity_is(struct fixture *f, enum pmem2_granularity want)
{
	enum pmem2_granularity g;
	assert_ok(pmemset_get_store_granularity(f->set, &g));
	assert_int_equal(g, want);
}

static void
copy_set_move_everywhere(struct fixture *f)
{
	char *src = malloc(4 * MiB);
	unsigned seed = 1;
	for (size_t s = 0; s < sizeof(Sizes) / sizeof(Sizes[0]); s++) {
		for (size_t o = 0; o < sizeof(Offsets) / sizeof(Offsets[0]); o++) {
			size_t len = Sizes[s], off = Offsets[o] + s * 4096;
			if (off + len > AREA)
				continue;
			unsigned flags = Flag_sets[(s + o) %
				(sizeof(Flag_sets) / sizeof(Flag_sets[0]))];
			fill_pattern(src, len, seed++);
			void *r = pmemset_memcpy(f->set, f->base + off, src,
					len, flags);
			assert_ptr_equal(r, f->base + off);
			memcpy(f->ref + off, src, len);

			r = pmemset_memset(f->set, f->base + off + len / 2,
					(int)(seed & 0xff), len / 3, flags);
			assert_ptr_equal(r, f->base + off + len / 2);
			memset(f->ref + off + len / 2, (int)(seed & 0xff),
					len / 3);
			if (flags & PMEMSET_F_MEM_NOFLUSH)
				assert_ok(pmemset_flush(f->set, f->base + off,
						len));
			assert_ok(pmemset_drain(f->set));
			assert_ok(pmemset_persist(f->set, f->base + off, len));
		}
	}
	check(f);
	free(src);
}

static void
overlapping_moves(struct fixture *f)
{
	size_t lens[] = {1, 17, 64, 4096 + 9, 1 * MiB + 1};
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t len = lens[i];
		fill_pattern(f->base, 3 * MiB, (unsigned)i);
		memcpy(f->ref, f->base, 3 * MiB);
		/* forward overlap, then backward overlap */
		pmemset_memmove(f->set, f->base + 3, f->base, len, 0);
		memmove(f->ref + 3, f->ref, len);
		pmemset_memmove(f->set, f->base + 100, f->base + 165, len,
				PMEMSET_F_MEM_NONTEMPORAL);
		memmove(f->ref + 100, f->ref + 165, len);
		check(f);
	}
}

static void
data_path_page(void **state)
{
	struct fixture *f = *state;
	/* PAGE on tmpfs; what the medium gives on DAX */
	granularity_is(f, test_dir_granularity());
	copy_set_move_everywhere(f);
	overlapping_moves(f);
}

static void
data_path_cache_line(void **state)
{
	struct fixture *f = *state;
	granularity_is(f, PMEM2_GRANULARITY_CACHE_LINE);
	copy_set_move_everywhere(f);
	overlapping_moves(f);
}

static void
data_path_byte(void **state)
{
	struct fixture *f = *state;
	granularity_is(f, PMEM2_GRANULARITY_BYTE);
	copy_set_move_everywhere(f);
	overlapping_moves(f);
}

static void
unknown_flags_touch_nothing(void **state)
{
	struct fixture *f = *state;
	char src[64];
	memset(src, 'x', sizeof(src));
	unsigned bad = 1u << 6;
	assert_null(pmemset_memcpy(f->set, f->base, src, 64, bad));
	assert_msg_has("0x40");
	assert_null(pmemset_memmove(f->set, f->base, src, 64, bad | 1));
	assert_null(pmemset_memset(f->set, f->base, 'y', 64, 1u << 31));
	check(f); /* still all zero */
}

static void
null_set(void **state)
{
	(void) state;
	char buf[16];
	assert_err(pmemset_persist(NULL, buf, 1), -EINVAL);
	assert_err(pmemset_flush(NULL, buf, 1), -EINVAL);
	assert_err(pmemset_drain(NULL), -EINVAL);
	assert_err(pmemset_deep_flush(NULL, buf, 1), -EINVAL);
	assert_null(pmemset_memcpy(NULL, buf, buf, 1, 0));
	assert_msg_has("set is NULL");
	assert_null(pmemset_memmove(NULL, buf, buf, 1, 0));
	assert_null(pmemset_memset(NULL, buf, 0, 1, 0));
}

static void
empty_set_refuses_and_touches_nothing(void **state)
{
	(void) state;
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	char buf[64] = {0}, src[64];
	memset(src, 1, sizeof(src));
	assert_err(pmemset_persist(set, buf, 64), PMEMSET_E_NO_PART_MAPPED);
	assert_err(pmemset_flush(set, buf, 64), PMEMSET_E_NO_PART_MAPPED);
	assert_err(pmemset_drain(set), PMEMSET_E_NO_PART_MAPPED);
	assert_err(pmemset_deep_flush(set, buf, 64), PMEMSET_E_NO_PART_MAPPED);
	assert_null(pmemset_memcpy(set, buf, src, 64, 0));
	assert_null(pmemset_memmove(set, buf, src, 64, 0));
	assert_null(pmemset_memset(set, buf, 1, 64, 0));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);

	/* and again once every part is gone */
	char *path = test_file("empty", 64 * KiB);
	struct pmemset_source *s;
	assert_ok(pmemset_source_from_file(&s, path));
	struct pmemset_part_descriptor d;
	test_map(set, s, 0, 0, &d);
	assert_ok(pmemset_persist(set, d.addr, 64));
	assert_ok(pmemset_remove_range(set, d.addr, 1));
	assert_err(pmemset_persist(set, buf, 64), PMEMSET_E_NO_PART_MAPPED);
	assert_null(pmemset_memset(set, buf, 1, 64, 0));
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&s));
	test_file_remove(path);
}

static void
checked_mode_rejects_ranges_outside_parts(void **state)
{
	(void) state;
	setenv("PMEMSET_CHECK_RANGES", "1", 1);
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	unsetenv("PMEMSET_CHECK_RANGES");
	char *path = test_file("checked", 1 * MiB);
	struct pmemset_source *s;
	assert_ok(pmemset_source_from_file(&s, path));
	struct pmem2_vm_reservation *rsv = NULL;
	(void) rsv;
	assert_ok(pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_OPPORTUNISTIC));
	struct pmemset_part_descriptor a, b;
	test_map(set, s, 0, 64 * KiB, &a);
	test_map(set, s, 64 * KiB, 64 * KiB, &b);
	char *base = a.addr;
	char outside[128] = {0};

	assert_ok(pmemset_persist(set, base, 64));
	assert_ok(pmemset_persist(set, base, b.size)); /* whole part map */
	assert_ok(pmemset_flush(set, base + b.size - 1, 1));
	assert_err(pmemset_persist(set, base + b.size - 1, 2),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	assert_err(pmemset_persist(set, outside, 64),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	assert_err(pmemset_flush(set, outside, 64),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	assert_null(pmemset_memset(set, outside, 1, 64, 0));
	assert_null(pmemset_memcpy(set, outside, base, 64, 0));
	for (size_t i = 0; i < sizeof(outside); i++)
		assert_int_equal(outside[i], 0);
	assert_non_null(pmemset_memcpy(set, base, outside, 64, 0));

	/* a range over two pieces of a split part map, with a hole between */
	assert_ok(pmemset_remove_range(set, base + 64 * KiB, 1));
	assert_err(pmemset_persist(set, base + 64 * KiB - 1, 2),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&s));
	test_file_remove(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(data_path_page, setup_page,
				teardown),
		cmocka_unit_test_setup_teardown(data_path_cache_line,
				setup_cache_line, teardown),
		cmocka_unit_test_setup_teardown(data_path_byte, setup_byte,
				teardown),
		cmocka_unit_test_setup_teardown(unknown_flags_touch_nothing,
				setup_page, teardown),
		cmocka_unit_test(null_set),
		cmocka_unit_test(empty_set_refuses_and_touches_nothing),
		cmocka_unit_test(checked_mode_rejects_ranges_outside_parts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
