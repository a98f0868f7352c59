// SPDX-License-Identifier: BSD-3-Clause
/*
 * sds_test.c -- the shutdown data state: pmemset_source_set_sds, the state
 * every map computes (each rule of api.md §5 and their precedence), the
 * acceptable-states check, acquire and release, and every failure of the
 * device queries. The device is the fake behind src/device.h unless
 * PMEMSET_TEST_REAL_PMEM=1, where the cases that can run on a real device
 * do (the stored SDS is then made to differ from the device, not the
 * other way round).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"
#include "alloc.h"
#include "core_view.h"
#include "device.h"
#include "sds.h"
#include "set.h"
#include "source.h"
#include "sds_fake_device.h"

#define FILE_SIZE (64 * KiB)
#define ALL_STATES ((uint64_t)(PMEMSET_PART_STATE_INDETERMINATE | \
	PMEMSET_PART_STATE_OK | PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN | \
	PMEMSET_PART_STATE_OK_BUT_INTERRUPTED | PMEMSET_PART_STATE_CORRUPTED))
#define STATE_SENTINEL ((enum pmemset_part_state)0x5a5a)

static struct event_log Log;

struct fixture {
	char *path;
	struct pmemset_source *src;
	struct pmemset_sds sds;
	enum pmemset_part_state state;
	struct pmemset *set;
};

/* a set that logs events to Log and accepts `states` */
static struct pmemset *
set_accepting(uint64_t states)
{
	struct pmemset_config *cfg;
	struct pmemset *set;
	assert_ok(pmemset_config_new(&cfg));
	assert_ok(pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE));
	pmemset_config_set_event_callback(cfg, event_log_cb, &Log);
	assert_ok(pmemset_config_set_acceptable_states(cfg, states));
	assert_ok(pmemset_new(&set, cfg));
	assert_ok(pmemset_config_delete(&cfg));
	return set;
}

static int
setup(void **state)
{
	fake_device_install();
	memset(&Log, 0, sizeof(Log));
	struct fixture *f = calloc(1, sizeof(*f));
	f->path = test_file("sds", FILE_SIZE);
	assert_ok(pmemset_source_from_file(&f->src, f->path));
	f->state = STATE_SENTINEL;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	test_file_set_delete(&f->set, &f->src, f->path);
	fake_device_uninstall();
	alloc_inject_failure(-1);
	free(f);
	return 0;
}

/* what the device under src says now (the fake's or the real one's) */
struct now {
	char id[PMEMSET_SDS_DEVICE_ID_LEN + 1];
	uint64_t usc;
};

static void
read_now(struct pmemset_source *src, struct now *n)
{
	memset(n, 0, sizeof(*n));
	assert_int_equal(device_usc(src->pmem2_src, &n->usc), 0);
	size_t len = sizeof(n->id);
	assert_int_equal(device_id(src->pmem2_src, n->id, &len), 0);
}

/* the library's copy, read under its lock */
static struct pmemset_sds
sds_copy(struct pmemset_source *src)
{
	pthread_mutex_lock(&src->lock);
	struct pmemset_sds s = src->sds;
	pthread_mutex_unlock(&src->lock);
	return s;
}

/* no map left the source's locks held */
static void
assert_unlocked(struct pmemset_source *src)
{
	assert_int_equal(pthread_mutex_trylock(&src->lock), 0);
	pthread_mutex_unlock(&src->lock);
	assert_false(sds_map_lock_held(src));
}

static void
assert_sds_equal(const struct pmemset_sds *a, const struct pmemset_sds *b)
{
	assert_string_equal(a->id, b->id);
	assert_int_equal(a->usc, b->usc);
	assert_int_equal(a->refcount, b->refcount);
}

static size_t
count_events(enum pmemset_event type)
{
	return event_log_count(&Log, type);
}

/* the last SDS_UPDATE's copy of the SDS */
static const struct recorded_event *
last_sds_update(void)
{
	for (size_t i = Log.count; i > 0; i--)
		if (Log.events[i - 1].type == PMEMSET_EVENT_SDS_UPDATE)
			return &Log.events[i - 1];
	fail_msg("no SDS_UPDATE event");
	return NULL;
}

static void
set_sds_null_args(void **state)
{
	struct fixture *f = *state;
	assert_err(pmemset_source_set_sds(NULL, &f->sds, &f->state), -EINVAL);
	assert_msg_has("src");
	assert_err(pmemset_source_set_sds(f->src, NULL, &f->state), -EINVAL);
	assert_msg_has("sds");
	/* none of them stuck */
	assert_ok(pmemset_source_set_sds(f->src, &f->sds, &f->state));
}

static void
set_sds_with_null_state_ptr_maps(void **state)
{
	/* as PMDK: accepted, the state is simply not reported */
	struct fixture *f = *state;
	assert_ok(pmemset_source_set_sds(f->src, &f->sds, NULL));
	f->set = set_accepting(ALL_STATES);
	assert_ok(pmemset_map(f->set, f->src, NULL, NULL));
	assert_int_equal(sds_copy(f->src).refcount, 1);
	assert_ok(pmemset_delete(&f->set));
	assert_int_equal(sds_copy(f->src).refcount, 0);
}

/* the SDS copy of a deleted source lives on: releases still report it */
static void
sds_released_after_the_source_is_deleted(void **state)
{
	struct fixture *f = *state;
	assert_ok(pmemset_source_set_sds(f->src, &f->sds, &f->state));
	f->set = set_accepting(ALL_STATES);
	struct pmemset_map_config *mc;
	assert_ok(pmemset_map_config_new(&mc));
	pmemset_map_config_set_length(mc, 4 * KiB);
	struct pmemset_part_descriptor a, b;
	assert_ok(pmemset_map(f->set, f->src, mc, &a));
	assert_ok(pmemset_map_config_set_offset(mc, 4 * KiB));
	assert_ok(pmemset_map(f->set, f->src, mc, &b));
	assert_ok(pmemset_map_config_delete(&mc));
	struct pmemset_source *deleted = f->src;
	assert_ok(pmemset_source_delete(&f->src));
	assert_null(f->src);

	event_log_clear(&Log);
	assert_ok(pmemset_remove_range(f->set, a.addr, 1));
	assert_int_equal(count_events(PMEMSET_EVENT_SDS_UPDATE), 1);
	assert_int_equal(last_sds_update()->sds.refcount, 1);
	assert_ptr_equal(last_sds_update()->ctx.data.sds_update.src, deleted);
	event_log_clear(&Log);
	assert_ok(pmemset_delete(&f->set));
	assert_int_equal(count_events(PMEMSET_EVENT_SDS_UPDATE), 1);
	assert_int_equal(last_sds_update()->sds.refcount, 0);
}

static void
set_sds_twice_fails(void **state)
{
	struct fixture *f = *state;
	assert_ok(pmemset_source_set_sds(f->src, &f->sds, &f->state));
	struct pmemset_sds other = PMEMSET_SDS_INITIALIZE();
	strcpy(other.id, "other");
	assert_err(pmemset_source_set_sds(f->src, &other, &f->state),
			PMEMSET_E_SDS_ALREADY_SET);
	assert_msg_has("already");
	/* the first one is kept */
	assert_string_equal(sds_copy(f->src).id, "");
}

static void
set_sds_rejects_garbage(void **state)
{
	struct fixture *f = *state;
	struct pmemset_sds bad;
	memset(&bad, 'x', sizeof(bad.id));
	bad.usc = 0;
	bad.refcount = 0;
	assert_err(pmemset_source_set_sds(f->src, &bad, &f->state), -EINVAL);
	assert_msg_has("NUL");
	struct pmemset_sds neg = PMEMSET_SDS_INITIALIZE();
	neg.refcount = -1;
	assert_err(pmemset_source_set_sds(f->src, &neg, &f->state), -EINVAL);
	assert_msg_has("-1");
	assert_ok(pmemset_source_set_sds(f->src, &f->sds, &f->state));
}

static void
set_sds_after_map_fails(void **state)
{
	struct fixture *f = *state;
	f->set = set_accepting(ALL_STATES);
	assert_ok(pmemset_map(f->set, f->src, NULL, NULL));
	assert_err(pmemset_source_set_sds(f->src, &f->sds, &f->state),
			PMEMSET_E_PART_EXISTS);
	assert_msg_has("before the first map");
}

static void
set_sds_keeps_a_copy(void **state)
{
	struct fixture *f = *state;
	assert_ok(pmemset_source_set_sds(f->src, &f->sds, &f->state));
	/* the caller's struct is theirs: changing it changes nothing */
	strcpy(f->sds.id, "changed-after-set");
	f->sds.refcount = 9;
	f->set = set_accepting(PMEMSET_PART_STATE_OK);
	assert_ok(pmemset_map(f->set, f->src, NULL, NULL));
	assert_int_equal(f->state, PMEMSET_PART_STATE_OK);
	const struct recorded_event *e = last_sds_update();
	assert_ptr_not_equal(e->ctx.data.sds_update.sds, &f->sds);
	/* a snapshot of the library's copy (the live one may change meanwhile) */
	assert_memory_equal(&e->sds, &f->src->sds, sizeof(e->sds));
	assert_ptr_equal(e->ctx.data.sds_update.src, f->src);
	assert_int_equal(e->sds.refcount, 1);
	/* and the library never writes the caller's struct */
	assert_string_equal(f->sds.id, "changed-after-set");
	assert_int_equal(f->sds.refcount, 9);
}

static void
fresh_sds_is_ok_and_initialised(void **state)
{
	struct fixture *f = *state;
	assert_ok(pmemset_source_set_sds(f->src, &f->sds, &f->state));
	f->set = set_accepting(PMEMSET_PART_STATE_OK);
	assert_ok(pmemset_map(f->set, f->src, NULL, NULL));
	struct now n;
	read_now(f->src, &n);
	assert_int_equal(f->state, PMEMSET_PART_STATE_OK);
	assert_int_equal(f->src->last_state, PMEMSET_PART_STATE_OK);
	/* PART_ADD first, then SDS_UPDATE with the device's values */
	assert_int_equal(Log.count, 2);
	assert_int_equal(Log.events[0].type, PMEMSET_EVENT_PART_ADD);
	assert_int_equal(Log.events[1].type, PMEMSET_EVENT_SDS_UPDATE);
	struct pmemset_sds want = PMEMSET_SDS_INITIALIZE();
	strcpy(want.id, n.id);
	want.usc = n.usc;
	want.refcount = 1;
	assert_sds_equal(&Log.events[1].sds, &want);
	struct pmemset_sds lib = sds_copy(f->src);
	assert_sds_equal(&lib, &want);
	assert_unlocked(f->src);
}

/*
 * One row of api.md §5. Stored values are relative to what the device says
 * at the map, so rows that change only the stored SDS run on a real device
 * too; rows that change the device after the first map need the fake.
 */
enum id_rel { ID_SAME, ID_OTHER, ID_EMPTY };
enum dev_change { DEV_NONE, DEV_USC, DEV_ID };

struct row {
	const char *name;
	enum id_rel stored_id;
	bool stored_usc_moved;
	int stored_refcount;
	bool premapped;		 /* a part of this source is mapped first */
	enum dev_change change;	 /* after the first map, before the second */
	enum pmemset_part_state want;
	int want_refcount;
};

static const struct row Rows[] = {
	{"clean, same device, same count", ID_SAME, false, 0, false,
		DEV_NONE, PMEMSET_PART_STATE_OK, 1},
	{"clean, empty id: initialised", ID_EMPTY, false, 0, false,
		DEV_NONE, PMEMSET_PART_STATE_OK, 1},
	{"clean, other device: reinitialised", ID_OTHER, true, 0, false,
		DEV_NONE, PMEMSET_PART_STATE_OK, 1},
	{"clean, count moved: refreshed", ID_SAME, true, 0, false,
		DEV_NONE, PMEMSET_PART_STATE_OK, 1},
	{"dirty, other device", ID_OTHER, false, 1, false,
		DEV_NONE, PMEMSET_PART_STATE_INDETERMINATE, 1},
	{"dirty, other device and count moved", ID_OTHER, true, 1, false,
		DEV_NONE, PMEMSET_PART_STATE_INDETERMINATE, 1},
	{"dirty, empty id", ID_EMPTY, false, 1, false,
		DEV_NONE, PMEMSET_PART_STATE_INDETERMINATE, 1},
	{"dirty, same device, count moved", ID_SAME, true, 1, false,
		DEV_NONE, PMEMSET_PART_STATE_CORRUPTED, 1},
	{"dirty, nothing mapped here", ID_SAME, false, 1, false,
		DEV_NONE, PMEMSET_PART_STATE_OK_BUT_INTERRUPTED, 1},
	{"dirty with a stale count of 5", ID_SAME, false, 5, false,
		DEV_NONE, PMEMSET_PART_STATE_OK_BUT_INTERRUPTED, 1},
	{"dirty, parts mapped here", ID_SAME, false, 0, true,
		DEV_NONE, PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN, 2},
	{"parts mapped here, count moved since", ID_SAME, false, 0, true,
		DEV_USC, PMEMSET_PART_STATE_CORRUPTED, 2},
	{"parts mapped here, device changed since", ID_SAME, false, 0, true,
		DEV_ID, PMEMSET_PART_STATE_INDETERMINATE, 2},
};

/* the SDS a row starts from, given the device now */
static struct pmemset_sds
row_stored(const struct row *r, const struct now *n)
{
	struct pmemset_sds s = PMEMSET_SDS_INITIALIZE();
	if (r->stored_id == ID_SAME)
		strcpy(s.id, n->id);
	else if (r->stored_id == ID_OTHER)
		snprintf(s.id, sizeof(s.id), "not-%.500s", n->id);
	s.usc = r->stored_usc_moved ? (n->usc > 0 ? n->usc - 1 : 1) : n->usc;
	s.refcount = r->stored_refcount;
	return s;
}

/*
 * Sets up the row on f->src and returns the SDS the decisive map starts
 * from. With premapped, one part is mapped in `first` (accepting all).
 */
static struct pmemset_sds
row_prepare(struct fixture *f, const struct row *r, struct pmemset **first)
{
	struct now n;
	read_now(f->src, &n);
	f->sds = row_stored(r, &n);
	assert_ok(pmemset_source_set_sds(f->src, &f->sds, &f->state));
	*first = NULL;
	if (r->premapped) {
		*first = set_accepting(ALL_STATES);
		assert_ok(pmemset_map(*first, f->src, NULL, NULL));
		assert_int_equal(f->state, PMEMSET_PART_STATE_OK);
		if (r->change == DEV_USC)
			Fake.usc++;
		else if (r->change == DEV_ID)
			strcpy(Fake.id, "fake-device-1");
	}
	event_log_clear(&Log);
	f->state = STATE_SENTINEL;
	return sds_copy(f->src);
}

static bool
row_needs_fake(const struct row *r)
{
	return r->change != DEV_NONE;
}

typedef void row_check(struct fixture *f, const struct row *r);

/* runs check on every row that can run here, each on a fresh source */
static void
for_each_row(void **state, row_check *check)
{
	bool fresh = true;
	for (size_t i = 0; i < sizeof(Rows) / sizeof(Rows[0]); i++) {
		const struct row *r = &Rows[i];
		if (row_needs_fake(r) && fake_real_pmem())
			continue;
		print_message("row: %s\n", r->name);
		if (!fresh) {
			teardown(state);
			setup(state);
		}
		fresh = false;
		check(*state, r);
	}
}

static void
check_row_accepted(struct fixture *f, const struct row *r)
{
	struct pmemset *first;
	row_prepare(f, r, &first);
	f->set = set_accepting(ALL_STATES);
	assert_ok(pmemset_map(f->set, f->src, NULL, NULL));
	if (f->state != r->want)
		fail_msg("%s: state %d, expected %d", r->name, (int)f->state,
			(int)r->want);
	assert_int_equal(f->src->last_state, r->want);

	/* every successful map leaves the SDS describing the device now */
	struct now n;
	read_now(f->src, &n);
	struct pmemset_sds want = PMEMSET_SDS_INITIALIZE();
	strcpy(want.id, n.id);
	want.usc = n.usc;
	want.refcount = r->want_refcount;
	struct pmemset_sds lib = sds_copy(f->src);
	assert_sds_equal(&lib, &want);
	assert_int_equal(count_events(PMEMSET_EVENT_SDS_UPDATE), 1);
	assert_sds_equal(&last_sds_update()->sds, &want);
	assert_unlocked(f->src);
	assert_ok(pmemset_delete(&f->set));
	assert_ok(pmemset_delete(&first));
	/* released down to clean */
	assert_int_equal(sds_copy(f->src).refcount, 0);
}

static void
every_rule_of_the_state_machine(void **state)
{
	for_each_row(state, check_row_accepted);
}

static void
check_row_refused(struct fixture *f, const struct row *r)
{
	struct pmemset *first;
	struct pmemset_sds before = row_prepare(f, r, &first);
	size_t size_before = test_file_size(f->path);

	f->set = set_accepting(ALL_STATES & ~(uint64_t)r->want);
	assert_err(pmemset_map(f->set, f->src, NULL, NULL),
			PMEMSET_E_UNDESIRABLE_PART_STATE);
	assert_msg_has("acceptable");
	/* the state is reported even though the map is refused */
	assert_int_equal(f->state, r->want);
	assert_int_equal(f->src->last_state, r->want);
	assert_int_equal(Log.count, 0);
	assert_int_equal(test_count_part_maps(f->set), 0);
	assert_int_equal(test_file_size(f->path), size_before);
	struct pmemset_sds after = sds_copy(f->src);
	assert_sds_equal(&after, &before);
	assert_unlocked(f->src);
	assert_ok(pmemset_delete(&f->set));

	/* the same state is fine for a set that accepts it */
	f->set = set_accepting((uint64_t)r->want);
	assert_ok(pmemset_map(f->set, f->src, NULL, NULL));
	assert_int_equal(f->state, r->want);
	assert_ok(pmemset_delete(&first));
}

static void
refused_states_map_nothing(void **state)
{
	for_each_row(state, check_row_refused);
}

static void
default_states_accept_ok_and_already_open(void **state)
{
	struct fixture *f = *state;
	assert_ok(pmemset_source_set_sds(f->src, &f->sds, &f->state));
	f->set = test_set_new(PMEM2_GRANULARITY_PAGE, event_log_cb, &Log);
	assert_ok(pmemset_map(f->set, f->src, NULL, NULL));
	assert_int_equal(f->state, PMEMSET_PART_STATE_OK);
	assert_ok(pmemset_map(f->set, f->src, NULL, NULL));
	assert_int_equal(f->state, PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN);
	assert_int_equal(sds_copy(f->src).refcount, 2);

	/* a dirty SDS on a fresh source object is an interrupted one */
	struct pmemset_source *again;
	struct pmemset_sds stored = sds_copy(f->src);
	enum pmemset_part_state st2 = STATE_SENTINEL;
	assert_ok(pmemset_source_from_file(&again, f->path));
	assert_ok(pmemset_source_set_sds(again, &stored, &st2));
	assert_err(pmemset_map(f->set, again, NULL, NULL),
			PMEMSET_E_UNDESIRABLE_PART_STATE);
	assert_msg_has("OK_BUT_INTERRUPTED");
	assert_msg_has("OK|OK_BUT_ALREADY_OPEN");
	assert_int_equal(st2, PMEMSET_PART_STATE_OK_BUT_INTERRUPTED);
	assert_ok(pmemset_source_delete(&again));
}

static void
no_acceptable_state_refuses_every_map(void **state)
{
	struct fixture *f = *state;
	assert_ok(pmemset_source_set_sds(f->src, &f->sds, &f->state));
	f->set = set_accepting(0);
	assert_err(pmemset_map(f->set, f->src, NULL, NULL),
			PMEMSET_E_UNDESIRABLE_PART_STATE);
	assert_msg_has("acceptable states (none)");
	assert_int_equal(f->state, PMEMSET_PART_STATE_OK);
	assert_unlocked(f->src);
}

static void
every_unmapped_part_releases(void **state)
{
	struct fixture *f = *state;
	assert_ok(pmemset_source_set_sds(f->src, &f->sds, &f->state));
	f->set = set_accepting(ALL_STATES);
	struct pmemset_part_descriptor d[3];
	for (int i = 0; i < 3; i++)
		test_map(f->set, f->src, (size_t)i * 16 * KiB, 16 * KiB, &d[i]);
	assert_int_equal(f->state, PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN);
	assert_int_equal(sds_copy(f->src).refcount, 3);

	/* remove_part_map: PART_REMOVE, then SDS_UPDATE */
	event_log_clear(&Log);
	struct pmemset_part_map *pmap;
	assert_ok(pmemset_part_map_by_address(f->set, &pmap, d[0].addr));
	assert_ok(pmemset_remove_part_map(f->set, &pmap));
	assert_int_equal(Log.count, 2);
	assert_int_equal(Log.events[0].type, PMEMSET_EVENT_PART_REMOVE);
	assert_int_equal(Log.events[1].type, PMEMSET_EVENT_SDS_UPDATE);
	assert_int_equal(Log.events[1].sds.refcount, 2);
	assert_ptr_equal(Log.events[1].ctx.data.sds_update.src, f->src);

	/* remove_range */
	event_log_clear(&Log);
	assert_ok(pmemset_remove_range(f->set, d[1].addr, d[1].size));
	assert_int_equal(count_events(PMEMSET_EVENT_SDS_UPDATE), 1);
	assert_int_equal(last_sds_update()->sds.refcount, 1);

	/* delete releases what is left */
	event_log_clear(&Log);
	assert_ok(pmemset_delete(&f->set));
	assert_int_equal(count_events(PMEMSET_EVENT_SDS_UPDATE), 1);
	assert_int_equal(last_sds_update()->sds.refcount, 0);
	assert_int_equal(sds_copy(f->src).refcount, 0);
	assert_unlocked(f->src);
}

/* a map that fails after the SDS check changes nothing and holds nothing */
static void
assert_failed_map_left_sds(struct fixture *f, const struct pmemset_sds *before)
{
	struct pmemset_sds after = sds_copy(f->src);
	assert_sds_equal(&after, before);
	assert_int_equal(count_events(PMEMSET_EVENT_SDS_UPDATE), 0);
	assert_int_equal(count_events(PMEMSET_EVENT_PART_ADD), 0);
	assert_unlocked(f->src);
}

static void
failed_map_after_check_changes_nothing(void **state)
{
	struct fixture *f = *state;
	assert_ok(pmemset_source_set_sds(f->src, &f->sds, &f->state));
	struct pmemset_sds before = sds_copy(f->src);
	f->set = set_accepting(ALL_STATES);

	/* growing fails: the file may not grow */
	struct pmemset_source *fixed;
	enum pmemset_part_state st = STATE_SENTINEL;
	struct pmemset_sds fresh = PMEMSET_SDS_INITIALIZE();
	assert_ok(pmemset_xsource_from_file(&fixed, f->path,
			PMEMSET_SOURCE_FILE_DO_NOT_GROW));
	assert_ok(pmemset_source_set_sds(fixed, &fresh, &st));
	struct pmemset_map_config *mc;
	assert_ok(pmemset_map_config_new(&mc));
	pmemset_map_config_set_length(mc, 2 * FILE_SIZE);
	assert_err(pmemset_map(f->set, fixed, mc, NULL),
			PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL);
	assert_int_equal(st, PMEMSET_PART_STATE_OK); /* checked, then failed */
	assert_int_equal(fixed->sds.refcount, 0);
	assert_unlocked(fixed);
	assert_ok(pmemset_map_config_delete(&mc));
	assert_ok(pmemset_source_delete(&fixed));

	/*
	 * placing fails: FULL coalescing cannot append to a part map made
	 * with coalescing off (mapped from a source without an SDS)
	 */
	struct pmemset_source *plain;
	struct pmemset_part_descriptor plain_part;
	assert_ok(pmemset_source_from_file(&plain, f->path));
	assert_ok(pmemset_map(f->set, plain, NULL, &plain_part));
	assert_ok(pmemset_set_contiguous_part_coalescing(f->set,
			PMEMSET_COALESCING_FULL));
	event_log_clear(&Log);
	assert_err(pmemset_map(f->set, f->src, NULL, NULL),
			PMEMSET_E_CANNOT_COALESCE_PARTS);
	assert_failed_map_left_sds(f, &before);
	assert_ok(pmemset_set_contiguous_part_coalescing(f->set,
			PMEMSET_COALESCING_NONE));
	assert_ok(pmemset_remove_range(f->set, plain_part.addr,
			plain_part.size));
	assert_ok(pmemset_source_delete(&plain));

	/* every allocation of the map fails in turn */
	long countdown = 0;
	for (;; countdown++) {
		event_log_clear(&Log);
		alloc_inject_failure(countdown);
		int ret = pmemset_map(f->set, f->src, NULL, NULL);
		alloc_inject_failure(-1);
		if (ret == 0)
			break;
		assert_int_equal(ret,
			PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE);
		assert_failed_map_left_sds(f, &before);
	}
	assert_true(countdown > 0);
	assert_int_equal(sds_copy(f->src).refcount, 1);
}

struct device_failure {
	const char *name;
	int *field;
	int pmem2_code;
	int want;
};

static void
device_failures_map_to_our_codes(void **state)
{
	NEEDS_FAKE_DEVICE();
	struct fixture *f = *state;
	const struct device_failure cases[] = {
		{"usc NOSUPP", &Fake.usc_ret, PMEM2_E_NOSUPP,
			PMEMSET_E_SDS_NOSUPP},
		{"usc no DAX region", &Fake.usc_ret,
			PMEM2_E_DAX_REGION_NOT_FOUND,
			PMEMSET_E_DAX_REGION_NOT_FOUND},
		{"usc bounds", &Fake.usc_ret, PMEM2_E_CANNOT_READ_BOUNDS,
			PMEMSET_E_CANNOT_READ_BOUNDS},
		{"usc errno", &Fake.usc_ret, -EIO, -EIO},
		{"id length NOSUPP", &Fake.id_len_ret, PMEM2_E_NOSUPP,
			PMEMSET_E_SDS_NOSUPP},
		{"id length no DAX region", &Fake.id_len_ret,
			PMEM2_E_DAX_REGION_NOT_FOUND,
			PMEMSET_E_DAX_REGION_NOT_FOUND},
		{"id bounds", &Fake.id_ret, PMEM2_E_CANNOT_READ_BOUNDS,
			PMEMSET_E_CANNOT_READ_BOUNDS},
		{"id grew between calls", &Fake.id_ret,
			PMEM2_E_BUFFER_TOO_SMALL, PMEM2_E_BUFFER_TOO_SMALL},
	};
	assert_ok(pmemset_source_set_sds(f->src, &f->sds, &f->state));
	struct pmemset_sds before = sds_copy(f->src);
	f->set = set_accepting(ALL_STATES);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct device_failure *c = &cases[i];
		print_message("case: %s\n", c->name);
		event_log_clear(&Log);
		*c->field = c->pmem2_code;
		size_t size_before = test_file_size(f->path);
		int ret = pmemset_map(f->set, f->src, NULL, NULL);
		*c->field = 0;
		if (ret != c->want)
			fail_msg("%s: %d, expected %d: %s", c->name, ret,
				c->want, pmemset_errormsg());
		assert_true(pmemset_errormsg()[0] != '\0');
		/* no state could be computed: none is reported */
		assert_int_equal(f->state, STATE_SENTINEL);
		assert_int_equal(Log.count, 0);
		assert_int_equal(test_count_part_maps(f->set), 0);
		assert_int_equal(test_file_size(f->path), size_before);
		assert_failed_map_left_sds(f, &before);
	}
	assert_ok(pmemset_map(f->set, f->src, NULL, NULL));
	assert_int_equal(f->state, PMEMSET_PART_STATE_OK);
}

static void
nosupp_message_says_why(void **state)
{
	NEEDS_FAKE_DEVICE();
	struct fixture *f = *state;
	assert_ok(pmemset_source_set_sds(f->src, &f->sds, &f->state));
	f->set = set_accepting(ALL_STATES);
	Fake.usc_ret = PMEM2_E_NOSUPP;
	assert_err(pmemset_map(f->set, f->src, NULL, NULL),
			PMEMSET_E_SDS_NOSUPP);
	assert_msg_has("unsafe shutdown count");
	assert_int_equal(pmemset_err_to_errno(PMEMSET_E_SDS_NOSUPP), ENOTSUP);
}

static void
device_id_length_limit(void **state)
{
	NEEDS_FAKE_DEVICE();
	struct fixture *f = *state;
	assert_ok(pmemset_source_set_sds(f->src, &f->sds, &f->state));
	f->set = set_accepting(ALL_STATES);

	memset(Fake.id, 'i', PMEMSET_SDS_DEVICE_ID_LEN + 1);
	Fake.id[PMEMSET_SDS_DEVICE_ID_LEN + 1] = '\0';
	assert_err(pmemset_map(f->set, f->src, NULL, NULL),
			PMEMSET_E_SDS_DEVICE_ID_LEN_TOO_BIG);
	assert_msg_has("513");
	assert_int_equal(f->state, STATE_SENTINEL);
	assert_unlocked(f->src);

	/* exactly 512 bytes fits, NUL and all */
	Fake.id[PMEMSET_SDS_DEVICE_ID_LEN] = '\0';
	assert_ok(pmemset_map(f->set, f->src, NULL, NULL));
	struct pmemset_sds lib = sds_copy(f->src);
	assert_int_equal(strlen(lib.id), PMEMSET_SDS_DEVICE_ID_LEN);
	assert_int_equal(strlen(last_sds_update()->sds.id),
			PMEMSET_SDS_DEVICE_ID_LEN);
}

/* the real libpmem2 on an ordinary file: no count, so no SDS */
static void
ordinary_file_has_no_sds(void **state)
{
	if (fake_real_pmem())
		skip();
	struct fixture *f = *state;
	fake_device_uninstall();
	assert_ok(pmemset_source_set_sds(f->src, &f->sds, &f->state));
	f->set = set_accepting(ALL_STATES);
	size_t size_before = test_file_size(f->path);
	assert_err(pmemset_map(f->set, f->src, NULL, NULL),
			PMEMSET_E_SDS_NOSUPP);
	assert_msg_has("unsafe shutdown count");
	assert_int_equal(f->state, STATE_SENTINEL);
	assert_int_equal(Log.count, 0);
	assert_int_equal(test_file_size(f->path), size_before);
	assert_unlocked(f->src);

	/* the fallback: the same file, without an SDS, maps */
	struct pmemset_source *plain;
	assert_ok(pmemset_source_from_file(&plain, f->path));
	assert_ok(pmemset_map(f->set, plain, NULL, NULL));
	assert_ok(pmemset_delete(&f->set));
	assert_ok(pmemset_source_delete(&plain));
}

/* concurrent maps of one source: each sees the other's acquire */
struct racer {
	struct pmemset *set;
	struct pmemset_source *src;
	pthread_barrier_t *start;
	int ret;
};

/*
 * Only counted: the payload points at the library's live copy, which the
 * other thread's map may be changing at that moment.
 */
static atomic_size_t Race_n;

static int
race_cb(struct pmemset *set, struct pmemset_event_context *ctx, void *arg)
{
	(void) set;
	(void) arg;
	if (ctx->type == PMEMSET_EVENT_SDS_UPDATE)
		atomic_fetch_add(&Race_n, 1);
	return 0;
}

static void *
racer_main(void *arg)
{
	struct racer *r = arg;
	pthread_barrier_wait(r->start);
	r->ret = pmemset_map(r->set, r->src, NULL, NULL);
	return NULL;
}

static void
concurrent_maps_never_both_first(void **state)
{
	struct fixture *f = *state;
	Fake.usc_delay_us = 2000; /* the window two unlocked maps would share */
	for (int round = 0; round < 20; round++) {
		struct pmemset_source *src;
		struct pmemset_sds sds = PMEMSET_SDS_INITIALIZE();
		enum pmemset_part_state st;
		assert_ok(pmemset_source_from_file(&src, f->path));
		assert_ok(pmemset_source_set_sds(src, &sds, &st));
		pthread_barrier_t start;
		pthread_barrier_init(&start, NULL, 2);
		struct racer r[2];
		pthread_t t[2];
		atomic_store(&Race_n, 0);
		for (int i = 0; i < 2; i++) {
			r[i].set = test_set_new(PMEM2_GRANULARITY_PAGE,
					race_cb, NULL);
			r[i].src = src;
			r[i].start = &start;
			pthread_create(&t[i], NULL, racer_main, &r[i]);
		}
		for (int i = 0; i < 2; i++) {
			pthread_join(t[i], NULL);
			assert_int_equal(r[i].ret, 0);
		}
		/* two unlocked maps would both have counted from 0 to 1 */
		assert_int_equal(sds_copy(src).refcount, 2);
		assert_int_equal(atomic_load(&Race_n), 2);
		assert_int_equal(st, PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN);
		for (int i = 0; i < 2; i++)
			assert_ok(pmemset_delete(&r[i].set));
		assert_int_equal(sds_copy(src).refcount, 0);
		assert_ok(pmemset_source_delete(&src));
		pthread_barrier_destroy(&start);
	}
}

/*
 * The same, deterministically: between sds_before_map and sds_after_map
 * (while pmemset_map places and maps the part, holding the source's
 * grow_lock as this test does) a second map of the source waits, and then
 * sees the first one's acquire.
 */
struct waiter {
	struct pmemset *set;
	struct pmemset_source *src;
	atomic_bool done;
	int ret;
};

static void *
waiter_main(void *arg)
{
	struct waiter *w = arg;
	w->ret = pmemset_map(w->set, w->src, NULL, NULL);
	atomic_store(&w->done, true);
	return NULL;
}

static void
check_and_commit_are_one_step(void **state)
{
	struct fixture *f = *state;
	assert_ok(pmemset_source_set_sds(f->src, &f->sds, &f->state));
	f->set = set_accepting(ALL_STATES);
	struct sds_pending pending;
	pthread_mutex_lock(&f->src->grow_lock);
	assert_ok(sds_before_map(f->set, f->src, &pending));
	assert_int_equal(pending.state, PMEMSET_PART_STATE_OK);
	/*
	 * src->lock is free meanwhile: the observer takes it under a set
	 * lock, and pmemset_map is about to take that set lock.
	 */
	pthread_rwlock_rdlock(&f->set->lock);
	assert_int_equal(pthread_mutex_trylock(&f->src->lock), 0);
	pthread_mutex_unlock(&f->src->lock);
	pthread_rwlock_unlock(&f->set->lock);

	struct waiter w = {.set = set_accepting(ALL_STATES), .src = f->src};
	atomic_init(&w.done, false);
	pthread_t t;
	pthread_create(&t, NULL, waiter_main, &w);
	usleep(100 * 1000);
	assert_false(atomic_load(&w.done));

	/* what map_locked does for the first map, then the commit */
	atomic_fetch_add(&f->src->nparts, 1);
	assert_true(sds_after_map(f->src, &pending));
	pthread_mutex_unlock(&f->src->grow_lock);
	pthread_join(t, NULL);
	assert_int_equal(w.ret, 0);
	assert_int_equal(f->state, PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN);
	assert_int_equal(sds_copy(f->src).refcount, 2);

	/* undo the pretend part */
	atomic_fetch_sub(&f->src->nparts, 1);
	assert_true(sds_release(f->src));
	assert_ok(pmemset_delete(&w.set));
	assert_int_equal(sds_copy(f->src).refcount, 0);

	/* a check never committed leaves nothing behind and lets others in */
	pthread_mutex_lock(&f->src->grow_lock);
	assert_ok(sds_before_map(f->set, f->src, &pending));
	pthread_mutex_unlock(&f->src->grow_lock);
	assert_unlocked(f->src);
	assert_int_equal(sds_copy(f->src).refcount, 0);
}

/*
 * The observer reads a part's SDS state under the source's lock while it
 * holds the set's lock; maps of that source must never wait for the set's
 * lock while holding the source's. A deadlock here hangs the test.
 */
struct observer {
	atomic_bool stop;
	unsigned long visits;
	int states_seen;
};

static void
observe_part(void *arg, const struct core_part_info *part)
{
	struct observer *o = arg;
	o->states_seen |= part->sds_state;
}

static void *
observer_main(void *arg)
{
	struct observer *o = arg;
	while (!atomic_load(&o->stop)) {
		core_visit(0, NULL, observe_part, o);
		o->visits++;
	}
	return NULL;
}

static void
maps_and_the_observer_never_deadlock(void **state)
{
	struct fixture *f = *state;
	assert_ok(pmemset_source_set_sds(f->src, &f->sds, &f->state));
	f->set = set_accepting(ALL_STATES);
	struct observer o = {.visits = 0};
	atomic_init(&o.stop, false);
	pthread_t t;
	pthread_create(&t, NULL, observer_main, &o);
	for (int i = 0; i < 1000; i++) {
		struct pmemset_part_descriptor d[2];
		test_map(f->set, f->src, 0, 16 * KiB, &d[0]);
		test_map(f->set, f->src, 16 * KiB, 16 * KiB, &d[1]);
		assert_ok(pmemset_remove_range(f->set, d[0].addr, d[0].size));
		assert_ok(pmemset_remove_range(f->set, d[1].addr, d[1].size));
	}
	atomic_store(&o.stop, true);
	pthread_join(t, NULL);
	assert_true(o.visits > 0);
	assert_int_equal(sds_copy(f->src).refcount, 0);
	assert_unlocked(f->src);
}

/*
 * PMDK's test_pmemset_sds_update_event: with an SDS set without a state
 * pointer, one SDS_UPDATE at the map (count raised) and one at the
 * removal (count lowered), each naming the source.
 */
static void
pmdk_sds_update_event_with_null_state_ptr(void **state)
{
	struct fixture *f = *state;
	f->set = set_accepting(PMEMSET_PART_STATE_OK |
			PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN);
	assert_ok(pmemset_source_set_sds(f->src, &f->sds, NULL));
	assert_ok(pmemset_map(f->set, f->src, NULL, NULL));
	assert_int_equal(count_events(PMEMSET_EVENT_SDS_UPDATE), 1);
	assert_int_equal(sds_copy(f->src).refcount, 1);
	struct pmemset_part_map *pmap;
	pmemset_first_part_map(f->set, &pmap);
	assert_ok(pmemset_remove_part_map(f->set, &pmap));
	assert_null(pmap);
	assert_int_equal(count_events(PMEMSET_EVENT_SDS_UPDATE), 2);
	assert_int_equal(sds_copy(f->src).refcount, 0);
	for (size_t i = 0; i < Log.count; i++) {
		if (Log.events[i].type != PMEMSET_EVENT_SDS_UPDATE)
			continue;
		assert_non_null(Log.events[i].ctx.data.sds_update.sds);
		assert_ptr_equal(Log.events[i].ctx.data.sds_update.src, f->src);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(set_sds_null_args,
				setup, teardown),
		cmocka_unit_test_setup_teardown(set_sds_with_null_state_ptr_maps,
				setup, teardown),
		cmocka_unit_test_setup_teardown(
				pmdk_sds_update_event_with_null_state_ptr,
				setup, teardown),
		cmocka_unit_test_setup_teardown(
				sds_released_after_the_source_is_deleted,
				setup, teardown),
		cmocka_unit_test_setup_teardown(set_sds_twice_fails,
				setup, teardown),
		cmocka_unit_test_setup_teardown(set_sds_rejects_garbage,
				setup, teardown),
		cmocka_unit_test_setup_teardown(set_sds_after_map_fails,
				setup, teardown),
		cmocka_unit_test_setup_teardown(set_sds_keeps_a_copy,
				setup, teardown),
		cmocka_unit_test_setup_teardown(fresh_sds_is_ok_and_initialised,
				setup, teardown),
		cmocka_unit_test_setup_teardown(every_rule_of_the_state_machine,
				setup, teardown),
		cmocka_unit_test_setup_teardown(refused_states_map_nothing,
				setup, teardown),
		cmocka_unit_test_setup_teardown(
				default_states_accept_ok_and_already_open,
				setup, teardown),
		cmocka_unit_test_setup_teardown(
				no_acceptable_state_refuses_every_map,
				setup, teardown),
		cmocka_unit_test_setup_teardown(every_unmapped_part_releases,
				setup, teardown),
		cmocka_unit_test_setup_teardown(
				failed_map_after_check_changes_nothing,
				setup, teardown),
		cmocka_unit_test_setup_teardown(
				device_failures_map_to_our_codes,
				setup, teardown),
		cmocka_unit_test_setup_teardown(nosupp_message_says_why,
				setup, teardown),
		cmocka_unit_test_setup_teardown(device_id_length_limit,
				setup, teardown),
		cmocka_unit_test_setup_teardown(ordinary_file_has_no_sds,
				setup, teardown),
		cmocka_unit_test_setup_teardown(
				concurrent_maps_never_both_first,
				setup, teardown),
		cmocka_unit_test_setup_teardown(check_and_commit_are_one_step,
				setup, teardown),
		cmocka_unit_test_setup_teardown(
				maps_and_the_observer_never_deadlock,
				setup, teardown),
	};
	return cmocka_run_group_tests_name("sds", tests, NULL, NULL);
}
