// SPDX-License-Identifier: BSD-3-Clause
/*
 * remove_failure_test.c -- unmapping never fails silently. A removal
 * (pmemset_remove_part_map, pmemset_remove_range, pmemset_delete) whose
 * unmapping fails returns the error, keeps every part it could not unmap in
 * the set, reachable and writable, reports each of them again with
 * PART_ADD (so PART_ADD - PART_REMOVE is still what is mapped), and can be
 * retried. Two ways to fail: libpmem2's pmem2_map_delete failing through
 * the seam (--wrap, our objects), and the process really at its limit of
 * kernel mappings (vm.max_map_count, filled with anonymous mappings), where
 * splitting a coalesced part map is impossible.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "test_util.h"

#define PART (64 * KiB)
#define NPARTS 3

int __real_pmem2_map_delete(struct pmem2_map **map);
int __wrap_pmem2_map_delete(struct pmem2_map **map);

/* skip that many calls, then fail one with Fail_ret (0: never) */
static int Fail_skip;
static int Fail_ret;
static int Deletes;

int
__wrap_pmem2_map_delete(struct pmem2_map **map)
{
	Deletes++;
	if (Fail_ret != 0 && Fail_skip-- == 0) {
		int ret = Fail_ret;
		Fail_ret = 0;
		return ret;
	}
	return __real_pmem2_map_delete(map);
}

static struct event_log Log;

struct fx {
	char *path;
	struct pmemset_source *src;
	struct pmemset *set;
	char *addr[NPARTS];	/* each part, in one coalesced part map */
};

static void
fx_setup(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	event_log_clear(&Log);
	f->set = test_file_set_new(&f->path, &f->src, "rmfail", NPARTS * PART,
			event_log_cb, &Log);
	assert_ok(pmemset_set_contiguous_part_coalescing(f->set,
			PMEMSET_COALESCING_OPPORTUNISTIC));
	for (int i = 0; i < NPARTS; i++) {
		struct pmemset_part_descriptor d;
		test_map(f->set, f->src, (size_t)i * PART, PART, &d);
		f->addr[i] = (char *)d.addr + (size_t)i * PART;
		memset(f->addr[i], 'a' + i, PART);
	}
	/* coalescing with room after the first part always appends */
	assert_int_equal(test_count_part_maps(f->set), 1);
}

static void
fx_teardown(struct fx *f)
{
	test_file_set_delete(&f->set, &f->src, f->path);
}

/* part i is in the set, holds its bytes and takes stores */
static void
assert_part_usable(struct fx *f, int i)
{
	struct pmemset_part_map *pm;
	assert_ok(pmemset_part_map_by_address(f->set, &pm, f->addr[i]));
	pmemset_part_map_drop(&pm);
	assert_int_equal(f->addr[i][0], 'a' + i);
	assert_int_equal(f->addr[i][PART - 1], 'a' + i);
	f->addr[i][1] = 'a' + i; /* SIGSEGV if it were left read-only */
	assert_ok(pmemset_persist(f->set, f->addr[i], PART));
}

/* the one part map of the fixture: a reference to it and its extent */
static struct pmemset_part_descriptor
the_part_map(struct fx *f, struct pmemset_part_map **pm)
{
	assert_ok(pmemset_part_map_by_address(f->set, pm, f->addr[0]));
	struct pmemset_part_descriptor d = pmemset_descriptor_part_map(*pm);
	event_log_clear(&Log);
	return d;
}

static size_t
count_events(enum pmemset_event type)
{
	return event_log_count(&Log, type);
}

/* the permissions /proc/self/maps shows for addr ("" if not mapped) */
static void
perms_at(const void *addr, char perms[5])
{
	perms[0] = '\0';
	FILE *maps = fopen("/proc/self/maps", "re");
	assert_non_null(maps);
	char line[512];
	while (fgets(line, sizeof(line), maps) != NULL) {
		unsigned long lo, hi;
		char p[5];
		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, p) != 3)
			continue;
		if ((unsigned long)addr >= lo && (unsigned long)addr < hi) {
			memcpy(perms, p, 5);
			break;
		}
	}
	fclose(maps);
}

/* a removed part is gone: its bytes are no longer writable */
static void
assert_not_writable(const void *addr)
{
	char perms[5];
	perms_at(addr, perms);
	if (perms[0] != '\0' && perms[1] == 'w')
		fail_msg("%p is still mapped %s after its removal", addr,
				perms);
}

static void
remove_part_map_failing_first_changes_nothing(void **state)
{
	(void) state;
	struct fx f;
	fx_setup(&f);
	struct pmemset_part_map *pm;
	struct pmemset_part_descriptor before = the_part_map(&f, &pm);
	Fail_skip = 0;
	Fail_ret = -ENOMEM;
	assert_err(pmemset_remove_part_map(f.set, &pm), -ENOMEM);
	assert_msg_has("pmemset_remove_part_map");
	assert_msg_has("stays in the set");
	/* the caller's reference is still good, to the same part map */
	assert_non_null(pm);
	struct pmemset_part_descriptor after = pmemset_descriptor_part_map(pm);
	assert_ptr_equal(after.addr, before.addr);
	assert_int_equal(after.size, before.size);
	assert_int_equal(test_count_part_maps(f.set), 1);
	for (int i = 0; i < NPARTS; i++)
		assert_part_usable(&f, i);
	assert_int_equal(count_events(PMEMSET_EVENT_PART_REMOVE), NPARTS);
	assert_int_equal(count_events(PMEMSET_EVENT_PART_ADD), NPARTS);
	assert_int_equal(event_log_mapped_bytes(&Log), 0);
	/* and again, with nothing failing */
	assert_ok(pmemset_remove_part_map(f.set, &pm));
	assert_null(pm);
	for (int i = 0; i < NPARTS; i++)
		assert_not_writable(f.addr[i]);
	fx_teardown(&f);
}

static void
remove_part_map_failing_later_keeps_the_rest(void **state)
{
	(void) state;
	struct fx f;
	fx_setup(&f);
	struct pmemset_part_map *pm;
	(void) the_part_map(&f, &pm);
	Fail_skip = 1;
	Fail_ret = PMEM2_E_MAPPING_NOT_FOUND;
	int ret = pmemset_remove_part_map(f.set, &pm);
	assert_true(ret < 0);
	/* the first part went; the part map holds the other two */
	assert_non_null(pm);
	struct pmemset_part_descriptor d = pmemset_descriptor_part_map(pm);
	assert_ptr_equal(d.addr, f.addr[1]);
	assert_int_equal(d.size, (NPARTS - 1) * PART);
	assert_not_writable(f.addr[0]);
	for (int i = 1; i < NPARTS; i++)
		assert_part_usable(&f, i);
	assert_int_equal(event_log_mapped_bytes(&Log), -(long long)PART);
	assert_ok(pmemset_remove_part_map(f.set, &pm));
	assert_int_equal(test_count_part_maps(f.set), 0);
	fx_teardown(&f);
}

static void
remove_range_failing_keeps_the_part(void **state)
{
	(void) state;
	struct fx f;
	fx_setup(&f);
	event_log_clear(&Log);
	Fail_skip = 0;
	Fail_ret = -ENOMEM;
	assert_err(pmemset_remove_range(f.set, f.addr[1], PART), -ENOMEM);
	assert_msg_has("pmemset_remove_range");
	for (int i = 0; i < NPARTS; i++)
		assert_part_usable(&f, i);
	assert_int_equal(event_log_mapped_bytes(&Log), 0);
	assert_ok(pmemset_remove_range(f.set, f.addr[1], PART));
	assert_not_writable(f.addr[1]);
	assert_part_usable(&f, 0);
	assert_part_usable(&f, 2);
	fx_teardown(&f);
}

static void
delete_failing_leaves_the_set_usable(void **state)
{
	(void) state;
	struct fx f;
	fx_setup(&f);
	struct pmemset *set = f.set;
	Fail_skip = 0;
	Fail_ret = -ENOMEM;
	assert_err(pmemset_delete(&f.set), -ENOMEM);
	assert_msg_has("pmemset_delete");
	assert_ptr_equal(f.set, set);
	for (int i = 0; i < NPARTS; i++)
		assert_part_usable(&f, i);
	/* still a set: it maps, and deletes once unmapping works */
	test_map(f.set, f.src, 0, PART, NULL);
	assert_ok(pmemset_delete(&f.set));
	assert_null(f.set);
	for (int i = 0; i < NPARTS; i++)
		assert_not_writable(f.addr[i]);
	assert_ok(pmemset_source_delete(&f.src));
	test_file_remove(f.path);
}

/* ---- at vm.max_map_count ---- */

#define MAX_FILL 200000

static void **Fill;
static size_t Nfill;

/* anonymous pages until the kernel refuses one more mapping */
static void
fill_mappings(void)
{
	Fill = calloc(MAX_FILL, sizeof(*Fill));
	assert_non_null(Fill);
	size_t page = 4096;
	for (Nfill = 0; Nfill < MAX_FILL; Nfill++) {
		/* alternating protections: neighbours never merge */
		void *p = mmap(NULL, page, Nfill % 2 ? PROT_READ : PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			break;
		Fill[Nfill] = p;
	}
	assert_true(Nfill < MAX_FILL);
}

static void
release_mappings(void)
{
	for (size_t i = 0; i < Nfill; i++)
		munmap(Fill[i], 4096);
	free(Fill);
	Fill = NULL;
	Nfill = 0;
}

static void
removals_at_the_mapping_limit_fail_cleanly(void **state)
{
	(void) state;
	if (getenv("PMEMSET_TEST_SKIP_MAP_LIMIT") != NULL)
		skip();
	struct fx f;
	fx_setup(&f);
	struct pmemset_part_map *pm;
	struct pmemset_part_descriptor before = the_part_map(&f, &pm);
	pmemset_part_map_drop(&pm);

	fill_mappings();
	/* the middle part: its mapping must be split off, which cannot be */
	int ret = pmemset_remove_range(f.set, f.addr[1], PART);
	assert_int_equal(ret, -ENOMEM);
	assert_msg_has("vm.max_map_count");
	/* nothing changed: one part map as before, every byte writable */
	assert_ok(pmemset_part_map_by_address(f.set, &pm, f.addr[0]));
	struct pmemset_part_descriptor after = pmemset_descriptor_part_map(pm);
	pmemset_part_map_drop(&pm);
	assert_ptr_equal(after.addr, before.addr);
	assert_int_equal(after.size, before.size);
	assert_int_equal(test_count_part_maps(f.set), 1);
	for (int i = 0; i < NPARTS; i++)
		assert_part_usable(&f, i);
	assert_int_equal(event_log_mapped_bytes(&Log), 0);

	/* delete, still at the limit: all unmapped, or an error and a set */
	ret = pmemset_delete(&f.set);
	release_mappings();
	if (ret == 0) {
		assert_null(f.set);
		for (int i = 0; i < NPARTS; i++)
			assert_not_writable(f.addr[i]);
		assert_ok(pmemset_source_delete(&f.src));
		test_file_remove(f.path);
		return;
	}
	assert_int_equal(ret, -ENOMEM);
	assert_non_null(f.set);
	for (int i = 0; i < NPARTS; i++)
		assert_part_usable(&f, i);
	/* with room again, the same calls work */
	assert_ok(pmemset_remove_range(f.set, f.addr[1], PART));
	assert_not_writable(f.addr[1]);
	fx_teardown(&f);
	for (int i = 0; i < NPARTS; i++)
		assert_not_writable(f.addr[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(remove_part_map_failing_first_changes_nothing),
		cmocka_unit_test(remove_part_map_failing_later_keeps_the_rest),
		cmocka_unit_test(remove_range_failing_keeps_the_part),
		cmocka_unit_test(delete_failing_leaves_the_set_usable),
		cmocka_unit_test(removals_at_the_mapping_limit_fail_cleanly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
