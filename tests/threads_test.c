// SPDX-License-Identifier: BSD-3-Clause
/*
 * threads_test.c -- 8 threads map, remove, remove ranges, look up, iterate
 * and persist on one set at once. Run under TSan in CI. At the end no part
 * is lost or duplicated, and PART_ADD minus PART_REMOVE equals what is
 * mapped. References taken in one thread and dropped in another keep
 * their count exact.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define NTHREADS 8
#define MAX_LIVE 16

static int Rounds = 1000;

struct shared {
	struct pmemset *set;
	struct pmemset_source *src;
	_Atomic long long event_bytes;
	_Atomic long callbacks;
};

struct worker {
	struct shared *sh;
	unsigned seed;
	size_t live;
	char *addr[MAX_LIVE];
	size_t len[MAX_LIVE];
	unsigned char tag;
	size_t refused;
	char why[512];
};

/* the message is thread-local: keep it for the main thread to print */
static void *
failed(struct worker *w, const char *what)
{
	snprintf(w->why, sizeof(w->why), "%s: %s", what, pmemset_errormsg());
	return w->why;
}

static int
counting_cb(struct pmemset *set, struct pmemset_event_context *ctx, void *arg)
{
	(void) set;
	struct shared *sh = arg;
	atomic_fetch_add(&sh->callbacks, 1);
	if (ctx->type == PMEMSET_EVENT_PART_ADD)
		atomic_fetch_add(&sh->event_bytes,
				(long long)ctx->data.part_add.len);
	else if (ctx->type == PMEMSET_EVENT_PART_REMOVE)
		atomic_fetch_add(&sh->event_bytes,
				-(long long)ctx->data.part_remove.len);
	return 0;
}

static void
forget(struct worker *w, size_t i)
{
	w->addr[i] = w->addr[w->live - 1];
	w->len[i] = w->len[w->live - 1];
	w->live--;
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct pmemset *set = w->sh->set;
	struct pmemset_map_config *mc;
	if (pmemset_map_config_new(&mc))
		return failed(w, "map config");
	for (int r = 0; r < Rounds; r++) {
		unsigned op = rand_r(&w->seed) % 6;
		if ((op <= 1 || w->live == 0) && w->live < MAX_LIVE) {
			size_t len = (1 + rand_r(&w->seed) % 4) * 4 * KiB;
			struct pmemset_part_descriptor d;
			pmemset_map_config_set_length(mc, len);
			if (pmemset_map_config_set_offset(mc,
					(rand_r(&w->seed) % 16) * 4 * KiB) ||
			    pmemset_map(set, w->sh->src, mc, &d))
				return failed(w, "map");
			char *part = (char *)d.addr + d.size - len;
			w->addr[w->live] = part;
			w->len[w->live] = len;
			w->live++;
			continue;
		}
		if (w->live == 0)
			continue;
		size_t i = rand_r(&w->seed) % w->live;
		struct pmemset_part_map *pmap;
		switch (op) {
		case 2: { /* remove one of our parts by range */
			int ret = pmemset_remove_range(set, w->addr[i], 1);
			/* refused while another thread's walk holds a reference */
			if (ret == PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP) {
				w->refused++;
				break;
			}
			if (ret != 0)
				return failed(w, "remove_range");
			forget(w, i);
			break;
		}
		case 3: /* look up our part and write through the set */
			if (pmemset_part_map_by_address(set, &pmap,
					w->addr[i] + w->len[i] - 1))
				return failed(w, "lookup");
			pmemset_memset(set, w->addr[i], w->tag, 64, 0);
			if (pmemset_persist(set, w->addr[i], 64))
				return failed(w, "persist");
			pmemset_part_map_drop(&pmap);
			break;
		case 4: { /* iterate the whole set */
			struct pmemset_part_map *p, *next;
			pmemset_first_part_map(set, &p);
			while (p != NULL) {
				pmemset_next_part_map(set, p, &next);
				pmemset_part_map_drop(&p);
				p = next;
			}
			break;
		}
		default:
			if (pmemset_drain(set))
				return failed(w, "drain");
			break;
		}
	}
	pmemset_map_config_delete(&mc);
	return NULL;
}

static void
eight_threads_mixed_operations(void **state)
{
	(void) state;
	const char *env = getenv("PMEMSET_STRESS_ROUNDS");
	if (env != NULL)
		Rounds = atoi(env);
	struct shared sh = {0};
	assert_ok(pmemset_source_from_temporary(&sh.src, test_dir()));
	sh.set = test_set_new(PMEM2_GRANULARITY_PAGE, counting_cb, &sh);
	/* parts from different threads never coalesce into one part map */
	assert_ok(pmemset_set_contiguous_part_coalescing(sh.set,
			PMEMSET_COALESCING_NONE));
	struct worker w[NTHREADS];
	pthread_t t[NTHREADS];
	for (int i = 0; i < NTHREADS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].sh = &sh;
		w[i].seed = (unsigned)i * 7919u + 1;
		w[i].tag = (unsigned char)(i + 1);
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < NTHREADS; i++) {
		void *err;
		pthread_join(t[i], &err);
		if (err != NULL)
			fail_msg("thread %d failed in %s", i, (char *)err);
	}
	/* every live part is found exactly once, nothing else is mapped */
	size_t live_bytes = 0;
	for (int i = 0; i < NTHREADS; i++) {
		for (size_t k = 0; k < w[i].live; k++) {
			live_bytes += w[i].len[k];
			struct pmemset_part_map *pmap;
			assert_ok(pmemset_part_map_by_address(sh.set, &pmap,
					w[i].addr[k]));
			pmemset_part_map_drop(&pmap);
		}
	}
	size_t mapped = 0;
	struct pmemset_part_map *p, *next;
	pmemset_first_part_map(sh.set, &p);
	while (p != NULL) {
		mapped += pmemset_descriptor_part_map(p).size;
		pmemset_next_part_map(sh.set, p, &next);
		pmemset_part_map_drop(&p);
		p = next;
	}
	assert_int_equal(mapped, live_bytes);
	assert_int_equal(atomic_load(&sh.event_bytes), (long long)live_bytes);
	assert_true(atomic_load(&sh.callbacks) > 0);
	assert_ok(pmemset_delete(&sh.set));
	assert_int_equal(atomic_load(&sh.event_bytes), 0);
	assert_ok(pmemset_source_delete(&sh.src));
}

/* what one thread does with a part map pointer, run to completion */
enum ref_action { TAKE, DROP, REMOVE_PART_MAP, REMOVE_RANGE };

struct ref_job {
	struct pmemset *set;
	enum ref_action action;
	char *addr;
	struct pmemset_part_map *pmap;	/* in and out */
	int ret;
	char msg[256];
};

static void *
ref_job_main(void *arg)
{
	struct ref_job *j = arg;
	switch (j->action) {
	case TAKE:
		j->ret = pmemset_part_map_by_address(j->set, &j->pmap, j->addr);
		break;
	case DROP:
		pmemset_part_map_drop(&j->pmap);
		j->ret = 0;
		break;
	case REMOVE_PART_MAP:
		j->ret = pmemset_remove_part_map(j->set, &j->pmap);
		break;
	case REMOVE_RANGE:
		j->ret = pmemset_remove_range(j->set, j->addr, 4 * KiB);
		break;
	}
	snprintf(j->msg, sizeof(j->msg), "%s", pmemset_errormsg());
	return NULL;
}

/* runs one action in a thread of its own, so each gets a lane of its own */
static struct ref_job
in_new_thread(struct pmemset *set, enum ref_action action, char *addr,
		struct pmemset_part_map *pmap)
{
	struct ref_job j = {set, action, addr, pmap, -1, ""};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, ref_job_main, &j), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	return j;
}

static void
references_cross_threads(void **state)
{
	(void) state;
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_temporary(&src, test_dir()));
	struct pmemset_part_descriptor a, b;
	assert_ok(pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_NONE));
	test_map(set, src, 0, 4 * KiB, &a);
	test_map(set, src, 4 * KiB, 4 * KiB, &b);

	/* taken in one thread: removal from another is refused */
	struct ref_job take = in_new_thread(set, TAKE, a.addr, NULL);
	assert_int_equal(take.ret, 0);
	struct ref_job range = in_new_thread(set, REMOVE_RANGE, a.addr, NULL);
	assert_int_equal(range.ret, PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP);
	assert_non_null(strstr(range.msg, "reference"));
	/* a copy dropped in a third thread gives it back, once */
	struct ref_job drop = in_new_thread(set, DROP, NULL, take.pmap);
	assert_null(drop.pmap);
	assert_string_equal(drop.msg, "");
	struct ref_job again = in_new_thread(set, DROP, NULL, take.pmap);
	assert_non_null(strstr(again.msg, "holds no reference"));
	/* the count is exact: the range goes now */
	range = in_new_thread(set, REMOVE_RANGE, a.addr, NULL);
	assert_int_equal(range.ret, 0);

	/* remove_part_map with the caller's reference taken in another thread */
	take = in_new_thread(set, TAKE, b.addr, NULL);
	assert_int_equal(take.ret, 0);
	struct ref_job second = in_new_thread(set, TAKE, b.addr, NULL);
	assert_int_equal(second.ret, 0);
	struct ref_job rm = in_new_thread(set, REMOVE_PART_MAP, NULL,
			take.pmap);
	assert_int_equal(rm.ret, PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP);
	assert_non_null(rm.pmap);
	drop = in_new_thread(set, DROP, NULL, second.pmap);
	assert_string_equal(drop.msg, "");
	rm = in_new_thread(set, REMOVE_PART_MAP, NULL, take.pmap);
	assert_int_equal(rm.ret, 0);
	assert_null(rm.pmap);
	assert_int_equal(test_count_part_maps(set), 0);

	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
}

/*
 * PAGE persists and map deletions at once, two threads to a set. libpmem2
 * 1.12.1's PAGE persist finds its map in a process-wide tree and reads the
 * node after dropping the tree's lock, and deleting any other map may free
 * that node (pmem2_gate.c). Each thread maps parts, persists them and
 * removes them in a scattered order, so the threads' maps interleave in
 * the tree while others persist.
 */
#define PAGE_THREADS 4
#define PAGE_ROUNDS 100
#define PAGE_PARTS 16

struct page_job {
	struct pmemset *set;	/* shared by two threads */
	struct pmemset_source *src;
	long persists;
	int failed;
};

/* no cmocka assertion off the main thread: 0 or the library's code */
static int
map_4k(struct pmemset *set, struct pmemset_source *src, size_t offset,
		struct pmemset_part_descriptor *d)
{
	struct pmemset_map_config *mc;
	int ret = pmemset_map_config_new(&mc);
	if (ret != 0)
		return ret;
	pmemset_map_config_set_length(mc, 4 * KiB);
	ret = pmemset_map_config_set_offset(mc, offset);
	if (ret == 0)
		ret = pmemset_map(set, src, mc, d);
	pmemset_map_config_delete(&mc);
	return ret;
}

/* maps PAGE_PARTS parts of src at its first offsets: 0 or the code */
static int
map_parts(struct pmemset *set, struct pmemset_source *src,
		struct pmemset_part_descriptor d[PAGE_PARTS])
{
	for (size_t i = 0; i < PAGE_PARTS; i++) {
		int ret = map_4k(set, src, i * 4 * KiB, &d[i]);
		if (ret != 0)
			return ret;
	}
	return 0;
}

/* the k-th part to remove: every other one first, from inside the tree */
static size_t
scattered(size_t k)
{
	return (k * 2 + k / (PAGE_PARTS / 2)) % PAGE_PARTS;
}

static int
remove_at(struct pmemset *set, void *addr)
{
	struct pmemset_part_map *pm;
	int ret = pmemset_part_map_by_address(set, &pm, addr);
	return ret != 0 ? ret : pmemset_remove_part_map(set, &pm);
}

static int
page_round(struct pmemset *set, struct page_job *j)
{
	struct pmemset_part_descriptor d[PAGE_PARTS];
	if (map_parts(set, j->src, d) != 0)
		return 2;
	for (size_t k = 0; k < PAGE_PARTS; k++) {
		for (size_t n = 0; n < PAGE_PARTS; n++) {
			if (d[n].addr == NULL)
				continue;
			if (pmemset_persist(set, d[n].addr, 64) != 0)
				return 3;
			j->persists++;
		}
		size_t i = scattered(k);
		if (remove_at(set, d[i].addr) != 0)
			return 4;
		d[i].addr = NULL;
	}
	return 0;
}

static void *
page_worker(void *arg)
{
	struct page_job *j = arg;
	for (int r = 0; r < PAGE_ROUNDS && j->failed == 0; r++)
		j->failed = page_round(j->set, j);
	return NULL;
}

static void
page_persists_beside_map_deletions(void **state)
{
	(void) state;
	struct page_job jobs[PAGE_THREADS];
	pthread_t t[PAGE_THREADS];
	struct pmemset *sets[2];
	for (int i = 0; i < 2; i++)
		sets[i] = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	memset(jobs, 0, sizeof(jobs));
	for (int i = 0; i < PAGE_THREADS; i++) {
		jobs[i].set = sets[i % 2];
		assert_ok(pmemset_source_from_temporary(&jobs[i].src,
				test_dir()));
	}
	for (int i = 0; i < PAGE_THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, page_worker,
				&jobs[i]), 0);
	for (int i = 0; i < PAGE_THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	for (int i = 0; i < PAGE_THREADS; i++) {
		assert_int_equal(jobs[i].failed, 0);
		assert_true(jobs[i].persists > 0);
		assert_ok(pmemset_source_delete(&jobs[i].src));
	}
	for (int i = 0; i < 2; i++) {
		assert_int_equal(test_count_part_maps(sets[i]), 0);
		assert_ok(pmemset_delete(&sets[i]));
	}
}

/*
 * Two sets placing parts in one reservation of the program's, from two
 * threads each: the library looks free ranges up in the reservation while
 * the other sets map and unmap in it.
 */
#define SHARED_RSV_THREADS 4
#define SHARED_RSV_ROUNDS 100

struct shared_rsv_job {
	struct pmemset *set;
	struct pmemset_source *src;
	long maps;
	int failed;
	char why[256];
};

static int
shared_rsv_round(struct shared_rsv_job *j)
{
	struct pmemset_part_descriptor d[PAGE_PARTS];
	if (map_parts(j->set, j->src, d) != 0)
		return 1;
	j->maps += PAGE_PARTS;
	for (size_t k = 0; k < PAGE_PARTS; k++)
		if (remove_at(j->set, d[scattered(k)].addr) != 0)
			return 2;
	return 0;
}

static void *
shared_rsv_worker(void *arg)
{
	struct shared_rsv_job *j = arg;
	for (int r = 0; r < SHARED_RSV_ROUNDS && j->failed == 0; r++)
		j->failed = shared_rsv_round(j);
	if (j->failed != 0)
		snprintf(j->why, sizeof(j->why), "%s", pmemset_errormsg());
	return NULL;
}

static void
sets_share_a_reservation_across_threads(void **state)
{
	(void) state;
	struct pmem2_vm_reservation *rsv;
	assert_int_equal(pmem2_vm_reservation_new(&rsv, NULL, 16 * MiB), 0);
	struct pmemset *sets[2];
	for (int i = 0; i < 2; i++)
		sets[i] = test_set_new_in(rsv, NULL, NULL);
	struct shared_rsv_job jobs[SHARED_RSV_THREADS];
	pthread_t t[SHARED_RSV_THREADS];
	memset(jobs, 0, sizeof(jobs));
	for (int i = 0; i < SHARED_RSV_THREADS; i++) {
		jobs[i].set = sets[i % 2];
		assert_ok(pmemset_source_from_temporary(&jobs[i].src,
				test_dir()));
	}
	for (int i = 0; i < SHARED_RSV_THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL,
				shared_rsv_worker, &jobs[i]), 0);
	for (int i = 0; i < SHARED_RSV_THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	for (int i = 0; i < SHARED_RSV_THREADS; i++) {
		if (jobs[i].failed != 0)
			fail_msg("thread %d failed (%d): %s", i, jobs[i].failed,
					jobs[i].why);
		assert_int_equal(jobs[i].maps,
				SHARED_RSV_ROUNDS * PAGE_PARTS);
		assert_ok(pmemset_source_delete(&jobs[i].src));
	}
	for (int i = 0; i < 2; i++) {
		assert_int_equal(test_count_part_maps(sets[i]), 0);
		assert_ok(pmemset_delete(&sets[i]));
	}
	/* nothing of ours is left in it */
	assert_int_equal(pmem2_vm_reservation_delete(&rsv), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(eight_threads_mixed_operations),
		cmocka_unit_test(references_cross_threads),
		cmocka_unit_test(page_persists_beside_map_deletions),
		cmocka_unit_test(sets_share_a_reservation_across_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
