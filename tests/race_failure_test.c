// SPDX-License-Identifier: BSD-3-Clause
/*
 * race_failure_test.c -- another thread's call landing in the one window a
 * thread-stress test hits only by luck, made deterministic: the library's
 * objects are linked in and an internal step is wrapped (--wrap) so that
 * the interfering call runs exactly there, on this thread.
 *
 * pmemset_map drops the set's lock before it reports PART_ADD; from then
 * on the new part belongs to the set, and any thread may remove it (a
 * remove_range over everything is a legal call) and free it. The map must
 * not read the part after that: PART_ADD carries what was mapped, and ASan
 * or valgrind finds any read of the freed part.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "test_util.h"
#include "sds.h"

static struct event_log Log;
static struct pmemset *Set;
static bool Interfere;
static int Interfere_ret = -1;

bool __real_sds_after_map(struct pmemset_source *src,
		struct sds_pending *pending);
bool __wrap_sds_after_map(struct pmemset_source *src,
		struct sds_pending *pending);

/* called by pmemset_map after the set's lock is dropped */
bool
__wrap_sds_after_map(struct pmemset_source *src, struct sds_pending *pending)
{
	if (Interfere) {
		Interfere = false;
		/* what another thread may do now: remove every part */
		Interfere_ret = pmemset_remove_range(Set, (void *)4096,
				PTRDIFF_MAX);
	}
	return __real_sds_after_map(src, pending);
}

static const struct pmemset_event_context *
find_event(enum pmemset_event type, size_t nth)
{
	for (size_t i = 0; i < Log.count; i++)
		if (Log.events[i].type == type && nth-- == 0)
			return &Log.events[i].ctx;
	return NULL;
}

static void
part_removed_before_the_map_returns(enum pmemset_coalescing co)
{
	char *path;
	struct pmemset_source *src;
	Set = test_file_set_new(&path, &src, "race", 256 * KiB, event_log_cb,
			&Log);
	assert_ok(pmemset_set_contiguous_part_coalescing(Set, co));
	struct pmemset_part_descriptor first;
	test_map(Set, src, 0, 64 * KiB, &first);
	event_log_clear(&Log);

	/* the second part (coalesced after the first, or on its own) */
	Interfere = true;
	struct pmemset_part_descriptor d;
	test_map(Set, src, 64 * KiB, 64 * KiB, &d);
	assert_false(Interfere);
	assert_int_equal(Interfere_ret, 0);

	/* both parts went, then the map reported what it had mapped */
	const struct pmemset_event_context *rm1 =
		find_event(PMEMSET_EVENT_PART_REMOVE, 0);
	const struct pmemset_event_context *rm2 =
		find_event(PMEMSET_EVENT_PART_REMOVE, 1);
	const struct pmemset_event_context *add =
		find_event(PMEMSET_EVENT_PART_ADD, 0);
	assert_non_null(rm1);
	assert_non_null(rm2);
	assert_non_null(add);
	const struct pmemset_event_context *rm_new =
		rm1->data.part_remove.addr == first.addr ? rm2 : rm1;
	assert_ptr_equal(add->data.part_add.addr, rm_new->data.part_remove.addr);
	assert_int_equal(add->data.part_add.len, 64 * KiB);
	assert_int_equal(rm_new->data.part_remove.len, 64 * KiB);
	/* the descriptor is the part map as mapped, holding the new part */
	assert_true((char *)d.addr <= (char *)add->data.part_add.addr);
	assert_true((char *)d.addr + d.size >=
			(char *)add->data.part_add.addr + 64 * KiB);
	/* since the first part: one added, two removed */
	assert_true(event_log_mapped_bytes(&Log) == -(long long)(64 * KiB));
	assert_int_equal(test_count_part_maps(Set), 0);

	/* and the set goes on */
	test_map(Set, src, 0, 64 * KiB, &d);
	assert_ok(pmemset_persist(Set, d.addr, 64));
	assert_ok(pmemset_delete(&Set));
	assert_ok(pmemset_source_delete(&src));
	test_file_remove(path);
}

static void
new_part_map_removed_before_the_map_returns(void **state)
{
	(void) state;
	part_removed_before_the_map_returns(PMEMSET_COALESCING_NONE);
}

static void
coalesced_part_removed_before_the_map_returns(void **state)
{
	(void) state;
	part_removed_before_the_map_returns(PMEMSET_COALESCING_OPPORTUNISTIC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(new_part_map_removed_before_the_map_returns),
		cmocka_unit_test(
			coalesced_part_removed_before_the_map_returns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
