// SPDX-License-Identifier: BSD-3-Clause
/*
 * badblock_test.c -- bad-block detection at map time (BADBLOCK per block,
 * the rescan, BADBLOCKS_CLEARED or IO_FAIL, callbacks that stop the map),
 * pmemset_badblock_clear (only inside a reported bad block; never on an
 * ordinary file's data), and every failure of the libpmem2 bad-block calls.
 *
 * The device is the fake behind src/device.h; the cases named "ordinary" and
 * "anonymous" use the real libpmem2. With PMEMSET_TEST_REAL_PMEM=1 and
 * PMEMSET_TEST_BADBLOCK_FILE naming a file with injected bad blocks (see
 * scripts/test-real-pmem.sh), the "injected" case runs on the real device.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"
#include "alloc.h"
#include "source.h"
#include "sds_fake_device.h"

#define FILE_SIZE (64 * KiB)

static struct event_log Log;

/* what the callback does on BADBLOCK */
enum bb_action {
	BB_RECORD,
	BB_CLEAR,
	BB_CLEAR_FIRST,
	BB_HEAL_ELSEWHERE, /* the fake device heals, not through the library */
};

struct cb_state {
	enum bb_action action;
	int badblock_ret;	/* returned from BADBLOCK */
	int cleared_ret;	/* returned from BADBLOCKS_CLEARED */
	unsigned seen;
	int last_clear_ret;
};

static struct cb_state Cb;

static int
bb_cb(struct pmemset *set, struct pmemset_event_context *ctx, void *arg)
{
	(void) arg;
	int saved = Log.return_value;
	Log.return_value = 0;
	(void) event_log_cb(set, ctx, &Log);
	Log.return_value = saved;
	if (ctx->type == PMEMSET_EVENT_BADBLOCK) {
		bool clear = Cb.action == BB_CLEAR ||
			(Cb.action == BB_CLEAR_FIRST && Cb.seen == 0);
		Cb.seen++;
		if (clear)
			Cb.last_clear_ret = pmemset_badblock_clear(
				ctx->data.badblock.bb, ctx->data.badblock.src);
		if (Cb.action == BB_HEAL_ELSEWHERE)
			Fake.nbbs = 0;
		return Cb.badblock_ret;
	}
	if (ctx->type == PMEMSET_EVENT_BADBLOCKS_CLEARED)
		return Cb.cleared_ret;
	return 0;
}

struct fixture {
	char *path;
	struct pmemset_source *src;
	struct pmemset *set;
};

static int
setup(void **state)
{
	fake_device_install();
	memset(&Log, 0, sizeof(Log));
	memset(&Cb, 0, sizeof(Cb));
	struct fixture *f = calloc(1, sizeof(*f));
	f->set = test_file_set_new(&f->path, &f->src, "badblock", FILE_SIZE,
			bb_cb, NULL);
	pmemset_source_set_badblock_detection(f->src, true);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	test_file_set_delete(&f->set, &f->src, f->path);
	/* every context the library opened, it closed */
	assert_int_equal(Fake.bb_open, 0);
	fake_device_uninstall();
	alloc_inject_failure(-1);
	free(f);
	return 0;
}

static size_t
count_events(enum pmemset_event type)
{
	return event_log_count(&Log, type);
}

static int
map_whole(struct fixture *f)
{
	return pmemset_map(f->set, f->src, NULL, NULL);
}

/* a failed map: no part, no PART_ADD, the file as it was */
static void
assert_nothing_mapped(struct fixture *f)
{
	assert_int_equal(count_events(PMEMSET_EVENT_PART_ADD), 0);
	assert_int_equal(test_count_part_maps(f->set), 0);
	assert_int_equal(test_file_size(f->path), FILE_SIZE);
}

static void
detection_off_never_asks(void **state)
{
	NEEDS_FAKE_DEVICE();
	struct fixture *f = *state;
	pmemset_source_set_badblock_detection(f->src, false);
	fake_add_badblock(4 * KiB, 4 * KiB);
	assert_ok(map_whole(f));
	assert_int_equal(Fake.bb_new_calls, 0);
	assert_int_equal(count_events(PMEMSET_EVENT_BADBLOCK), 0);
}

static void
none_found_no_events(void **state)
{
	NEEDS_FAKE_DEVICE();
	struct fixture *f = *state;
	assert_ok(map_whole(f));
	assert_int_equal(Fake.bb_new_calls, 1);
	assert_int_equal(Log.count, 1);
	assert_int_equal(Log.events[0].type, PMEMSET_EVENT_PART_ADD);
	assert_int_equal(atomic_load(&f->src->badblocks_found), 0);
}

static void
found_and_cleared_by_the_callback(void **state)
{
	NEEDS_FAKE_DEVICE();
	struct fixture *f = *state;
	fake_add_badblock(4 * KiB, 4 * KiB);
	fake_add_badblock(16 * KiB, 8 * KiB);
	Cb.action = BB_CLEAR;
	assert_ok(map_whole(f));
	assert_int_equal(Cb.last_clear_ret, 0);

	assert_int_equal(Log.count, 4);
	assert_int_equal(Log.events[0].type, PMEMSET_EVENT_BADBLOCK);
	assert_int_equal(Log.events[1].type, PMEMSET_EVENT_BADBLOCK);
	assert_int_equal(Log.events[2].type, PMEMSET_EVENT_BADBLOCKS_CLEARED);
	assert_int_equal(Log.events[3].type, PMEMSET_EVENT_PART_ADD);
	const struct pmemset_event_context *c0 = &Log.events[0].ctx;
	assert_ptr_equal(c0->data.badblock.src, f->src);
	assert_ptr_equal(c0->data.bad_block.src, f->src);
	assert_ptr_equal(Log.events[2].ctx.data.badblocks_cleared.src, f->src);

	/* the library cleared exactly the reported blocks */
	assert_int_equal(Fake.ncleared, 2);
	assert_int_equal(Fake.cleared[0].offset, 4 * KiB);
	assert_int_equal(Fake.cleared[0].length, 4 * KiB);
	assert_int_equal(Fake.cleared[1].offset, 16 * KiB);
	assert_int_equal(Fake.cleared[1].length, 8 * KiB);
	assert_int_equal(atomic_load(&f->src->badblocks_found), 0);

	/* the next map finds none and says nothing about it */
	event_log_clear(&Log);
	assert_ok(map_whole(f));
	assert_int_equal(count_events(PMEMSET_EVENT_BADBLOCK), 0);
	assert_int_equal(count_events(PMEMSET_EVENT_BADBLOCKS_CLEARED), 0);
}

/* the payload is the block as the device reported it */
static int
check_payload_cb(struct pmemset *set, struct pmemset_event_context *ctx,
		void *arg)
{
	(void) set;
	size_t *n = arg;
	if (ctx->type != PMEMSET_EVENT_BADBLOCK)
		return 0;
	struct pmemset_badblock *bb = ctx->data.badblock.bb;
	if (bb->offset != Fake.bbs[*n].offset ||
	    bb->length != Fake.bbs[*n].length)
		return -1000;
	/* scribbling on it steers nothing */
	bb->offset = 0;
	bb->length = 1;
	(*n)++;
	return 0;
}

static void
payload_is_the_reported_block(void **state)
{
	NEEDS_FAKE_DEVICE();
	struct fixture *f = *state;
	size_t n = 0;
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE,
			check_payload_cb, &n);
	fake_add_badblock(12 * KiB, 512);
	fake_add_badblock(40 * KiB, 4 * KiB);
	assert_err(pmemset_map(set, f->src, NULL, NULL), PMEMSET_E_IO_FAIL);
	assert_int_equal(n, 2);
	assert_msg_has("offset 12288");
	assert_ok(pmemset_delete(&set));
}

static void
not_cleared_fails_with_nothing_mapped(void **state)
{
	NEEDS_FAKE_DEVICE();
	struct fixture *f = *state;
	fake_add_badblock(4 * KiB, 4 * KiB);
	fake_add_badblock(16 * KiB, 8 * KiB);
	/* the part would grow the file: it must not have */
	struct pmemset_map_config *mc;
	assert_ok(pmemset_map_config_new(&mc));
	pmemset_map_config_set_length(mc, 2 * FILE_SIZE);
	assert_err(pmemset_map(f->set, f->src, mc, NULL), PMEMSET_E_IO_FAIL);
	assert_msg_has("2 of the 2");
	assert_int_equal(count_events(PMEMSET_EVENT_BADBLOCK), 2);
	assert_int_equal(count_events(PMEMSET_EVENT_BADBLOCKS_CLEARED), 0);
	assert_nothing_mapped(f);
	assert_int_equal(atomic_load(&f->src->badblocks_found), 2);
	assert_int_equal(pmemset_err_to_errno(PMEMSET_E_IO_FAIL), EIO);
	assert_ok(pmemset_map_config_delete(&mc));
}

/* the rescan decides, whoever cleared the blocks */
static void
rescan_decides(void **state)
{
	NEEDS_FAKE_DEVICE();
	struct fixture *f = *state;
	fake_add_badblock(4 * KiB, 4 * KiB);
	fake_add_badblock(16 * KiB, 8 * KiB);
	Cb.action = BB_HEAL_ELSEWHERE;
	assert_ok(map_whole(f));
	assert_int_equal(Fake.bb_clear_calls, 0);
	assert_int_equal(count_events(PMEMSET_EVENT_BADBLOCK), 2);
	assert_int_equal(count_events(PMEMSET_EVENT_BADBLOCKS_CLEARED), 1);
	assert_int_equal(atomic_load(&f->src->badblocks_found), 0);
}

static void
partly_cleared_fails(void **state)
{
	NEEDS_FAKE_DEVICE();
	struct fixture *f = *state;
	fake_add_badblock(4 * KiB, 4 * KiB);
	fake_add_badblock(16 * KiB, 8 * KiB);
	Cb.action = BB_CLEAR_FIRST;
	assert_err(map_whole(f), PMEMSET_E_IO_FAIL);
	assert_msg_has("1 of the 2");
	assert_msg_has("offset 16384");
	assert_nothing_mapped(f);
	assert_int_equal(atomic_load(&f->src->badblocks_found), 1);
	assert_int_equal(Fake.ncleared, 1);
}

static void
no_callback_fails(void **state)
{
	NEEDS_FAKE_DEVICE();
	struct fixture *f = *state;
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	fake_add_badblock(0, 4 * KiB);
	assert_err(pmemset_map(set, f->src, NULL, NULL), PMEMSET_E_IO_FAIL);
	assert_msg_has("no event callback");
	assert_int_equal(test_count_part_maps(set), 0);
	assert_ok(pmemset_delete(&set));
}

static void
badblock_callback_stops_the_map(void **state)
{
	NEEDS_FAKE_DEVICE();
	struct fixture *f = *state;
	fake_add_badblock(4 * KiB, 4 * KiB);
	fake_add_badblock(16 * KiB, 8 * KiB);

	Cb.badblock_ret = 1;
	assert_err(map_whole(f), PMEMSET_E_CALLBACK_ABORTED);
	assert_msg_has("returning 1");
	/* stopped at the first block: no second event, no rescan */
	assert_int_equal(count_events(PMEMSET_EVENT_BADBLOCK), 1);
	assert_int_equal(Fake.bb_new_calls, 1);
	assert_nothing_mapped(f);

	event_log_clear(&Log);
	Cb.badblock_ret = -42;
	assert_err(map_whole(f), -42);
	assert_int_equal(count_events(PMEMSET_EVENT_BADBLOCK), 1);
	assert_nothing_mapped(f);
}

static void
cleared_callback_stops_the_map(void **state)
{
	NEEDS_FAKE_DEVICE();
	struct fixture *f = *state;
	fake_add_badblock(4 * KiB, 4 * KiB);
	Cb.action = BB_CLEAR;
	Cb.cleared_ret = 7;
	assert_err(map_whole(f), PMEMSET_E_CALLBACK_ABORTED);
	assert_msg_has("returning 7");
	assert_int_equal(count_events(PMEMSET_EVENT_BADBLOCKS_CLEARED), 1);
	assert_nothing_mapped(f);
	/* they were cleared all the same */
	assert_int_equal(atomic_load(&f->src->badblocks_found), 0);

	event_log_clear(&Log);
	Cb.cleared_ret = 0;
	assert_ok(map_whole(f));
	assert_int_equal(count_events(PMEMSET_EVENT_BADBLOCKS_CLEARED), 0);
}

static void
clear_failing_in_the_callback(void **state)
{
	NEEDS_FAKE_DEVICE();
	struct fixture *f = *state;
	fake_add_badblock(4 * KiB, 4 * KiB);
	Cb.action = BB_CLEAR;

	Fake.bb_clear_ret = -EIO;
	assert_err(map_whole(f), PMEMSET_E_IO_FAIL);
	assert_int_equal(Cb.last_clear_ret, -EIO);
	assert_nothing_mapped(f);

	Fake.bb_clear_ret = PMEM2_E_NOSUPP;
	assert_err(map_whole(f), PMEMSET_E_IO_FAIL);
	assert_int_equal(Cb.last_clear_ret, PMEMSET_E_BADBLOCK_NOSUPP);
	assert_int_equal(Fake.bb_clear_calls, 2);
}

struct code_case {
	int pmem2;
	int want;
};

static const struct code_case Codes[] = {
	{PMEM2_E_NOSUPP, PMEMSET_E_BADBLOCK_NOSUPP},
	{PMEM2_E_DAX_REGION_NOT_FOUND, PMEMSET_E_DAX_REGION_NOT_FOUND},
	{PMEM2_E_CANNOT_READ_BOUNDS, PMEMSET_E_CANNOT_READ_BOUNDS},
	{PMEM2_E_INVALID_DEV_FORMAT, PMEM2_E_INVALID_DEV_FORMAT},
	{-ENOENT, -ENOENT},
};

static void
context_failures_map_to_our_codes(void **state)
{
	NEEDS_FAKE_DEVICE();
	struct fixture *f = *state;
	fake_add_badblock(4 * KiB, 4 * KiB);
	struct pmemset_badblock bb = {4 * KiB, 4 * KiB};
	for (size_t i = 0; i < sizeof(Codes) / sizeof(Codes[0]); i++) {
		event_log_clear(&Log);
		Fake.bb_new_ret = Codes[i].pmem2;
		assert_err(map_whole(f), Codes[i].want);
		assert_int_equal(Log.count, 0);
		assert_nothing_mapped(f);
		assert_err(pmemset_badblock_clear(&bb, f->src), Codes[i].want);
		assert_msg_has("bad-block list");
	}
	Fake.bb_new_ret = 0;
	assert_int_equal(Fake.bb_clear_calls, 0);
	assert_int_equal(Fake.bb_delete_calls, 0);
}

static void
next_failure_mid_list(void **state)
{
	NEEDS_FAKE_DEVICE();
	struct fixture *f = *state;
	fake_add_badblock(4 * KiB, 4 * KiB);
	fake_add_badblock(16 * KiB, 4 * KiB);
	Fake.bb_next_ret = PMEM2_E_CANNOT_READ_BOUNDS;
	Fake.bb_next_fail_at = 1;
	assert_err(map_whole(f), PMEMSET_E_CANNOT_READ_BOUNDS);
	assert_msg_has("next bad block");
	/* listed in full before any event */
	assert_int_equal(Log.count, 0);
	assert_nothing_mapped(f);
	assert_int_equal(Fake.bb_open, 0);

	/* clear: fails looking for the block, clears nothing */
	struct pmemset_badblock bb = {16 * KiB, 4 * KiB};
	assert_err(pmemset_badblock_clear(&bb, f->src),
			PMEMSET_E_CANNOT_READ_BOUNDS);
	assert_int_equal(Fake.bb_clear_calls, 0);
	assert_int_equal(Fake.bb_open, 0);
}

static void
rescan_failure(void **state)
{
	NEEDS_FAKE_DEVICE();
	struct fixture *f = *state;
	fake_add_badblock(4 * KiB, 4 * KiB);
	Cb.action = BB_CLEAR;
	/* the scan opens context 1, the clear 2, the rescan 3 */
	Fake.bb_new_ret = PMEM2_E_DAX_REGION_NOT_FOUND;
	Fake.bb_new_fail_call = 3;
	assert_err(map_whole(f), PMEMSET_E_DAX_REGION_NOT_FOUND);
	assert_int_equal(Cb.last_clear_ret, 0);
	assert_int_equal(count_events(PMEMSET_EVENT_BADBLOCK), 1);
	assert_int_equal(count_events(PMEMSET_EVENT_BADBLOCKS_CLEARED), 0);
	assert_nothing_mapped(f);
	assert_int_equal(Fake.bb_new_calls, 3);
	assert_int_equal(Fake.bb_delete_calls, 2);
	Fake.bb_new_ret = 0;
}

static void
clear_argument_checks(void **state)
{
	struct fixture *f = *state;
	struct pmemset_badblock bb = {0, 4 * KiB};
	assert_err(pmemset_badblock_clear(NULL, f->src), -EINVAL);
	assert_msg_has("bb");
	assert_err(pmemset_badblock_clear(&bb, NULL), -EINVAL);
	assert_msg_has("src");
	bb.length = 0;
	assert_err(pmemset_badblock_clear(&bb, f->src), -EINVAL);
	assert_msg_has("length 0");
	bb.offset = SIZE_MAX - 10;
	bb.length = 4 * KiB;
	assert_err(pmemset_badblock_clear(&bb, f->src), -EINVAL);
	assert_msg_has("overflows");
	assert_int_equal(Fake.bb_new_calls, 0);
}

static void
clear_only_inside_a_reported_block(void **state)
{
	NEEDS_FAKE_DEVICE();
	struct fixture *f = *state;
	fake_add_badblock(8 * KiB, 4 * KiB);
	atomic_store(&f->src->badblocks_found, 1);
	const struct pmemset_badblock refused[] = {
		{0, 4 * KiB},		/* elsewhere */
		{8 * KiB, 8 * KiB},	/* runs past its end */
		{6 * KiB, 4 * KiB},	/* starts before it */
		{12 * KiB, 1},		/* just after it */
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct pmemset_badblock bb = refused[i];
		assert_err(pmemset_badblock_clear(&bb, f->src), -EINVAL);
		assert_msg_has("not inside any bad block");
	}
	assert_int_equal(Fake.bb_clear_calls, 0);

	/* a piece of it: cleared as asked, the block is still counted */
	struct pmemset_badblock piece = {9 * KiB, 1 * KiB};
	assert_ok(pmemset_badblock_clear(&piece, f->src));
	assert_int_equal(Fake.ncleared, 1);
	assert_int_equal(Fake.cleared[0].offset, 9 * KiB);
	assert_int_equal(Fake.cleared[0].length, 1 * KiB);
	assert_int_equal(atomic_load(&f->src->badblocks_found), 1);

	struct pmemset_badblock whole = {8 * KiB, 4 * KiB};
	assert_ok(pmemset_badblock_clear(&whole, f->src));
	assert_int_equal(atomic_load(&f->src->badblocks_found), 0);
	assert_int_equal(Fake.nbbs, 0);
	/* gone now: a second clear is refused */
	assert_err(pmemset_badblock_clear(&whole, f->src), -EINVAL);
	assert_int_equal(atomic_load(&f->src->badblocks_found), 0);
	assert_int_equal(Fake.bb_open, 0);
}

static void
allocation_failures_while_listing(void **state)
{
	NEEDS_FAKE_DEVICE();
	struct fixture *f = *state;
	/* enough blocks that the list grows a few times */
	for (size_t i = 0; i < 20; i++)
		fake_add_badblock(i * 2 * KiB, 1 * KiB);
	Cb.action = BB_CLEAR;
	long countdown = 0;
	for (;; countdown++) {
		/* blocks cleared by an earlier attempt come back */
		Fake.nbbs = 0;
		for (size_t i = 0; i < 20; i++)
			fake_add_badblock(i * 2 * KiB, 1 * KiB);
		event_log_clear(&Log);
		alloc_inject_failure(countdown);
		int ret = map_whole(f);
		alloc_inject_failure(-1);
		assert_int_equal(Fake.bb_open, 0);
		if (ret == 0)
			break;
		assert_int_equal(ret,
			PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE);
		assert_nothing_mapped(f);
	}
	assert_true(countdown >= 3);
	assert_int_equal(count_events(PMEMSET_EVENT_BADBLOCK), 20);
}

static void
scan_comes_before_the_sds(void **state)
{
	NEEDS_FAKE_DEVICE();
	struct fixture *f = *state;
	struct pmemset_sds sds = PMEMSET_SDS_INITIALIZE();
	enum pmemset_part_state st = (enum pmemset_part_state)0;
	assert_ok(pmemset_source_set_sds(f->src, &sds, &st));
	fake_add_badblock(4 * KiB, 4 * KiB);
	assert_err(map_whole(f), PMEMSET_E_IO_FAIL);
	/* a map refused for bad blocks never acquired the SDS */
	assert_int_equal(st, 0);
	assert_int_equal(Fake.usc_calls, 0);
	assert_int_equal(count_events(PMEMSET_EVENT_SDS_UPDATE), 0);
	assert_int_equal(f->src->sds.refcount, 0);

	Cb.action = BB_CLEAR;
	assert_ok(map_whole(f));
	assert_int_equal(st, PMEMSET_PART_STATE_OK);
	assert_int_equal(f->src->sds.refcount, 1);
}

/* the real libpmem2 on an ordinary file: no device, no bad blocks */
static void
ordinary_file_detection_finds_nothing(void **state)
{
	if (fake_real_pmem())
		skip();
	struct fixture *f = *state;
	fake_device_uninstall();
	assert_ok(map_whole(f));
	assert_int_equal(count_events(PMEMSET_EVENT_BADBLOCK), 0);
	assert_int_equal(count_events(PMEMSET_EVENT_BADBLOCKS_CLEARED), 0);
	assert_int_equal(atomic_load(&f->src->badblocks_found), 0);
}

/*
 * libpmem2 would punch a hole here, zeroing the bytes. Ours refuses, and
 * the bytes and the allocated blocks are all still there.
 */
static void
ordinary_file_clear_touches_nothing(void **state)
{
	if (fake_real_pmem())
		skip();
	struct fixture *f = *state;
	fake_device_uninstall();
	char pattern[16 * KiB];
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (char)(i * 7 + 1);
	assert_ok(pmemset_source_pwrite_mcsafe(f->src, pattern,
			sizeof(pattern), 4 * KiB));
	assert_int_equal(fsync(f->src->fd), 0);
	struct stat before;
	assert_int_equal(fstat(f->src->fd, &before), 0);

	const struct pmemset_badblock ranges[] = {
		{4 * KiB, 4 * KiB}, {8 * KiB, 8 * KiB}, {0, FILE_SIZE},
	};
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		struct pmemset_badblock bb = ranges[i];
		assert_err(pmemset_badblock_clear(&bb, f->src), -EINVAL);
		assert_msg_has("would zero");
	}

	char back[16 * KiB];
	assert_ok(pmemset_source_pread_mcsafe(f->src, back, sizeof(back),
			4 * KiB));
	assert_memory_equal(back, pattern, sizeof(pattern));
	struct stat after;
	assert_int_equal(fstat(f->src->fd, &after), 0);
	assert_int_equal(after.st_blocks, before.st_blocks);
	assert_int_equal(after.st_size, before.st_size);
}

static void
anonymous_source_cannot_report_badblocks(void **state)
{
	struct fixture *f = *state;
	fake_device_uninstall();
	struct pmem2_source *anon;
	struct pmemset_source *src;
	assert_int_equal(pmem2_source_from_anon(&anon, FILE_SIZE), 0);
	assert_ok(pmemset_source_from_pmem2(&src, anon));
	pmemset_source_set_badblock_detection(src, true);
	assert_err(pmemset_map(f->set, src, NULL, NULL),
			PMEMSET_E_BADBLOCK_NOSUPP);
	assert_int_equal(pmemset_err_to_errno(PMEMSET_E_BADBLOCK_NOSUPP),
			ENOTSUP);
	struct pmemset_badblock bb = {0, 4 * KiB};
	assert_err(pmemset_badblock_clear(&bb, src), PMEMSET_E_BADBLOCK_NOSUPP);
	/* without detection it maps */
	pmemset_source_set_badblock_detection(src, false);
	assert_ok(pmemset_map(f->set, src, NULL, NULL));
	assert_ok(pmemset_delete(&f->set));
	assert_ok(pmemset_source_delete(&src));
	assert_int_equal(pmem2_source_delete(&anon), 0);
}

/* on a real device, with bad blocks injected by the script */
static void
injected_badblocks_found_and_cleared(void **state)
{
	(void) state;
	const char *path = getenv("PMEMSET_TEST_BADBLOCK_FILE");
	if (!fake_real_pmem() || path == NULL)
		skip();
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_file(&src, path));
	pmemset_source_set_badblock_detection(src, true);
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, bb_cb, NULL);
	size_t size = test_file_size(path);

	Cb.action = BB_RECORD;
	assert_err(pmemset_map(set, src, NULL, NULL), PMEMSET_E_IO_FAIL);
	size_t found = count_events(PMEMSET_EVENT_BADBLOCK);
	assert_true(found > 0);
	assert_int_equal(atomic_load(&src->badblocks_found), found);
	assert_int_equal(test_count_part_maps(set), 0);

	event_log_clear(&Log);
	Cb.action = BB_CLEAR;
	Cb.seen = 0;
	assert_ok(pmemset_map(set, src, NULL, NULL));
	assert_int_equal(Cb.last_clear_ret, 0);
	assert_int_equal(count_events(PMEMSET_EVENT_BADBLOCK), found);
	assert_int_equal(count_events(PMEMSET_EVENT_BADBLOCKS_CLEARED), 1);
	assert_int_equal(atomic_load(&src->badblocks_found), 0);
	assert_int_equal(test_file_size(path), size);

	event_log_clear(&Log);
	assert_ok(pmemset_map(set, src, NULL, NULL));
	assert_int_equal(count_events(PMEMSET_EVENT_BADBLOCK), 0);
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(detection_off_never_asks),
		T(none_found_no_events),
		T(found_and_cleared_by_the_callback),
		T(payload_is_the_reported_block),
		T(not_cleared_fails_with_nothing_mapped),
		T(partly_cleared_fails),
		T(rescan_decides),
		T(no_callback_fails),
		T(badblock_callback_stops_the_map),
		T(cleared_callback_stops_the_map),
		T(clear_failing_in_the_callback),
		T(context_failures_map_to_our_codes),
		T(next_failure_mid_list),
		T(rescan_failure),
		T(clear_argument_checks),
		T(clear_only_inside_a_reported_block),
		T(allocation_failures_while_listing),
		T(scan_comes_before_the_sds),
		T(ordinary_file_detection_finds_nothing),
		T(ordinary_file_clear_touches_nothing),
		T(anonymous_source_cannot_report_badblocks),
		T(injected_badblocks_found_and_cleared),
	};
#undef T
	return cmocka_run_group_tests_name("badblock", tests, NULL, NULL);
}
