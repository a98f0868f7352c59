// SPDX-License-Identifier: BSD-3-Clause
/*
 * config_test.c -- pmemset_config_*, pmemset_map_config_*, pmemset_new and
 * the set-wide settings: success and every error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

static void
config_new_and_delete(void **state)
{
	(void) state;
	struct pmemset_config *cfg = (void *)0x1;
	assert_ok(pmemset_config_new(&cfg));
	assert_non_null(cfg);
	assert_ok(pmemset_config_delete(&cfg));
	assert_null(cfg);
	/* deleting NULL is fine and keeps it NULL */
	assert_ok(pmemset_config_delete(&cfg));
	assert_null(cfg);
}

static void
config_null_arguments(void **state)
{
	(void) state;
	assert_err(pmemset_config_new(NULL), -EINVAL);
	assert_msg_has("cfg");
	assert_err(pmemset_config_delete(NULL), -EINVAL);
	assert_err(pmemset_config_set_required_store_granularity(NULL,
			PMEM2_GRANULARITY_PAGE), -EINVAL);
	assert_err(pmemset_config_set_acceptable_states(NULL, 0), -EINVAL);
	pmemset_config_set_reservation(NULL, NULL);
	assert_msg_has("cfg is NULL");
	pmemset_config_set_event_callback(NULL, NULL, NULL);
	assert_msg_has("cfg is NULL");
}

static void
config_rejects_invalid_granularity(void **state)
{
	(void) state;
	struct pmemset_config *cfg;
	assert_ok(pmemset_config_new(&cfg));
	assert_err(pmemset_config_set_required_store_granularity(cfg,
			(enum pmem2_granularity)7),
			PMEMSET_E_GRANULARITY_NOT_SUPPORTED);
	assert_msg_has("7");
	assert_err(pmemset_config_set_required_store_granularity(cfg,
			(enum pmem2_granularity)-1),
			PMEMSET_E_GRANULARITY_NOT_SUPPORTED);
	for (int g = PMEM2_GRANULARITY_BYTE; g <= PMEM2_GRANULARITY_PAGE; g++)
		assert_ok(pmemset_config_set_required_store_granularity(cfg,
				(enum pmem2_granularity)g));
	pmemset_config_delete(&cfg);
}

static void
config_acceptable_states(void **state)
{
	(void) state;
	struct pmemset_config *cfg;
	assert_ok(pmemset_config_new(&cfg));
	assert_ok(pmemset_config_set_acceptable_states(cfg,
			PMEMSET_PART_STATE_OK |
			PMEMSET_PART_STATE_OK_BUT_INTERRUPTED |
			PMEMSET_PART_STATE_CORRUPTED |
			PMEMSET_PART_STATE_INDETERMINATE |
			PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN));
	assert_ok(pmemset_config_set_acceptable_states(cfg, 0));
	assert_err(pmemset_config_set_acceptable_states(cfg, 1u << 5),
			PMEMSET_E_INVALID_PART_STATES);
	assert_msg_has("0x20");
	pmemset_config_delete(&cfg);
}

static void
errormsg_survives_the_next_successful_call(void **state)
{
	(void) state;
	struct pmemset_config *cfg;
	assert_err(pmemset_config_new(NULL), -EINVAL);
	char msg[1024];
	snprintf(msg, sizeof(msg), "%s", pmemset_errormsg());
	assert_true(msg[0] != '\0');
	/* errno's rule: a success neither clears nor changes it */
	assert_ok(pmemset_config_new(&cfg));
	assert_string_equal(pmemset_errormsg(), msg);
	assert_ok(pmemset_config_delete(&cfg));
	assert_string_equal(pmemset_errormsg(), msg);
	/* the next failure sets its own */
	assert_err(pmemset_config_delete(NULL), -EINVAL);
	assert_string_not_equal(pmemset_errormsg(), msg);
}

static void
new_requires_granularity(void **state)
{
	(void) state;
	struct pmemset_config *cfg;
	struct pmemset *set = (void *)0x1;
	assert_ok(pmemset_config_new(&cfg));
	assert_err(pmemset_new(&set, cfg), PMEMSET_E_GRANULARITY_NOT_SET);
	assert_null(set);
	assert_ok(pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE));
	assert_ok(pmemset_new(&set, cfg));
	/* the set copied the config: deleting the config changes nothing */
	assert_ok(pmemset_config_delete(&cfg));
	assert_ok(pmemset_delete(&set));
	assert_null(set);
	assert_ok(pmemset_delete(&set));
}

static void
new_null_arguments(void **state)
{
	(void) state;
	struct pmemset *set = (void *)0x1;
	assert_err(pmemset_new(NULL, NULL), -EINVAL);
	assert_err(pmemset_new(&set, NULL), -EINVAL);
	assert_null(set);
	assert_msg_has("cfg");
	assert_err(pmemset_delete(NULL), -EINVAL);
}

static void
granularity_before_and_after_first_map(void **state)
{
	(void) state;
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	enum pmem2_granularity g = PMEM2_GRANULARITY_BYTE;
	assert_err(pmemset_get_store_granularity(set, &g),
			PMEMSET_E_NO_PART_MAPPED);
	assert_err(pmemset_get_store_granularity(NULL, &g), -EINVAL);
	assert_err(pmemset_get_store_granularity(set, NULL), -EINVAL);

	char *path = test_file("gran", 64 * KiB);
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_file(&src, path));
	test_map(set, src, 0, 0, NULL);
	assert_ok(pmemset_get_store_granularity(set, &g));
	/* PAGE on tmpfs; a DAX file system gives a finer one */
	assert_int_equal(g, test_dir_granularity());
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
	test_file_remove(path);
}

static void
coalescing_values(void **state)
{
	(void) state;
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	assert_ok(pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_NONE));
	assert_ok(pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_OPPORTUNISTIC));
	assert_ok(pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_FULL));
	assert_err(pmemset_set_contiguous_part_coalescing(set,
			(enum pmemset_coalescing)3),
			PMEMSET_E_INVALID_COALESCING_VALUE);
	assert_err(pmemset_set_contiguous_part_coalescing(NULL,
			PMEMSET_COALESCING_NONE), -EINVAL);
	pmemset_delete(&set);
}

static void
map_config_offset_and_length(void **state)
{
	(void) state;
	struct pmemset_map_config *mc = (void *)0x1;
	assert_ok(pmemset_map_config_new(&mc));
	assert_ok(pmemset_map_config_set_offset(mc, 4096));
	assert_ok(pmemset_map_config_set_offset(mc, (size_t)INT64_MAX));
	assert_err(pmemset_map_config_set_offset(mc, (size_t)INT64_MAX + 1),
			PMEMSET_E_OFFSET_OUT_OF_RANGE);
	char msg[1024];
	snprintf(msg, sizeof(msg), "%s", pmemset_errormsg());
	/* a void setter that succeeds leaves the failure's message */
	pmemset_map_config_set_length(mc, 8192);
	assert_string_equal(pmemset_errormsg(), msg);
	assert_ok(pmemset_map_config_delete(&mc));
	assert_null(mc);
	assert_ok(pmemset_map_config_delete(&mc));

	assert_err(pmemset_map_config_new(NULL), -EINVAL);
	assert_err(pmemset_map_config_set_offset(NULL, 0), -EINVAL);
	pmemset_map_config_set_length(NULL, 0);
	assert_msg_has("map_cfg is NULL");
	assert_err(pmemset_map_config_delete(NULL), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_new_and_delete),
		cmocka_unit_test(config_null_arguments),
		cmocka_unit_test(config_rejects_invalid_granularity),
		cmocka_unit_test(config_acceptable_states),
		cmocka_unit_test(errormsg_survives_the_next_successful_call),
		cmocka_unit_test(new_requires_granularity),
		cmocka_unit_test(new_null_arguments),
		cmocka_unit_test(granularity_before_and_after_first_map),
		cmocka_unit_test(coalescing_values),
		cmocka_unit_test(map_config_offset_and_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
