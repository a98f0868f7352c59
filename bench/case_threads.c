// SPDX-License-Identifier: BSD-3-Clause
/*
 * case_threads.c -- how the set scales with threads (--threads N, default
 * 2). Side A runs the operations spread over N threads, side B the same
 * number in one thread; both are timed from the moment all threads are
 * released to the moment the last one finishes, so A/B below 1 means the
 * threads together are faster (1/N is linear scaling). Cases:
 *   by_address+drop at random part maps of 1k and 10k, and of one part map
 *     for all threads (every thread bumps the same reference count)
 *   persist 256 B, each thread in its own page (CACHE_LINE granularity)
 *   private work, no library call: what this machine gives N threads that
 *     share nothing (its ceiling: a shared 2-vCPU VM gives far less than N)
 *   a writer mapping and removing a part: A with N lookup threads running
 *     beside it, B alone (A/B is how much slower the writer gets)
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* random lookup addresses per set; a power of two for a cheap modulo */
#define NADDR 4096
#define MAX_THREADS 64

static const struct opts *O;

/* a set of n one-part part maps, and where lookups go */
struct team_set {
	size_t n;
	struct pmemset_source *src;
	struct pmemset *set;
	char **part_addr;
	char *addrs[NADDR];
	size_t next_offset;	/* in src, for the writer's parts */
	size_t writes;
};

struct member;
typedef int body_fn(struct member *m);

struct member {
	struct team_set *ts;
	unsigned index;
	size_t iters;
	body_fn *body;
	double t0, t1;
	int ret;
};

/*
 * The threads that run the sides, made once for the group: threads made
 * for each 2 ms sample start on their creator's processor and often run
 * there one after the other before the scheduler spreads them, which
 * measured the scheduler, not the library.
 */
static struct crew {
	pthread_t tid[MAX_THREADS];
	unsigned nthreads;
	pthread_mutex_t lock;
	pthread_cond_t wake, finished;
	unsigned long generation;	/* one per run */
	unsigned want;			/* members taking part in this run */
	unsigned done;
	_Atomic unsigned ready;		/* members at the start line */
	bool quit;
	struct member m[MAX_THREADS];
} Crew = {.lock = PTHREAD_MUTEX_INITIALIZER,
	.wake = PTHREAD_COND_INITIALIZER, .finished = PTHREAD_COND_INITIALIZER};

static void *
crew_main(void *arg)
{
	unsigned index = (unsigned)(uintptr_t)arg;
	unsigned long seen = 0;
	pthread_mutex_lock(&Crew.lock);
	for (;;) {
		while (Crew.generation == seen && !Crew.quit)
			pthread_cond_wait(&Crew.wake, &Crew.lock);
		if (Crew.quit)
			break;
		seen = Crew.generation;
		if (index >= Crew.want)
			continue;
		unsigned want = Crew.want;
		struct member *m = &Crew.m[index];
		pthread_mutex_unlock(&Crew.lock);
		/* everyone starts together: wake-ups come tens of us apart */
		atomic_fetch_add(&Crew.ready, 1);
		while (atomic_load(&Crew.ready) < want)
			;
		m->t0 = now_ns();
		m->ret = m->body(m);
		m->t1 = now_ns();
		pthread_mutex_lock(&Crew.lock);
		if (++Crew.done == want)
			pthread_cond_signal(&Crew.finished);
	}
	pthread_mutex_unlock(&Crew.lock);
	return NULL;
}

static int
crew_start(unsigned n)
{
	for (Crew.nthreads = 0; Crew.nthreads < n; Crew.nthreads++)
		if (pthread_create(&Crew.tid[Crew.nthreads], NULL, crew_main,
				(void *)(uintptr_t)Crew.nthreads) != 0) {
			bench_fail("pthread_create failed after %u threads",
					Crew.nthreads);
			return -1;
		}
	return 0;
}

static void
crew_stop(void)
{
	pthread_mutex_lock(&Crew.lock);
	Crew.quit = true;
	pthread_cond_broadcast(&Crew.wake);
	pthread_mutex_unlock(&Crew.lock);
	for (unsigned i = 0; i < Crew.nthreads; i++)
		pthread_join(Crew.tid[i], NULL);
	Crew.nthreads = 0;
	Crew.quit = false;
}

/*
 * Runs body in the crew's first n threads, `iters` operations in all;
 * ns[0] is the wall time from the first start to the last finish per
 * operation.
 */
static int
run_team(struct team_set *ts, unsigned n, body_fn *body, size_t iters,
		double *ns)
{
	pthread_mutex_lock(&Crew.lock);
	for (unsigned i = 0; i < n; i++)
		Crew.m[i] = (struct member){ts, i,
			iters / n + (i < iters % n), body, 0, 0, 0};
	Crew.want = n;
	Crew.done = 0;
	atomic_store(&Crew.ready, 0);
	Crew.generation++;
	pthread_cond_broadcast(&Crew.wake);
	while (Crew.done < n)
		pthread_cond_wait(&Crew.finished, &Crew.lock);
	pthread_mutex_unlock(&Crew.lock);
	double first = 0, last = 0;
	int ret = 0;
	for (unsigned i = 0; i < n; i++) {
		struct member *m = &Crew.m[i];
		if (i == 0 || m->t0 < first)
			first = m->t0;
		if (m->t1 > last)
			last = m->t1;
		if (m->ret != 0)
			ret = -1;
	}
	ns[0] = (last - first) / (double)iters;
	return ret;
}

static int
lookup_body(struct member *m, bool one)
{
	struct pmemset *set = m->ts->set;
	char *const *addrs = m->ts->addrs;
	/* each thread its own walk through the addresses */
	size_t at = (size_t)m->index * 977;
	for (size_t i = 0; i < m->iters; i++) {
		struct pmemset_part_map *pm;
		size_t k = (at + i) & (NADDR - 1);
		char *a = one ? m->ts->part_addr[0] + (k & (PART_SIZE - 1)) :
				addrs[k];
		if (pmemset_part_map_by_address(set, &pm, a) != 0) {
			bench_fail("part_map_by_address(%p): %s", (void *)a,
					pmemset_errormsg());
			return -1;
		}
		pmemset_part_map_drop(&pm);
	}
	return 0;
}

static int
lookup_random_body(struct member *m)
{
	return lookup_body(m, false);
}

static int
lookup_one_body(struct member *m)
{
	return lookup_body(m, true);
}

/*
 * A lookup's kind of work with nothing shared written: random reads of the
 * address table and an atomic add on a line of the thread's own.
 */
static struct {
	_Alignas(64) _Atomic unsigned long n;
} Private_count[MAX_THREADS];

static int
private_body(struct member *m)
{
	char *const *addrs = m->ts->addrs;
	uintptr_t sum = 0;
	uint64_t x = m->index + 1;
	for (size_t i = 0; i < m->iters; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		sum += (uintptr_t)addrs[(x >> 33) & (NADDR - 1)];
		atomic_fetch_add(&Private_count[m->index].n, 1);
	}
	/* so the reads are not optimised away */
	return sum == 1 ? -1 : 0;
}

/* 256 B in the thread's own page of the first part map */
static int
persist_body(struct member *m)
{
	struct pmemset *set = m->ts->set;
	char *p = m->ts->part_addr[m->index];
	for (size_t i = 0; i < m->iters; i++) {
		p[i & 255] = (char)i;
		pmemset_persist(set, p, 256);
	}
	return 0;
}

/* what a side of a case runs: the body, and in how many threads */
struct team_side {
	struct team_set *ts;
	body_fn *body;
	unsigned threads;
};

static int
team_side(void *arg, size_t iters, double *ns)
{
	struct team_side *s = arg;
	return run_team(s->ts, s->threads, s->body, iters, ns);
}

/* the writer: maps one part at a fresh offset and removes it again */
static int
write_once(struct team_set *ts)
{
	struct pmemset_map_config *mc;
	struct pmemset_part_descriptor d;
	if (pmemset_map_config_new(&mc) != 0)
		return -1;
	(void) pmemset_map_config_set_offset(mc, ts->next_offset);
	pmemset_map_config_set_length(mc, PART_SIZE);
	int ret = pmemset_map(ts->set, ts->src, mc, &d);
	(void) pmemset_map_config_delete(&mc);
	if (ret == 0)
		ret = pmemset_remove_range(ts->set, d.addr, PART_SIZE);
	if (ret != 0) {
		bench_fail("writer: %s", pmemset_errormsg());
		return -1;
	}
	/* fresh offsets would grow the file without end: cycle over 64 */
	ts->writes++;
	ts->next_offset = (ts->n + ts->writes % 64) * PART_SIZE;
	return 0;
}

struct writer_side {
	struct team_set *ts;
	unsigned readers;
	atomic_bool stop;
};

static void *
reader_main(void *arg)
{
	struct writer_side *w = arg;
	struct pmemset *set = w->ts->set;
	for (size_t i = 0; !atomic_load_explicit(&w->stop,
			memory_order_relaxed); i++) {
		struct pmemset_part_map *pm;
		if (pmemset_part_map_by_address(set, &pm,
				w->ts->addrs[i & (NADDR - 1)]) == 0)
			pmemset_part_map_drop(&pm);
	}
	return NULL;
}

static int
writer_side(void *arg, size_t iters, double *ns)
{
	struct writer_side *w = arg;
	pthread_t tid[MAX_THREADS];
	unsigned started = 0;
	atomic_store(&w->stop, false);
	for (; started < w->readers; started++)
		if (pthread_create(&tid[started], NULL, reader_main, w) != 0)
			break;
	int ret = started == w->readers ? 0 : -1;
	double t0 = now_ns();
	for (size_t i = 0; i < iters && ret == 0; i++)
		ret = write_once(w->ts);
	ns[0] = (now_ns() - t0) / (double)iters;
	atomic_store(&w->stop, true);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	if (started < w->readers)
		bench_fail("pthread_create failed after %u readers", started);
	return ret;
}

static void
team_set_fini(struct team_set *ts)
{
	pmemset_delete(&ts->set);
	pmemset_source_delete(&ts->src);
	free(ts->part_addr);
	memset(ts, 0, sizeof(*ts));
}

static int
team_set_init(struct team_set *ts, size_t n, enum pmem2_granularity g)
{
	memset(ts, 0, sizeof(*ts));
	ts->n = n;
	ts->next_offset = n * PART_SIZE;
	ts->part_addr = calloc(n, sizeof(*ts->part_addr));
	if (ts->part_addr == NULL) {
		bench_fail("out of memory");
		return -1;
	}
	if (pmemset_source_from_temporary(&ts->src, O->dir) != 0) {
		bench_fail("pmemset_source_from_temporary(%s): %s", O->dir,
				pmemset_errormsg());
		return -1;
	}
	if (bench_set_new(&ts->set, g, NULL, PMEMSET_COALESCING_NONE) != 0 ||
	    map_parts(ts->set, ts->src, n, 0, ts->part_addr) < 0)
		return -1;
	uint64_t seed = 4242 + n;
	for (size_t i = 0; i < NADDR; i++)
		ts->addrs[i] = ts->part_addr[rnd(&seed) % n] +
				rnd(&seed) % PART_SIZE;
	return 0;
}

/* A: the body in N threads; B: in one */
static void
scaling_name(char *name, const char *what)
{
	/* names are short; a cut one would only print shorter */
	if (snprintf(name, BENCH_NAME_LEN, "%s, %u threads / 1", what,
			O->threads) >= BENCH_NAME_LEN)
		name[BENCH_NAME_LEN - 1] = '\0';
}

static void
writer_name(char *name, size_t n)
{
	snprintf(name, BENCH_NAME_LEN, "map+remove_range 4 KiB in a set of "
			"%zu, beside %u lookup threads / alone", n, O->threads);
}

/* A: the body in N threads; B: in one */
static int
scaling_case(struct team_set *ts, const char *what, body_fn *body,
		struct target target)
{
	struct pair p = {0};
	p.group = "threads";
	scaling_name(p.name[0], what);
	if (!pair_selected(&p))
		return 0;
	snprintf(p.a_label, BENCH_LABEL_LEN, "pmemset x%u thr", O->threads);
	snprintf(p.b_label, BENCH_LABEL_LEN, "pmemset x1 thr");
	struct team_side a = {ts, body, O->threads}, b = {ts, body, 1};
	p.a = p.b = team_side;
	p.a_arg = &a;
	p.b_arg = &b;
	p.target[0] = target;
	return bench_run(&p);
}

static int
writer_case(struct team_set *ts)
{
	struct pair p = {0};
	p.group = "threads";
	writer_name(p.name[0], ts->n);
	if (!pair_selected(&p))
		return 0;
	snprintf(p.a_label, BENCH_LABEL_LEN, "writer+%u readers",
			O->threads);
	snprintf(p.b_label, BENCH_LABEL_LEN, "writer alone");
	struct writer_side a = {.ts = ts, .readers = O->threads};
	struct writer_side b = {.ts = ts, .readers = 0};
	p.a = p.b = writer_side;
	p.a_arg = &a;
	p.b_arg = &b;
	/* a few tens of microseconds each: a fixed count, not calibrated */
	p.fixed_iters = O->quick ? 20 : 500;
	p.target[0] = (struct target){TARGET_RATIO, 1 / 0.3,
		"<=3.33 (>=0.3x alone)"};
	return bench_run(&p);
}

#define RANDOM_LOOKUPS "by_address+drop, random of %zu part maps"
#define ONE_LOOKUP "by_address+drop, one part map"
#define PERSIST "persist 256 B, distinct pages"
#define PRIVATE_WORK "private work, no library call (machine ceiling)"

/* lookups at random in a set of n; at the small size also the rest */
static int
lookup_cases(size_t n, bool small)
{
	char random[64], name[3][BENCH_NAME_LEN];
	snprintf(random, sizeof(random), RANDOM_LOOKUPS, n);
	scaling_name(name[0], random);
	scaling_name(name[1], ONE_LOOKUP);
	writer_name(name[2], n);
	char ceiling[BENCH_NAME_LEN];
	scaling_name(ceiling, PRIVATE_WORK);
	bool any = bench_selected("threads", name[0]) || (small &&
		(bench_selected("threads", name[1]) ||
		 bench_selected("threads", name[2]) ||
		 bench_selected("threads", ceiling)));
	if (!any)
		return 0;
	struct team_set ts;
	int ret = team_set_init(&ts, n, PMEM2_GRANULARITY_PAGE);
	/* first, so the lookups below can be read against it */
	if (ret == 0 && small && scaling_case(&ts, PRIVATE_WORK, private_body,
			(struct target){0}) != 0)
		ret = -1;
	if (ret == 0 && scaling_case(&ts, random, lookup_random_body,
			(struct target){TARGET_RATIO, 1 / 1.8,
			"<=0.556 (>=1.8x)"}) != 0)
		ret = -1;
	if (ret == 0 && small && scaling_case(&ts, ONE_LOOKUP,
			lookup_one_body, (struct target){TARGET_RATIO, 1.0,
			"<=1.0 (stretch)"}) != 0)
		ret = -1;
	if (ret == 0 && small && writer_case(&ts) != 0)
		ret = -1;
	team_set_fini(&ts);
	return ret;
}

static int
persist_case(void)
{
	char name[BENCH_NAME_LEN];
	scaling_name(name, PERSIST);
	if (!bench_selected("threads", name))
		return 0;
	/* a page per thread; CACHE_LINE, so a persist is no msync */
	struct team_set ts;
	force_granularity(PMEM2_GRANULARITY_CACHE_LINE);
	int ret = team_set_init(&ts, O->threads, PMEM2_GRANULARITY_CACHE_LINE);
	if (ret == 0)
		ret = scaling_case(&ts, PERSIST, persist_body,
				(struct target){0});
	team_set_fini(&ts);
	unforce_granularity();
	return ret;
}

static int
threads_cases(const struct opts *o)
{
	O = o;
	if (crew_start(o->threads) != 0) {
		crew_stop();
		return -1;
	}
	int ret = 0;
	if (lookup_cases(o->parts_small, true) != 0)
		ret = -1;
	if (lookup_cases(o->parts_big, false) != 0)
		ret = -1;
	if (persist_case() != 0)
		ret = -1;
	crew_stop();
	return ret;
}

int
cases_threads(const struct opts *o)
{
	if (o->threads < 1 || o->threads > MAX_THREADS) {
		bench_fail("--threads must be 1 to %d", MAX_THREADS);
		return -1;
	}
	/* libpmem2 leaks address space at delete: keep the group apart */
	return bench_isolated(threads_cases, o);
}
