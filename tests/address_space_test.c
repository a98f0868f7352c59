// SPDX-License-Identifier: BSD-3-Clause
/*
 * address_space_test.c -- a set mapped without coalescing keeps its small
 * parts in arenas (address space reserved per set, given back as parts
 * go): a long-lived set whose parts come and go must not grow the
 * process's address space or its kernel mappings, and neither a full
 * arena nor the deletion of the set may leave anything mapped.
 *
 * Argument: the map/remove cycles of the long-lived case (default
 * 1,000,000; CMake passes fewer under sanitizers).
 */
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"

static size_t Cycles = 1000000;

/*
 * Mappings the allocator may add meanwhile: none with glibc's malloc for
 * these sizes; under AddressSanitizer its allocator maps regions of its
 * own as the heap grows (57 more after the full-arena case here).
 */
#ifdef __SANITIZE_ADDRESS__
#define ALLOCATOR_MAPPINGS 128
#else
#define ALLOCATOR_MAPPINGS 0
#endif

/* the process's kernel mappings and address space, from /proc */
struct footprint {
	size_t mappings;
	size_t vm_kib;
};

static struct footprint
footprint_now(void)
{
	struct footprint fp = {0, 0};
	FILE *f = fopen("/proc/self/maps", "r");
	assert_non_null(f);
	int c;
	while ((c = fgetc(f)) != EOF)
		fp.mappings += c == '\n';
	fclose(f);
	f = fopen("/proc/self/status", "r");
	assert_non_null(f);
	char line[256];
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmSize: %zu kB", &fp.vm_kib) == 1)
			break;
	fclose(f);
	assert_true(fp.vm_kib > 0);
	return fp;
}

static void
map_at(struct pmemset *set, struct pmemset_source *src,
		struct pmemset_map_config *mc, size_t offset, size_t len,
		char **addr)
{
	struct pmemset_part_descriptor d;
	assert_ok(pmemset_map_config_set_offset(mc, offset));
	pmemset_map_config_set_length(mc, len);
	assert_ok(pmemset_map(set, src, mc, &d));
	assert_int_equal(d.size, len);
	*addr = d.addr;
	/* the part is really there: written, read back */
	*(size_t *)*addr = offset + len;
}

static void
remove_at(struct pmemset *set, char *addr, size_t offset, size_t len)
{
	assert_int_equal(*(size_t *)addr, offset + len);
	assert_ok(pmemset_remove_range(set, addr, 1));
}

/* a temporary source, a PAGE set and a map config: what every case maps with */
struct rig {
	struct pmemset_source *src;
	struct pmemset *set;
	struct pmemset_map_config *mc;
};

static void
rig_open(struct rig *r)
{
	assert_ok(pmemset_source_from_temporary(&r->src, test_dir()));
	r->set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	assert_ok(pmemset_map_config_new(&r->mc));
}

static void
rig_close(struct rig *r)
{
	pmemset_map_config_delete(&r->mc);
	assert_ok(pmemset_delete(&r->set));
	assert_ok(pmemset_source_delete(&r->src));
}

/* nothing left of the set: the process's mappings as before it */
static void
assert_left_nothing(const struct footprint *before)
{
	struct footprint after = footprint_now();
	if (after.mappings > before->mappings + ALLOCATOR_MAPPINGS ||
	    after.vm_kib > before->vm_kib + 1024)
		fail_msg("before the set: %zu mappings, %zu KiB; after its "
			"delete: %zu mappings, %zu KiB", before->mappings,
			before->vm_kib, after.mappings, after.vm_kib);
}

#define WINDOW 64
#define SETTLE 10000	/* cycles before the footprint must stay flat */

/* xorshift: the same pseudo-random removals in every run */
static uint64_t
next_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/*
 * WINDOW parts alive at any time, of 4, 8 or 64 KiB each; every cycle
 * removes one at random and maps another in its place of the file. Which
 * parts sit side by side changes, so the kernel's mapping count moves
 * within a band: each part, and each run of free room between parts, is
 * one mapping, 2 * WINDOW + 1 at most in an arena. From SETTLE cycles on,
 * the count may not leave that band and VmSize may not move at all.
 */
static void
long_lived_set_stays_flat(void **state)
{
	(void) state;
	static const size_t sizes[] = {4 * KiB, 8 * KiB, 64 * KiB};
	struct footprint start = footprint_now();
	struct rig r;
	rig_open(&r);

	char *addr[WINDOW];
	size_t len[WINDOW];
	uint64_t rnd = 0x9e3779b97f4a7c15ull;
	/* slot i owns [i * 64 KiB, (i + 1) * 64 KiB) of the file */
	for (size_t i = 0; i < WINDOW; i++) {
		len[i] = sizes[i % 3];
		map_at(r.set, r.src, r.mc, i * 64 * KiB, len[i], &addr[i]);
	}
	/* the arena's mappings, and the source's file (a few more) */
	size_t band = start.mappings + 2 * WINDOW + 1 + 4;
	size_t settled_kib = 0, most = 0, least = SIZE_MAX, samples = 0;
	for (size_t cycle = 1; cycle <= Cycles; cycle++) {
		size_t i = next_random(&rnd) % WINDOW;
		remove_at(r.set, addr[i], i * 64 * KiB, len[i]);
		len[i] = sizes[next_random(&rnd) % 3];
		map_at(r.set, r.src, r.mc, i * 64 * KiB, len[i], &addr[i]);
		if (cycle % 1000 != 0 && cycle != Cycles)
			continue;
		struct footprint now = footprint_now();
		if (cycle < SETTLE && cycle != Cycles)
			continue;
		if (settled_kib == 0)
			settled_kib = now.vm_kib;
		samples++;
		most = now.mappings > most ? now.mappings : most;
		least = now.mappings < least ? now.mappings : least;
		if (now.mappings > band || now.vm_kib != settled_kib)
			fail_msg("after %zu cycles: %zu mappings, %zu KiB; "
				"after %d: %zu KiB, and never more than %zu "
				"mappings", cycle, now.mappings, now.vm_kib,
				SETTLE, settled_kib, band);
	}
	printf("%zu cycles: from %d on, %zu-%zu mappings (at most %zu "
		"allowed) and always %zu KiB (%zu samples); %zu mappings and "
		"%zu KiB before the set\n", Cycles, SETTLE, least, most, band,
		settled_kib, samples, start.mappings, start.vm_kib);
	assert_int_equal(test_count_part_maps(r.set), WINDOW);

	rig_close(&r);
}

/* the largest part an arena takes, and how many one holds */
#define BIG_PART (2 * MiB - 4 * KiB)
#define PER_ARENA ((256 * MiB) / BIG_PART)

/*
 * More parts than one arena holds: a second arena is made; removing every
 * part and deleting the set leaves the process as it was before the set.
 */
static void
full_arena_and_delete_leave_nothing(void **state)
{
	(void) state;
	struct footprint before = footprint_now();
	struct rig r;
	rig_open(&r);
	enum { N = PER_ARENA + 8 };
	static char *addr[N];
	/* every part maps the same bytes of the file: it stays small */
	for (size_t i = 0; i < N; i++)
		map_at(r.set, r.src, r.mc, 0, BIG_PART, &addr[i]);
	struct footprint full = footprint_now();
	assert_true(full.vm_kib >= before.vm_kib + N * (BIG_PART / KiB));
	assert_int_equal(test_count_part_maps(r.set), N);

	/* the parts of the second arena go first, then the first's */
	for (size_t i = N; i > 0; i--)
		assert_ok(pmemset_remove_range(r.set, addr[i - 1], 1));
	struct footprint emptied = footprint_now();
	/* one arena stays for the next part: 256 MiB (and malloc's growth) */
	if (emptied.vm_kib > before.vm_kib + 257 * 1024 ||
	    emptied.mappings > before.mappings + 2 + ALLOCATOR_MAPPINGS)
		fail_msg("before the set: %zu mappings, %zu KiB; emptied: "
			"%zu mappings, %zu KiB", before.mappings,
			before.vm_kib, emptied.mappings, emptied.vm_kib);
	assert_true(emptied.vm_kib < full.vm_kib - 128 * 1024);

	/* and the set maps again into what is left */
	map_at(r.set, r.src, r.mc, 0, BIG_PART, &addr[0]);
	remove_at(r.set, addr[0], 0, BIG_PART);

	rig_close(&r);
	assert_left_nothing(&before);
}

/* parts of 2 MiB and more are placed by libpmem2, and leave nothing either */
static void
big_parts_leave_nothing(void **state)
{
	(void) state;
	struct footprint before = footprint_now();
	struct rig r;
	rig_open(&r);
	char *small, *big;
	map_at(r.set, r.src, r.mc, 0, 4 * KiB, &small);
	map_at(r.set, r.src, r.mc, 2 * MiB, 2 * MiB, &big);
	/* libpmem2 aligns a map of 2 MiB to 2 MiB */
	assert_int_equal((uintptr_t)big % (2 * MiB), 0);
	remove_at(r.set, big, 2 * MiB, 2 * MiB);
	remove_at(r.set, small, 0, 4 * KiB);
	rig_close(&r);
	assert_left_nothing(&before);
}

int
main(int argc, char *argv[])
{
	if (argc > 1)
		Cycles = strtoull(argv[1], NULL, 10);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_arena_and_delete_leave_nothing),
		cmocka_unit_test(big_parts_leave_nothing),
		cmocka_unit_test(long_lived_set_stays_flat),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
