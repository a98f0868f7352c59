// SPDX-License-Identifier: BSD-3-Clause
/*
 * part_index_test.c -- the interval index on its own (src/part_index.c,
 * linked from the library's objects): for every size from empty to past a
 * few powers of two, with gaps and touching neighbours, each query answers
 * what a scan of the entries answers, at every boundary address; inserts
 * in any order keep the entries sorted; removals and updates find theirs;
 * the guess that spares a search is on exactly for evenly spread sets and
 * never changes an answer.
 */
#include <stdlib.h>

#include "test_util.h"
#include "part_index.h"
#include "part_map.h"

#define MAX_MAPS 70

/* fake part maps at made-up addresses: the index never dereferences them */
static struct pmemset_part_map Maps[MAX_MAPS];

static char *
at(uintptr_t a)
{
	return (char *)a;
}

/* map i covers [base_i, base_i + size_i), gaps after some of them */
static void
lay_out(size_t n)
{
	uintptr_t a = 0x100000;
	for (size_t i = 0; i < n; i++) {
		Maps[i].addr = at(a);
		Maps[i].size = 0x1000 * (1 + i % 3);
		a += Maps[i].size + (i % 4 == 0 ? 0x3000 : 0);
	}
}

static size_t
scan_ending_after(size_t n, uintptr_t a)
{
	for (size_t i = 0; i < n; i++)
		if ((uintptr_t)pmap_end(&Maps[i]) > a)
			return i;
	return n;
}

static size_t
scan_starting_after(size_t n, uintptr_t a)
{
	for (size_t i = 0; i < n; i++)
		if ((uintptr_t)Maps[i].addr > a)
			return i;
	return n;
}

static void
check_queries(const struct part_index *idx, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uintptr_t s = (uintptr_t)Maps[i].addr;
		uintptr_t e = (uintptr_t)pmap_end(&Maps[i]);
		uintptr_t probes[] = {s - 1, s, s + 1, e - 1, e, e + 1,
			e + 0x1000};
		for (size_t k = 0; k < sizeof(probes) / sizeof(probes[0]);
				k++) {
			uintptr_t a = probes[k];
			assert_int_equal(index_first_ending_after(idx, at(a)),
					scan_ending_after(n, a));
			assert_int_equal(index_first_starting_after(idx, at(a)),
					scan_starting_after(n, a));
			size_t j = scan_ending_after(n, a);
			struct pmemset_part_map *want = j < n &&
				(uintptr_t)Maps[j].addr <= a ? &Maps[j] : NULL;
			assert_ptr_equal(index_find(idx, at(a)), want);
		}
	}
	/* below everything and at the top of the address space */
	assert_null(index_find(idx, at(0)));
	assert_null(index_find(idx, at(UINTPTR_MAX)));
	assert_int_equal(index_first_ending_after(idx, at(UINTPTR_MAX)), n);
	assert_int_equal(index_first_starting_after(idx, at(0)), 0);
}

static void
queries_match_a_scan_at_every_size(void **state)
{
	(void) state;
	for (size_t n = 0; n <= MAX_MAPS; n++) {
		lay_out(n);
		struct part_index idx;
		index_init(&idx);
		assert_int_equal(index_reserve(&idx, n), 0);
		/* inserted in a shuffled order: the index sorts them */
		size_t order[MAX_MAPS];
		for (size_t i = 0; i < n; i++)
			order[i] = i;
		for (size_t i = n; i > 1; i--) {
			size_t j = (size_t)rand() % i;
			size_t t = order[i - 1];
			order[i - 1] = order[j];
			order[j] = t;
		}
		for (size_t i = 0; i < n; i++)
			index_insert(&idx, pmap_index_entry(&Maps[order[i]]));
		for (size_t i = 0; i < n; i++)
			assert_ptr_equal(index_at(&idx, i), &Maps[i]);
		check_queries(&idx, n);
		index_fini(&idx);
	}
}

static void
remove_and_update_find_their_entry(void **state)
{
	(void) state;
	size_t n = MAX_MAPS;
	lay_out(n);
	struct part_index idx;
	index_init(&idx);
	assert_int_equal(index_reserve(&idx, n), 0);
	for (size_t i = 0; i < n; i++)
		index_insert(&idx, pmap_index_entry(&Maps[i]));
	/* a part map that is not in the index is not found or removed */
	struct pmemset_part_map stranger = {.addr = at(0x50), .size = 0x10};
	assert_false(index_contains(&idx, &stranger, stranger.addr));
	index_remove(&idx, pmap_index_entry(&stranger));
	assert_int_equal(idx.count, n);

	/* remove every other one: the rest still answer */
	for (size_t i = 0; i < n; i += 2) {
		assert_true(index_contains(&idx, &Maps[i], Maps[i].addr));
		index_remove(&idx, pmap_index_entry(&Maps[i]));
		assert_false(index_contains(&idx, &Maps[i], Maps[i].addr));
	}
	assert_int_equal(idx.count, n / 2);
	for (size_t i = 1; i < n; i += 2) {
		assert_ptr_equal(index_find(&idx, Maps[i].addr), &Maps[i]);
		assert_null(index_find(&idx, Maps[i - 1].addr));
	}
	/* a part map that grew in place answers for its new end */
	Maps[1].size += Maps[2].size;
	index_update(&idx, pmap_index_entry(&Maps[1]));
	assert_ptr_equal(index_find(&idx, Maps[2].addr), &Maps[1]);
	index_fini(&idx);
}

/* the ends move without moving the entries in between */
static void
either_end_costs_no_move(void **state)
{
	(void) state;
	size_t n = MAX_MAPS;
	lay_out(n);
	struct part_index idx;
	index_init(&idx);
	assert_int_equal(index_reserve(&idx, n), 0);
	for (size_t i = 10; i < 60; i++)
		index_insert(&idx, pmap_index_entry(&Maps[i]));
	/* the first entry leaves: the others stay where they are */
	struct index_item *second = &idx.items[1];
	index_remove(&idx, pmap_index_entry(&Maps[10]));
	assert_ptr_equal(idx.items, second);
	assert_ptr_equal(index_at(&idx, 0), &Maps[11]);
	/* and comes back in front, again without moving the rest */
	index_insert(&idx, pmap_index_entry(&Maps[10]));
	assert_ptr_equal(&idx.items[1], second);
	/* the last leaves and comes back: the front does not move */
	struct index_item *front = idx.items;
	index_remove(&idx, pmap_index_entry(&Maps[59]));
	index_insert(&idx, pmap_index_entry(&Maps[59]));
	assert_ptr_equal(idx.items, front);
	/* grow at both ends until full, then every query still answers */
	for (size_t i = 0; i < 10; i++)
		index_insert(&idx, pmap_index_entry(&Maps[i]));
	for (size_t i = 60; i < n; i++)
		index_insert(&idx, pmap_index_entry(&Maps[i]));
	assert_int_equal(idx.count, n);
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(index_at(&idx, i), &Maps[i]);
		/* the range as the index keeps it: start in the keys */
		assert_ptr_equal(index_start_at(&idx, i), Maps[i].addr);
		assert_ptr_equal(index_end_at(&idx, i), pmap_end(&Maps[i]));
	}
	check_queries(&idx, n);
	/* emptied from the front, one by one */
	for (size_t i = 0; i < n; i++) {
		index_remove(&idx, pmap_index_entry(&Maps[i]));
		assert_int_equal(idx.count, n - i - 1);
		if (i + 1 < n)
			assert_ptr_equal(index_at(&idx, 0), &Maps[i + 1]);
	}
	index_fini(&idx);
}

/*
 * A set that grows at one end: mmap's falling addresses put every new part
 * map first, a reservation's rising offsets put it last. Entries move
 * wholesale only when that end's room runs out (then they are centred,
 * halving the room), not at every insert.
 */
#define GROWN 4096

static size_t
wholesale_moves_growing(bool falling)
{
	static struct pmemset_part_map maps[GROWN];
	struct part_index idx;
	index_init(&idx);
	size_t wholesale = 0;
	for (size_t i = 0; i < GROWN; i++) {
		uintptr_t step = 0x1000 * i;
		maps[i].addr = at(falling ? 0x40000000 - step :
				0x40000000 + step);
		maps[i].size = 0x1000;
		assert_int_equal(index_reserve(&idx, 1), 0);
		const struct index_block *block = idx.block;
		struct index_item *first = idx.items;
		index_insert(&idx, pmap_index_entry(&maps[i]));
		/* the old first entry moved, in the same block */
		size_t old_first_at = falling ? 1 : 0;
		if (i > 0 && idx.block == block &&
				&idx.items[old_first_at] != first)
			wholesale++;
	}
	for (size_t i = 0; i < GROWN; i++)
		assert_ptr_equal(index_at(&idx, i),
				&maps[falling ? GROWN - 1 - i : i]);
	for (size_t i = 0; i < GROWN; i += 7)
		assert_ptr_equal(index_find(&idx, maps[i].addr + 5), &maps[i]);
	index_fini(&idx);
	return wholesale;
}

static void
growing_at_one_end_moves_rarely(void **state)
{
	(void) state;
	/*
	 * Each doubling leaves a quarter of the room at either end;
	 * centring then takes about log2(room) moves per doubling: well
	 * under 100 here, where moving at every insert once the end is full
	 * would be 2,000 and more.
	 */
	for (int falling = 0; falling <= 1; falling++) {
		size_t moves = wholesale_moves_growing(falling);
		print_message("%s: %zu wholesale moves in %d inserts\n",
				falling ? "falling" : "rising", moves, GROWN);
		assert_true(moves > 0);
		assert_true(moves < 100);
	}
}

/*
 * The guess (part_index.c): on for part maps that lie evenly, off for a
 * set spread unevenly, and either way every query answers what a scan
 * does, at the boundaries of every part map and in the gaps.
 */
#define SPREAD 3000

enum spread { EVEN, JITTERED, TWO_CLUSTERS, GROWING_SIZES };

static struct pmemset_part_map Spread[SPREAD];

static void
spread_out(enum spread how)
{
	uintptr_t a = 0x7f0000000000;
	for (size_t i = 0; i < SPREAD; i++) {
		uintptr_t start = a + 0x4000 * i;
		size_t size = 0x1000;
		switch (how) {
		case EVEN:
			break;
		case JITTERED:
			/* within its own 16 KiB: never far from the guess */
			start += 0x1000 * (i % 3);
			size = 0x1000 * (1 + i % 2);
			break;
		case TWO_CLUSTERS:
			if (i >= SPREAD / 2)
				start += (uintptr_t)1 << 40;
			break;
		case GROWING_SIZES:
			/* each twice as far from the first as the last */
			start = a + ((uintptr_t)0x1000 << (i * 30 / SPREAD)) +
				0x1000 * i;
			break;
		}
		Spread[i].addr = at(start);
		Spread[i].size = size;
	}
}

static size_t
spread_scan_ending_after(uintptr_t a)
{
	size_t lo = 0, hi = SPREAD;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((uintptr_t)pmap_end(&Spread[mid]) > a)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void
spread_check(const struct part_index *idx)
{
	for (size_t i = 0; i < SPREAD; i++) {
		uintptr_t s = (uintptr_t)Spread[i].addr;
		uintptr_t e = (uintptr_t)pmap_end(&Spread[i]);
		uintptr_t probes[] = {s - 1, s, s + 1, s + 0x7ff, e - 1, e,
			e + 0x800};
		for (size_t k = 0; k < sizeof(probes) / sizeof(probes[0]);
				k++) {
			uintptr_t a = probes[k];
			size_t j = spread_scan_ending_after(a);
			struct pmemset_part_map *want = j < SPREAD &&
				(uintptr_t)Spread[j].addr <= a ?
				&Spread[j] : NULL;
			assert_ptr_equal(index_find(idx, at(a)), want);
			assert_int_equal(index_first_ending_after(idx, at(a)),
					j);
		}
	}
	assert_null(index_find(idx, at(0)));
	assert_null(index_find(idx, at(UINTPTR_MAX)));
}

static void
guess_is_on_for_even_sets_and_answers_stay_exact(void **state)
{
	(void) state;
	const struct {
		enum spread how;
		bool guessed;
	} cases[] = {
		{EVEN, true}, {JITTERED, true}, {TWO_CLUSTERS, false},
		{GROWING_SIZES, false},
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		spread_out(cases[c].how);
		struct part_index idx;
		index_init(&idx);
		/* falling addresses, as mmap hands them out */
		for (size_t i = SPREAD; i > 0; i--) {
			assert_int_equal(index_reserve(&idx, 1), 0);
			index_insert(&idx, pmap_index_entry(&Spread[i - 1]));
		}
		assert_int_equal(idx.guess.scale != 0, cases[c].guessed);
		spread_check(&idx);
		/* a removal from the middle keeps the guess right */
		index_remove(&idx, pmap_index_entry(&Spread[SPREAD / 2]));
		assert_null(index_find(&idx, Spread[SPREAD / 2].addr));
		assert_ptr_equal(index_find(&idx, Spread[SPREAD / 2 + 1].addr),
				&Spread[SPREAD / 2 + 1]);
		index_insert(&idx, pmap_index_entry(&Spread[SPREAD / 2]));
		spread_check(&idx);
		index_fini(&idx);
	}
}

/* a set that becomes uneven loses its guess, and gets it back */
static void
guess_follows_the_set(void **state)
{
	(void) state;
	spread_out(EVEN);
	struct part_index idx;
	index_init(&idx);
	assert_int_equal(index_reserve(&idx, SPREAD + 1), 0);
	for (size_t i = 0; i < SPREAD; i++)
		index_insert(&idx, pmap_index_entry(&Spread[i]));
	assert_int_not_equal(idx.guess.scale, 0);
	/* one part map far above the rest stretches the span */
	struct pmemset_part_map far = {.addr = at(0x7ff000000000),
		.size = 0x1000};
	index_insert(&idx, pmap_index_entry(&far));
	assert_int_equal(idx.guess.scale, 0);
	assert_ptr_equal(index_find(&idx, far.addr), &far);
	spread_check(&idx);
	index_remove(&idx, pmap_index_entry(&far));
	assert_int_not_equal(idx.guess.scale, 0);
	spread_check(&idx);
	/* too few to need one */
	for (size_t i = 0; i < SPREAD - 3; i++)
		index_remove(&idx, pmap_index_entry(&Spread[i]));
	assert_int_equal(idx.guess.scale, 0);
	assert_ptr_equal(index_find(&idx, Spread[SPREAD - 1].addr),
			&Spread[SPREAD - 1]);
	index_fini(&idx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(queries_match_a_scan_at_every_size),
		cmocka_unit_test(remove_and_update_find_their_entry),
		cmocka_unit_test(either_end_costs_no_move),
		cmocka_unit_test(growing_at_one_end_moves_rarely),
		cmocka_unit_test(
			guess_is_on_for_even_sets_and_answers_stay_exact),
		cmocka_unit_test(guess_follows_the_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
