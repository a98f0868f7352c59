// SPDX-License-Identifier: BSD-3-Clause
/*
 * threads_observer_test.c -- 8 threads on two sets sharing one source: five
 * workers map, remove (remove_range in a set whose coalescing another thread
 * keeps switching, remove_part_map and remove_range in a set without
 * coalescing), look up, write, persist and drain; two observers update their
 * own handles all along (one on a set, one on every set, closed and opened
 * again now and then) and account for every part they are told about; one
 * thread walks both sets holding references, looks up, deep-flushes and
 * switches coalescing. Run under TSan in CI (label tsan); threads_test.c
 * covers the core alone.
 *
 * At the end: every live part is found once, in its own set, and nothing
 * else is mapped; PART_ADD minus PART_REMOVE equals what is mapped, per
 * set; each observer was told about each part at most once each way, in
 * order, and its final view holds exactly the live parts with the right
 * values; the data-path counters of the observed set equal the calls the
 * workers made, exactly. Iteration counts bound it, not time.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "libpmemset/stat.h"

#define WORKERS 5
#define MAX_LIVE 12
#define REGION (64 * 4 * KiB)	/* each worker's own bytes of the source */
#define MAX_IDS (1 << 17)	/* part ids an observer can account for */

static int Rounds = 1000;

enum { SET_A, SET_B, NSETS };	/* A: coalescing switches; B: none */

static struct pmemset *Sets[NSETS];
static struct pmemset_source *Src;
static _Atomic long long Event_bytes[NSETS];
static _Atomic int Workers_running;
static _Atomic unsigned long Progress;	/* calls the workers made */

/* what the workers did to set A through the data path, for the counters */
static _Atomic unsigned long A_persists, A_drains, A_copies, A_sets;

static int
count_events(struct pmemset *set, struct pmemset_event_context *ctx,
		void *arg)
{
	(void) set;
	_Atomic long long *bytes = arg;
	if (ctx->type == PMEMSET_EVENT_PART_ADD)
		atomic_fetch_add(bytes, (long long)ctx->data.part_add.len);
	else if (ctx->type == PMEMSET_EVENT_PART_REMOVE)
		atomic_fetch_add(bytes, -(long long)ctx->data.part_remove.len);
	return 0;
}

/* the message is thread-local: keep it for the main thread */
struct failure {
	char why[512];
};

static void *
failed(struct failure *f, const char *what, int ret)
{
	snprintf(f->why, sizeof(f->why), "%s returned %d: %s", what, ret,
			pmemset_errormsg());
	return f->why;
}

/* ---- workers ---- */

struct mine {
	int set;
	char *addr;
	size_t len;
};

struct worker {
	int idx;
	unsigned seed;
	struct mine live[MAX_LIVE];
	size_t nlive;
	unsigned long refused;
	struct failure f;
};

static void
forget(struct worker *w, size_t i)
{
	w->live[i] = w->live[--w->nlive];
}

static int
remove_mine(struct worker *w, size_t i)
{
	struct mine *m = &w->live[i];
	struct pmemset *set = Sets[m->set];
	int ret;
	if (m->set == SET_B && rand_r(&w->seed) % 2) {
		struct pmemset_part_map *pmap;
		ret = pmemset_part_map_by_address(set, &pmap, m->addr);
		if (ret != 0)
			return ret;
		ret = pmemset_remove_part_map(set, &pmap);
		if (pmap != NULL)
			pmemset_part_map_drop(&pmap);
	} else {
		/* whole parts only: one byte of ours removes ours alone */
		ret = pmemset_remove_range(set, m->addr + m->len / 2, 1);
	}
	return ret;
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct pmemset_map_config *mc;
	int ret;
	if ((ret = pmemset_map_config_new(&mc)) != 0)
		return failed(&w->f, "map config", ret);
	unsigned char tag = (unsigned char)(0x40 + w->idx);
	for (int r = 0; r < Rounds; r++) {
		atomic_fetch_add(&Progress, 1);
		unsigned op = rand_r(&w->seed) % 8;
		if ((op <= 1 || w->nlive == 0) && w->nlive < MAX_LIVE) {
			int s = (int)(rand_r(&w->seed) % NSETS);
			size_t len = (1 + rand_r(&w->seed) % 4) * 4 * KiB;
			size_t off = (size_t)w->idx * REGION +
				(rand_r(&w->seed) % 32) * 4 * KiB;
			struct pmemset_part_descriptor d;
			pmemset_map_config_set_length(mc, len);
			if ((ret = pmemset_map_config_set_offset(mc, off)) ||
			    (ret = pmemset_map(Sets[s], Src, mc, &d)))
				return failed(&w->f, "map", ret);
			struct mine *m = &w->live[w->nlive++];
			m->set = s;
			m->addr = (char *)d.addr + d.size - len;
			m->len = len;
			continue;
		}
		if (w->nlive == 0)
			continue;
		size_t i = rand_r(&w->seed) % w->nlive;
		struct mine *m = &w->live[i];
		struct pmemset *set = Sets[m->set];
		struct pmemset_part_map *pmap;
		switch (op) {
		case 2:
		case 3:
			ret = remove_mine(w, i);
			/* another thread's walk holds a reference: later */
			if (ret == PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP) {
				w->refused++;
				break;
			}
			if (ret != 0)
				return failed(&w->f, "remove", ret);
			forget(w, i);
			break;
		case 4:
			if ((ret = pmemset_part_map_by_address(set, &pmap,
					m->addr + m->len - 1)))
				return failed(&w->f, "lookup", ret);
			pmemset_part_map_drop(&pmap);
			if (pmemset_memset(set, m->addr, tag, 64, 0) != m->addr)
				return failed(&w->f, "memset", -1);
			if ((ret = pmemset_persist(set, m->addr, 64)))
				return failed(&w->f, "persist", ret);
			/* nobody else writes this worker's bytes */
			for (int k = 0; k < 64; k++)
				if ((unsigned char)m->addr[k] != tag)
					return failed(&w->f, "read back", k);
			if (m->set == SET_A) {
				atomic_fetch_add(&A_sets, 1);
				atomic_fetch_add(&A_persists, 1);
			}
			break;
		case 5: {
			char text[32] = {0};
			snprintf(text, sizeof(text), "worker %d round %d",
					w->idx, r);
			if (pmemset_memcpy(set, m->addr + 64, text,
					sizeof(text), PMEMSET_F_MEM_NODRAIN) !=
					m->addr + 64)
				return failed(&w->f, "memcpy", -1);
			if ((ret = pmemset_drain(set)))
				return failed(&w->f, "drain", ret);
			if (memcmp(m->addr + 64, text, sizeof(text)) != 0)
				return failed(&w->f, "read back copy", 0);
			if (m->set == SET_A) {
				atomic_fetch_add(&A_copies, 1);
				atomic_fetch_add(&A_drains, 1);
			}
			break;
		}
		default:
			if ((ret = pmemset_flush(set, m->addr, 4096)))
				return failed(&w->f, "flush", ret);
			break;
		}
	}
	pmemset_map_config_delete(&mc);
	return NULL;
}

/* ---- observers ---- */

struct observer {
	struct pmemset *set;	/* NULL: every set */
	bool reopen;		/* close and open again now and then */
	unsigned char adds[MAX_IDS], rems[MAX_IDS];
	unsigned long updates, reopens, bad;
	char bad_why[256];
	struct pmemset_stat *view;	/* handed to the main thread */
	struct failure f;
};

static __thread struct observer *Self;

static uint64_t
part_id(struct pmemset_stat_map *map)
{
	const char *name;
	uint64_t id;
	if (pmemset_stat_map_name(map, &name) != 0 ||
	    sscanf(name, "part/%llu", (unsigned long long *)&id) != 1)
		return 0;
	return id;
}

static void
note_bad(const char *fmt, uint64_t id)
{
	if (Self->bad++ == 0)
		snprintf(Self->bad_why, sizeof(Self->bad_why), fmt,
				(unsigned long long)id);
}

static void
on_tree(struct pmemset_stat_map *map, struct pmemset_stat_map *sub,
		enum pmemset_stat_tree_event ev)
{
	(void) map;
	uint64_t id = part_id(sub);
	if (id == 0)
		return;
	if (id >= MAX_IDS) {
		note_bad("part id %llu beyond the test's table", id);
		return;
	}
	if (ev == PMEMSET_STAT_TREE_ADD) {
		if (Self->adds[id]++ != 0)
			note_bad("part %llu added twice", id);
	} else {
		if (Self->adds[id] == 0)
			note_bad("part %llu removed before it was added", id);
		if (Self->rems[id]++ != 0)
			note_bad("part %llu removed twice", id);
	}
}

/* what DATA_ADD may read, and it must look like a part */
static void
on_data(struct pmemset_stat_map *map, struct pmemset_stat_map *sub,
		enum pmemset_stat_data_event ev)
{
	(void) map;
	uint64_t id = part_id(sub);
	if (id == 0 || ev != PMEMSET_STAT_DATA_ADD)
		return;
	uint64_t size, pm_size, addr, pm_addr;
	if (pmemset_stat_map_get_uint64(sub, "size", &size) != 0 ||
	    pmemset_stat_map_get_uint64(sub, "address", &addr) != 0 ||
	    pmemset_stat_map_get_uint64(sub, "part_map_size", &pm_size) != 0 ||
	    pmemset_stat_map_get_uint64(sub, "part_map_address",
			&pm_addr) != 0)
		note_bad("part %llu: SYS values unreadable in DATA_ADD", id);
	else if (size == 0 || size % 4096 != 0 || addr < pm_addr ||
	    addr + size > pm_addr + pm_size)
		note_bad("part %llu: values of a part that cannot be", id);
}

static enum pmemset_stat_status
open_view(struct observer *o, struct pmemset_stat **h)
{
	enum pmemset_stat_status st = pmemset_stat_open(h, o->set, NULL, 0);
	if (st != PMEMSET_STAT_S_OK)
		return st;
	struct pmemset_stat_map *root;
	if ((st = pmemset_stat_root(*h, &root)) != PMEMSET_STAT_S_OK ||
	    (st = pmemset_stat_map_set_tree_cb(root, on_tree)) !=
			PMEMSET_STAT_S_OK ||
	    (st = pmemset_stat_map_set_data_cb(root, on_data)) !=
			PMEMSET_STAT_S_OK)
		return st;
	return PMEMSET_STAT_S_OK;
}

/* everything the view was told about went away exactly once */
static void
check_all_removed(struct observer *o)
{
	for (uint64_t id = 0; id < MAX_IDS; id++) {
		if (o->adds[id] != o->rems[id])
			note_bad("part %llu not removed at close", id);
		o->adds[id] = o->rems[id] = 0;
	}
}

static void *
observe(void *arg)
{
	struct observer *o = arg;
	Self = o;
	struct pmemset_stat *h;
	enum pmemset_stat_status st = open_view(o, &h);
	if (st != PMEMSET_STAT_S_OK)
		return failed(&o->f, "stat open", (int)st);
	/* at least a few updates after the workers stop */
	int tail = 3;
	unsigned long seen = 0;
	while (atomic_load(&Workers_running) > 0 || tail-- > 0) {
		/*
		 * One update per step of the workers at most: spinning would
		 * starve them where threads take turns (valgrind).
		 */
		while (atomic_load(&Progress) == seen &&
		    atomic_load(&Workers_running) > 0)
			sched_yield();
		seen = atomic_load(&Progress);
		if ((st = pmemset_stat_update(h)) != PMEMSET_STAT_S_OK)
			return failed(&o->f, "stat update", (int)st);
		o->updates++;
		if (o->reopen && o->updates % 50 == 0) {
			if ((st = pmemset_stat_close(&h)) != PMEMSET_STAT_S_OK)
				return failed(&o->f, "stat close", (int)st);
			check_all_removed(o);
			if ((st = open_view(o, &h)) != PMEMSET_STAT_S_OK)
				return failed(&o->f, "stat reopen", (int)st);
			o->reopens++;
		}
	}
	/* the main thread checks this final view */
	o->view = h;
	return NULL;
}

/* ---- the walker ---- */

static void *
walk(void *arg)
{
	struct failure *f = arg;
	unsigned seed = 4242;
	unsigned long round = 0, seen = 0;
	while (atomic_load(&Workers_running) > 0) {
		while (atomic_load(&Progress) == seen &&
		    atomic_load(&Workers_running) > 0)
			sched_yield();
		seen = atomic_load(&Progress);
		int s = (int)(round++ % NSETS);
		struct pmemset *set = Sets[s];
		struct pmemset_part_map *p, *next;
		pmemset_first_part_map(set, &p);
		while (p != NULL) {
			struct pmemset_part_descriptor d =
				pmemset_descriptor_part_map(p);
			if (d.size == 0 || d.addr == NULL)
				return failed(f, "descriptor", -1);
			/* a lookup inside it finds a part map holding it */
			struct pmemset_part_map *q;
			int ret = pmemset_part_map_by_address(set, &q,
					(char *)d.addr + d.size - 1);
			if (ret == 0)
				pmemset_part_map_drop(&q);
			else if (ret != PMEMSET_E_CANNOT_FIND_PART_MAP)
				return failed(f, "lookup", ret);
			pmemset_next_part_map(set, p, &next);
			pmemset_part_map_drop(&p);
			p = next;
		}
		if (round % 16 == 0) {
			enum pmemset_coalescing c = rand_r(&seed) % 2 ?
				PMEMSET_COALESCING_OPPORTUNISTIC :
				PMEMSET_COALESCING_NONE;
			int ret = pmemset_set_contiguous_part_coalescing(
					Sets[SET_A], c);
			if (ret != 0)
				return failed(f, "coalescing", ret);
		}
	}
	return NULL;
}

/* ---- the checks ---- */

/* the nth set map of a view (in id order) */
static struct pmemset_stat_map *
set_map_of(struct pmemset_stat *h, int nth)
{
	struct pmemset_stat_map *root;
	assert_int_equal(pmemset_stat_root(h, &root), 0);
	struct pmemset_stat_mapiter *it;
	assert_int_equal(pmemset_stat_mapiter_start(root,
			PMEMSET_STAT_KIND_MAP, &it), 0);
	struct pmemset_stat_nv nv = {0};
	for (int i = 0; i <= nth; i++)
		assert_int_equal(pmemset_stat_mapiter_next(it, &nv), 0);
	assert_int_equal(pmemset_stat_mapiter_end(&it), 0);
	return nv.data.map;
}

static uint64_t
value(struct pmemset_stat_map *map, const char *name)
{
	uint64_t v;
	if (pmemset_stat_map_get_uint64(map, name, &v) != 0)
		fail_msg("%s: %s", name, pmemset_errormsg());
	return v;
}

static void
eight_threads_with_observers(void **state)
{
	(void) state;
	const char *env = getenv("PMEMSET_STRESS_ROUNDS");
	if (env != NULL)
		Rounds = atoi(env);
	assert_ok(pmemset_source_from_temporary(&Src, test_dir()));
	for (int s = 0; s < NSETS; s++)
		Sets[s] = test_set_new(PMEM2_GRANULARITY_PAGE, count_events,
				(void *)&Event_bytes[s]);
	assert_ok(pmemset_set_contiguous_part_coalescing(Sets[SET_A],
			PMEMSET_COALESCING_OPPORTUNISTIC));

	/* counters of A move from now on: this handle observes A */
	struct pmemset_stat *counters;
	assert_int_equal(pmemset_stat_open(&counters, Sets[SET_A], NULL, 0),
			0);
	assert_int_equal(pmemset_stat_update(counters), 0);

	static struct worker w[WORKERS];
	static struct observer obs[2];
	struct failure walker = {{0}};
	pthread_t t[WORKERS + 3];
	atomic_store(&Workers_running, WORKERS);
	memset(obs, 0, sizeof(obs));
	obs[0].set = Sets[SET_A];
	obs[1].set = NULL;
	obs[1].reopen = true;
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[WORKERS + i], NULL,
				observe, &obs[i]), 0);
	assert_int_equal(pthread_create(&t[WORKERS + 2], NULL, walk,
			&walker), 0);
	for (int i = 0; i < WORKERS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].idx = i;
		w[i].seed = (unsigned)i * 7919u + 17;
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < WORKERS; i++) {
		void *err;
		pthread_join(t[i], &err);
		if (err != NULL)
			fail_msg("worker %d: %s", i, (char *)err);
		atomic_fetch_sub(&Workers_running, 1);
	}
	struct pmemset_stat *views[2];
	for (int i = 0; i < 3; i++) {
		void *err;
		pthread_join(t[WORKERS + i], &err);
		if (err != NULL)
			fail_msg("%s %d: %s", i < 2 ? "observer" : "walker", i,
				(char *)err);
		if (i < 2)
			views[i] = obs[i].view;
	}

	/* every live part is found once in its set, nothing else mapped */
	size_t live_bytes[NSETS] = {0}, live_parts[NSETS] = {0};
	unsigned long refused = 0;
	for (int i = 0; i < WORKERS; i++) {
		refused += w[i].refused;
		for (size_t k = 0; k < w[i].nlive; k++) {
			struct mine *m = &w[i].live[k];
			live_bytes[m->set] += m->len;
			live_parts[m->set]++;
			struct pmemset_part_map *pmap;
			assert_ok(pmemset_part_map_by_address(Sets[m->set],
					&pmap, m->addr));
			pmemset_part_map_drop(&pmap);
			assert_err(pmemset_part_map_by_address(
					Sets[1 - m->set], &pmap, m->addr),
					PMEMSET_E_CANNOT_FIND_PART_MAP);
		}
	}
	for (int s = 0; s < NSETS; s++) {
		size_t mapped = 0;
		struct pmemset_part_map *p, *next;
		pmemset_first_part_map(Sets[s], &p);
		while (p != NULL) {
			mapped += pmemset_descriptor_part_map(p).size;
			pmemset_next_part_map(Sets[s], p, &next);
			pmemset_part_map_drop(&p);
			p = next;
		}
		assert_int_equal(mapped, live_bytes[s]);
		assert_int_equal(atomic_load(&Event_bytes[s]),
				(long long)live_bytes[s]);
	}

	/* the observers: told once each way, and a final view of the truth */
	for (int i = 0; i < 2; i++) {
		struct observer *o = &obs[i];
		/* its callbacks run on this thread now */
		Self = o;
		assert_int_equal(pmemset_stat_update(views[i]), 0);
		if (o->bad)
			fail_msg("observer %d: %lu inconsistencies, first: %s",
				i, o->bad, o->bad_why);
		size_t in_view = 0;
		for (uint64_t id = 0; id < MAX_IDS; id++)
			in_view += (size_t)(o->adds[id] - o->rems[id]);
		size_t want = i == 0 ? live_parts[SET_A] :
			live_parts[SET_A] + live_parts[SET_B];
		assert_int_equal(in_view, want);
		int nsets = i == 0 ? 1 : NSETS;
		uint64_t parts = 0, bytes = 0;
		for (int k = 0; k < nsets; k++) {
			struct pmemset_stat_map *sm = set_map_of(views[i], k);
			parts += value(sm, "parts");
			bytes += value(sm, "mapped_bytes");
		}
		assert_int_equal(parts, want);
		assert_int_equal(bytes, i == 0 ? live_bytes[SET_A] :
				live_bytes[SET_A] + live_bytes[SET_B]);
		print_message("observer %d: %lu updates, %lu reopens\n", i,
				o->updates, o->reopens);
	}

	/* the counters of A: exactly the workers' calls */
	assert_int_equal(pmemset_stat_update(counters), 0);
	struct pmemset_stat_map *a = set_map_of(counters, 0);
	assert_int_equal(value(a, "persist_calls"), atomic_load(&A_persists));
	assert_int_equal(value(a, "persist_bytes"),
			64 * atomic_load(&A_persists));
	assert_int_equal(value(a, "set_calls"), atomic_load(&A_sets));
	assert_int_equal(value(a, "copy_calls"), atomic_load(&A_copies));
	assert_int_equal(value(a, "drain_calls"), atomic_load(&A_drains));
	print_message("%lu removals refused while referenced, %lu persists "
		"counted on A\n", refused, atomic_load(&A_persists));

	for (int i = 0; i < 2; i++) {
		Self = &obs[i];
		assert_int_equal(pmemset_stat_close(&views[i]), 0);
		check_all_removed(&obs[i]);
		if (obs[i].bad)
			fail_msg("observer %d at close: %s", i,
				obs[i].bad_why);
	}
	assert_int_equal(pmemset_stat_close(&counters), 0);
	for (int s = 0; s < NSETS; s++) {
		assert_ok(pmemset_delete(&Sets[s]));
		assert_int_equal(atomic_load(&Event_bytes[s]), 0);
	}
	assert_ok(pmemset_source_delete(&Src));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(eight_threads_with_observers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
