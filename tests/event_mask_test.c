// SPDX-License-Identifier: BSD-3-Clause
/*
 * event_mask_test.c -- pmemset_config_set_event_mask: every event in and out
 * of the mask (a masked run sees exactly the unmasked run's events that are
 * in its mask, in the same order), stopping events outside the mask stop
 * nothing, a mask without data-path events leaves the data path on its
 * no-callback path (the hook word), and the argument checks.
 *
 * SDS and bad blocks come from the fake device behind src/device.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "set.h"
#include "sds_fake_device.h"

#define FILE_SIZE (64 * KiB)
#define NEVENTS (PMEMSET_EVENT_BADBLOCKS_CLEARED + 1)

static struct event_log Log;
/* what the callback returns from the bad-block events (0: go on) */
static int Stop_ret;

/* logs, and clears every reported bad block as a program would */
static int
clearing_cb(struct pmemset *set, struct pmemset_event_context *ctx,
		void *arg)
{
	(void) arg;
	(void) event_log_cb(set, ctx, &Log);
	if (ctx->type == PMEMSET_EVENT_BADBLOCK) {
		assert_ok(pmemset_badblock_clear(ctx->data.badblock.bb,
				ctx->data.badblock.src));
		return Stop_ret;
	}
	if (ctx->type == PMEMSET_EVENT_BADBLOCKS_CLEARED)
		return Stop_ret;
	return 0;
}

/* a PAGE config with the callback, and the mask unless set_mask is false */
static struct pmemset_config *
new_config(pmemset_event_callback *cb, bool set_mask, uint64_t mask)
{
	struct pmemset_config *cfg;
	assert_ok(pmemset_config_new(&cfg));
	assert_ok(pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE));
	pmemset_config_set_event_callback(cfg, cb, NULL);
	if (set_mask)
		assert_ok(pmemset_config_set_event_mask(cfg, mask));
	return cfg;
}

static struct pmemset *
new_set_cb(pmemset_event_callback *cb, bool set_mask, uint64_t mask)
{
	struct pmemset_config *cfg = new_config(cb, set_mask, mask);
	struct pmemset *set;
	assert_ok(pmemset_new(&set, cfg));
	assert_ok(pmemset_config_delete(&cfg));
	return set;
}

static struct pmemset *
new_set(bool set_mask, uint64_t mask)
{
	return new_set_cb(clearing_cb, set_mask, mask);
}

struct run {
	enum pmemset_event types[EVENT_LOG_MAX];
	size_t n;
	size_t before_bb;	/* events before the map of the bad source */
	int badblock_map_ret;
	char badblock_map_msg[512];
};

/*
 * Everything that fires an event: a map with an SDS, every data-path call,
 * a remove_range, then a map of a source with a bad block.
 */
static void
scenario(bool set_mask, uint64_t mask, struct run *out)
{
	char *path = test_file("event_mask", FILE_SIZE);
	char *bb_path = test_file("event_mask_bb", FILE_SIZE);
	struct pmemset_source *src, *bb_src;
	struct pmemset_sds sds = PMEMSET_SDS_INITIALIZE();
	enum pmemset_part_state state;
	assert_ok(pmemset_source_from_file(&src, path));
	assert_ok(pmemset_source_set_sds(src, &sds, &state));
	assert_ok(pmemset_source_from_file(&bb_src, bb_path));
	pmemset_source_set_badblock_detection(bb_src, true);

	memset(&Log, 0, sizeof(Log));
	struct pmemset *set = new_set(set_mask, mask);
	struct pmemset_part_descriptor d;
	test_map(set, src, 0, FILE_SIZE, &d);
	char *a = d.addr;
	char dram[256] = {1, 2, 3};
	assert_ptr_equal(pmemset_memcpy(set, a, dram, 256, 0), a);
	assert_ptr_equal(pmemset_memmove(set, a, a + 64, 128, 0), a);
	assert_ptr_equal(pmemset_memset(set, a, 7, 64, 0), a);
	assert_ok(pmemset_flush(set, a, 64));
	assert_ok(pmemset_drain(set));
	assert_ok(pmemset_persist(set, a, 64));
	assert_ok(pmemset_remove_range(set, a, FILE_SIZE));

	fake_add_badblock(4 * KiB, 4 * KiB);
	out->before_bb = Log.count;
	out->badblock_map_ret = pmemset_map(set, bb_src, NULL, NULL);
	snprintf(out->badblock_map_msg, sizeof(out->badblock_map_msg), "%s",
			pmemset_errormsg());
	Fake.nbbs = 0;

	out->n = Log.count;
	for (size_t i = 0; i < Log.count; i++)
		out->types[i] = Log.events[i].type;
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
	assert_ok(pmemset_source_delete(&bb_src));
	test_file_remove(path);
	test_file_remove(bb_path);
}

static int
setup(void **state)
{
	(void) state;
	fake_device_install();
	Stop_ret = 0;
	return 0;
}

static int
teardown(void **state)
{
	(void) state;
	fake_device_uninstall();
	return 0;
}

/*
 * got has exactly the events of all that are in mask, in order; up to the
 * bad source's map if that failed in got (it maps nothing then)
 */
static void
expect_filtered(const struct run *all, const struct run *got, uint64_t mask,
		const char *what)
{
	size_t j = 0;
	size_t n = got->badblock_map_ret == 0 ? all->n : all->before_bb;
	for (size_t i = 0; i < n; i++) {
		if (!(mask & PMEMSET_EVENT_MASK(all->types[i])))
			continue;
		if (j >= got->n)
			fail_msg("%s: event %zu (%s) missing, only %zu "
				"delivered", what, j,
				event_name(all->types[i]), got->n);
		if (got->types[j] != all->types[i])
			fail_msg("%s: event %zu is %s, expected %s", what, j,
				event_name(got->types[j]),
				event_name(all->types[i]));
		j++;
	}
	if (j != got->n)
		fail_msg("%s: %zu events delivered, expected %zu", what,
			got->n, j);
}

static bool
has_event(const struct run *r, enum pmemset_event ev)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->types[i] == ev)
			return true;
	return false;
}

/* the default mask is every event: the scenario fires all but PERSIST */
static void
default_is_every_event(void **state)
{
	NEEDS_FAKE_DEVICE();
	(void) state;
	struct run all, explicit_all;
	scenario(false, 0, &all);
	assert_int_equal(all.badblock_map_ret, 0);
	for (int ev = 0; ev < NEVENTS; ev++)
		if (ev != PMEMSET_EVENT_PERSIST && !has_event(&all, ev))
			fail_msg("the scenario never fires %s", event_name(ev));
	scenario(true, PMEMSET_EVENT_MASK_ALL, &explicit_all);
	expect_filtered(&all, &explicit_all, PMEMSET_EVENT_MASK_ALL, "ALL");
}

static void
every_event_in_and_out(void **state)
{
	NEEDS_FAKE_DEVICE();
	(void) state;
	struct run all;
	scenario(false, 0, &all);
	for (int ev = 0; ev < NEVENTS; ev++) {
		uint64_t only = PMEMSET_EVENT_MASK(ev);
		uint64_t but = PMEMSET_EVENT_MASK_ALL & ~only;
		struct run r;
		char what[64];

		snprintf(what, sizeof(what), "only %s", event_name(ev));
		scenario(true, only, &r);
		if (ev == PMEMSET_EVENT_BADBLOCK) {
			/* nothing else was asked for: as in all */
			assert_int_equal(r.badblock_map_ret, 0);
		} else if (ev != PMEMSET_EVENT_BADBLOCKS_CLEARED) {
			/* nobody clears the bad block: that map fails */
			assert_int_equal(r.badblock_map_ret,
					PMEMSET_E_IO_FAIL);
		}
		if (ev == PMEMSET_EVENT_BADBLOCKS_CLEARED) {
			/* without BADBLOCK nothing clears: nothing to report */
			assert_int_equal(r.badblock_map_ret,
					PMEMSET_E_IO_FAIL);
			assert_int_equal(r.n, 0);
		} else {
			expect_filtered(&all, &r, only, what);
		}
		if (ev != PMEMSET_EVENT_PERSIST &&
		    ev != PMEMSET_EVENT_BADBLOCKS_CLEARED)
			assert_true(r.n > 0);

		snprintf(what, sizeof(what), "all but %s", event_name(ev));
		scenario(true, but, &r);
		assert_false(has_event(&r, ev));
		if (ev == PMEMSET_EVENT_BADBLOCK) {
			/* the map that found it fails before PART_ADD */
			assert_int_equal(r.badblock_map_ret,
					PMEMSET_E_IO_FAIL);
			assert_non_null(strstr(r.badblock_map_msg,
					"no event callback is given BADBLOCK"));
			assert_false(has_event(&r,
					PMEMSET_EVENT_BADBLOCKS_CLEARED));
		} else {
			assert_int_equal(r.badblock_map_ret, 0);
			expect_filtered(&all, &r, but, what);
		}
	}
}

/* BADBLOCK outside the mask: the callback's "stop" is never asked for */
static void
badblock_outside_the_mask_does_not_stop(void **state)
{
	NEEDS_FAKE_DEVICE();
	(void) state;
	struct run r;
	Stop_ret = -EPERM;
	/* in the mask, the callback's return stops the map ... */
	scenario(true, PMEMSET_EVENT_MASK_ALL, &r);
	assert_int_equal(r.badblock_map_ret, -EPERM);
	/* ... out of it, the map fails only as without a callback */
	scenario(true, PMEMSET_EVENT_MASK_ALL &
			~PMEMSET_EVENT_MASK(PMEMSET_EVENT_BADBLOCK), &r);
	assert_int_equal(r.badblock_map_ret, PMEMSET_E_IO_FAIL);
	assert_non_null(strstr(r.badblock_map_msg, "still there"));
}

/* with every event but one callback return the map would stop on */
static int Cleared_ret;
static enum pmemset_event Last_type;

static int
stop_on_cleared_cb(struct pmemset *set, struct pmemset_event_context *ctx,
		void *arg)
{
	(void) arg;
	(void) event_log_cb(set, ctx, &Log);
	if (ctx->type == PMEMSET_EVENT_BADBLOCK)
		assert_ok(pmemset_badblock_clear(ctx->data.badblock.bb,
				ctx->data.badblock.src));
	if (ctx->type == PMEMSET_EVENT_BADBLOCKS_CLEARED)
		return Cleared_ret;
	return 0;
}

static int
map_bad(uint64_t mask)
{
	char *path = test_file("event_mask_stop", FILE_SIZE);
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_file(&src, path));
	pmemset_source_set_badblock_detection(src, true);
	fake_add_badblock(8 * KiB, 4 * KiB);
	struct pmemset *set = new_set_cb(stop_on_cleared_cb, true, mask);
	memset(&Log, 0, sizeof(Log));
	int ret = pmemset_map(set, src, NULL, NULL);
	Fake.nbbs = 0;
	assert_true(Log.count > 0);
	Last_type = Log.events[Log.count - 1].type;
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
	test_file_remove(path);
	return ret;
}

static void
cleared_outside_the_mask_does_not_stop(void **state)
{
	NEEDS_FAKE_DEVICE();
	(void) state;
	Cleared_ret = 5;
	assert_int_equal(map_bad(PMEMSET_EVENT_MASK_ALL),
			PMEMSET_E_CALLBACK_ABORTED);
	assert_int_equal(map_bad(PMEMSET_EVENT_MASK_ALL &
			~PMEMSET_EVENT_MASK(PMEMSET_EVENT_BADBLOCKS_CLEARED)),
			0);
	/* the map went on: PART_ADD was the last event */
	assert_int_equal(Last_type, PMEMSET_EVENT_PART_ADD);
}

static unsigned
hooks_of_mask(uint64_t mask)
{
	struct pmemset *set = new_set(true, mask);
	unsigned hooks = atomic_load(&set->hooks);
	assert_ok(pmemset_delete(&set));
	return hooks;
}

/* the data path's hook word: only a data-path event sets HOOK_CALLBACK */
static void
mask_without_data_events_keeps_the_fast_path(void **state)
{
	(void) state;
	for (int ev = 0; ev < NEVENTS; ev++) {
		bool data = ev <= PMEMSET_EVENT_DRAIN;
		unsigned hooks = hooks_of_mask(PMEMSET_EVENT_MASK(ev));
		if (data != ((hooks & HOOK_CALLBACK) != 0))
			fail_msg("mask of %s: HOOK_CALLBACK is %s",
				event_name(ev), data ? "unset" : "set");
	}
	uint64_t control = PMEMSET_EVENT_MASK(PMEMSET_EVENT_PART_ADD) |
		PMEMSET_EVENT_MASK(PMEMSET_EVENT_PART_REMOVE) |
		PMEMSET_EVENT_MASK(PMEMSET_EVENT_SDS_UPDATE) |
		PMEMSET_EVENT_MASK(PMEMSET_EVENT_PERSIST);
	assert_int_equal(hooks_of_mask(control) & HOOK_CALLBACK, 0);
	assert_int_equal(hooks_of_mask(0) & HOOK_CALLBACK, 0);
	assert_int_not_equal(hooks_of_mask(PMEMSET_EVENT_MASK_ALL) &
			HOOK_CALLBACK, 0);
}

static void
mask_is_copied_at_new(void **state)
{
	NEEDS_FAKE_DEVICE();
	(void) state;
	char *path = test_file("event_mask_copy", FILE_SIZE);
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_file(&src, path));
	struct pmemset_config *cfg = new_config(clearing_cb, true,
			PMEMSET_EVENT_MASK(PMEMSET_EVENT_PART_REMOVE));
	struct pmemset *set;
	assert_ok(pmemset_new(&set, cfg));
	/* changed after pmemset_new: the set keeps what it copied */
	assert_ok(pmemset_config_set_event_mask(cfg, PMEMSET_EVENT_MASK_ALL));
	memset(&Log, 0, sizeof(Log));
	test_map(set, src, 0, FILE_SIZE, NULL);
	assert_int_equal(Log.count, 0);
	assert_ok(pmemset_delete(&set));
	assert_int_equal(Log.count, 1);
	assert_int_equal(Log.events[0].type, PMEMSET_EVENT_PART_REMOVE);
	assert_ok(pmemset_config_delete(&cfg));
	assert_ok(pmemset_source_delete(&src));
	test_file_remove(path);
}

static void
bad_arguments(void **state)
{
	(void) state;
	assert_err(pmemset_config_set_event_mask(NULL, 0), -EINVAL);
	assert_msg_has("pmemset_config_set_event_mask");
	assert_msg_has("cfg");

	uint64_t kept = PMEMSET_EVENT_MASK(PMEMSET_EVENT_FLUSH);
	struct pmemset_config *cfg = new_config(clearing_cb, true, kept);
	assert_err(pmemset_config_set_event_mask(cfg,
			PMEMSET_EVENT_MASK(NEVENTS)), -EINVAL);
	assert_msg_has("pmemset_config_set_event_mask");
	assert_msg_has("0x1000");
	assert_err(pmemset_config_set_event_mask(cfg, PMEMSET_EVENT_MASK_ALL |
			(1ULL << 63) | (1ULL << 40)), -EINVAL);
	assert_msg_has("0x8000010000000000");
	assert_err(pmemset_config_set_event_mask(cfg, ~0ULL), -EINVAL);
	/* refused: the config still has the mask set before */
	struct pmemset *set;
	assert_ok(pmemset_new(&set, cfg));
	assert_int_equal(set->cfg.event_mask, kept);
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_config_delete(&cfg));

	/* every known bit alone, and all of them, are accepted */
	assert_ok(pmemset_config_new(&cfg));
	for (int ev = 0; ev < NEVENTS; ev++)
		assert_ok(pmemset_config_set_event_mask(cfg,
				PMEMSET_EVENT_MASK(ev)));
	assert_ok(pmemset_config_set_event_mask(cfg, 0));
	assert_int_equal(PMEMSET_EVENT_MASK_ALL, 0xfffULL);
	assert_ok(pmemset_config_delete(&cfg));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(default_is_every_event,
				setup, teardown),
		cmocka_unit_test_setup_teardown(every_event_in_and_out,
				setup, teardown),
		cmocka_unit_test_setup_teardown(
				badblock_outside_the_mask_does_not_stop,
				setup, teardown),
		cmocka_unit_test_setup_teardown(
				cleared_outside_the_mask_does_not_stop,
				setup, teardown),
		cmocka_unit_test(mask_without_data_events_keeps_the_fast_path),
		cmocka_unit_test_setup_teardown(mask_is_copied_at_new,
				setup, teardown),
		cmocka_unit_test(bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
