// SPDX-License-Identifier: BSD-3-Clause
/*
 * data_probe.c -- times lookups and persist through whichever libpmemset
 * it is linked with (ours, or PMDK 1.12.1's: one source, as map_probe.c),
 * or through raw libpmem2. compare-data.sh runs the sides alternately.
 *
 *   data_probe set|raw DIR SMALL LARGE
 *
 * prints three numbers, ns per operation:
 *   1. lookup in SMALL part maps of 4 KiB (not coalesced): set side
 *      pmemset_part_map_by_address + pmemset_part_map_drop; raw side
 *      pmem2_vm_reservation_map_find in a reservation holding SMALL maps
 *      of 4 KiB; at 4,096 random addresses (a fixed seed per size, the
 *      same places on both sides), cycled
 *   2. the same with LARGE part maps
 *   3. persist of 64 B: set side pmemset_persist on a set needing BYTE
 *      granularity, raw side the pmem2_get_persist_fn of a pmem2 map
 *      needing BYTE, each mapping one presized file in DIR
 * Run it with PMEM2_FORCE_GRANULARITY=BYTE, or the persist map fails (on
 * memory that is not pmem); the granularity of both is checked.
 *
 * Each number is the minimum over many short batches: a batch is one pass
 * over the 4,096 addresses, or 1,000 persists. The two sizes' batches
 * alternate, so a slow phase of a shared machine hits both. The persist
 * figure is the mean of such minima at four placements of the timed loop
 * (see PERSIST_LOOPS). Every lookup
 * is checked once (it finds the part map holding the address) before any
 * is timed. The probe leaves with _exit, as map_probe does: PMDK's
 * library cannot delete 1,024 or more maps.
 */
#include "probe.h"

#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#define NADDR 4096		/* random addresses, a power of two */
#define LOOKUP_BATCHES 150	/* per size */
#define PERSIST_CALLS 1000	/* per batch */
#define PERSIST_BATCHES 4000
#define PERSIST_SIZE 64

/* the parts of one size, mapped one way, and where to look them up */
struct lookups {
	size_t n;
	struct pmemset *set;			/* set side */
	struct pmem2_vm_reservation *rsv;	/* raw side */
	char *addrs[NADDR];			/* set side */
	size_t offs[NADDR];			/* raw side: in rsv */
};

/* the persist side's file, removed however the probe ends */
static char Persist_path[4096];

static void
remove_persist_file(void)
{
	if (Persist_path[0] != '\0')
		unlink(Persist_path);
}

static void
fail(const char *what, const char *msg)
{
	fprintf(stderr, "%s: %s\n", what, msg);
	exit(1);
}

/*
 * The same random places on both sides: part, then offset in it. The
 * seed is pmemset-bench's lookup case's, so are the places.
 */
static void
pick_places(struct lookups *l, char *const *part_addr)
{
	uint64_t seed = 42 + l->n;
	for (size_t i = 0; i < NADDR; i++) {
		size_t part = (size_t)(probe_rnd(&seed) % l->n);
		size_t off = (size_t)(probe_rnd(&seed) % PART);
		if (part_addr != NULL)
			l->addrs[i] = part_addr[part] + off;
		l->offs[i] = part * PART + off;
	}
}

static void
lookups_set_init(struct lookups *l, const char *dir)
{
	struct pmemset_source *src;
	if (pmemset_source_from_temporary(&src, dir) != 0)
		fail("temporary source", pmemset_errormsg());
	l->set = probe_set_new(PMEM2_GRANULARITY_PAGE);
	char **part_addr = calloc(l->n, sizeof(*part_addr));
	if (part_addr == NULL)
		fail("parts", "out of memory");
	for (size_t i = 0; i < l->n; i++) {
		struct pmemset_part_descriptor d;
		probe_map(l->set, src, i * PART, PART, &d);
		part_addr[i] = d.addr;
	}
	pick_places(l, part_addr);
	free(part_addr);

	for (size_t i = 0; i < NADDR; i++) {
		struct pmemset_part_map *pm;
		if (pmemset_part_map_by_address(l->set, &pm, l->addrs[i]) != 0)
			fail("part_map_by_address", pmemset_errormsg());
		struct pmemset_part_descriptor d = pmemset_descriptor_part_map(pm);
		pmemset_part_map_drop(&pm);
		char *a = l->addrs[i];
		if (a < (char *)d.addr || a >= (char *)d.addr + d.size ||
		    d.size != PART)
			fail("part_map_by_address", "found the wrong part map");
	}
}

static void
lookups_raw_init(struct lookups *l, const char *dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/pmemset-data-probe.%d.%zu", dir,
			(int)getpid(), l->n);
	int fd = presized(path, l->n);
	unlink(path);
	struct pmem2_source *src;
	if (pmem2_source_from_fd(&src, fd) != 0 ||
	    pmem2_vm_reservation_new(&l->rsv, NULL, l->n * PART) != 0)
		fail("raw reservation", pmem2_errormsg());
	struct pmem2_map **maps = calloc(l->n, sizeof(*maps));
	if (maps == NULL)
		fail("raw maps", "out of memory");
	for (size_t i = 0; i < l->n; i++)
		maps[i] = probe_raw_map(src, PMEM2_GRANULARITY_PAGE, i * PART,
				PART, l->rsv, i * PART);
	pick_places(l, NULL);

	for (size_t i = 0; i < NADDR; i++) {
		struct pmem2_map *map;
		if (pmem2_vm_reservation_map_find(l->rsv, l->offs[i], 1,
				&map) != 0)
			fail("pmem2_vm_reservation_map_find", pmem2_errormsg());
		if (map != maps[l->offs[i] / PART])
			fail("pmem2_vm_reservation_map_find", "wrong map");
	}
	free(maps);
}

/* ns per lookup of one pass over the addresses */
static double
lookup_batch(const struct lookups *l, bool raw)
{
	double t0 = now_ns();
	if (raw) {
		for (size_t i = 0; i < NADDR; i++) {
			struct pmem2_map *map;
			pmem2_vm_reservation_map_find(l->rsv, l->offs[i], 1,
					&map);
		}
	} else {
		for (size_t i = 0; i < NADDR; i++) {
			struct pmemset_part_map *pm;
			pmemset_part_map_by_address(l->set, &pm, l->addrs[i]);
			pmemset_part_map_drop(&pm);
		}
	}
	return (now_ns() - t0) / NADDR;
}

static double
min(double a, double b)
{
	return a < b ? a : b;
}

/* minima over the batches of each size, the two sizes alternating */
static void
time_lookups(const struct lookups *small, const struct lookups *large,
		bool raw, double *ns_small, double *ns_large)
{
	*ns_small = *ns_large = 1e30;
	for (int b = 0; b < LOOKUP_BATCHES; b++) {
		if (b & 1) {
			*ns_large = min(*ns_large, lookup_batch(large, raw));
			*ns_small = min(*ns_small, lookup_batch(small, raw));
		} else {
			*ns_small = min(*ns_small, lookup_batch(small, raw));
			*ns_large = min(*ns_large, lookup_batch(large, raw));
		}
	}
}

/*
 * The timed persist loops, at four placements 16 bytes apart (a skip of
 * k * 16 bytes ahead of the loop in a function aligned to 64). Where the
 * loop lies (and, it seems, where the libraries were loaded) matters at
 * 2-3 ns a call: with one and the same library ours measured 2.5 ns in one
 * build of the probe and 3.1 ns in another whose loop sat 32 bytes further
 * on, and in one build it takes either from one process or placement to
 * the next. A side's figure is the mean over the placements of each one's
 * minimum, so no side wins by where its loop happens to lie.
 */
#define PLACEMENTS 4
/* one loop of calls; either side ignores the argument the other uses */
#define PERSIST_LOOP(name, k, call)					\
static __attribute__((noinline, aligned(64))) double			\
name(struct pmemset *set, pmem2_persist_fn fn, char *p)		\
{									\
	__asm__ volatile(".skip " #k " * 16, 0x90");			\
	(void) set;							\
	(void) fn;							\
	double t0 = now_ns();						\
	for (int i = 0; i < PERSIST_CALLS; i++)				\
		call;							\
	return (now_ns() - t0) / PERSIST_CALLS;				\
}
#define PERSIST_LOOPS(k)						\
	PERSIST_LOOP(persist_set_##k, k,				\
			pmemset_persist(set, p, PERSIST_SIZE))		\
	PERSIST_LOOP(persist_raw_##k, k, fn(p, PERSIST_SIZE))
PERSIST_LOOPS(1)
PERSIST_LOOPS(2)
PERSIST_LOOPS(3)
PERSIST_LOOPS(4)

typedef double persist_loop(struct pmemset *set, pmem2_persist_fn fn,
		char *p);
static persist_loop *const Set_loops[PLACEMENTS] = {
	persist_set_1, persist_set_2, persist_set_3, persist_set_4
};
static persist_loop *const Raw_loops[PLACEMENTS] = {
	persist_raw_1, persist_raw_2, persist_raw_3, persist_raw_4
};

/*
 * ns per persist: the batches go round the placements; the mean of their
 * minima. DATA_PROBE_PLACEMENTS=1 in the environment prints each minimum
 * on stderr.
 */
static double
time_persist(persist_loop *const loops[], struct pmemset *set,
		pmem2_persist_fn fn, char *p)
{
	double best[PLACEMENTS];
	for (int k = 0; k < PLACEMENTS; k++)
		best[k] = 1e30;
	for (int b = 0; b < PERSIST_BATCHES; b++) {
		int k = b % PLACEMENTS;
		best[k] = min(best[k], loops[k](set, fn, p));
	}
	double sum = 0;
	bool show = getenv("DATA_PROBE_PLACEMENTS") != NULL;
	for (int k = 0; k < PLACEMENTS; k++) {
		sum += best[k];
		if (show)
			fprintf(stderr, "placement %d: %.2f ns\n", k, best[k]);
	}
	return sum / PLACEMENTS;
}

/* ns per persist of 64 B at BYTE through the set (the loops above) */
static double
time_persist_set(const char *path)
{
	close(presized(path, 1));
	struct pmemset_source *src;
	if (pmemset_source_from_file(&src, path) != 0)
		fail("file source", pmemset_errormsg());
	struct pmemset *set = probe_set_new(PMEM2_GRANULARITY_BYTE);
	struct pmemset_part_descriptor d;
	probe_map(set, src, 0, PART, &d);
	enum pmem2_granularity g;
	if (pmemset_get_store_granularity(set, &g) != 0 ||
	    g != PMEM2_GRANULARITY_BYTE)
		fail("persist set", "granularity is not BYTE");
	char *p = d.addr;
	memset(p, 0x5a, PERSIST_SIZE);
	if (pmemset_persist(set, p, PERSIST_SIZE) != 0)
		fail("pmemset_persist", pmemset_errormsg());

	return time_persist(Set_loops, set, NULL, p);
}

static double
time_persist_raw(const char *path)
{
	int fd = presized(path, 1);
	struct pmem2_source *src;
	if (pmem2_source_from_fd(&src, fd) != 0)
		fail("raw source", pmem2_errormsg());
	struct pmem2_map *map = probe_raw_map(src, PMEM2_GRANULARITY_BYTE, 0,
			PART, NULL, 0);
	if (pmem2_map_get_store_granularity(map) != PMEM2_GRANULARITY_BYTE)
		fail("persist map", "granularity is not BYTE");
	pmem2_persist_fn persist = pmem2_get_persist_fn(map);
	char *p = pmem2_map_get_address(map);
	memset(p, 0x5a, PERSIST_SIZE);
	persist(p, PERSIST_SIZE);

	return time_persist(Raw_loops, NULL, persist, p);
}

int
main(int argc, char *argv[])
{
	bool raw = argc == 5 && strcmp(argv[1], "raw") == 0;
	struct lookups *l = calloc(2, sizeof(*l));
	if (l == NULL)
		fail("lookups", "out of memory");
	l[0].n = argc == 5 ? strtoul(argv[3], NULL, 10) : 0;
	l[1].n = argc == 5 ? strtoul(argv[4], NULL, 10) : 0;
	if ((!raw && (argc != 5 || strcmp(argv[1], "set") != 0)) ||
	    l[0].n == 0 || l[1].n == 0) {
		fprintf(stderr, "usage: %s set|raw DIR SMALL LARGE\n"
				"(with PMEM2_FORCE_GRANULARITY=BYTE)\n",
				argv[0]);
		return 2;
	}
	const char *dir = argv[2];
	for (int i = 0; i < 2; i++) {
		if (raw)
			lookups_raw_init(&l[i], dir);
		else
			lookups_set_init(&l[i], dir);
	}
	double small, large;
	time_lookups(&l[0], &l[1], raw, &small, &large);

	snprintf(Persist_path, sizeof(Persist_path),
			"%s/pmemset-data-probe.%d", dir, (int)getpid());
	atexit(remove_persist_file);
	double persist = raw ? time_persist_raw(Persist_path) :
		time_persist_set(Persist_path);
	remove_persist_file();

	printf("%.2f %.2f %.2f\n", small, large, persist);
	fflush(stdout);
	_exit(0);
}
