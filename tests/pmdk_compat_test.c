// SPDX-License-Identifier: BSD-3-Clause
/*
 * pmdk_compat_test.c -- what PMDK 1.12.1's own libpmemset unit tests
 * (src/test/pmemset_* at tag 1.12.1) expect of the public API, where no
 * other test of ours already checks it. Each test is named
 * pmdk_<PMDK test program>_<PMDK case> and checks the same inputs and
 * outcomes; where we deliberately differ (documented in the page's NOTES)
 * it checks ours and says so. tests/README.md maps every PMDK case.
 *
 * PMDK's tests accept PMEMSET_E_CANNOT_COALESCE_PARTS from every FULL map
 * (they skip the rest). Ours must be deterministic, so the cases that
 * append to a part map made with coalescing off use a reservation of the
 * program's, where room after a part map is known to be free.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_set_fixture.h"
#include "test_util.h"

#define PART (64 * KiB)

/* a PAGE set, in `rsv` if not NULL, with the given coalescing */
static struct pmemset *
new_set(struct pmem2_vm_reservation *rsv, enum pmemset_coalescing c)
{
	struct pmemset *set = test_set_new_in(rsv, NULL, NULL);
	assert_ok(pmemset_set_contiguous_part_coalescing(set, c));
	return set;
}

/*
 * One map config for the whole file, as PMDK's tests keep theirs: deleting
 * it right after a failed map would be a fair test of pmemset_errormsg()'s
 * rule too, but that has tests of its own.
 */
static struct pmemset_map_config *Mc;

static int
group_setup(void **state)
{
	(void) state;
	return pmemset_map_config_new(&Mc);
}

static int
group_teardown(void **state)
{
	(void) state;
	return pmemset_map_config_delete(&Mc);
}

/* maps [offset, offset + length) through the map config */
static int
map_range(struct pmemset *set, struct pmemset_source *src, size_t offset,
		size_t length, struct pmemset_part_descriptor *desc)
{
	assert_ok(pmemset_map_config_set_offset(Mc, offset));
	pmemset_map_config_set_length(Mc, length);
	return pmemset_map(set, src, Mc, desc);
}

/* most cases map from one 1 MiB file: the fixture holds its source */
static const struct file_set_params File_params = {
	.tag = "pmdk", .file_size = 1 * MiB, .no_set = true,
};

static struct pmemset_source *
file_source(void **state)
{
	return ((struct file_set_fixture *)*state)->src;
}

static void
delete_set_and_reservation(struct pmemset **set,
		struct pmem2_vm_reservation **rsv)
{
	assert_ok(pmemset_delete(set));
	assert_int_equal(pmem2_vm_reservation_delete(rsv), 0);
}

/* the descriptor of the n-th part map in address order (from 0) */
static struct pmemset_part_descriptor
nth_desc(struct pmemset *set, size_t n)
{
	struct pmemset_part_map *pmap, *next;
	pmemset_first_part_map(set, &pmap);
	for (size_t i = 0; i < n && pmap != NULL; i++) {
		pmemset_next_part_map(set, pmap, &next);
		pmemset_part_map_drop(&pmap);
		pmap = next;
	}
	assert_non_null(pmap);
	struct pmemset_part_descriptor d = pmemset_descriptor_part_map(pmap);
	pmemset_part_map_drop(&pmap);
	return d;
}

/* removes the part map that holds addr */
static void
remove_at(struct pmemset *set, void *addr)
{
	struct pmemset_part_map *pmap;
	assert_ok(pmemset_part_map_by_address(set, &pmap, addr));
	assert_ok(pmemset_remove_part_map(set, &pmap));
	assert_null(pmap);
}

static char *
missing_path(const char *tag)
{
	char *p = test_file(tag, 0);
	unlink(p);
	return p;
}

/* whether the kernel has any mapping at addr (/proc/self/maps) */
static bool
is_mapped(const void *addr)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	assert_non_null(maps);
	uintptr_t a = (uintptr_t)addr;
	unsigned long start, end;
	bool found = false;
	char line[512];
	while (!found && fgets(line, sizeof(line), maps) != NULL)
		found = sscanf(line, "%lx-%lx", &start, &end) == 2 &&
			a >= start && a < end;
	fclose(maps);
	return found;
}

static mode_t
file_mode(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

/* ---- pmemset_map_config ---- */

/*
 * What both valid-source cases do, with either kind of source: map all of
 * it through a fresh map config, then delete the source while it is mapped
 * (and the config); the set keeps the part.
 */
static struct pmemset *
map_with_new_config_then_delete_source(struct pmemset_source **src)
{
	struct pmemset *set = new_set(NULL, PMEMSET_COALESCING_NONE);
	struct pmemset_map_config *mc;
	assert_ok(pmemset_map_config_new(&mc));
	assert_ok(pmemset_map(set, *src, mc, NULL));
	assert_ok(pmemset_source_delete(src));
	assert_null(*src);
	assert_ok(pmemset_map_config_delete(&mc));
	return set;
}

/* map with a fresh map config, delete the source while mapped, keep going */
static void
pmdk_map_config_new_valid_source_file(void **state)
{
	(void) state;
	char *path = test_file("mc_file", 16 * MiB);
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_file(&src, path));
	struct pmemset *set = map_with_new_config_then_delete_source(&src);
	struct pmemset_part_descriptor d = nth_desc(set, 0);
	assert_int_equal(d.size, 16 * MiB);
	memset(d.addr, 0x3c, PART);
	assert_ok(pmemset_persist(set, d.addr, PART));
	assert_ok(pmemset_delete(&set));
	test_file_remove(path);
}

/* a caller's pmem2 source: ours deleted, the caller's fd closed, set alive */
static void
pmdk_map_config_new_valid_source_pmem2(void **state)
{
	(void) state;
	char *path = test_file("mc_pmem2", 16 * MiB);
	int fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	struct pmem2_source *p2;
	assert_int_equal(pmem2_source_from_fd(&p2, fd), 0);
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_pmem2(&src, p2));
	struct pmemset *set = map_with_new_config_then_delete_source(&src);
	close(fd);
	struct pmemset_part_descriptor d = nth_desc(set, 0);
	memset(d.addr, 0x3d, PART);
	assert_ok(pmemset_persist(set, d.addr, PART));
	assert_ok(pmemset_delete(&set));
	assert_int_equal(pmem2_source_delete(&p2), 0);
	test_file_remove(path);
}

static void
pmdk_map_config_new_invalid_source(void **state)
{
	(void) state;
	struct pmemset *set = new_set(NULL, PMEMSET_COALESCING_NONE);
	struct pmemset_map_config *mc;
	assert_ok(pmemset_map_config_new(&mc));
	assert_err(pmemset_map(set, NULL, mc, NULL),
			PMEMSET_E_INVALID_SOURCE_TYPE);
	assert_msg_has("pmemset_map");
	assert_ok(pmemset_map_config_delete(&mc));
	assert_int_equal(test_count_part_maps(set), 0);
	assert_ok(pmemset_delete(&set));
}

/* ---- pmemset_new ---- */

static void
pmdk_new_delete_null_set(void **state)
{
	(void) state;
	struct pmemset *set = NULL;
	assert_ok(pmemset_delete(&set));
	assert_null(set);
}

/* ---- pmemset_source ---- */

static void
pmdk_source_src_from_file_null(void **state)
{
	(void) state;
	struct pmemset_source *src = (void *)0x1;
	assert_err(pmemset_source_from_file(&src, NULL),
			PMEMSET_E_INVALID_SOURCE_PATH);
	assert_null(src);
	assert_msg_has("pmemset_source_from_file");
	src = (void *)0x1;
	assert_err(pmemset_xsource_from_file(&src, NULL,
			PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED),
			PMEMSET_E_INVALID_SOURCE_PATH);
	assert_null(src);
	assert_msg_has("pmemset_xsource_from_file");
}

static void
pmdk_source_src_from_temporary_null_dir(void **state)
{
	(void) state;
	struct pmemset_source *src = (void *)0x1;
	assert_err(pmemset_source_from_temporary(&src, NULL),
			PMEMSET_E_INVALID_SOURCE_PATH);
	assert_null(src);
	assert_msg_has("pmemset_source_from_temporary");
}

/*
 * PMDK's pmemset_source TEST11, test_src_from_temporary_inval_dir: a NULL
 * directory and the relative "XYZ", which does not exist, both
 * INVALID_SOURCE_PATH, and no source.
 */
static void
pmdk_source_src_from_temporary_inval_dir(void **state)
{
	(void) state;
	struct stat st;
	assert_int_equal(stat("XYZ", &st), -1); /* PMDK's premise */
	struct pmemset_source *src = (void *)0x1;
	assert_err(pmemset_source_from_temporary(&src, NULL),
			PMEMSET_E_INVALID_SOURCE_PATH);
	assert_null(src);
	src = (void *)0x1;
	assert_err(pmemset_source_from_temporary(&src, "XYZ"),
			PMEMSET_E_INVALID_SOURCE_PATH);
	assert_null(src);
	assert_msg_has("\"XYZ\"");
}

/* CREATE_ALWAYS, CREATE_IF_NEEDED and IF_NEEDED | DO_NOT_GROW on a missing
 * file create it empty */
static void
pmdk_source_src_from_file_not_exists_disp(void **state)
{
	(void) state;
	const uint64_t flags[] = {
		PMEMSET_SOURCE_FILE_CREATE_ALWAYS,
		PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED,
		PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED |
			PMEMSET_SOURCE_FILE_DO_NOT_GROW,
	};
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		char *path = missing_path("disp");
		struct pmemset_source *src;
		assert_ok(pmemset_xsource_from_file(&src, path, flags[i]));
		assert_int_equal(access(path, F_OK), 0);
		assert_int_equal(test_file_size(path), 0);
		assert_ok(pmemset_source_delete(&src));
		assert_null(src);
		test_file_remove(path);
	}
}

/* the creation mode of each PMDK case; an existing file keeps its own */
static void
pmdk_source_src_from_file_modes(void **state)
{
	(void) state;
	const struct {
		uint64_t flags;
		mode_t expect;
	} cases[] = {
		/* test_src_from_file_with_rusr_mode */
		{PMEMSET_SOURCE_FILE_CREATE_ALWAYS |
			PMEMSET_SOURCE_FILE_CREATE_ALWAYS_MODE(
				PMEMSET_SOURCE_FILE_RUSR_MODE), 0400},
		/* ..._with_rwxu_mode */
		{PMEMSET_SOURCE_FILE_CREATE_ALWAYS |
			PMEMSET_SOURCE_FILE_CREATE_ALWAYS_MODE(
				PMEMSET_SOURCE_FILE_RWXU_MODE), 0700},
		/* ..._with_num_mode */
		{PMEMSET_SOURCE_FILE_CREATE_ALWAYS |
			PMEMSET_SOURCE_FILE_CREATE_ALWAYS_MODE(00700), 0700},
		/* ..._only_mode: the _ALWAYS_MODE macro alone */
		{PMEMSET_SOURCE_FILE_CREATE_ALWAYS_MODE(S_IXUSR), 0100},
		/* ..._with_rusr_mode_if_needed */
		{PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED |
			PMEMSET_SOURCE_FILE_CREATE_MODE(
				PMEMSET_SOURCE_FILE_RUSR_MODE), 0400},
	};
	mode_t old = umask(022);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *path = missing_path("mode");
		struct pmemset_source *src;
		assert_ok(pmemset_xsource_from_file(&src, path,
				cases[i].flags));
		assert_int_equal(file_mode(path), cases[i].expect);
		assert_ok(pmemset_source_delete(&src));
		test_file_remove(path);
	}

	/* ..._with_rwxu_mode_if_needed_created: the file exists already */
	char *path = test_file("mode_kept", 16 * MiB);
	assert_int_equal(chmod(path, 0644), 0);
	struct pmemset_source *src;
	assert_ok(pmemset_xsource_from_file(&src, path,
			PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED |
			PMEMSET_SOURCE_FILE_CREATE_MODE(
				PMEMSET_SOURCE_FILE_RWXU_MODE)));
	assert_int_equal(file_mode(path), 0644);
	assert_int_equal(test_file_size(path), 16 * MiB);
	assert_ok(pmemset_source_delete(&src));
	test_file_remove(path);
	umask(old);
}

/* test_src_from_file_with_inval_mode: decimal 90180 has bits beyond 0777 */
static void
pmdk_source_src_from_file_with_inval_mode(void **state)
{
	(void) state;
	char *path = missing_path("badmode");
	struct pmemset_source *src = (void *)0x1;
	assert_err(pmemset_xsource_from_file(&src, path,
			PMEMSET_SOURCE_FILE_CREATE_ALWAYS |
			PMEMSET_SOURCE_FILE_CREATE_MODE(90180)),
			PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS);
	assert_null(src);
	assert_int_equal(access(path, F_OK), -1);
	assert_ok(pmemset_source_delete(&src));
	assert_null(src);
	test_file_remove(path);
}

/* PMDK deletes the caller's pmem2 source before our source made from it */
static void
pmdk_source_src_file_and_pmem2_mcsafe(void **state)
{
	(void) state;
	char *path = test_file("mcsafe", 16 * MiB);
	int fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	const char text[] = "Write content";
	assert_int_equal(pwrite(fd, text, sizeof(text), 0), sizeof(text));

	struct pmemset_source *src;
	char buf[sizeof(text)];
	assert_ok(pmemset_source_from_file(&src, path));
	assert_ok(pmemset_source_pread_mcsafe(src, buf, sizeof(buf), 0));
	assert_memory_equal(buf, text, sizeof(text));
	const char text2[] = "Write content2";
	assert_ok(pmemset_source_pwrite_mcsafe(src, (void *)text2,
			sizeof(text2), 0));
	assert_ok(pmemset_source_delete(&src));
	char back[sizeof(text2)];
	assert_int_equal(pread(fd, back, sizeof(back), 0), sizeof(back));
	assert_memory_equal(back, text2, sizeof(text2));

	struct pmem2_source *p2;
	assert_int_equal(pmem2_source_from_fd(&p2, fd), 0);
	assert_ok(pmemset_source_from_pmem2(&src, p2));
	const char text3[] = "Write content3";
	assert_ok(pmemset_source_pwrite_mcsafe(src, (void *)text3,
			sizeof(text3), 0));
	char buf3[sizeof(text3)];
	assert_ok(pmemset_source_pread_mcsafe(src, buf3, sizeof(buf3), 0));
	assert_memory_equal(buf3, text3, sizeof(text3));
	assert_int_equal(pmem2_source_delete(&p2), 0);
	assert_ok(pmemset_source_delete(&src));
	assert_null(src);
	close(fd);
	test_file_remove(path);
}

/* ---- pmemset_part ---- */

/* after pmemset_delete the part's addresses are no longer mapped */
static void
pmdk_part_unmap_part(void **state)
{
	(void) state;
	char *path = test_file("unmap", 16 * MiB);
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_file(&src, path));
	struct pmemset *set = new_set(NULL, PMEMSET_COALESCING_NONE);
	struct pmemset_part_descriptor d;
	assert_ok(pmemset_map(set, src, NULL, &d));
	memset(d.addr, 1, d.size);
	assert_ok(pmemset_persist(set, d.addr, d.size));
	assert_true(is_mapped(d.addr));
	assert_true(is_mapped((char *)d.addr + d.size - 1));
	assert_ok(pmemset_delete(&set));
	assert_false(is_mapped(d.addr));
	assert_false(is_mapped((char *)d.addr + d.size - 1));
	assert_ok(pmemset_source_delete(&src));
	test_file_remove(path);
}

/* a whole-file map of a file whose size is not a page multiple */
static void
pmdk_part_map_unaligned_size(void **state)
{
	(void) state;
	char *path = test_file("unaligned", 16 * MiB - 1);
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_file(&src, path));
	struct pmemset *set = new_set(NULL, PMEMSET_COALESCING_NONE);
	assert_err(pmemset_map(set, src, NULL, NULL),
			PMEMSET_E_LENGTH_UNALIGNED);
	assert_int_equal(test_count_part_maps(set), 0);
	assert_int_equal(test_file_size(path), 16 * MiB - 1);
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
	test_file_remove(path);
}

/* FULL turned on before the first map: the first maps as NONE would */
static void
pmdk_part_map_full_coalesce_before(void **state)
{
	struct pmemset_source *src = file_source(state);
	struct pmemset *set = new_set(NULL, PMEMSET_COALESCING_FULL);
	assert_ok(pmemset_map(set, src, NULL, NULL));
	struct pmemset_part_descriptor before = nth_desc(set, 0);
	assert_int_equal(before.size, 1 * MiB);
	assert_ok(pmemset_map(set, src, NULL, NULL));
	assert_int_equal(test_count_part_maps(set), 1);
	struct pmemset_part_descriptor after = nth_desc(set, 0);
	assert_ptr_equal(after.addr, before.addr);
	assert_int_equal(after.size, 2 * MiB);
	assert_ok(pmemset_delete(&set));
}

/*
 * FULL turned on after a first map made with coalescing off. Without a
 * reservation of the program's, that part map keeps no room after it
 * (pmemset_set_contiguous_part_coalescing(3)): FULL fails and maps nothing,
 * an outcome PMDK's test accepts. In the program's reservation it appends.
 */
static void
pmdk_part_map_full_coalesce_after(void **state)
{
	struct pmemset_source *src = file_source(state);

	struct pmemset *set = new_set(NULL, PMEMSET_COALESCING_NONE);
	assert_ok(pmemset_map(set, src, NULL, NULL));
	struct pmemset_part_descriptor before = nth_desc(set, 0);
	assert_ok(pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_FULL));
	assert_err(pmemset_map(set, src, NULL, NULL),
			PMEMSET_E_CANNOT_COALESCE_PARTS);
	assert_int_equal(test_count_part_maps(set), 1);
	struct pmemset_part_descriptor after = nth_desc(set, 0);
	assert_ptr_equal(after.addr, before.addr);
	assert_int_equal(after.size, before.size);
	assert_ok(pmemset_delete(&set));

	struct pmem2_vm_reservation *rsv;
	assert_int_equal(pmem2_vm_reservation_new(&rsv, NULL, 4 * MiB), 0);
	set = new_set(rsv, PMEMSET_COALESCING_NONE);
	assert_ok(pmemset_map(set, src, NULL, NULL));
	before = nth_desc(set, 0);
	assert_ok(pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_FULL));
	assert_ok(pmemset_map(set, src, NULL, NULL));
	assert_int_equal(test_count_part_maps(set), 1);
	after = nth_desc(set, 0);
	assert_ptr_equal(after.addr, before.addr);
	assert_int_equal(after.size, 2 * MiB);
	delete_set_and_reservation(&set, &rsv);
}

/* OPPORTUNISTIC after a NONE map: a part map of its own, of equal size
 * (one of the two outcomes PMDK's test accepts; ours is documented) */
static void
pmdk_part_map_opp_coalesce_after(void **state)
{
	struct pmemset_source *src = file_source(state);
	struct pmemset *set = new_set(NULL, PMEMSET_COALESCING_NONE);
	assert_ok(map_range(set, src, 0, PART, NULL));
	assert_ok(pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_OPPORTUNISTIC));
	assert_ok(map_range(set, src, 0, PART, NULL));
	assert_int_equal(test_count_part_maps(set), 2);
	assert_int_equal(nth_desc(set, 0).size, PART);
	assert_int_equal(nth_desc(set, 1).size, PART);
	assert_ok(pmemset_delete(&set));
}

/* remove the first of two part maps; the second becomes the first */
static void
pmdk_part_remove_part_map(void **state)
{
	struct pmemset_source *src = file_source(state);
	struct pmemset *set = new_set(NULL, PMEMSET_COALESCING_NONE);
	assert_ok(map_range(set, src, 0, PART, NULL));
	assert_ok(map_range(set, src, 0, 2 * PART, NULL));
	struct pmemset_part_map *first, *second;
	pmemset_first_part_map(set, &first);
	pmemset_next_part_map(set, first, &second);
	assert_non_null(second);
	struct pmemset_part_descriptor kept = pmemset_descriptor_part_map(second);
	pmemset_part_map_drop(&second);
	assert_null(second);
	assert_ok(pmemset_remove_part_map(set, &first));
	assert_null(first);
	pmemset_first_part_map(set, &first);
	assert_non_null(first);
	assert_ptr_equal(pmemset_descriptor_part_map(first).addr, kept.addr);
	assert_ok(pmemset_remove_part_map(set, &first));
	assert_null(first);
	pmemset_first_part_map(set, &first);
	assert_null(first);
	assert_ok(pmemset_delete(&set));
}

/* FULL from the start: 64 KiB + 128 KiB make one part map; removing it
 * empties the set */
static void
pmdk_part_full_coalescing_before_remove_part_map(void **state)
{
	struct pmemset_source *src = file_source(state);
	struct pmemset *set = new_set(NULL, PMEMSET_COALESCING_FULL);
	assert_ok(map_range(set, src, 0, PART, NULL));
	assert_ok(map_range(set, src, 0, 2 * PART, NULL));
	assert_int_equal(test_count_part_maps(set), 1);
	struct pmemset_part_map *pmap;
	pmemset_first_part_map(set, &pmap);
	assert_int_equal(pmemset_descriptor_part_map(pmap).size, 3 * PART);
	assert_ok(pmemset_remove_part_map(set, &pmap));
	assert_null(pmap);
	pmemset_first_part_map(set, &pmap);
	assert_null(pmap);
	assert_ok(pmemset_delete(&set));
}

/* two NONE part maps in the program's reservation, at base and base + 1 MiB */
static struct pmemset *
two_whole_file_maps(struct pmem2_vm_reservation **rsv,
		struct pmemset_source *src, char **base)
{
	assert_int_equal(pmem2_vm_reservation_new(rsv, NULL, 4 * MiB), 0);
	*base = pmem2_vm_reservation_get_address(*rsv);
	struct pmemset *set = new_set(*rsv, PMEMSET_COALESCING_NONE);
	assert_ok(pmemset_map(set, src, NULL, NULL));
	assert_ok(pmemset_map(set, src, NULL, NULL));
	assert_ptr_equal(nth_desc(set, 0).addr, *base);
	assert_ptr_equal(nth_desc(set, 1).addr, *base + 1 * MiB);
	return set;
}

/* the first (older) part map removed: FULL appends to the remaining one */
static void
pmdk_part_full_coalescing_after_remove_first_part_map(void **state)
{
	struct pmemset_source *src = file_source(state);
	struct pmem2_vm_reservation *rsv;
	char *base;
	struct pmemset *set = two_whole_file_maps(&rsv, src, &base);
	remove_at(set, base);
	assert_ptr_equal(nth_desc(set, 0).addr, base + 1 * MiB);
	assert_ok(pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_FULL));
	assert_ok(pmemset_map(set, src, NULL, NULL));
	assert_int_equal(test_count_part_maps(set), 1);
	struct pmemset_part_descriptor d = nth_desc(set, 0);
	assert_ptr_equal(d.addr, base + 1 * MiB);
	assert_int_equal(d.size, 2 * MiB);
	remove_at(set, d.addr);
	assert_int_equal(test_count_part_maps(set), 0);
	delete_set_and_reservation(&set, &rsv);
}

/* the most recent part map removed: FULL appends to the one left, as PMDK
 * (api.md, Coalescing) */
static void
pmdk_part_full_coalescing_after_remove_second_part_map(void **state)
{
	struct pmemset_source *src = file_source(state);
	struct pmem2_vm_reservation *rsv;
	char *base;
	struct pmemset *set = two_whole_file_maps(&rsv, src, &base);
	remove_at(set, base + 1 * MiB);
	assert_int_equal(test_count_part_maps(set), 1);
	assert_ok(pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_FULL));
	assert_ok(pmemset_map(set, src, NULL, NULL));
	assert_int_equal(test_count_part_maps(set), 1);
	struct pmemset_part_descriptor d = nth_desc(set, 0);
	assert_ptr_equal(d.addr, base);
	assert_int_equal(d.size, 2 * MiB);
	remove_at(set, d.addr);
	assert_int_equal(test_count_part_maps(set), 0);
	delete_set_and_reservation(&set, &rsv);
}

/* removes the middle part map (walking first/next) until none is left */
static void
remove_middles(struct pmemset *set, size_t n)
{
	while (n > 0) {
		struct pmemset_part_map *pmap, *next;
		pmemset_first_part_map(set, &pmap);
		assert_non_null(pmap);
		for (size_t i = 0; i < n / 2; i++) {
			pmemset_next_part_map(set, pmap, &next);
			assert_non_null(next);
			pmemset_part_map_drop(&pmap);
			pmap = next;
		}
		assert_ok(pmemset_remove_part_map(set, &pmap));
		assert_null(pmap);
		n--;
		assert_int_equal(test_count_part_maps(set), n);
	}
}

static void
pmdk_part_remove_multiple_part_maps(void **state)
{
	struct pmemset_source *src = file_source(state);
	struct pmemset *set = new_set(NULL, PMEMSET_COALESCING_NONE);
	for (int i = 0; i < 100; i++)
		assert_ok(map_range(set, src, 0, PART, NULL));
	remove_middles(set, 100);
	assert_ok(pmemset_delete(&set));
}

static void
pmdk_part_map_valid_source_temp(void **state)
{
	(void) state;
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_temporary(&src, test_dir()));
	struct pmemset *set = new_set(NULL, PMEMSET_COALESCING_NONE);
	struct pmemset_part_descriptor d;
	assert_ok(map_range(set, src, 0, 2 * PART, &d));
	assert_int_equal(d.size, 2 * PART);
	for (int i = 0; i < 3; i++) {
		assert_ok(map_range(set, src, 0, PART, &d));
		assert_int_equal(d.size, PART);
	}
	remove_middles(set, 4);
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
}

/* PMDK's test pins which error wins: the file cannot grow to SIZE_MAX */
static void
pmdk_part_map_invalid_source_temp(void **state)
{
	(void) state;
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_temporary(&src, test_dir()));
	struct pmemset *set = new_set(NULL, PMEMSET_COALESCING_NONE);
	assert_err(map_range(set, src, 0, SIZE_MAX, NULL),
			PMEMSET_E_CANNOT_GROW_SOURCE_FILE);
	assert_int_equal(test_count_part_maps(set), 0);
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
}

/* DO_NOT_GROW refuses, without it the file grows; sources are deleted
 * while their parts stay mapped, as in PMDK's test */
static void
pmdk_part_map_source_do_not_grow(void **state)
{
	(void) state;
	char *path = missing_path("dng");
	const uint64_t dng = PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED |
			PMEMSET_SOURCE_FILE_DO_NOT_GROW;
	struct pmemset *set = new_set(NULL, PMEMSET_COALESCING_NONE);
	struct pmemset_source *src;
	assert_ok(pmemset_xsource_from_file(&src, path, dng));
	assert_int_equal(test_file_size(path), 0);
	assert_err(map_range(set, src, 0, PART, NULL),
			PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL);
	assert_ok(pmemset_source_delete(&src));

	struct pmemset_part_descriptor d;
	assert_ok(pmemset_xsource_from_file(&src, path,
			PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED));
	assert_ok(map_range(set, src, 0, PART, &d));
	assert_int_equal(d.size, PART);
	assert_int_equal(test_file_size(path), PART);
	assert_ok(map_range(set, src, 0, 2 * PART, &d));
	assert_int_equal(d.size, 2 * PART);
	assert_int_equal(test_file_size(path), 2 * PART);
	assert_ok(pmemset_source_delete(&src));
	assert_null(src);

	assert_ok(pmemset_xsource_from_file(&src, path, dng));
	assert_int_equal(test_file_size(path), 2 * PART);
	assert_err(map_range(set, src, 0, 4 * PART, NULL),
			PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL);
	assert_int_equal(test_file_size(path), 2 * PART);
	assert_ok(pmemset_source_delete(&src));
	assert_int_equal(test_count_part_maps(set), 2);
	assert_ok(pmemset_delete(&set));
	test_file_remove(path);
}

/* an empty new file and no length: nothing to map, with or without
 * DO_NOT_GROW */
static void
pmdk_part_map_source_len_unset(void **state)
{
	(void) state;
	const uint64_t flags[] = {
		PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED,
		PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED |
			PMEMSET_SOURCE_FILE_DO_NOT_GROW,
	};
	struct pmemset *set = new_set(NULL, PMEMSET_COALESCING_NONE);
	for (size_t i = 0; i < 2; i++) {
		char *path = missing_path("len_unset");
		struct pmemset_source *src;
		assert_ok(pmemset_xsource_from_file(&src, path, flags[i]));
		assert_err(pmemset_map(set, src, NULL, NULL),
				PMEMSET_E_MAP_LENGTH_UNSET);
		assert_int_equal(test_file_size(path), 0);
		assert_ok(pmemset_source_delete(&src));
		test_file_remove(path);
	}
	assert_int_equal(test_count_part_maps(set), 0);
	assert_ok(pmemset_delete(&set));
}

/* a range from the last byte of one part map to the first of the next */
static void
pmdk_part_remove_two_ranges(void **state)
{
	struct pmemset_source *src = file_source(state);
	struct pmemset *set = new_set(NULL, PMEMSET_COALESCING_NONE);
	assert_ok(map_range(set, src, 0, PART, NULL));
	assert_ok(map_range(set, src, 0, PART, NULL));
	struct pmemset_part_descriptor a = nth_desc(set, 0), b = nth_desc(set, 1);
	char *a_end = (char *)a.addr + a.size;
	assert_ok(pmemset_remove_range(set, a_end - 1,
			(size_t)((char *)b.addr - a_end) + 2));
	assert_int_equal(test_count_part_maps(set), 0);
	assert_ok(pmemset_delete(&set));
}

/* nothing of the reservation's range [off, off + len) is mapped */
static void
assert_hole(struct pmem2_vm_reservation *rsv, size_t off, size_t len)
{
	struct pmem2_map *map = (void *)0x1;
	assert_int_equal(pmem2_vm_reservation_map_find(rsv, off, len, &map),
			PMEM2_E_MAPPING_NOT_FOUND);
	assert_null(map);
}

/* NONE, FULL, NONE, FULL: two part maps of two parts; a range over their
 * border takes one part of each */
static void
pmdk_part_remove_coalesced_two_ranges(void **state)
{
	struct pmemset_source *src = file_source(state);
	struct pmem2_vm_reservation *rsv;
	assert_int_equal(pmem2_vm_reservation_new(&rsv, NULL, 1 * MiB), 0);
	char *base = pmem2_vm_reservation_get_address(rsv);
	struct pmemset *set = new_set(rsv, PMEMSET_COALESCING_NONE);
	for (int i = 0; i < 4; i++) {
		assert_ok(pmemset_set_contiguous_part_coalescing(set,
				i % 2 ? PMEMSET_COALESCING_FULL :
				PMEMSET_COALESCING_NONE));
		assert_ok(map_range(set, src, 0, PART, NULL));
	}
	assert_int_equal(test_count_part_maps(set), 2);
	struct pmemset_part_descriptor a = nth_desc(set, 0), b = nth_desc(set, 1);
	assert_int_equal(a.size, 2 * PART);
	assert_int_equal(b.size, 2 * PART);
	char *a_end = (char *)a.addr + a.size;
	assert_ok(pmemset_remove_range(set, a_end - 1,
			(size_t)((char *)b.addr - a_end) + 2));
	assert_int_equal(test_count_part_maps(set), 2);
	a = nth_desc(set, 0);
	b = nth_desc(set, 1);
	assert_ptr_equal(a.addr, base);
	assert_int_equal(a.size, PART);
	assert_ptr_equal(b.addr, base + 3 * PART);
	assert_int_equal(b.size, PART);
	assert_hole(rsv, PART, 2 * PART);
	delete_set_and_reservation(&set, &rsv);
}

/* FULL from the start in the program's reservation: n parts of PART */
static struct pmemset *
coalesced_parts(struct pmem2_vm_reservation **rsv, size_t rsv_size,
		struct pmemset_source *src, int n, char **base)
{
	assert_int_equal(pmem2_vm_reservation_new(rsv, NULL, rsv_size), 0);
	*base = pmem2_vm_reservation_get_address(*rsv);
	struct pmemset *set = new_set(*rsv, PMEMSET_COALESCING_FULL);
	for (int i = 0; i < n; i++)
		assert_ok(map_range(set, src, 0, PART, NULL));
	assert_int_equal(test_count_part_maps(set), 1);
	struct pmemset_part_descriptor d = nth_desc(set, 0);
	assert_ptr_equal(d.addr, *base);
	assert_int_equal(d.size, (size_t)n * PART);
	return set;
}

/* one byte in the middle part of three removes that part only */
static void
pmdk_part_remove_coalesced_middle_range(void **state)
{
	struct pmemset_source *src = file_source(state);
	struct pmem2_vm_reservation *rsv;
	char *base;
	struct pmemset *set = coalesced_parts(&rsv, 1 * MiB, src, 3, &base);
	assert_ok(pmemset_remove_range(set, base + PART, 1));
	assert_hole(rsv, PART, PART);
	assert_int_equal(test_count_part_maps(set), 2);
	assert_ptr_equal(nth_desc(set, 0).addr, base);
	assert_ptr_equal(nth_desc(set, 1).addr, base + 2 * PART);
	delete_set_and_reservation(&set, &rsv);
}

/* five coalesced parts, the 2nd and 4th removed: three part maps */
static void
pmdk_part_divide_coalesced_remove_obtained_pmaps(void **state)
{
	struct pmemset_source *src = file_source(state);
	struct pmem2_vm_reservation *rsv;
	char *base;
	struct pmemset *set = coalesced_parts(&rsv, 1 * MiB, src, 5, &base);
	assert_ok(pmemset_remove_range(set, base + PART, PART));
	assert_ok(pmemset_remove_range(set, base + 3 * PART, PART));
	assert_int_equal(test_count_part_maps(set), 3);
	for (int i = 0; i < 3; i++) {
		struct pmemset_part_map *pmap;
		pmemset_first_part_map(set, &pmap);
		assert_ptr_equal(pmemset_descriptor_part_map(pmap).addr,
				base + (size_t)i * 2 * PART);
		assert_ok(pmemset_remove_part_map(set, &pmap));
		assert_null(pmap);
	}
	assert_int_equal(test_count_part_maps(set), 0);
	delete_set_and_reservation(&set, &rsv);
}

/* three parts fill the program's reservation; it is never resized */
static void
pmdk_part_map_with_set_reservation(void **state)
{
	struct pmemset_source *src = file_source(state);
	struct pmem2_vm_reservation *rsv;
	assert_int_equal(pmem2_vm_reservation_new(&rsv, NULL, 3 * PART), 0);
	char *base = pmem2_vm_reservation_get_address(rsv);
	struct pmemset *set = new_set(rsv, PMEMSET_COALESCING_NONE);
	for (int i = 0; i < 3; i++)
		assert_ok(map_range(set, src, 0, PART, NULL));
	assert_int_equal(test_count_part_maps(set), 3);
	for (size_t i = 0; i < 3; i++)
		assert_ptr_equal(nth_desc(set, i).addr, base + i * PART);
	for (size_t i = 0; i < 3; i++)
		remove_at(set, base + i * PART);
	assert_int_equal(pmem2_vm_reservation_get_size(rsv), 3 * PART);
	assert_int_equal(test_count_part_maps(set), 0);
	delete_set_and_reservation(&set, &rsv);
}

/* FULL on before the first map fills the reservation with one part map;
 * with its first and last parts removed, the next map is appended to the
 * middle one */
static void
pmdk_part_map_coalesce_with_set_reservation(void **state)
{
	struct pmemset_source *src = file_source(state);
	struct pmem2_vm_reservation *rsv;
	char *base;
	struct pmemset *set = coalesced_parts(&rsv, 3 * PART, src, 3, &base);
	assert_ok(pmemset_remove_range(set, base, PART));
	assert_ok(pmemset_remove_range(set, base + 2 * PART, PART));
	assert_ok(map_range(set, src, 0, PART, NULL));
	assert_int_equal(pmem2_vm_reservation_get_size(rsv), 3 * PART);
	assert_int_equal(test_count_part_maps(set), 1);
	struct pmemset_part_descriptor d = nth_desc(set, 0);
	assert_ptr_equal(d.addr, base + PART);
	assert_int_equal(d.size, 2 * PART);
	delete_set_and_reservation(&set, &rsv);
}

static void
pmdk_part_map_with_set_reservation_too_small(void **state)
{
	struct pmemset_source *src = file_source(state);
	struct pmem2_vm_reservation *rsv;
	assert_int_equal(pmem2_vm_reservation_new(&rsv, NULL, PART), 0);
	struct pmemset *set = new_set(rsv, PMEMSET_COALESCING_NONE);
	assert_err(map_range(set, src, 0, 2 * PART, NULL),
			PMEMSET_E_CANNOT_FIT_PART_MAP);
	assert_int_equal(pmem2_vm_reservation_get_size(rsv), PART);
	assert_int_equal(test_count_part_maps(set), 0);
	delete_set_and_reservation(&set, &rsv);
}

/* six half-size parts, every second removed: room for three more halves
 * but no two adjacent, so a whole-size part does not fit */
static void
pmdk_part_map_with_set_reservation_cannot_fit(void **state)
{
	struct pmemset_source *src = file_source(state);
	const size_t whole = 2 * PART, half = PART;
	struct pmem2_vm_reservation *rsv;
	assert_int_equal(pmem2_vm_reservation_new(&rsv, NULL, 3 * whole), 0);
	char *base = pmem2_vm_reservation_get_address(rsv);
	struct pmemset *set = new_set(rsv, PMEMSET_COALESCING_NONE);
	for (int i = 0; i < 6; i++)
		assert_ok(map_range(set, src, 0, half, NULL));
	for (size_t i = 1; i < 6; i += 2)
		remove_at(set, base + i * half);
	assert_err(map_range(set, src, 0, whole, NULL),
			PMEMSET_E_CANNOT_FIT_PART_MAP);
	assert_int_equal(pmem2_vm_reservation_get_size(rsv), 3 * whole);
	assert_int_equal(test_count_part_maps(set), 3);
	delete_set_and_reservation(&set, &rsv);
}

/* map, look up and remove from many threads at once on one set */
#define THREADS 8
#define OPS 200

struct worker {
	struct pmemset *set;
	struct pmemset_source *src;
	struct pmemset_map_config *mc;	/* shared by every thread, as PMDK */
	int failures;
};

/* no cmocka assertion here: it cannot fail a test from another thread */
static void *
map_lookup_remove(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < OPS; i++) {
		struct pmemset_part_descriptor d;
		struct pmemset_part_map *pmap = NULL;
		if (pmemset_map(w->set, w->src, w->mc, &d) != 0 ||
		    pmemset_part_map_by_address(w->set, &pmap, d.addr) != 0 ||
		    pmemset_remove_part_map(w->set, &pmap) != 0 ||
		    pmap != NULL)
			w->failures++;
	}
	return NULL;
}

static void
pmdk_part_pmemset_async_map_remove_multiple_part_maps(void **state)
{
	struct pmemset_source *src = file_source(state);
	struct pmemset *set = new_set(NULL, PMEMSET_COALESCING_NONE);
	struct pmemset_map_config *mc;
	assert_ok(pmemset_map_config_new(&mc));
	pmemset_map_config_set_length(mc, PART);
	pthread_t th[THREADS];
	struct worker w[THREADS];
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){set, src, mc, 0};
		assert_int_equal(pthread_create(&th[i], NULL,
				map_lookup_remove, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(w[i].failures, 0);
	}
	assert_int_equal(test_count_part_maps(set), 0);
	assert_ok(pmemset_map_config_delete(&mc));
	assert_ok(pmemset_delete(&set));
}

/* ---- pmemset_memcpy, pmemset_memmove, pmemset_memset ---- */

/* PMDK's flag sets for the three programs, the last one every flag */
static const unsigned Mem_flags[] = {
	0,
	PMEMSET_F_MEM_NODRAIN,
	PMEMSET_F_MEM_NONTEMPORAL,
	PMEMSET_F_MEM_TEMPORAL,
	PMEMSET_F_MEM_NONTEMPORAL | PMEMSET_F_MEM_TEMPORAL,
	PMEMSET_F_MEM_NONTEMPORAL | PMEMSET_F_MEM_NODRAIN,
	PMEMSET_F_MEM_WC,
	PMEMSET_F_MEM_WB,
	PMEMSET_F_MEM_NOFLUSH,
	PMEMSET_F_MEM_VALID_FLAGS,
};
#define NFLAGS (sizeof(Mem_flags) / sizeof(Mem_flags[0]))
#define MEM_AREA (4 * MiB)

struct mem_fixture {
	char *path;
	int fd;
	struct pmemset_source *src;
	struct pmemset *set;
	char *base;
	char *ref;	/* what the mapping and the file must hold */
};

static void
mem_open(struct mem_fixture *m)
{
	m->path = test_file("mem", MEM_AREA);
	m->fd = open(m->path, O_RDONLY);
	assert_true(m->fd >= 0);
	assert_ok(pmemset_source_from_file(&m->src, m->path));
	m->set = new_set(NULL, PMEMSET_COALESCING_NONE);
	struct pmemset_part_descriptor d;
	assert_ok(map_range(m->set, m->src, 0, MEM_AREA, &d));
	m->base = d.addr;
	m->ref = calloc(1, MEM_AREA);
	assert_non_null(m->ref);
}

/* the mapping and the file both hold the reference */
static void
mem_check(struct mem_fixture *m, size_t off, size_t len, unsigned flags)
{
	if (flags & PMEMSET_F_MEM_NOFLUSH)
		assert_ok(pmemset_persist(m->set, m->base + off, len));
	else if (flags & PMEMSET_F_MEM_NODRAIN)
		assert_ok(pmemset_drain(m->set));
	assert_memory_equal(m->base + off, m->ref + off, len);
	char *file = malloc(len);
	assert_int_equal(pread(m->fd, file, len, (off_t)off), (ssize_t)len);
	assert_memory_equal(file, m->ref + off, len);
	free(file);
}

static void
mem_close(struct mem_fixture *m)
{
	assert_ok(pmemset_delete(&m->set));
	assert_ok(pmemset_source_delete(&m->src));
	close(m->fd);
	free(m->ref);
	test_file_remove(m->path);
}

/* fills [off, off + len) of the mapping and the reference with a pattern */
static void
mem_fill(struct mem_fixture *m, size_t off, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		m->ref[off + i] = (char)(seed + i * 13 + (i >> 8));
	memcpy(m->base + off, m->ref + off, len);
	assert_ok(pmemset_persist(m->set, m->base + off, len));
}

/* pmemset_memcpy with every flag set, dest/src offsets (0,0) (7,0) (7,9)
 * (0,9), 4096 bytes, from the low half to the high one and back */
static void
pmdk_memcpy(void **state)
{
	(void) state;
	struct mem_fixture m;
	mem_open(&m);
	const size_t offs[][2] = {{0, 0}, {7, 0}, {7, 9}, {0, 9}};
	const size_t len = 4096, half = MEM_AREA / 2;
	unsigned seed = 1;
	for (size_t o = 0; o < 4; o++) {
		for (size_t f = 0; f < NFLAGS; f++) {
			for (int dir = 0; dir < 2; dir++) {
				size_t dst = (dir ? half : 0) + offs[o][0];
				size_t src = (dir ? 0 : half) + offs[o][1];
				mem_fill(&m, src, len, seed++);
				void *r = pmemset_memcpy(m.set, m.base + dst,
						m.base + src, len, Mem_flags[f]);
				assert_ptr_equal(r, m.base + dst);
				memcpy(m.ref + dst, m.ref + src, len);
				mem_check(&m, dst, len, Mem_flags[f]);
			}
		}
	}
	mem_close(&m);
}

/*
 * pmemset_memmove with every flag set, as PMDK's memmove cases: dest ==
 * src, length 0, and half of 4096 (or 2048) bytes at their offsets, with
 * dest below src, above it, and in the same buffer (overlapping).
 */
static void
pmdk_memmove(void **state)
{
	(void) state;
	struct mem_fixture m;
	mem_open(&m);
	/* bytes, dest offset, src offset, same buffer */
	const struct { size_t b, d, s; bool same; } cases[] = {
		{4096, 0, 0, false}, {4096, 0, 7, false},
		{4096, 7, 13, false}, {4096, 0, 23, true},
		{4096, 21, 0, false}, {4096, 21, 7, false},
		{4096, 0, 20, true}, {4096, 13, 20, true},
		{2048, 33, 0, true}, {4096, 20, 0, true},
	};
	const size_t half = MEM_AREA / 2;
	unsigned seed = 1;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		for (size_t f = 0; f < NFLAGS; f++) {
			for (int dir = 0; dir < (cases[c].same ? 1 : 2); dir++) {
				size_t b = cases[c].b;
				size_t dst = cases[c].same || dir ? 0 : half;
				size_t src = cases[c].same ? 0 :
						dir ? half : 0;
				unsigned fl = Mem_flags[f];
				mem_fill(&m, dst, b, seed++);
				if (!cases[c].same)
					mem_fill(&m, src, b, seed++);
				char *d = m.base + dst + cases[c].d;
				char *s = m.base + src + cases[c].s;
				/* dest == src and length 0 change nothing */
				assert_ptr_equal(pmemset_memmove(m.set, d, d,
						b / 2, fl), d);
				assert_ptr_equal(pmemset_memmove(m.set, d, s,
						0, fl), d);
				mem_check(&m, dst, b, fl);
				assert_ptr_equal(pmemset_memmove(m.set, d, s,
						b / 2, fl), d);
				memmove(m.ref + dst + cases[c].d,
					m.ref + src + cases[c].s, b / 2);
				mem_check(&m, dst, b, fl);
				mem_check(&m, src, b, fl);
			}
		}
	}
	mem_close(&m);
}

/* pmemset_memset with every flag set: offset 0 and 8 bytes, offset 13 and
 * 4096 bytes; length 0 changes nothing */
static void
pmdk_memset(void **state)
{
	(void) state;
	struct mem_fixture m;
	mem_open(&m);
	const size_t cases[][2] = {{0, 8}, {13, 4096}};
	for (size_t c = 0; c < 2; c++) {
		for (size_t f = 0; f < NFLAGS; f++) {
			size_t off = cases[c][0], len = cases[c][1];
			unsigned fl = Mem_flags[f];
			char *d = m.base + off;
			assert_ptr_equal(pmemset_memset(m.set, d, 0x5a, 0, fl),
					d);
			mem_check(&m, 0, off + len, fl);
			assert_ptr_equal(pmemset_memset(m.set, d, 0x46,
					len / 4, fl), d);
			memset(m.ref + off, 0x46, len / 4);
			assert_ptr_equal(pmemset_memset(m.set, d + len / 4,
					0x47, len / 4, fl), d + len / 4);
			memset(m.ref + off + len / 4, 0x47, len / 4);
			mem_check(&m, 0, off + len, fl);
		}
	}
	mem_close(&m);
}

/* ---- pmemset_persist ---- */

/* persist, flush and drain over two parts succeed and reach the file */
static void
pmdk_persist_multiple_parts_and_flush_drain(void **state)
{
	struct pmemset_source *src = file_source(state);
	struct pmemset *set = new_set(NULL, PMEMSET_COALESCING_NONE);
	struct pmemset_part_descriptor a, b;
	assert_ok(map_range(set, src, 0, PART, &a));
	assert_ok(map_range(set, src, 2 * PART, 4 * PART, &b));
	memset(a.addr, 1, a.size);
	memset(b.addr, 2, b.size);
	assert_ok(pmemset_persist(set, a.addr, a.size));
	assert_ok(pmemset_persist(set, b.addr, b.size));
	assert_ok(pmemset_persist(set, a.addr, a.size / 2));
	memset(a.addr, 3, a.size);
	memset(b.addr, 4, b.size);
	assert_ok(pmemset_flush(set, a.addr, a.size));
	assert_ok(pmemset_flush(set, b.addr, b.size / 2));
	assert_ok(pmemset_drain(set));
	/* the file holds what was flushed */
	unsigned char c;
	assert_ok(pmemset_source_pread_mcsafe(src, &c, 1, PART - 1));
	assert_int_equal(c, 3);
	assert_ok(pmemset_source_pread_mcsafe(src, &c, 1, 2 * PART));
	assert_int_equal(c, 4);
	assert_ok(pmemset_delete(&set));
}

int
main(void)
{
#define WITH_FILE(name) \
	file_set_test(name, &File_params)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pmdk_map_config_new_valid_source_file),
		cmocka_unit_test(pmdk_map_config_new_valid_source_pmem2),
		cmocka_unit_test(pmdk_map_config_new_invalid_source),
		cmocka_unit_test(pmdk_new_delete_null_set),
		cmocka_unit_test(pmdk_source_src_from_file_null),
		cmocka_unit_test(pmdk_source_src_from_temporary_null_dir),
		cmocka_unit_test(pmdk_source_src_from_temporary_inval_dir),
		cmocka_unit_test(pmdk_source_src_from_file_not_exists_disp),
		cmocka_unit_test(pmdk_source_src_from_file_modes),
		cmocka_unit_test(pmdk_source_src_from_file_with_inval_mode),
		cmocka_unit_test(pmdk_source_src_file_and_pmem2_mcsafe),
		cmocka_unit_test(pmdk_part_unmap_part),
		cmocka_unit_test(pmdk_part_map_unaligned_size),
		WITH_FILE(pmdk_part_map_full_coalesce_before),
		WITH_FILE(pmdk_part_map_full_coalesce_after),
		WITH_FILE(pmdk_part_map_opp_coalesce_after),
		WITH_FILE(pmdk_part_remove_part_map),
		WITH_FILE(
			pmdk_part_full_coalescing_before_remove_part_map),
		WITH_FILE(
			pmdk_part_full_coalescing_after_remove_first_part_map),
		WITH_FILE(
			pmdk_part_full_coalescing_after_remove_second_part_map),
		WITH_FILE(pmdk_part_remove_multiple_part_maps),
		cmocka_unit_test(pmdk_part_map_valid_source_temp),
		cmocka_unit_test(pmdk_part_map_invalid_source_temp),
		cmocka_unit_test(pmdk_part_map_source_do_not_grow),
		cmocka_unit_test(pmdk_part_map_source_len_unset),
		WITH_FILE(pmdk_part_remove_two_ranges),
		WITH_FILE(pmdk_part_remove_coalesced_two_ranges),
		WITH_FILE(pmdk_part_remove_coalesced_middle_range),
		WITH_FILE(
			pmdk_part_divide_coalesced_remove_obtained_pmaps),
		WITH_FILE(pmdk_part_map_with_set_reservation),
		WITH_FILE(pmdk_part_map_coalesce_with_set_reservation),
		WITH_FILE(pmdk_part_map_with_set_reservation_too_small),
		WITH_FILE(pmdk_part_map_with_set_reservation_cannot_fit),
		WITH_FILE(
			pmdk_part_pmemset_async_map_remove_multiple_part_maps),
		cmocka_unit_test(pmdk_memcpy),
		cmocka_unit_test(pmdk_memmove),
		cmocka_unit_test(pmdk_memset),
		WITH_FILE(pmdk_persist_multiple_parts_and_flush_drain),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
