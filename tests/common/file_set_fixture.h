/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * file_set_fixture.h -- the set-up most map tests share: a fresh file under
 * $PMEMSET_TEST_DIR, a source on it, a PAGE set, and the first parts of the
 * file mapped one after another (or only the file and its source); the
 * teardown deletes the set, the source and the file.
 *
 * With cmocka, a test names its parameters once and registers each case as
 *
 *	static const struct file_set_params Params = {
 *		.tag = "pmap", .file_size = 1 * MiB,
 *		.parts = 3, .part_size = 64 * KiB,
 *	};
 *	file_set_test(by_address_finds_every_byte, &Params),
 *
 * and the case finds the fixture in *state. A test that needs more around
 * it (an environment variable, a fake device) calls file_set_fixture_new()
 * and file_set_fixture_delete() from its own setup and teardown.
 */
#ifndef PMEMSET_FILE_SET_FIXTURE_H
#define PMEMSET_FILE_SET_FIXTURE_H

#include <stdbool.h>

#include "test_util.h"

#define FILE_SET_FIXTURE_PARTS_MAX 4

/* what the set-up makes */
struct file_set_params {
	const char *tag; /* in the file's name */
	size_t file_size;
	bool no_set; /* only the file and its source: the case makes sets */
	bool record_events; /* the set's events go to the fixture's log */
	/* mapped by the set-up: parts[i] is [i * part_size, +part_size) */
	size_t parts; /* up to FILE_SET_FIXTURE_PARTS_MAX */
	size_t part_size;
};

struct file_set_fixture {
	char *path;
	struct pmemset_source *src;
	struct pmemset *set; /* NULL with no_set; a case may replace it */
	struct pmemset_part_descriptor parts[FILE_SET_FIXTURE_PARTS_MAX];
	char *base; /* where the first part is mapped (NULL without parts) */
	/* with record_events: what the set did after the set-up's maps */
	struct event_log log;
};

struct file_set_fixture *file_set_fixture_new(const struct file_set_params *p);
void file_set_fixture_delete(struct file_set_fixture *f);

/* cmocka's: *state holds the parameters before, the fixture after */
int file_set_fixture_setup(void **state);
int file_set_fixture_teardown(void **state);

/* a case run between the two, with the parameters `params` points to */
#define file_set_test(name, params) \
	cmocka_unit_test_prestate_setup_teardown(name, \
		file_set_fixture_setup, file_set_fixture_teardown, \
		(void *)(params))

#endif
