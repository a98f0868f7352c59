// SPDX-License-Identifier: BSD-3-Clause
/*
 * lookup_stress_test.c -- lock-free lookups against everything that changes
 * a set, for a given number of seconds (argv[1]), with 8 threads:
 *   3 lookups by address, of parts that stay and of parts that come and go;
 *     each found part map must hold the address and be mapped (its first
 *     word is read while the reference is held)
 *   1 walk with first/next, addresses strictly increasing, in both sets
 *   2 map parts and remove them again (remove_part_map or remove_range),
 *     retrying when a lookup holds a reference; one of them also grows a
 *     coalesced part map in a second set (appends while the walk reads it)
 *     and removes it whole now and then
 *   1 holds references and checks that they block both removals
 *   1 builds private sets, looks up in them and deletes them with a
 *     reference still held
 * Run under TSan, ASan and valgrind in CI (the seconds differ per build).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"

#define PAGE 4096
#define NPAGES 256		/* of the source; page k starts with TAG(k) */
#define NSTABLE 32		/* pages 0..NSTABLE-1, mapped all along */
#define NCHURN 2		/* mapping threads */
#define SLOTS 32		/* volatile parts per mapping thread */
#define TAG(k) (0x5e7a9000000000ull | (uint64_t)(k))

static unsigned Seconds = 5;
static atomic_bool Stop;

struct shared {
	struct pmemset *set;
	struct pmemset *grow;	/* OPPORTUNISTIC coalescing */
	struct pmemset_source *src;
	char *stable[NSTABLE];
	/* a volatile part's address | its page, 0 when none: one word */
	_Atomic uintptr_t slot[NCHURN][SLOTS];
};

struct worker {
	struct shared *sh;
	int index;
	unsigned seed;
	long ops;
	char why[512];
};

static void *
failed(struct worker *w, const char *what)
{
	snprintf(w->why, sizeof(w->why), "%s: %s", what, pmemset_errormsg());
	return w->why;
}

static unsigned
rnd(struct worker *w, unsigned n)
{
	return (unsigned)rand_r(&w->seed) % n;
}

static int
map_page(struct pmemset *set, struct pmemset_source *src, size_t page,
		char **addr)
{
	struct pmemset_map_config *mc;
	struct pmemset_part_descriptor d;
	int ret = pmemset_map_config_new(&mc);
	if (ret != 0)
		return ret;
	(void) pmemset_map_config_set_offset(mc, page * PAGE);
	pmemset_map_config_set_length(mc, PAGE);
	ret = pmemset_map(set, src, mc, &d);
	(void) pmemset_map_config_delete(&mc);
	*addr = d.addr;
	return ret;
}

/* a found part map holds addr and is mapped: its first word is a tag */
static const char *
check_found(struct pmemset_part_map *pmap, const char *addr)
{
	struct pmemset_part_descriptor d = pmemset_descriptor_part_map(pmap);
	if (addr < (char *)d.addr || addr >= (char *)d.addr + d.size)
		return "a lookup returned a part map not holding the address";
	uint64_t word = *(volatile uint64_t *)d.addr;
	if ((word & ~(uint64_t)0xfff) != TAG(0))
		return "a found part map's memory holds no page tag";
	return NULL;
}

static void *
lookup_thread(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	while (!atomic_load(&Stop)) {
		const char *addr;
		bool must_find = rnd(w, 2) == 0;
		if (must_find) {
			addr = sh->stable[rnd(w, NSTABLE)] + rnd(w, PAGE);
		} else {
			uintptr_t s = atomic_load(
				&sh->slot[rnd(w, NCHURN)][rnd(w, SLOTS)]);
			if (s == 0)
				continue;
			addr = (char *)(s & ~(uintptr_t)0xfff) + rnd(w, PAGE);
		}
		struct pmemset_part_map *pmap;
		int ret = pmemset_part_map_by_address(sh->set, &pmap,
				(void *)addr);
		if (ret != 0) {
			if (must_find || ret != PMEMSET_E_CANNOT_FIND_PART_MAP)
				return failed(w, "lookup");
			continue;
		}
		const char *bad = check_found(pmap, addr);
		if (bad != NULL)
			return failed(w, bad);
		pmemset_part_map_drop(&pmap);
		if (pmap != NULL)
			return failed(w, "drop left the pointer set");
		w->ops++;
	}
	return NULL;
}

/* part maps in the set, or (size_t)-1 when the walk went backwards */
static size_t
walk(struct pmemset *set)
{
	struct pmemset_part_map *pmap, *next;
	const char *prev = NULL;
	size_t n = 0;
	pmemset_first_part_map(set, &pmap);
	while (pmap != NULL) {
		struct pmemset_part_descriptor d =
			pmemset_descriptor_part_map(pmap);
		if ((char *)d.addr <= prev)
			n = (size_t)-1;
		prev = d.addr;
		if (n != (size_t)-1)
			n++;
		pmemset_next_part_map(set, pmap, &next);
		pmemset_part_map_drop(&pmap);
		pmap = next;
	}
	return n;
}

static void *
walk_thread(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	while (!atomic_load(&Stop)) {
		size_t n = walk(sh->set);
		if (n == (size_t)-1 || walk(sh->grow) == (size_t)-1)
			return failed(w, "walk went backwards");
		if (n < NSTABLE)
			return failed(w, "walk missed part maps that stay");
		w->ops++;
	}
	return NULL;
}

/* one more part appended to the coalesced part map; all gone at 32 */
static int
grow_step(struct worker *w, char **first, size_t *nparts)
{
	struct shared *sh = w->sh;
	if (*nparts == 32) {
		int ret = pmemset_remove_range(sh->grow, *first, 32 * PAGE);
		if (ret == PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP)
			return 0; /* the walk holds it: later */
		if (ret == 0)
			*nparts = 0;
		return ret;
	}
	char *addr;
	int ret = map_page(sh->grow, sh->src, NSTABLE + rnd(w, 16), &addr);
	if (ret == 0 && (*nparts)++ == 0)
		*first = addr;
	return ret;
}

/* removes a volatile part; a reference a lookup holds may refuse it */
static int
remove_part(struct worker *w, char *addr)
{
	struct shared *sh = w->sh;
	if (rnd(w, 2) == 0)
		return pmemset_remove_range(sh->set, addr, PAGE);
	struct pmemset_part_map *pmap;
	int ret = pmemset_part_map_by_address(sh->set, &pmap, addr);
	if (ret != 0)
		return ret;
	ret = pmemset_remove_part_map(sh->set, &pmap);
	if (ret != 0)
		pmemset_part_map_drop(&pmap);
	return ret;
}

static void *
churn_thread(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	_Atomic uintptr_t *slots = sh->slot[w->index];
	char *grow_first = NULL;
	size_t grow_parts = 0;
	while (!atomic_load(&Stop)) {
		if (w->index == 1 && grow_step(w, &grow_first,
				&grow_parts) != 0)
			return failed(w, "grow the coalesced part map");
		unsigned i = rnd(w, SLOTS);
		uintptr_t s = atomic_load(&slots[i]);
		if (s == 0) {
			size_t page = NSTABLE + rnd(w, NPAGES - NSTABLE);
			char *addr;
			if (map_page(sh->set, sh->src, page, &addr) != 0)
				return failed(w, "map");
			atomic_store(&slots[i], (uintptr_t)addr | page);
		} else {
			int ret = remove_part(w, (char *)(s & ~(uintptr_t)0xfff));
			if (ret == PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP)
				continue; /* a lookup holds it: later */
			if (ret != 0)
				return failed(w, "remove");
			atomic_store(&slots[i], 0);
		}
		w->ops++;
	}
	return NULL;
}

/* a held reference blocks both removals, and the bytes stay mapped */
static void *
hold_thread(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	while (!atomic_load(&Stop)) {
		uintptr_t s = atomic_load(
			&sh->slot[rnd(w, NCHURN)][rnd(w, SLOTS)]);
		if (s == 0)
			continue;
		char *addr = (char *)(s & ~(uintptr_t)0xfff);
		struct pmemset_part_map *pmap;
		if (pmemset_part_map_by_address(sh->set, &pmap, addr) != 0)
			continue;
		if (pmemset_remove_range(sh->set, addr, PAGE) !=
				PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP)
			return failed(w, "remove_range ignored a reference");
		struct pmemset_part_map *again;
		if (pmemset_part_map_by_address(sh->set, &again, addr) != 0)
			return failed(w, "a referenced part map went away");
		if (pmemset_remove_part_map(sh->set, &again) !=
				PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP)
			return failed(w, "remove_part_map ignored a reference");
		pmemset_part_map_drop(&again);
		sched_yield(); /* let the mapping threads try meanwhile */
		const char *bad = check_found(pmap, addr);
		if (bad != NULL)
			return failed(w, bad);
		pmemset_part_map_drop(&pmap);
		w->ops++;
	}
	return NULL;
}

/* private sets, deleted with a reference held */
static void *
set_thread(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	while (!atomic_load(&Stop)) {
		struct pmemset_config *cfg;
		struct pmemset *set;
		if (pmemset_config_new(&cfg) != 0)
			return failed(w, "config");
		(void) pmemset_config_set_required_store_granularity(cfg,
				PMEM2_GRANULARITY_PAGE);
		int ret = pmemset_new(&set, cfg);
		(void) pmemset_config_delete(&cfg);
		if (ret != 0)
			return failed(w, "new set");
		char *addr[4];
		for (int i = 0; i < 4; i++)
			if (map_page(set, sh->src, NSTABLE + rnd(w, 16),
					&addr[i]) != 0)
				return failed(w, "map into a private set");
		/* a removed part map goes to the set's pool, freed with the set */
		if (pmemset_remove_range(set, addr[0], PAGE) != 0)
			return failed(w, "remove from a private set");
		struct pmemset_part_map *pmap;
		if (pmemset_part_map_by_address(set, &pmap, addr[1]) != 0)
			return failed(w, "lookup in a private set");
		if (pmemset_delete(&set) != 0 || set != NULL)
			return failed(w, "delete");
		w->ops++;
	}
	return NULL;
}

static void
stress(void **state)
{
	(void) state;
	struct shared *sh = calloc(1, sizeof(*sh));
	assert_non_null(sh);
	char *path = test_file("lookup_stress", NPAGES * PAGE);
	FILE *f = fopen(path, "r+");
	assert_non_null(f);
	for (size_t k = 0; k < NPAGES; k++) {
		uint64_t tag = TAG(k);
		assert_int_equal(fseek(f, (long)(k * PAGE), SEEK_SET), 0);
		assert_int_equal(fwrite(&tag, sizeof(tag), 1, f), 1);
	}
	assert_int_equal(fclose(f), 0);
	assert_ok(pmemset_source_from_file(&sh->src, path));
	sh->set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	for (size_t k = 0; k < NSTABLE; k++)
		assert_ok(map_page(sh->set, sh->src, k, &sh->stable[k]));
	sh->grow = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	assert_ok(pmemset_set_contiguous_part_coalescing(sh->grow,
			PMEMSET_COALESCING_OPPORTUNISTIC));

	void *(*roles[])(void *) = {lookup_thread, lookup_thread,
		lookup_thread, walk_thread, churn_thread, churn_thread,
		hold_thread, set_thread};
	enum { N = sizeof(roles) / sizeof(roles[0]) };
	struct worker w[N];
	pthread_t tid[N];
	int churner = 0;
	for (int i = 0; i < N; i++) {
		w[i] = (struct worker){.sh = sh, .seed = 7u * (unsigned)i + 1,
			.index = roles[i] == churn_thread ? churner++ : 0};
		assert_int_equal(pthread_create(&tid[i], NULL, roles[i], &w[i]),
				0);
	}
	sleep(Seconds);
	atomic_store(&Stop, true);
	bool ok = true;
	for (int i = 0; i < N; i++) {
		void *why;
		assert_int_equal(pthread_join(tid[i], &why), 0);
		if (why != NULL) {
			print_error("thread %d: %s\n", i, (char *)why);
			ok = false;
		}
		print_message("thread %d: %ld operations\n", i, w[i].ops);
		if (w[i].ops == 0)
			ok = false; /* a role that never ran tested nothing */
	}
	assert_true(ok);

	/* what stays is exactly the stable parts and the live slots */
	size_t live = NSTABLE;
	for (int c = 0; c < NCHURN; c++)
		for (int i = 0; i < SLOTS; i++)
			live += atomic_load(&sh->slot[c][i]) != 0;
	assert_int_equal(test_count_part_maps(sh->set), live);

	assert_ok(pmemset_delete(&sh->set));
	assert_ok(pmemset_delete(&sh->grow));
	assert_ok(pmemset_source_delete(&sh->src));
	test_file_remove(path);
	free(sh);
}

int
main(int argc, char **argv)
{
	if (argc > 1)
		Seconds = (unsigned)atoi(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
