// SPDX-License-Identifier: BSD-3-Clause
/*
 * event_stop_test.c -- the stop-the-operation path the bad-block events use
 * (event_fire_stoppable), driven directly through the internal interface:
 * a negative callback return comes back as is, a positive one becomes
 * PMEMSET_E_CALLBACK_ABORTED naming the value, zero lets it go on.
 */
#include <string.h>

#include "test_util.h"
#include "event.h"

static int Reply;
static int Calls;

static int
reply_cb(struct pmemset *set, struct pmemset_event_context *ctx, void *arg)
{
	(void) set;
	(void) ctx;
	(void) arg;
	Calls++;
	return Reply;
}

static int
fire(struct pmemset *set)
{
	struct pmemset_event_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.type = PMEMSET_EVENT_BADBLOCKS_CLEARED;
	return event_fire_stoppable(set, &ctx, "test operation");
}

static void
zero_goes_on(void **state)
{
	(void) state;
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, reply_cb,
			NULL);
	Reply = 0;
	Calls = 0;
	assert_int_equal(fire(set), 0);
	assert_int_equal(Calls, 1);
	pmemset_delete(&set);
}

static void
positive_becomes_callback_aborted(void **state)
{
	(void) state;
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, reply_cb,
			NULL);
	Reply = 7;
	assert_err(fire(set), PMEMSET_E_CALLBACK_ABORTED);
	assert_msg_has("7");
	assert_msg_has("test operation");
	pmemset_delete(&set);
}

static void
negative_is_returned_as_is(void **state)
{
	(void) state;
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, reply_cb,
			NULL);
	Reply = -42;
	assert_err(fire(set), -42);
	assert_msg_has("-42");
	pmemset_delete(&set);
}

static void
no_callback_goes_on(void **state)
{
	(void) state;
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	assert_int_equal(fire(set), 0);
	pmemset_delete(&set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zero_goes_on),
		cmocka_unit_test(positive_becomes_callback_aborted),
		cmocka_unit_test(negative_is_returned_as_is),
		cmocka_unit_test(no_callback_goes_on),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
