// SPDX-License-Identifier: BSD-3-Clause
/*
 * case_stat.c -- the observer module (libpmemset/stat.h): what an update
 * costs with nothing changed and after k changes, at two set sizes, what
 * an open observer adds to the data path, and what live publication
 * (pmemset_stat_publish_start) adds to the data path, to map and to remove
 * once the publishing thread made its first pass.
 *
 * Built only when the observer module is part of the library (the build
 * defines PMEMSET_BENCH_STAT); otherwise the group says so and runs nothing.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpmemset.h>

#include "bench.h"

#ifndef PMEMSET_BENCH_STAT

int
cases_stat(const struct opts *o)
{
	(void) o;
	if (bench_selected("stat", ""))
		fprintf(stderr, "pmemset-bench: note: observer cases skipped: "
			"this build has no observer module "
			"(libpmemset/stat.h)\n");
	return 0;
}

#else

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <time.h>

#include <libpmemset/stat.h>

#include "publication_format.h"

#define MAX_CHANGES 64

static const struct opts *O;

/* a set of n one-part part maps, an observer on it, and k spare parts */
struct observed {
	size_t n;
	struct pmemset_source *src;
	struct pmemset *set;
	struct pmemset_stat *h;
	size_t k;		/* changes per update */
	bool spares_mapped;
	char *spare[MAX_CHANGES];
};

static int
set_of(struct pmemset **set, struct pmemset_source *src, size_t n,
		enum pmem2_granularity g)
{
	if (bench_set_new(set, g, NULL, PMEMSET_COALESCING_NONE) != 0)
		return -1;
	return map_parts(*set, src, n, 0, NULL) < 0 ? -1 : 0;
}

/* the spare parts go in (map) or out (remove): k changes either way */
static int
toggle_spares(struct observed *ob)
{
	if (!ob->spares_mapped) {
		if (map_parts(ob->set, ob->src, ob->k, ob->n * PART_SIZE,
				ob->spare) < 0)
			return -1;
	} else {
		for (size_t i = 0; i < ob->k; i++) {
			struct pmemset_part_map *pm;
			if (pmemset_part_map_by_address(ob->set, &pm,
					ob->spare[i]) != 0 ||
			    pmemset_remove_part_map(ob->set, &pm) != 0) {
				bench_fail("remove a spare part: %s",
						pmemset_errormsg());
				return -1;
			}
		}
	}
	ob->spares_mapped = !ob->spares_mapped;
	return 0;
}

static int
update(struct pmemset_stat *h)
{
	enum pmemset_stat_status s = pmemset_stat_update(h);
	if (s == PMEMSET_STAT_S_OK)
		return 0;
	bench_fail("pmemset_stat_update: %s: %s", pmemset_stat_status_string(s),
			pmemset_errormsg());
	return -1;
}

static int
update_side(void *arg, size_t iters, double *ns)
{
	struct observed *ob = arg;
	double total = 0;
	for (size_t i = 0; i < iters; i++) {
		if (ob->k > 0 && toggle_spares(ob) != 0)
			return -1;
		double t0 = now_ns();
		enum pmemset_stat_status s = pmemset_stat_update(ob->h);
		total += now_ns() - t0;
		if (s != PMEMSET_STAT_S_OK) {
			bench_fail("pmemset_stat_update: %s: %s",
					pmemset_stat_status_string(s),
					pmemset_errormsg());
			return -1;
		}
	}
	ns[0] = total / (double)iters;
	return 0;
}

static void
observed_fini(struct observed *ob)
{
	if (ob->h != NULL)
		pmemset_stat_close(&ob->h);
	pmemset_delete(&ob->set);
	pmemset_source_delete(&ob->src);
}

static int
observed_init(struct observed *ob, size_t n)
{
	memset(ob, 0, sizeof(*ob));
	ob->n = n;
	if (pmemset_source_from_temporary(&ob->src, O->dir) != 0) {
		bench_fail("pmemset_source_from_temporary: %s",
				pmemset_errormsg());
		return -1;
	}
	if (set_of(&ob->set, ob->src, n, PMEM2_GRANULARITY_PAGE) != 0)
		return -1;
	enum pmemset_stat_status s = pmemset_stat_open(&ob->h, ob->set,
			NULL, 0);
	if (s != PMEMSET_STAT_S_OK) {
		bench_fail("pmemset_stat_open: %s: %s",
				pmemset_stat_status_string(s),
				pmemset_errormsg());
		return -1;
	}
	/* the first update replays everything; the cases time later ones */
	return update(ob->h);
}

/*
 * The copies rotate over four places in an 8 KiB part and an 8 KiB source,
 * line-aligned at different page offsets: what a count's store costs beside
 * a 4 KiB copy depends on the page offsets of the counters, the source and
 * the destination (the processor matches partial addresses), and one place
 * would measure one arbitrary case of that.
 */
#define COPY_SPAN ((size_t)8192)
#define COPY_PLACES 4
static const size_t Copy_dest_off[COPY_PLACES] = {0, 1024, 2048, 3072};
static const size_t Copy_src_off[COPY_PLACES] = {0, 3072, 1024, 2048};

/* the data path on one set, timed with and without an open observer */
struct dp {
	struct pmemset *set;
	char *addr;
	size_t len;
	bool observe;
	char *dram;
	bool publish;	/* the process publishes while timed */
};

/*
 * Waits until the publishing thread has written its first pass (an even
 * sequence count and a time in the file's header): that pass runs once per
 * start, and timed beside the data path it was the most of what a 2 ms
 * sample saw. What a publishing program pays per call is the rest.
 */
static int
first_pass_wait(void)
{
	char path[PATH_MAX];
	if (pmemset_stat_publish_path(path, sizeof(path)) !=
			PMEMSET_STAT_S_OK) {
		bench_fail("pmemset_stat_publish_path: %s",
				pmemset_errormsg());
		return -1;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		bench_fail("%s: %s", path, strerror(errno));
		return -1;
	}
	struct pub_header h;
	const struct timespec pause = {0, 50 * 1000};
	for (int i = 0; i < 40000; i++) {	/* 2 s at the most */
		if (pread(fd, &h, sizeof(h), 0) == (ssize_t)sizeof(h) &&
		    h.updated_ns != 0 && h.seq % 2 == 0) {
			close(fd);
			return 0;
		}
		nanosleep(&pause, NULL);
	}
	close(fd);
	bench_fail("%s: no pass of the publishing thread in 2 s", path);
	return -1;
}

static int
publish_start(void)
{
	enum pmemset_stat_status s = pmemset_stat_publish_start();
	if (s == PMEMSET_STAT_S_OK)
		return first_pass_wait();
	bench_fail("pmemset_stat_publish_start: %s: %s",
			pmemset_stat_status_string(s), pmemset_errormsg());
	return -1;
}

static int
dp_side(void *arg, size_t iters, double *ns)
{
	struct dp *d = arg;
	struct pmemset_stat *h = NULL;
	if (d->observe) {
		if (pmemset_stat_open(&h, d->set, NULL, 0) !=
				PMEMSET_STAT_S_OK || update(h) != 0) {
			bench_fail("cannot observe the set: %s",
					pmemset_errormsg());
			if (h != NULL)
				pmemset_stat_close(&h);
			return -1;
		}
	}
	if (d->publish && publish_start() != 0)
		return -1;
	struct pmemset *set = d->set;
	char *a = d->addr;
	size_t len = d->len;
	/*
	 * Both sides run a quarter of the sample untimed first: the publishing
	 * side has just slept while it waited for the first pass, and what
	 * a program pays per call is the steady state after it.
	 */
	size_t warm = iters / 4;
	double t0 = 0;
	if (d->dram == NULL)
		for (size_t i = 0; i < warm + iters; i++) {
			if (i == warm)
				t0 = now_ns();
			pmemset_persist(set, a, len);
		}
	else
		for (size_t i = 0; i < warm + iters; i++) {
			if (i == warm)
				t0 = now_ns();
			size_t k = i % COPY_PLACES;
			pmemset_memcpy(set, a + Copy_dest_off[k],
					d->dram + Copy_src_off[k], len, 0);
		}
	ns[0] = (now_ns() - t0) / (double)iters;
	if (h != NULL)
		pmemset_stat_close(&h);
	if (d->publish)
		pmemset_stat_publish_stop();
	return 0;
}

/* a BYTE set of one COPY_SPAN part at `offset` of src: its address */
static char *
span_set(struct pmemset **set, struct pmemset_source *src, size_t offset)
{
	if (bench_set_new(set, PMEM2_GRANULARITY_BYTE, NULL,
			PMEMSET_COALESCING_NONE) != 0)
		return NULL;
	struct pmemset_map_config *mc = NULL;
	struct pmemset_part_descriptor d;
	int ret = pmemset_map_config_new(&mc);
	if (ret == 0) {
		pmemset_map_config_set_length(mc, COPY_SPAN);
		ret = pmemset_map_config_set_offset(mc, offset) ?:
			pmemset_map(*set, src, mc, &d);
	}
	pmemset_map_config_delete(&mc);
	if (ret == 0)
		return d.addr;
	bench_fail("cannot map a part of %zu bytes: %s", COPY_SPAN,
			pmemset_errormsg());
	return NULL;
}

/* an observed call on the set from a thread that then ends */
static void *
first_counter(void *arg)
{
	struct dp *d = arg;
	struct pmemset_stat *h = NULL;
	/* the message is this thread's: report it here */
	if (pmemset_stat_open(&h, d->set, NULL, 0) != PMEMSET_STAT_S_OK) {
		bench_fail("pmemset_stat_open in the first counting thread: %s",
				pmemset_errormsg());
		return arg;
	}
	pmemset_memcpy(d->set, d->addr, d->dram, 64, 0);
	pmemset_stat_close(&h);
	return NULL;
}

/*
 * A set whose first counting thread has come and gone, so that this
 * thread counts as one of its later threads; -1 on failure.
 */
static int
counted_by_another_thread(struct dp *d)
{
	pthread_t t;
	void *ret = NULL;
	if (pthread_create(&t, NULL, first_counter, d) != 0 ||
	    pthread_join(t, &ret) != 0) {
		bench_fail("cannot run the first counting thread");
		return -1;
	}
	return ret == NULL ? 0 : -1;
}

#define DP_CASES 5

/*
 * cases 0, 1: observed / not; 2, 3: published / not (persist, memcpy);
 * 4: memcpy observed / not, from a thread that was not the first to count
 */
static int
data_path_cases(void)
{
	struct pair p[DP_CASES];
	memset(p, 0, sizeof(p));
	struct dp with[DP_CASES], without[DP_CASES];
	static char dram[COPY_SPAN] __attribute__((aligned(4096)));
	bool any = false;
	for (int i = 0; i < DP_CASES; i++) {
		bool pub = i == 2 || i == 3;
		p[i].group = "stat";
		snprintf(p[i].name[0], BENCH_NAME_LEN, "%s BYTE, %s%s",
				i % 2 == 0 && i != 4 ? "persist 64 B" :
				"memcpy 4 KiB",
				pub ? "published / not published" :
				"observed / not observed",
				i == 4 ? ", not the first thread" : "");
		snprintf(p[i].a_label, BENCH_LABEL_LEN,
				pub ? "pmemset+published" : "pmemset+observer");
		snprintf(p[i].b_label, BENCH_LABEL_LEN, "pmemset");
		p[i].a = p[i].b = dp_side;
		p[i].a_arg = &with[i];
		p[i].b_arg = &without[i];
		any |= pair_selected(&p[i]);
	}
	if (!any)
		return 0;

	force_granularity(PMEM2_GRANULARITY_BYTE);
	struct pmemset_source *src = NULL;
	struct pmemset *set = NULL, *later = NULL;
	int ret = -1;
	if (pmemset_source_from_temporary(&src, O->dir) != 0) {
		bench_fail("pmemset_source_from_temporary: %s",
				pmemset_errormsg());
		goto out;
	}
	char *addr = span_set(&set, src, 0);
	if (addr == NULL)
		goto out;
	for (int i = 0; i < 4; i++)
		with[i] = (struct dp){set, addr, i % 2 ? 4096 : 64, i < 2,
				i % 2 ? dram : NULL, i >= 2};
	addr = span_set(&later, src, COPY_SPAN);
	if (addr == NULL)
		goto out;
	with[4] = (struct dp){later, addr, 4096, true, dram, false};
	if (pair_selected(&p[4]) && counted_by_another_thread(&with[4]) != 0)
		goto out;
	for (int i = 0; i < DP_CASES; i++) {
		without[i] = with[i];
		without[i].observe = false;
		without[i].publish = false;
	}
	ret = 0;
	for (int i = 0; i < DP_CASES; i++)
		if (bench_run(&p[i]) != 0)
			ret = -1;
out:
	pmemset_delete(&later);
	pmemset_delete(&set);
	pmemset_source_delete(&src);
	unforce_granularity();
	return ret;
}

/*
 * Map n parts of 4 KiB of a temporary source, one part map each, then
 * remove them (first_part_map + remove_part_map), with the process
 * publishing or not: the publisher's passes (every 250 ms) copy the set
 * while it is being mapped and removed.
 */
struct pub_heavy {
	size_t n;
	bool publish;
	char **addr;
};

static int
pub_heavy_side(void *arg, size_t iters, double *ns)
{
	struct pub_heavy *h = arg;
	(void) iters;
	struct pmemset_source *src = NULL;
	struct pmemset *set = NULL;
	int ret = -1;
	if (h->publish && publish_start() != 0)
		return -1;
	if (pmemset_source_from_temporary(&src, O->dir) != 0) {
		bench_fail("pmemset_source_from_temporary: %s",
				pmemset_errormsg());
		goto out;
	}
	if (bench_set_new(&set, PMEM2_GRANULARITY_PAGE, NULL,
			PMEMSET_COALESCING_NONE) != 0)
		goto out;
	double t = map_parts(set, src, h->n, 0, h->addr);
	if (t < 0)
		goto out;
	ns[0] = t / (double)h->n;
	size_t removed;
	t = remove_part_maps(set, &removed);
	if (t < 0)
		goto out;
	ns[1] = t / (double)(removed ? removed : 1);
	ret = 0;
out:
	pmemset_delete(&set);
	pmemset_source_delete(&src);
	if (h->publish)
		pmemset_stat_publish_stop();
	return ret;
}

static int
publish_heavy_case(void)
{
	size_t n = O->parts_big;
	struct pair p = {0};
	p.group = "stat";
	p.nmetrics = 2;
	snprintf(p.name[0], BENCH_NAME_LEN, "map %zu x 4 KiB parts, "
			"published / not published", n);
	snprintf(p.name[1], BENCH_NAME_LEN, "first_part_map+remove_part_map, "
			"%zu part maps, published / not published", n);
	if (!pair_selected(&p))
		return 0;
	snprintf(p.a_label, BENCH_LABEL_LEN, "pmemset+published");
	snprintf(p.b_label, BENCH_LABEL_LEN, "pmemset");
	/* the goal of issue 24: at most 5 % more */
	p.target[0] = (struct target){TARGET_RATIO, 1.05, "<=1.05"};
	p.target[1] = (struct target){TARGET_RATIO, 1.05, "<=1.05"};
	char **addr = calloc(n, sizeof(*addr));
	if (addr == NULL) {
		bench_fail("out of memory");
		return -1;
	}
	struct pub_heavy with = {n, true, addr}, without = {n, false, addr};
	p.a = p.b = pub_heavy_side;
	p.a_arg = &with;
	p.b_arg = &without;
	p.fixed_iters = n;
	p.isolate = true;
	int ret = bench_run(&p);
	free(addr);
	return ret;
}

int
cases_stat(const struct opts *o)
{
	O = o;
	static const size_t ks[] = {0, 1, 16};
	struct pair p[3];
	struct observed ob[2][3];
	memset(p, 0, sizeof(p));
	memset(ob, 0, sizeof(ob));
	for (int i = 0; i < 3; i++) {
		p[i].group = "stat";
		if (ks[i] == 0)
			snprintf(p[i].name[0], BENCH_NAME_LEN,
				"stat_update, nothing changed, %zu / %zu parts",
				o->parts_big, o->parts_small);
		else
			snprintf(p[i].name[0], BENCH_NAME_LEN,
				"stat_update after %zu changes, %zu / %zu "
				"parts",
				ks[i], o->parts_big, o->parts_small);
		snprintf(p[i].a_label, BENCH_LABEL_LEN, "update@%zu",
				o->parts_big);
		snprintf(p[i].b_label, BENCH_LABEL_LEN, "update@%zu",
				o->parts_small);
		p[i].a = p[i].b = update_side;
		p[i].a_arg = &ob[0][i];
		p[i].b_arg = &ob[1][i];
		/* the changes are made outside the timing, one per update */
		p[i].fixed_iters = ks[i] == 0 ? 1000 : 32;
		/*
		 * The observer's promise: nothing changed is O(1), k changes
		 * O(k log n), so 10x the parts may cost log(10n)/log(n) more.
		 */
		if (ks[i] == 0)
			p[i].target[0] = (struct target){TARGET_RATIO, 1.1,
					"<=1.1"};
		else
			p[i].target[0] = (struct target){TARGET_RATIO, 1.33,
					"<=1.33"};
	}

	unforce_granularity();
	int ret = 0;
	for (int i = 0; i < 3; i++) {
		if (!pair_selected(&p[i]))
			continue;
		if (observed_init(&ob[0][i], o->parts_big) != 0 ||
		    observed_init(&ob[1][i], o->parts_small) != 0) {
			ret = -1;
		} else {
			ob[0][i].k = ob[1][i].k = ks[i];
			if (bench_run(&p[i]) != 0)
				ret = -1;
		}
		observed_fini(&ob[0][i]);
		observed_fini(&ob[1][i]);
	}
	if (data_path_cases() != 0)
		ret = -1;
	if (publish_heavy_case() != 0)
		ret = -1;
	return ret;
}

#endif
