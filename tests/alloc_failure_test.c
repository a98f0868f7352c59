// SPDX-License-Identifier: BSD-3-Clause
/*
 * alloc_failure_test.c -- every allocation a call makes is made to fail in
 * turn, through the library's allocation seam (src/alloc.h): map (new part
 * map, a full index, coalescing into a full part map, FULL coalescing, with
 * an SDS, with bad blocks), remove_range splitting a part map and spanning
 * several, remove_part_map and delete (which must not allocate at all),
 * sources, configs and sets, and the observer's open and update.
 *
 * Each failure must return the allocation error (CANNOT_ALLOCATE_INTERNAL_
 * STRUCTURE, or NO_MEM from the observer) with a message, and roll back
 * fully: the same part maps, counts, bytes, file size, open descriptors,
 * SDS and registry as before, no event, no lock left held, constructors'
 * outputs NULL. ASan/LSan and valgrind find what leaked. With the failure
 * past the last allocation the call succeeds: that run counts the
 * allocations, which the test prints.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"
#include "internal_util.h"
#include "stat_util.h"
#include "alloc.h"
#include "part_map.h"
#include "registry.h"
#include "sds.h"
#include "sds_fake_device.h"
#include "set.h"
#include "source.h"

#define PART (64 * KiB)
#define FILE_SIZE (4 * MiB)
#define MAX_PRE 20
#define NOMEM PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE

static struct event_log Log;

/* everything one run of a scenario owns */
struct sc {
	char *path;
	struct pmemset_source *src;
	struct pmemset *set;
	struct pmemset_part_descriptor pre[MAX_PRE];
	size_t npre;
	struct pmemset_sds sds;
	enum pmemset_part_state state;
	bool clear_badblocks;
	/* what the call under test made */
	void *out;
	char *new_path;
	struct pmemset_stat *h;
	struct pmem2_vm_reservation *rsv;
	struct pmemset_config *cfg;
};

static int
sc_event(struct pmemset *set, struct pmemset_event_context *ctx, void *arg)
{
	struct sc *c = arg;
	if (ctx->type == PMEMSET_EVENT_BADBLOCK && c->clear_badblocks)
		(void) pmemset_badblock_clear(ctx->data.badblock.bb,
				ctx->data.badblock.src);
	return event_log_cb(set, ctx, &Log);
}

/* what must not change when a call fails */
struct snap {
	size_t npm;
	void *addr[MAX_PRE];
	size_t size[MAX_PRE];
	size_t nparts, mapped_bytes, index_count, src_nparts;
	size_t file_size;
	uint64_t bytes;		/* a sample of every part's bytes */
	size_t changes;		/* PART_ADD, PART_REMOVE, REMOVE_RANGE, SDS_UPDATE */
	int fds;
	size_t sets;
	struct pmemset_sds sds;
	bool sds_lock_held;
};

static void
snap_take(struct sc *c, struct snap *s)
{
	memset(s, 0, sizeof(*s));
	if (c->set != NULL) {
		struct pmemset_part_map *p, *next;
		pmemset_first_part_map(c->set, &p);
		while (p != NULL) {
			struct pmemset_part_descriptor d =
				pmemset_descriptor_part_map(p);
			assert_true(s->npm < MAX_PRE);
			s->addr[s->npm] = d.addr;
			s->size[s->npm] = d.size;
			s->npm++;
			const unsigned char *b = d.addr;
			for (size_t i = 0; i < d.size; i += 4093)
				s->bytes = s->bytes * 31 + b[i];
			s->bytes = s->bytes * 31 + b[d.size - 1];
			pmemset_next_part_map(c->set, p, &next);
			pmemset_part_map_drop(&p);
			p = next;
		}
		s->nparts = c->set->nparts;
		s->mapped_bytes = c->set->mapped_bytes;
		s->index_count = c->set->index.count;
	}
	if (c->src != NULL) {
		s->src_nparts = atomic_load(&c->src->nparts);
		s->sds = c->src->sds;
		s->sds_lock_held = sds_map_lock_held(c->src);
	}
	if (c->path != NULL)
		s->file_size = test_file_size(c->path);
	for (size_t i = 0; i < Log.count; i++) {
		enum pmemset_event t = Log.events[i].type;
		if (t == PMEMSET_EVENT_PART_ADD ||
		    t == PMEMSET_EVENT_PART_REMOVE ||
		    t == PMEMSET_EVENT_REMOVE_RANGE ||
		    t == PMEMSET_EVENT_SDS_UPDATE)
			s->changes++;
	}
	s->fds = test_open_fds();
	s->sets = test_live_sets();
}

static void
snap_expect_equal(const struct snap *a, const struct snap *b,
		const char *what)
{
	if (memcmp(a, b, sizeof(*a)) == 0)
		return;
	fail_msg("%s: not rolled back: part maps %zu -> %zu, parts %zu -> "
		"%zu, bytes %zu -> %zu, index %zu -> %zu, source parts %zu -> "
		"%zu, file %zu -> %zu, data %s, events %zu -> %zu, fds %d -> "
		"%d, sets %zu -> %zu, SDS refcount %d -> %d, SDS lock %d -> %d",
		what, a->npm, b->npm, a->nparts, b->nparts, a->mapped_bytes,
		b->mapped_bytes, a->index_count, b->index_count,
		a->src_nparts, b->src_nparts, a->file_size, b->file_size,
		a->bytes == b->bytes ? "same" : "changed", a->changes,
		b->changes, a->fds, b->fds, a->sets, b->sets,
		a->sds.refcount, b->sds.refcount, a->sds_lock_held,
		b->sds_lock_held);
}

/* ---- building blocks of the setups ---- */

static void
base_setup(struct sc *c, enum pmemset_coalescing co)
{
	memset(c, 0, sizeof(*c));
	event_log_clear(&Log);
	c->path = test_file("alloc-fail", FILE_SIZE);
	assert_ok(pmemset_source_from_file(&c->src, c->path));
	c->set = test_set_new(PMEM2_GRANULARITY_PAGE, sc_event, c);
	assert_ok(pmemset_set_contiguous_part_coalescing(c->set, co));
}

/* n parts of PART bytes, file offsets 0, PART, 2 PART... each filled */
static void
premap(struct sc *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct pmemset_part_descriptor d;
		test_map(c->set, c->src, c->npre * PART, PART, &d);
		char *part = (char *)d.addr + d.size - PART;
		memset(part, 0x30 + (int)c->npre, PART);
		c->pre[c->npre].addr = part;
		c->pre[c->npre].size = PART;
		c->npre++;
	}
}

static void
base_teardown(struct sc *c)
{
	if (c->h != NULL)
		assert_int_equal(pmemset_stat_close(&c->h), 0);
	assert_ok(pmemset_delete(&c->set));
	assert_ok(pmemset_source_delete(&c->src));
	test_file_remove(c->path);
	if (c->new_path != NULL) {
		unlink(c->new_path);
		free(c->new_path);
	}
	if (c->rsv != NULL)
		assert_int_equal(pmem2_vm_reservation_delete(&c->rsv), 0);
	pmemset_config_delete(&c->cfg);
	fake_device_uninstall();
}

/* ---- the scenarios ---- */

struct scenario {
	const char *name;
	void (*setup)(struct sc *c);
	int (*op)(struct sc *c);	/* arms nothing itself */
	void (*after_failure)(struct sc *c);
	void (*after_success)(struct sc *c);
	int nomem;		/* the allocation error */
	long min_allocs;	/* it must allocate at least this much */
	long max_allocs;	/* and at most this much (-1: no limit) */
	bool observer;		/* the set is not what the call changes */
};

/*
 * The failure is armed right before the call, after every setup, and
 * disarmed right after it, which also counts what the call allocated.
 */
static long Armed_at;
static long Made;
static char Msg[1024];	/* the call's message, before cleanup clears it */
#define ARM() ((void) alloc_inject_failure(Armed_at))
#define DISARM() do { \
	Made = alloc_inject_failure(-1); \
	snprintf(Msg, sizeof(Msg), "%s", pmemset_errormsg()); \
} while (0)

/* map: a part map of its own (NONE) */
static void
setup_none(struct sc *c)
{
	base_setup(c, PMEMSET_COALESCING_NONE);
	premap(c, 1);
}

static int
op_map(struct sc *c)
{
	struct pmemset_map_config *mc;
	assert_ok(pmemset_map_config_new(&mc));
	assert_ok(pmemset_map_config_set_offset(mc, 2 * MiB));
	pmemset_map_config_set_length(mc, PART);
	struct pmemset_part_descriptor d = {NULL, 0};
	ARM();
	int ret = pmemset_map(c->set, c->src, mc, &d);
	DISARM();
	pmemset_map_config_delete(&mc);
	c->out = d.addr;
	return ret;
}

static void
expect_mapped(struct sc *c)
{
	struct pmemset_part_map *pmap;
	assert_non_null(c->out);
	assert_ok(pmemset_part_map_by_address(c->set, &pmap, c->out));
	pmemset_part_map_drop(&pmap);
	assert_int_equal(c->set->nparts, c->npre + 1);
	/* and every old part still reads back */
	for (size_t i = 0; i < c->npre; i++)
		assert_int_equal(*(unsigned char *)c->pre[i].addr,
				0x30 + (int)i);
}

/* the first part with coalescing on: an internal reservation of its own */
static void
setup_opportunistic_empty(struct sc *c)
{
	base_setup(c, PMEMSET_COALESCING_OPPORTUNISTIC);
}

/* map into a set whose index is full, so it must grow */
static void
setup_index_full(struct sc *c)
{
	base_setup(c, PMEMSET_COALESCING_NONE);
	premap(c, 16);
	assert_int_equal(c->set->index.count, c->set->index.cap);
}

/* coalescing onto a part map whose part array is full */
static void
setup_opportunistic_full_array(struct sc *c)
{
	base_setup(c, PMEMSET_COALESCING_OPPORTUNISTIC);
	premap(c, 4);
	/* one part map of four, its array full */
	struct pmemset_part_map *pmap = c->set->last_part->pmap;
	assert_int_equal(c->set->index.count, 1);
	assert_int_equal(pmap->nparts, pmap->cap);
}

static void
setup_full(struct sc *c)
{
	base_setup(c, PMEMSET_COALESCING_FULL);
	/* FULL needs a part map to append to: make it in OPPORTUNISTIC */
	assert_ok(pmemset_set_contiguous_part_coalescing(c->set,
			PMEMSET_COALESCING_OPPORTUNISTIC));
	premap(c, 1);
	assert_ok(pmemset_set_contiguous_part_coalescing(c->set,
			PMEMSET_COALESCING_FULL));
}

static int
op_map_next(struct sc *c)
{
	struct pmemset_map_config *mc;
	assert_ok(pmemset_map_config_new(&mc));
	assert_ok(pmemset_map_config_set_offset(mc, c->npre * PART));
	pmemset_map_config_set_length(mc, PART);
	struct pmemset_part_descriptor d = {NULL, 0};
	ARM();
	int ret = pmemset_map(c->set, c->src, mc, &d);
	DISARM();
	pmemset_map_config_delete(&mc);
	c->out = d.addr != NULL ? (char *)d.addr + d.size - PART : NULL;
	return ret;
}

static void
expect_appended(struct sc *c)
{
	expect_mapped(c);
	/* FULL: it is in the part map of the first part */
	if (c->set->coalescing == PMEMSET_COALESCING_FULL) {
		struct pmemset_part_map *pmap;
		assert_ok(pmemset_part_map_by_address(c->set, &pmap,
				c->pre[0].addr));
		struct pmemset_part_descriptor d =
			pmemset_descriptor_part_map(pmap);
		assert_ptr_equal(d.addr, c->pre[0].addr);
		assert_int_equal(d.size, (c->npre + 1) * PART);
		pmemset_part_map_drop(&pmap);
	}
}

/* map with an SDS: the copy's count and the map lock are rolled back */
static void
setup_sds(struct sc *c)
{
	base_setup(c, PMEMSET_COALESCING_NONE);
	fake_device_install();
	struct pmemset_sds fresh = PMEMSET_SDS_INITIALIZE();
	c->sds = fresh;
	assert_ok(pmemset_source_set_sds(c->src, &c->sds, &c->state));
	premap(c, 1);
	assert_int_equal(c->src->sds.refcount, 1);
}

static void
expect_sds_acquired(struct sc *c)
{
	expect_mapped(c);
	assert_int_equal(c->src->sds.refcount, 2);
	assert_int_equal(c->state, PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN);
	assert_false(sds_map_lock_held(c->src));
}

/* bad blocks the callback clears: the lists are allocated */
static void
setup_badblocks(struct sc *c)
{
	base_setup(c, PMEMSET_COALESCING_NONE);
	fake_device_install();
	for (size_t i = 0; i < 20; i++)
		fake_add_badblock(i * 8192, 4096);
	pmemset_source_set_badblock_detection(c->src, true);
	c->clear_badblocks = true;
}

static void
expect_badblocks_cleared(struct sc *c)
{
	expect_mapped(c);
	assert_int_equal(Fake.nbbs, 0);
}

/* remove_range inside a coalesced part map: it splits in two */
static void
setup_five_coalesced(struct sc *c)
{
	base_setup(c, PMEMSET_COALESCING_OPPORTUNISTIC);
	premap(c, 5);
}

static int
op_remove_middle(struct sc *c)
{
	ARM();
	int ret = pmemset_remove_range(c->set, c->pre[2].addr, 1);
	DISARM();
	return ret;
}

static void
expect_middle_removed(struct sc *c)
{
	assert_int_equal(c->set->nparts, 4);
	struct pmemset_part_map *pmap;
	assert_err(pmemset_part_map_by_address(c->set, &pmap, c->pre[2].addr),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	for (size_t i = 0; i < 5; i++) {
		if (i == 2)
			continue;
		assert_ok(pmemset_part_map_by_address(c->set, &pmap,
				c->pre[i].addr));
		struct pmemset_part_descriptor d =
			pmemset_descriptor_part_map(pmap);
		/* each piece covers exactly its side */
		if ((char *)d.addr + d.size > (char *)c->pre[2].addr)
			assert_true((char *)d.addr >= (char *)c->pre[2].addr +
					PART);
		assert_int_equal(*(unsigned char *)c->pre[i].addr,
				0x30 + (int)i);
		pmemset_part_map_drop(&pmap);
	}
}

/* a split that needs one more index entry than the full index has */
static void
setup_split_with_full_index(struct sc *c)
{
	base_setup(c, PMEMSET_COALESCING_OPPORTUNISTIC);
	premap(c, 3);
	assert_ok(pmemset_set_contiguous_part_coalescing(c->set,
			PMEMSET_COALESCING_NONE));
	premap(c, 13);
	assert_int_equal(c->set->index.count, 14);
	premap(c, 2);
	assert_int_equal(c->set->index.count, c->set->index.cap);
}

static int
op_remove_second(struct sc *c)
{
	ARM();
	int ret = pmemset_remove_range(c->set, c->pre[1].addr, 1);
	DISARM();
	return ret;
}

static void
expect_second_removed(struct sc *c)
{
	assert_int_equal(c->set->nparts, c->npre - 1);
	assert_int_equal(c->set->index.count, c->npre - 3 + 2);
}

/* remove_range over several part maps (NONE: one part each) */
static void
setup_six_apart(struct sc *c)
{
	base_setup(c, PMEMSET_COALESCING_NONE);
	premap(c, 6);
}

static int
op_remove_all(struct sc *c)
{
	/* part maps are in address order: from the lowest to the highest */
	char *lo = c->pre[0].addr, *hi = c->pre[0].addr;
	for (size_t i = 1; i < c->npre; i++) {
		if ((char *)c->pre[i].addr < lo)
			lo = c->pre[i].addr;
		if ((char *)c->pre[i].addr > hi)
			hi = c->pre[i].addr;
	}
	ARM();
	int ret = pmemset_remove_range(c->set, lo, (size_t)(hi - lo) + PART);
	DISARM();
	return ret;
}

static void
expect_all_removed(struct sc *c)
{
	assert_int_equal(c->set->nparts, 0);
	assert_int_equal(c->set->index.count, 0);
}

/* remove_part_map and delete must not allocate at all */
static int
op_remove_part_map(struct sc *c)
{
	struct pmemset_part_map *pmap;
	assert_ok(pmemset_part_map_by_address(c->set, &pmap, c->pre[1].addr));
	ARM();
	int ret = pmemset_remove_part_map(c->set, &pmap);
	DISARM();
	if (pmap != NULL)
		pmemset_part_map_drop(&pmap);
	return ret;
}

static void
expect_part_map_removed(struct sc *c)
{
	assert_int_equal(c->set->nparts, 0);
}

static void
setup_one_coalesced_run(struct sc *c)
{
	base_setup(c, PMEMSET_COALESCING_FULL);
	assert_ok(pmemset_set_contiguous_part_coalescing(c->set,
			PMEMSET_COALESCING_OPPORTUNISTIC));
	premap(c, 3);
	/* all three in one part map, or the test means nothing */
	if (c->set->index.count != 1)
		fail_msg("the three parts did not coalesce");
}

static int
op_delete(struct sc *c)
{
	ARM();
	int ret = pmemset_delete(&c->set);
	DISARM();
	return ret;
}

static void
expect_deleted(struct sc *c)
{
	assert_null(c->set);
	assert_int_equal(atomic_load(&c->src->nparts), 0);
}

/* sources */
static void
setup_plain(struct sc *c)
{
	base_setup(c, PMEMSET_COALESCING_NONE);
}

static int
op_source_from_file(struct sc *c)
{
	struct pmemset_source *src = (void *)0x1;
	ARM();
	int ret = pmemset_source_from_file(&src, c->path);
	DISARM();
	c->out = src;
	return ret;
}

static void
expect_no_source(struct sc *c)
{
	assert_null(c->out);
}

static void
expect_source(struct sc *c)
{
	struct pmemset_source *src = c->out;
	assert_non_null(src);
	struct pmemset_part_descriptor d;
	test_map(c->set, src, 0, PART, &d);
	assert_ok(pmemset_remove_range(c->set, d.addr, 1));
	assert_ok(pmemset_source_delete(&src));
	c->out = NULL;
}

static int
op_xsource_create(struct sc *c)
{
	if (c->new_path == NULL &&
	    asprintf(&c->new_path, "%s.new", c->path) < 0)
		fail_msg("asprintf");
	unlink(c->new_path);
	struct pmemset_source *src = (void *)0x1;
	ARM();
	int ret = pmemset_xsource_from_file(&src, c->new_path,
			PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED);
	DISARM();
	c->out = src;
	return ret;
}

static void
expect_no_new_file(struct sc *c)
{
	expect_no_source(c);
	assert_int_equal(access(c->new_path, F_OK), -1);
}

static int
op_xsource_truncate(struct sc *c)
{
	/* CREATE_ALWAYS truncates: a failure must not have done it */
	struct pmemset_source *src = (void *)0x1;
	ARM();
	int ret = pmemset_xsource_from_file(&src, c->path,
			PMEMSET_SOURCE_FILE_CREATE_ALWAYS);
	DISARM();
	c->out = src;
	return ret;
}

static void
expect_truncated(struct sc *c)
{
	assert_int_equal(test_file_size(c->path), 0);
	struct pmemset_source *src = c->out;
	assert_ok(pmemset_source_delete(&src));
	c->out = NULL;
}

static int
op_temporary(struct sc *c)
{
	struct pmemset_source *src = (void *)0x1;
	ARM();
	int ret = pmemset_source_from_temporary(&src, test_dir());
	DISARM();
	c->out = src;
	return ret;
}

static int Pmem2_fd = -1;
static struct pmem2_source *Pmem2_src;

/* the caller's pmem2 source, which the library must not close */
static void
setup_pmem2(struct sc *c)
{
	setup_plain(c);
	Pmem2_fd = open(c->path, O_RDWR | O_CLOEXEC);
	assert_true(Pmem2_fd >= 0);
	assert_int_equal(pmem2_source_from_fd(&Pmem2_src, Pmem2_fd), 0);
}

static int
op_from_pmem2(struct sc *c)
{
	struct pmemset_source *src = (void *)0x1;
	ARM();
	int ret = pmemset_source_from_pmem2(&src, Pmem2_src);
	DISARM();
	c->out = src;
	return ret;
}

static void
close_pmem2(void)
{
	pmem2_source_delete(&Pmem2_src);
	close(Pmem2_fd);
	Pmem2_fd = -1;
}

static void
expect_no_pmem2_source(struct sc *c)
{
	expect_no_source(c);
	close_pmem2();
}

static void
expect_pmem2_source(struct sc *c)
{
	expect_source(c);
	close_pmem2();
}

/* configs and sets */
static int
op_config_new(struct sc *c)
{
	struct pmemset_config *cfg = (void *)0x1;
	ARM();
	int ret = pmemset_config_new(&cfg);
	DISARM();
	c->out = cfg;
	return ret;
}

static void
expect_config(struct sc *c)
{
	struct pmemset_config *cfg = c->out;
	assert_non_null(cfg);
	assert_ok(pmemset_config_delete(&cfg));
	c->out = NULL;
}

static int
op_map_config_new(struct sc *c)
{
	struct pmemset_map_config *mc = (void *)0x1;
	ARM();
	int ret = pmemset_map_config_new(&mc);
	DISARM();
	/* the map config's contract: NULL when it fails */
	c->out = mc;
	return ret;
}

static void
expect_map_config(struct sc *c)
{
	struct pmemset_map_config *mc = c->out;
	assert_non_null(mc);
	assert_ok(pmemset_map_config_delete(&mc));
	c->out = NULL;
}

static void
setup_config(struct sc *c)
{
	base_setup(c, PMEMSET_COALESCING_NONE);
	assert_ok(pmemset_config_new(&c->cfg));
	assert_ok(pmemset_config_set_required_store_granularity(c->cfg,
			PMEM2_GRANULARITY_PAGE));
}

static void
setup_config_with_reservation(struct sc *c)
{
	setup_config(c);
	assert_int_equal(pmem2_vm_reservation_new(&c->rsv, NULL, 1 * MiB), 0);
	pmemset_config_set_reservation(c->cfg, c->rsv);
}

static int
op_new_set(struct sc *c)
{
	struct pmemset *set = (void *)0x1;
	ARM();
	int ret = pmemset_new(&set, c->cfg);
	DISARM();
	c->out = set;
	return ret;
}

static void
expect_no_set(struct sc *c)
{
	assert_null(c->out);
}

static void
expect_set(struct sc *c)
{
	struct pmemset *set = c->out;
	assert_non_null(set);
	struct pmemset_part_descriptor d;
	test_map(set, c->src, 0, PART, &d);
	assert_ok(pmemset_delete(&set));
	c->out = NULL;
}

/* the observer */
static void
setup_observed(struct sc *c)
{
	base_setup(c, PMEMSET_COALESCING_NONE);
	premap(c, 3);
}

static const struct pmemset_stat_matcher Matchers[] = {
	{PMEMSET_STAT_MATCH_REGEX, "^/pmemset(/set/[0-9]+(/part/[0-9]+)?)?$"},
	{PMEMSET_STAT_MATCH_GLOB, "/pmemset*"},
};

static int
op_stat_open(struct sc *c)
{
	struct pmemset_stat *h = NULL;
	ARM();
	int ret = (int)pmemset_stat_open(&h, c->set, Matchers, 2);
	DISARM();
	c->h = h;
	return ret;
}

static void
expect_no_handle(struct sc *c)
{
	/* the observer leaves its output alone when it fails */
	assert_null(c->h);
}

/* the view after an update, compared with a handle never disturbed */
static void
expect_same_view(struct sc *c)
{
	assert_int_equal(pmemset_stat_update(c->h), 0);
	assert_view_fresh(c->h, c->set, Matchers, 2);
	char *text = stat_view_text(c->h);
	assert_non_null(strstr(text, "/part/"));
	free(text);
}

static void
setup_observed_open(struct sc *c)
{
	setup_observed(c);
	assert_int_equal(pmemset_stat_open(&c->h, c->set, Matchers, 2), 0);
}

static int
op_stat_update(struct sc *c)
{
	ARM();
	int ret = (int)pmemset_stat_update(c->h);
	DISARM();
	return ret;
}

#define NO_LIMIT (-1)

static const struct scenario Scenarios[] = {
	/* a part map is new memory only for every 512th (refs.h) */
	{"map, a part map of its own", setup_none, op_map, NULL,
		expect_mapped, NOMEM, 2, NO_LIMIT, false},
	{"map, a new reservation", setup_opportunistic_empty, op_map, NULL,
		expect_mapped, NOMEM, 4, NO_LIMIT, false},
	{"map, the index grows", setup_index_full, op_map, NULL,
		expect_mapped, NOMEM, 3, NO_LIMIT, false},
	{"map, opportunistic coalescing", setup_opportunistic_full_array,
		op_map_next, NULL, expect_appended, NOMEM, 2, NO_LIMIT, false},
	{"map, FULL coalescing", setup_full, op_map_next, NULL,
		expect_appended, NOMEM, 2, NO_LIMIT, false},
	{"map with an SDS", setup_sds, op_map, NULL, expect_sds_acquired,
		NOMEM, 2, NO_LIMIT, false},
	{"map with 20 bad blocks", setup_badblocks, op_map, NULL,
		expect_badblocks_cleared, NOMEM, 5, NO_LIMIT, false},
	{"remove_range, a split", setup_five_coalesced, op_remove_middle,
		NULL, expect_middle_removed, NOMEM, 3, NO_LIMIT, false},
	{"remove_range, a split, the index grows",
		setup_split_with_full_index, op_remove_second, NULL,
		expect_second_removed, NOMEM, 5, NO_LIMIT, false},
	{"remove_range, six part maps", setup_six_apart, op_remove_all,
		NULL, expect_all_removed, NOMEM, 2, NO_LIMIT, false},
	{"remove_part_map", setup_one_coalesced_run, op_remove_part_map,
		NULL, expect_part_map_removed, NOMEM, 0, 0, false},
	{"delete", setup_five_coalesced, op_delete, NULL, expect_deleted,
		NOMEM, 0, 0, false},
	{"source_from_file", setup_plain, op_source_from_file,
		expect_no_source, expect_source, NOMEM, 2, NO_LIMIT, false},
	{"xsource_from_file CREATE_IF_NEEDED", setup_plain,
		op_xsource_create, expect_no_new_file, expect_source, NOMEM,
		2, NO_LIMIT, false},
	{"xsource_from_file CREATE_ALWAYS", setup_plain, op_xsource_truncate,
		expect_no_source, expect_truncated, NOMEM, 2, NO_LIMIT,
		false},
	{"source_from_temporary", setup_plain, op_temporary,
		expect_no_source, expect_source, NOMEM, 1, NO_LIMIT, false},
	{"source_from_pmem2", setup_pmem2, op_from_pmem2,
		expect_no_pmem2_source, expect_pmem2_source, NOMEM, 1,
		NO_LIMIT, false},
	{"config_new", setup_plain, op_config_new, expect_no_source,
		expect_config, NOMEM, 1, NO_LIMIT, false},
	{"map_config_new", setup_plain, op_map_config_new, expect_no_source,
		expect_map_config, NOMEM, 1, NO_LIMIT, false},
	{"pmemset_new", setup_config, op_new_set, expect_no_set, expect_set,
		NOMEM, 1, NO_LIMIT, false},
	{"pmemset_new with a reservation", setup_config_with_reservation,
		op_new_set, expect_no_set, expect_set, NOMEM, 2, NO_LIMIT,
		false},
	{"stat_open with matchers", setup_observed, op_stat_open,
		expect_no_handle, NULL, PMEMSET_STAT_S_NO_MEM, 4, NO_LIMIT,
		true},
	{"stat_update, first", setup_observed_open, op_stat_update,
		expect_same_view, expect_same_view, PMEMSET_STAT_S_NO_MEM, 5,
		NO_LIMIT, true},
};

static void
run_scenario(const struct scenario *s)
{
	long total = -1, failures = 0;
	for (long k = 0; total < 0; k++) {
		if (k > 10000)
			fail_msg("%s: never ran out of allocations", s->name);
		struct sc c;
		s->setup(&c);
		struct snap before, after;
		snap_take(&c, &before);
		Armed_at = k;
		Made = -1;
		int ret = s->op(&c);
		long made = Made;
		assert_true(made >= 0); /* the op disarmed */
		if (k < made) {
			/* the k-th allocation (from 0) failed */
			if (ret != s->nomem)
				fail_msg("%s: allocation %ld of %ld failed, "
					"the call returned %d (\"%s\")",
					s->name, k + 1, made, ret, Msg);
			if (Msg[0] == '\0')
				fail_msg("%s: allocation %ld failed with no "
					"message", s->name, k + 1);
			snap_take(&c, &after);
			char what[128];
			snprintf(what, sizeof(what), "%s, allocation %ld",
					s->name, k + 1);
			snap_expect_equal(&before, &after, what);
			if (s->after_failure != NULL)
				s->after_failure(&c);
			failures++;
		} else {
			if (ret != 0)
				fail_msg("%s: returned %d with no failure "
					"injected: %s", s->name, ret, Msg);
			if (s->after_success != NULL)
				s->after_success(&c);
			total = made;
		}
		base_teardown(&c);
	}
	print_message("%-40s %2ld allocation(s), each failed once\n",
			s->name, total);
	assert_int_equal(failures, total);
	assert_true(total >= s->min_allocs);
	if (s->max_allocs >= 0)
		assert_true(total <= s->max_allocs);
}

static void
every_allocation_fails_once(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(Scenarios) / sizeof(Scenarios[0]); i++)
		run_scenario(&Scenarios[i]);
}

/* the seam itself: the count, the one-shot failure, disarming */
static void
seam_counts_and_fails_once(void **state)
{
	(void) state;
	alloc_inject_failure(-1);
	void *a = mem_alloc(8);
	assert_int_equal(alloc_inject_failure(1), 1);
	void *b = mem_alloc(8);		/* countdown 1 -> 0: succeeds */
	void *x = mem_zalloc(8);	/* fails */
	void *y = mem_realloc(NULL, 8);	/* once only */
	assert_int_equal(alloc_inject_failure(-1), 3);
	assert_non_null(a);
	assert_non_null(b);
	assert_null(x);
	assert_non_null(y);
	alloc_inject_failure(0);
	assert_null(mem_strdup("x"));
	alloc_inject_failure(-1);
	mem_free(a);
	mem_free(b);
	mem_free(y);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seam_counts_and_fails_once),
		cmocka_unit_test(every_allocation_fails_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
