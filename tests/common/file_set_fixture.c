// SPDX-License-Identifier: BSD-3-Clause
/*
 * file_set_fixture.c -- a file, its source and a set with parts mapped,
 * made and deleted for each test case (see file_set_fixture.h).
 */
#include <stdlib.h>

#include "file_set_fixture.h"

struct file_set_fixture *
file_set_fixture_new(const struct file_set_params *p)
{
	if (p->parts > FILE_SET_FIXTURE_PARTS_MAX)
		fail_msg("file_set_params: %zu parts, the fixture holds %d",
			p->parts, FILE_SET_FIXTURE_PARTS_MAX);
	if (p->no_set && (p->parts > 0 || p->record_events))
		fail_msg("file_set_params: no set to map parts or record events");
	struct file_set_fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->path = test_file(p->tag, p->file_size);
	assert_ok(pmemset_source_from_file(&f->src, f->path));
	if (!p->no_set)
		f->set = test_set_new(PMEM2_GRANULARITY_PAGE,
				p->record_events ? event_log_cb : NULL,
				p->record_events ? &f->log : NULL);
	for (size_t i = 0; i < p->parts; i++)
		test_map(f->set, f->src, i * p->part_size, p->part_size,
				&f->parts[i]);
	if (p->parts > 0)
		f->base = f->parts[0].addr;
	/* the cases check what they do, not what the set-up did */
	event_log_clear(&f->log);
	return f;
}

void
file_set_fixture_delete(struct file_set_fixture *f)
{
	test_file_set_delete(&f->set, &f->src, f->path);
	free(f);
}

int
file_set_fixture_setup(void **state)
{
	const struct file_set_params *p = *state;
	if (p == NULL)
		fail_msg("no file_set_params: register with file_set_test()");
	*state = file_set_fixture_new(p);
	return 0;
}

int
file_set_fixture_teardown(void **state)
{
	file_set_fixture_delete(*state);
	return 0;
}
