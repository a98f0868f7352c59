// SPDX-License-Identifier: BSD-3-Clause
/*
 * part_map_test.c -- lookups: part_map_by_address, first/next, references,
 * drop and descriptors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file_set_fixture.h"
#include "test_util.h"

/* three part maps of 64 KiB at the start of a 1 MiB file: f->parts[0..2] */
static const struct file_set_params Params = {
	.tag = "pmap", .file_size = 1 * MiB, .parts = 3, .part_size = 64 * KiB,
};

static void
by_address_finds_every_byte(void **state)
{
	struct file_set_fixture *f = *state;
	for (int i = 0; i < 3; i++) {
		char *a = f->parts[i].addr;
		size_t offs[] = {0, 1, 4095, 64 * KiB - 1};
		for (size_t k = 0; k < 4; k++) {
			struct pmemset_part_map *pmap = NULL;
			assert_ok(pmemset_part_map_by_address(f->set, &pmap,
					a + offs[k]));
			struct pmemset_part_descriptor d =
				pmemset_descriptor_part_map(pmap);
			assert_ptr_equal(d.addr, a);
			assert_int_equal(d.size, 64 * KiB);
			pmemset_part_map_drop(&pmap);
			assert_null(pmap);
		}
	}
}

static void
by_address_outside_the_set(void **state)
{
	struct file_set_fixture *f = *state;
	struct pmemset_part_map *pmap = (void *)0x1;
	char *end = (char *)f->parts[0].addr + 64 * KiB;
	/* the byte after a part map, unless another one starts there */
	struct pmemset_part_map *other;
	if (pmemset_part_map_by_address(f->set, &other, end) == 0) {
		pmemset_part_map_drop(&other);
	} else {
		assert_err(pmemset_part_map_by_address(f->set, &pmap, end),
				PMEMSET_E_CANNOT_FIND_PART_MAP);
		assert_null(pmap);
	}
	assert_err(pmemset_part_map_by_address(f->set, &pmap, NULL),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	assert_null(pmap);
	assert_err(pmemset_part_map_by_address(f->set, &pmap,
			(void *)&pmap), PMEMSET_E_CANNOT_FIND_PART_MAP);
	assert_err(pmemset_part_map_by_address(NULL, &pmap, NULL), -EINVAL);
	assert_err(pmemset_part_map_by_address(f->set, NULL, NULL), -EINVAL);
}

static void
first_and_next_walk_in_address_order(void **state)
{
	struct file_set_fixture *f = *state;
	void *prev = NULL;
	size_t n = 0, total = 0;
	struct pmemset_part_map *pmap, *next;
	pmemset_first_part_map(f->set, &pmap);
	while (pmap != NULL) {
		struct pmemset_part_descriptor d =
			pmemset_descriptor_part_map(pmap);
		assert_true(prev == NULL || (char *)d.addr > (char *)prev);
		prev = d.addr;
		total += d.size;
		n++;
		pmemset_next_part_map(f->set, pmap, &next);
		pmemset_part_map_drop(&pmap);
		pmap = next;
	}
	assert_int_equal(n, 3);
	assert_int_equal(total, 3 * 64 * KiB);
}

static void
first_on_an_empty_set(void **state)
{
	(void) state;
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset_part_map *pmap = (void *)0x1;
	/* an empty set is no misuse: the message stays the last failure's */
	assert_err(pmemset_config_new(NULL), -EINVAL);
	char msg[1024];
	snprintf(msg, sizeof(msg), "%s", pmemset_errormsg());
	pmemset_first_part_map(set, &pmap);
	assert_null(pmap);
	assert_string_equal(pmemset_errormsg(), msg);
	pmemset_delete(&set);
}

static void
first_and_next_bad_arguments(void **state)
{
	struct file_set_fixture *f = *state;
	struct pmemset_part_map *pmap = (void *)0x1, *next = (void *)0x1;
	pmemset_first_part_map(NULL, &pmap);
	assert_null(pmap);
	assert_msg_has("set is NULL");
	pmemset_first_part_map(f->set, NULL);
	assert_msg_has("pmap is NULL");

	pmemset_next_part_map(f->set, NULL, &next);
	assert_null(next);
	assert_msg_has("cur is NULL");
	pmemset_first_part_map(f->set, &pmap);
	next = (void *)0x1;
	pmemset_next_part_map(NULL, pmap, &next);
	assert_null(next);
	pmemset_next_part_map(f->set, pmap, NULL);
	assert_msg_has("next is NULL");

	/* a part map of another set */
	struct pmemset *other = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	next = (void *)0x1;
	pmemset_next_part_map(other, pmap, &next);
	assert_null(next);
	assert_msg_has("not in set");
	pmemset_part_map_drop(&pmap);
	pmemset_delete(&other);
}

static void
drop_misuse(void **state)
{
	struct file_set_fixture *f = *state;
	pmemset_part_map_drop(NULL);
	assert_msg_has("pmap is NULL");
	struct pmemset_part_map *pmap = NULL;
	pmemset_part_map_drop(&pmap);
	assert_msg_has("*pmap is NULL");

	/* a copy kept after the only reference was dropped */
	assert_ok(pmemset_part_map_by_address(f->set, &pmap, f->parts[0].addr));
	struct pmemset_part_map *copy = pmap;
	pmemset_part_map_drop(&pmap);
	/* the good drop leaves the last failure's message */
	assert_msg_has("*pmap is NULL");
	pmemset_part_map_drop(&copy);
	assert_msg_has("no reference");
	assert_null(copy);
}

static void
descriptor_of_null(void **state)
{
	(void) state;
	struct pmemset_part_descriptor d = pmemset_descriptor_part_map(NULL);
	assert_null(d.addr);
	assert_int_equal(d.size, 0);
	assert_msg_has("pmap is NULL");
}

static void
delete_with_references_still_held(void **state)
{
	/* PMDK's own example never drops its references before delete */
	struct file_set_fixture *f = *state;
	struct pmemset_part_map *a, *b;
	pmemset_first_part_map(f->set, &a);
	assert_ok(pmemset_part_map_by_address(f->set, &b, f->parts[2].addr));
	assert_non_null(a);
	assert_ok(pmemset_delete(&f->set));
	assert_null(f->set);
	f->set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) file_set_test(name, &Params)
		T(by_address_finds_every_byte),
		T(by_address_outside_the_set),
		T(first_and_next_walk_in_address_order),
		T(first_on_an_empty_set),
		T(first_and_next_bad_arguments),
		T(drop_misuse),
		T(descriptor_of_null),
		T(delete_with_references_still_held),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
