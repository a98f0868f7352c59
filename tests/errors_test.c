// SPDX-License-Identifier: BSD-3-Clause
/*
 * errors_test.c -- pmemset_errormsg (thread-local, errno's rule: set by
 * every failure, left alone by every success),
 * pmemset_perror, pmemset_err_to_errno and the libpmem2 translation table.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"
#include "error.h"
#include "libpmemset/stat.h"

static void
err_to_errno_table(void **state)
{
	(void) state;
	assert_int_equal(pmemset_err_to_errno(0), 0);
	assert_int_equal(pmemset_err_to_errno(-EINVAL), EINVAL);
	assert_int_equal(pmemset_err_to_errno(-ENOSPC), ENOSPC);
	assert_int_equal(pmemset_err_to_errno(PMEMSET_E_NOSUPP), ENOTSUP);
	assert_int_equal(pmemset_err_to_errno(PMEMSET_E_SDS_NOSUPP), ENOTSUP);
	assert_int_equal(pmemset_err_to_errno(PMEMSET_E_BADBLOCK_NOSUPP),
			ENOTSUP);
	assert_int_equal(pmemset_err_to_errno(
			PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE), ENOMEM);
	assert_int_equal(pmemset_err_to_errno(PMEMSET_E_IO_FAIL), EIO);
	for (int e = PMEMSET_E_BADBLOCK_NOSUPP - 2; e <= PMEMSET_E_UNKNOWN; e++) {
		int r = pmemset_err_to_errno(e);
		assert_true(r > 0);
	}
	assert_int_equal(pmemset_err_to_errno(PMEMSET_E_GRANULARITY_MISMATCH),
			EINVAL);
	/* libpmem2 codes with no counterpart of ours, through our own table */
	assert_int_equal(pmemset_err_to_errno(PMEM2_E_MAPPING_EXISTS), EEXIST);
	assert_int_equal(pmemset_err_to_errno(PMEM2_E_NOSUPP), ENOTSUP);
	assert_int_equal(pmemset_err_to_errno(PMEM2_E_INVALID_PROT_FLAG),
			EINVAL);
}

static void
translation_of_libpmem2_codes(void **state)
{
	(void) state;
	struct { int pmem2, ours; } t[] = {
		{PMEM2_E_GRANULARITY_NOT_SUPPORTED,
			PMEMSET_E_GRANULARITY_NOT_SUPPORTED},
		{PMEM2_E_OFFSET_UNALIGNED, PMEMSET_E_INVALID_OFFSET_VALUE},
		{PMEM2_E_LENGTH_UNALIGNED, PMEMSET_E_LENGTH_UNALIGNED},
		{PMEM2_E_INVALID_FILE_TYPE, PMEMSET_E_INVALID_SOURCE_TYPE},
		{PMEM2_E_DAX_REGION_NOT_FOUND, PMEMSET_E_DAX_REGION_NOT_FOUND},
		{PMEM2_E_CANNOT_READ_BOUNDS, PMEMSET_E_CANNOT_READ_BOUNDS},
		{PMEM2_E_LENGTH_OUT_OF_RANGE, PMEMSET_E_LENGTH_OUT_OF_RANGE},
		{PMEM2_E_IO_FAIL, PMEMSET_E_IO_FAIL},
		{PMEM2_E_NOSUPP, PMEMSET_E_NOSUPP},
		{PMEM2_E_DEEP_FLUSH_RANGE, PMEMSET_E_DEEP_FLUSH_FAIL},
		/* no counterpart: returned as is */
		{PMEM2_E_MAPPING_EXISTS, PMEM2_E_MAPPING_EXISTS},
		{PMEM2_E_INVALID_PROT_FLAG, PMEM2_E_INVALID_PROT_FLAG},
		/* -errno passes through */
		{-ENOMEM, -ENOMEM},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(err_translate_pmem2(t[i].pmem2), t[i].ours);
	/* err_pmem2 translates and names the errno */
	assert_int_equal(err_pmem2(-ENOSPC, "growing"), -ENOSPC);
	assert_msg_has("growing");
	assert_msg_has(strerror(ENOSPC));
}

/* libpmem2's text is quoted only when the marked call set it */
static void
libpmem2_message_is_quoted_only_when_fresh(void **state)
{
	(void) state;
	struct pmem2_source *p2;
	struct pmem2_config *cfg;
	assert_int_equal(pmem2_config_new(&cfg), 0);
	/* an old libpmem2 message, A */
	assert_int_not_equal(pmem2_config_set_sharing(cfg,
			(enum pmem2_sharing_type)42), 0);
	char a[256];
	snprintf(a, sizeof(a), "%s", pmem2_errormsg());
	assert_true(a[0] != '\0');

	/* a failure that set message B: B is quoted */
	err_pmem2_mark();
	int ret = pmem2_config_set_offset(cfg, (size_t)INT64_MAX + 1);
	assert_int_not_equal(ret, 0);
	char b[256];
	snprintf(b, sizeof(b), "%s", pmem2_errormsg());
	assert_string_not_equal(a, b);
	err_pmem2(ret, "first");
	assert_msg_has(b);

	/* a failure that set nothing: described from its code, B not quoted */
	err_pmem2_mark();
	assert_int_equal(err_pmem2(PMEM2_E_IO_FAIL, "second"),
			PMEMSET_E_IO_FAIL);
	assert_null(strstr(pmemset_errormsg(), b));
	assert_msg_has("second: ");
	assert_msg_has(err_pmem2_code_text(PMEM2_E_IO_FAIL));
	/* no raw libpmem2 number, for any code */
	for (int code = PMEM2_E_IO_FAIL; code <= PMEM2_E_UNKNOWN; code++)
		assert_null(strstr(err_pmem2_code_text(code), "100"));

	/* without a mark nothing is quoted either */
	assert_int_not_equal(pmem2_config_set_sharing(cfg,
			(enum pmem2_sharing_type)42), 0);
	err_pmem2(PMEM2_E_NOSUPP, "third");
	assert_null(strstr(pmemset_errormsg(), a));
	/* and a failure of libpmem2 that set no message (a bad fd) */
	err_pmem2_mark();
	ret = pmem2_source_from_fd(&p2, -1);
	err_pmem2(ret, "fourth");
	assert_null(strstr(pmemset_errormsg(), a));
	assert_msg_has(err_pmem2_code_text(ret));
	pmem2_config_delete(&cfg);
}

static void *
other_thread(void *arg)
{
	(void) arg;
	/* a fresh thread has no message, whatever another thread did */
	return (void *)(uintptr_t)(pmemset_errormsg()[0] == '\0');
}

static void
message_is_thread_local(void **state)
{
	(void) state;
	assert_err(pmemset_config_new(NULL), -EINVAL);
	pthread_t t;
	void *empty;
	pthread_create(&t, NULL, other_thread, NULL);
	pthread_join(t, &empty);
	assert_true(empty != NULL);
	assert_msg_has("cfg");
}

/*
 * errno's rule: after a failure, successful calls of every kind leave its
 * message word for word: constructors, setters, void functions, the map,
 * lookups, getters, the data path, the observer, destructors.
 */
static void
no_successful_call_changes_the_message(void **state)
{
	(void) state;
	char *path = test_file("keeps", 256 * KiB);
	struct pmemset_source *src;
	struct pmemset_map_config *mc;
	assert_ok(pmemset_source_from_file(&src, path));
	assert_ok(pmemset_map_config_new(&mc));
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	pmemset_map_config_set_length(mc, 4097);
	assert_err(pmemset_map(set, src, mc, NULL), PMEMSET_E_LENGTH_UNALIGNED);
	char msg[1024];
	snprintf(msg, sizeof(msg), "%s", pmemset_errormsg());
	assert_non_null(strstr(msg, "pmemset_map"));
#define KEEPS(stmt) do { \
	stmt; \
	assert_string_equal(pmemset_errormsg(), msg); \
} while (0)
	struct pmemset_config *cfg;
	KEEPS(assert_ok(pmemset_config_new(&cfg)));
	KEEPS(assert_ok(pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE)));
	KEEPS(pmemset_config_set_event_callback(cfg, NULL, NULL));
	KEEPS(assert_ok(pmemset_config_delete(&cfg)));
	KEEPS(pmemset_map_config_set_length(mc, 64 * KiB));
	KEEPS(assert_ok(pmemset_map_config_set_offset(mc, 0)));
	struct pmemset_part_descriptor d;
	KEEPS(assert_ok(pmemset_map(set, src, mc, &d)));
	KEEPS(assert_ok(pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_NONE)));
	enum pmem2_granularity g;
	KEEPS(assert_ok(pmemset_get_store_granularity(set, &g)));
	size_t alignment;
	KEEPS(assert_ok(pmemset_source_alignment(src, &alignment)));
	KEEPS(assert_ptr_equal(pmemset_memset(set, d.addr, 1, 64, 0), d.addr));
	KEEPS(assert_ok(pmemset_persist(set, d.addr, 64)));
	KEEPS(assert_ok(pmemset_flush(set, d.addr, 64)));
	KEEPS(assert_ok(pmemset_drain(set)));
	char buf[64];
	KEEPS(assert_ok(pmemset_source_pread_mcsafe(src, buf, sizeof(buf), 0)));
	struct pmemset_part_map *pmap, *next;
	KEEPS(pmemset_first_part_map(set, &pmap));
	KEEPS(pmemset_next_part_map(set, pmap, &next));
	KEEPS(assert_null(next));
	KEEPS((void) pmemset_descriptor_part_map(pmap));
	KEEPS(pmemset_part_map_drop(&pmap));
	KEEPS(assert_ok(pmemset_part_map_by_address(set, &pmap, d.addr)));
	struct pmemset_stat *h;
	KEEPS(assert_int_equal(pmemset_stat_open(&h, set, NULL, 0),
			PMEMSET_STAT_S_OK));
	KEEPS(assert_int_equal(pmemset_stat_update(h), PMEMSET_STAT_S_OK));
	KEEPS(assert_int_equal(pmemset_stat_close(&h), PMEMSET_STAT_S_OK));
	KEEPS(assert_ok(pmemset_remove_part_map(set, &pmap)));
	KEEPS(assert_ok(pmemset_map(set, src, mc, &d)));
	KEEPS(assert_ok(pmemset_remove_range(set, d.addr, 1)));
	KEEPS(pmemset_source_set_badblock_detection(src, false));
	KEEPS(assert_ok(pmemset_delete(&set)));
	KEEPS(assert_ok(pmemset_map_config_delete(&mc)));
	KEEPS(assert_ok(pmemset_source_delete(&src)));
	KEEPS(assert_int_equal(pmemset_err_to_errno(PMEMSET_E_IO_FAIL), EIO));
#undef KEEPS
	test_file_remove(path);
}

/*
 * Every message that rejects a value names the values accepted, so a user
 * learns what to write without opening the page.
 */
static void
rejected_values_name_the_accepted_ones(void **state)
{
	(void) state;
	struct pmemset_config *cfg;
	assert_ok(pmemset_config_new(&cfg));
	assert_err(pmemset_config_set_required_store_granularity(cfg,
			(enum pmem2_granularity)9),
			PMEMSET_E_GRANULARITY_NOT_SUPPORTED);
	assert_msg_has("invalid granularity value 9 (valid: "
			"PMEM2_GRANULARITY_BYTE (0), "
			"PMEM2_GRANULARITY_CACHE_LINE (1), "
			"PMEM2_GRANULARITY_PAGE (2))");
	assert_err(pmemset_config_set_acceptable_states(cfg, 1u << 7),
			PMEMSET_E_INVALID_PART_STATES);
	assert_msg_has("unknown state bits 0x80 (valid: a mask of "
			"PMEMSET_PART_STATE_INDETERMINATE, _OK, "
			"_OK_BUT_ALREADY_OPEN, _OK_BUT_INTERRUPTED and "
			"_CORRUPTED, 0x1f)");
	assert_err(pmemset_config_set_event_mask(cfg, 1ULL << 60), -EINVAL);
	char want[160];
	snprintf(want, sizeof(want), "PMEMSET_EVENT_MASK(event) for events "
			"of enum pmemset_event, PMEMSET_EVENT_MASK_ALL being "
			"0x%llx)", (unsigned long long)PMEMSET_EVENT_MASK_ALL);
	assert_msg_has(want);

	struct pmemset_source *src;
	assert_err(pmemset_xsource_from_file(&src, "/nonexistent", 1u << 9),
			PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS);
	assert_msg_has("unknown flag or mode bits 0x200 (valid: "
			"PMEMSET_SOURCE_FILE_CREATE_ALWAYS, _CREATE_IF_NEEDED "
			"and _DO_NOT_GROW, and permission bits 0777 in "
			"PMEMSET_SOURCE_FILE_CREATE_MODE(mode))");
	assert_err(pmemset_xsource_from_file(&src, "/nonexistent",
			PMEMSET_SOURCE_FILE_CREATE_ALWAYS |
			PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED),
			PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS);
	assert_msg_has("(give one of them, or neither to open an existing "
			"file)");

	assert_ok(pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE));
	struct pmemset *set;
	assert_ok(pmemset_new(&set, cfg));
	assert_err(pmemset_set_contiguous_part_coalescing(set,
			(enum pmemset_coalescing)7),
			PMEMSET_E_INVALID_COALESCING_VALUE);
	assert_msg_has("invalid value 7 (valid: PMEMSET_COALESCING_NONE (0), "
			"PMEMSET_COALESCING_OPPORTUNISTIC (1), "
			"PMEMSET_COALESCING_FULL (2))");

	char *path = test_file("accepted", 64 * KiB);
	assert_ok(pmemset_source_from_file(&src, path));
	struct pmemset_part_descriptor d;
	test_map(set, src, 0, 0, &d);
	assert_null(pmemset_memcpy(set, d.addr, path, 8, 1u << 8));
	assert_msg_has("pmemset_memcpy: unknown flag bits 0x100; nothing was "
			"written (valid: PMEMSET_F_MEM_NODRAIN, _NONTEMPORAL, "
			"_TEMPORAL, _WC, _WB and _NOFLUSH, mask 0x3f)");

	struct pmemset_stat *h;
	assert_int_equal(pmemset_stat_open(&h, set, NULL, 0),
			PMEMSET_STAT_S_OK);
	struct pmemset_stat_map *root;
	assert_int_equal(pmemset_stat_root(h, &root), PMEMSET_STAT_S_OK);
	assert_int_equal(pmemset_stat_dump(root, stderr,
			(enum pmemset_stat_dump_format)5),
			PMEMSET_STAT_S_INVAL_ARG);
	assert_msg_has("invalid format 5 (valid: PMEMSET_STAT_DUMP_TEXT (0), "
			"_JSON (1), _OPENMETRICS (2))");
	assert_int_equal(pmemset_stat_close(&h), PMEMSET_STAT_S_OK);

	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
	assert_ok(pmemset_config_delete(&cfg));
	test_file_remove(path);
}

static void
long_messages_are_cut_not_overflowed(void **state)
{
	(void) state;
	char path[4000];
	memset(path, 'z', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	struct pmemset_source *src;
	assert_true(pmemset_source_from_file(&src, path) < 0);
	size_t len = strlen(pmemset_errormsg());
	assert_true(len > 0 && len < 1024);
}

static void
perror_prints_prefix_and_message(void **state)
{
	(void) state;
	char *path = test_file("perror", 0);
	FILE *out = fopen(path, "w+");
	int saved = dup(STDERR_FILENO);
	fflush(stderr);
	dup2(fileno(out), STDERR_FILENO);
	assert_err(pmemset_config_new(NULL), -EINVAL);
	pmemset_perror("step %d", 3);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	char line[1100] = "";
	rewind(out);
	assert_non_null(fgets(line, sizeof(line), out));
	fclose(out);
	assert_non_null(strstr(line, "step 3: "));
	assert_non_null(strstr(line, "cfg is NULL"));
	test_file_remove(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(err_to_errno_table),
		cmocka_unit_test(translation_of_libpmem2_codes),
		cmocka_unit_test(libpmem2_message_is_quoted_only_when_fresh),
		cmocka_unit_test(message_is_thread_local),
		cmocka_unit_test(no_successful_call_changes_the_message),
		cmocka_unit_test(rejected_values_name_the_accepted_ones),
		cmocka_unit_test(long_messages_are_cut_not_overflowed),
		cmocka_unit_test(perror_prints_prefix_and_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
