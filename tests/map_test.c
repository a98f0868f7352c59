// SPDX-License-Identifier: BSD-3-Clause
/*
 * map_test.c -- pmemset_map: offset and length rules, growing the file,
 * rollback of failed maps, growing a temporary file ahead, the size a
 * source knows, granularity, placement in user reservations and coalescing.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "file_set_fixture.h"
#include "test_util.h"

/* kept across calls: deleting it would clear the message of a failed map */
static struct pmemset_map_config *Map_cfg;

/* a 1 MiB file and a set, nothing mapped */
static const struct file_set_params Params = {
	.tag = "map", .file_size = 1 * MiB,
};

/* and what a case may have left: a forced granularity, Map_cfg */
static int
teardown(void **state)
{
	file_set_fixture_teardown(state);
	unsetenv("PMEM2_FORCE_GRANULARITY");
	pmemset_map_config_delete(&Map_cfg);
	return 0;
}

static int
map_at(struct pmemset *set, struct pmemset_source *src, size_t off,
		size_t len, struct pmemset_part_descriptor *d)
{
	if (Map_cfg == NULL)
		assert_ok(pmemset_map_config_new(&Map_cfg));
	assert_ok(pmemset_map_config_set_offset(Map_cfg, off));
	pmemset_map_config_set_length(Map_cfg, len);
	return pmemset_map(set, src, Map_cfg, d);
}

static void
pmdk_program_three_overlapping_parts(void **state)
{
	/* PMDK 1.12.1's own example: 128 KiB parts at 0, 64 KiB, 128 KiB */
	struct file_set_fixture *f = *state;
	void *addr[3];
	for (int i = 0; i < 3; i++) {
		struct pmemset_part_descriptor d;
		assert_ok(map_at(f->set, f->src, (size_t)i * 64 * KiB,
				128 * KiB, &d));
		assert_int_equal(d.size, 128 * KiB);
		addr[i] = d.addr;
		memset(d.addr, 'a' + i, 128 * KiB);
		assert_ok(pmemset_persist(f->set, d.addr, d.size));
	}
	assert_int_equal(test_count_part_maps(f->set), 3);
	/* the three views share file bytes: the last write wins in each */
	assert_int_equal(((char *)addr[0])[0], 'a');
	assert_int_equal(((char *)addr[1])[0], 'b');
	assert_int_equal(((char *)addr[1])[64 * KiB], 'c');
	assert_int_equal(((char *)addr[0])[64 * KiB], 'b');
}

static void
null_map_config_maps_the_whole_file(void **state)
{
	struct file_set_fixture *f = *state;
	struct pmemset_part_descriptor d;
	assert_ok(pmemset_map(f->set, f->src, NULL, &d));
	assert_int_equal(d.size, 1 * MiB);
	assert_ok(pmemset_map(f->set, f->src, NULL, NULL)); /* desc optional */
}

static void
length_zero_maps_to_the_end_of_the_file(void **state)
{
	struct file_set_fixture *f = *state;
	struct pmemset_part_descriptor d;
	assert_ok(map_at(f->set, f->src, 256 * KiB, 0, &d));
	assert_int_equal(d.size, 1 * MiB - 256 * KiB);
	assert_int_equal(test_file_size(f->path), 1 * MiB);
	assert_err(map_at(f->set, f->src, 1 * MiB, 0, &d),
			PMEMSET_E_MAP_LENGTH_UNSET);
	assert_err(map_at(f->set, f->src, 2 * MiB, 0, &d),
			PMEMSET_E_MAP_LENGTH_UNSET);
}

static void
unaligned_offset_and_length(void **state)
{
	struct file_set_fixture *f = *state;
	assert_err(map_at(f->set, f->src, 100, 4 * KiB, NULL),
			PMEMSET_E_INVALID_OFFSET_VALUE);
	assert_msg_has("100");
	assert_err(map_at(f->set, f->src, 0, 4 * KiB + 1, NULL),
			PMEMSET_E_LENGTH_UNALIGNED);
	assert_msg_has("4097");
	/* as PMDK: a length no file can grow to fails growing first */
	assert_err(map_at(f->set, f->src, 0, SIZE_MAX & ~(4 * KiB - 1),
			NULL), PMEMSET_E_CANNOT_GROW_SOURCE_FILE);
	assert_err(map_at(f->set, f->src, 0, SIZE_MAX, NULL),
			PMEMSET_E_CANNOT_GROW_SOURCE_FILE);
	assert_int_equal(test_count_part_maps(f->set), 0);
	assert_int_equal(test_file_size(f->path), 1 * MiB);
}

static void
null_arguments(void **state)
{
	struct file_set_fixture *f = *state;
	assert_err(pmemset_map(NULL, f->src, NULL, NULL), -EINVAL);
	assert_msg_has("set");
	/* PMDK's code for a NULL source */
	assert_err(pmemset_map(f->set, NULL, NULL, NULL),
			PMEMSET_E_INVALID_SOURCE_TYPE);
	assert_msg_has("pmemset_map: src is NULL");
}

static void
map_grows_the_file(void **state)
{
	struct file_set_fixture *f = *state;
	struct pmemset_part_descriptor d;
	assert_ok(map_at(f->set, f->src, 1 * MiB, 512 * KiB, &d));
	assert_int_equal(test_file_size(f->path), 1 * MiB + 512 * KiB);
	memset(d.addr, 0x5a, d.size); /* the blocks exist: no SIGBUS */
	assert_ok(pmemset_persist(f->set, d.addr, d.size));
}

static void
do_not_grow_refuses_and_leaves_the_file(void **state)
{
	struct file_set_fixture *f = *state;
	struct pmemset_source *src;
	assert_ok(pmemset_xsource_from_file(&src, f->path,
			PMEMSET_SOURCE_FILE_DO_NOT_GROW));
	assert_err(map_at(f->set, src, 768 * KiB, 512 * KiB, NULL),
			PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL);
	assert_msg_has("DO_NOT_GROW");
	assert_int_equal(test_file_size(f->path), 1 * MiB);
	assert_ok(map_at(f->set, src, 768 * KiB, 256 * KiB, NULL));
	assert_ok(pmemset_delete(&f->set));
	assert_ok(pmemset_source_delete(&src));
	f->set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
}

/* a file size limit makes fallocate fail as a full file system would */
static void
full_file_system_fails_the_map_cleanly(void **state)
{
	struct file_set_fixture *f = *state;
	struct rlimit old, lim;
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 2 * MiB;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_err(map_at(f->set, f->src, 0, 4 * MiB, NULL),
			PMEMSET_E_CANNOT_GROW_SOURCE_FILE);
	assert_msg_has("grow");
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(test_file_size(f->path), 1 * MiB);
	assert_int_equal(test_count_part_maps(f->set), 0);
}

/* never cut back: others may use the grown bytes (map_race_test) */
static void
failed_map_leaves_a_grown_file_grown(void **state)
{
	struct file_set_fixture *f = *state;
	/* where the medium itself offers BYTE, nothing makes the map fail */
	if (test_dir_granularity() == PMEM2_GRANULARITY_BYTE)
		skip();
	/* the set wants BYTE; tmpfs offers PAGE, fsdax CACHE_LINE: the map
	 * fails late */
	struct pmemset *byte_set = test_set_new(PMEM2_GRANULARITY_BYTE, NULL,
			NULL);
	assert_err(map_at(byte_set, f->src, 1 * MiB, 1 * MiB, NULL),
			PMEMSET_E_GRANULARITY_NOT_SUPPORTED);
	/* what the file offers and what would map it, not libpmem2's words */
	if (test_dir_granularity() == PMEM2_GRANULARITY_PAGE)
		assert_msg_has("the set requires BYTE granularity but the "
			"source offers PAGE at offset 1048576 (it is not on a "
			"DAX file system; tmpfs is not); a set that requires "
			"PAGE (or, for testing only, "
			"PMEM2_FORCE_GRANULARITY=BYTE in the environment) "
			"would map it");
	else
		assert_msg_has("the set requires BYTE granularity but the "
			"source offers CACHE_LINE at offset 1048576; a set "
			"that requires CACHE_LINE (or, for testing only, "
			"PMEM2_FORCE_GRANULARITY=BYTE in the environment) "
			"would map it");
	assert_null(strstr(pmemset_errormsg(), "DAX-enabled"));
	assert_int_equal(test_file_size(f->path), 2 * MiB);
	assert_int_equal(test_count_part_maps(byte_set), 0);
	/* and the source is still usable */
	assert_ok(map_at(f->set, f->src, 0, 64 * KiB, NULL));
	assert_ok(pmemset_delete(&byte_set));
}

static void
forced_granularity_fixes_the_set(void **state)
{
	struct file_set_fixture *f = *state;
	setenv("PMEM2_FORCE_GRANULARITY", "BYTE", 1);
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_CACHE_LINE, NULL,
			NULL);
	assert_ok(map_at(set, f->src, 0, 64 * KiB, NULL));
	enum pmem2_granularity g;
	assert_ok(pmemset_get_store_granularity(set, &g));
	assert_int_equal(g, PMEM2_GRANULARITY_BYTE);

	/* a later part with another effective granularity is refused */
	setenv("PMEM2_FORCE_GRANULARITY", "CACHE_LINE", 1);
	assert_err(map_at(set, f->src, 64 * KiB, 64 * KiB, NULL),
			PMEMSET_E_GRANULARITY_MISMATCH);
	assert_msg_has("CACHE_LINE");
	assert_int_equal(test_count_part_maps(set), 1);

	/* coarser than required */
	setenv("PMEM2_FORCE_GRANULARITY", "PAGE", 1);
	struct pmemset *cl = test_set_new(PMEM2_GRANULARITY_CACHE_LINE, NULL,
			NULL);
	assert_err(map_at(cl, f->src, 0, 64 * KiB, NULL),
			PMEMSET_E_GRANULARITY_NOT_SUPPORTED);
	assert_msg_has("requires CACHE_LINE granularity but the source offers "
			"PAGE at offset 0 as PMEM2_FORCE_GRANULARITY says; a "
			"set that requires PAGE (or, for testing only, "
			"PMEM2_FORCE_GRANULARITY=CACHE_LINE");
	unsetenv("PMEM2_FORCE_GRANULARITY");
	assert_ok(pmemset_delete(&cl));
	assert_ok(pmemset_delete(&set));
}

static struct pmemset *
set_in_reservation(struct pmem2_vm_reservation *rsv, enum pmemset_coalescing c)
{
	struct pmemset *set = test_set_new_in(rsv, NULL, NULL);
	assert_ok(pmemset_set_contiguous_part_coalescing(set, c));
	return set;
}

static void
user_reservation_first_fit(void **state)
{
	struct file_set_fixture *f = *state;
	struct pmem2_vm_reservation *rsv;
	assert_int_equal(pmem2_vm_reservation_new(&rsv, NULL, 256 * KiB), 0);
	char *base = pmem2_vm_reservation_get_address(rsv);
	struct pmemset *set = set_in_reservation(rsv, PMEMSET_COALESCING_NONE);

	struct pmemset_part_descriptor a, b, c;
	assert_ok(map_at(set, f->src, 0, 64 * KiB, &a));
	assert_ptr_equal(a.addr, base);
	assert_ok(map_at(set, f->src, 0, 128 * KiB, &b));
	assert_ptr_equal(b.addr, base + 64 * KiB);
	/* 64 KiB left: 128 KiB does not fit */
	assert_err(map_at(set, f->src, 0, 128 * KiB, &c),
			PMEMSET_E_CANNOT_FIT_PART_MAP);
	/* free the first hole; first fit reuses it */
	assert_ok(pmemset_remove_range(set, a.addr, 4 * KiB));
	assert_ok(map_at(set, f->src, 0, 32 * KiB, &c));
	assert_ptr_equal(c.addr, base);
	assert_ok(pmemset_delete(&set));
	/* never resized or deleted by us */
	assert_ptr_equal(pmem2_vm_reservation_get_address(rsv), base);
	assert_int_equal(pmem2_vm_reservation_get_size(rsv), 256 * KiB);
	assert_int_equal(pmem2_vm_reservation_delete(&rsv), 0);
}

static void
coalescing_none_keeps_part_maps_apart(void **state)
{
	struct file_set_fixture *f = *state;
	struct pmem2_vm_reservation *rsv;
	assert_int_equal(pmem2_vm_reservation_new(&rsv, NULL, 1 * MiB), 0);
	struct pmemset *set = set_in_reservation(rsv, PMEMSET_COALESCING_NONE);
	assert_ok(map_at(set, f->src, 0, 64 * KiB, NULL));
	assert_ok(map_at(set, f->src, 64 * KiB, 64 * KiB, NULL));
	/* adjacent by first fit, but two part maps */
	assert_int_equal(test_count_part_maps(set), 2);
	assert_ok(pmemset_delete(&set));
	pmem2_vm_reservation_delete(&rsv);
}

static void
coalescing_full_appends_and_desc_covers_the_part_map(void **state)
{
	struct file_set_fixture *f = *state;
	struct pmem2_vm_reservation *rsv;
	assert_int_equal(pmem2_vm_reservation_new(&rsv, NULL, 1 * MiB), 0);
	struct pmemset *set = set_in_reservation(rsv, PMEMSET_COALESCING_FULL);
	struct pmemset_part_descriptor d;
	/* FULL with nothing to append to maps as NONE would (PMDK) */
	assert_ok(map_at(set, f->src, 0, 64 * KiB, &d));
	assert_ptr_equal(d.addr, pmem2_vm_reservation_get_address(rsv));
	assert_int_equal(d.size, 64 * KiB);
	void *start = d.addr;
	for (int i = 1; i < 4; i++) {
		assert_ok(map_at(set, f->src, (size_t)i * 64 * KiB, 64 * KiB,
				&d));
		assert_ptr_equal(d.addr, start);
		assert_int_equal(d.size, (size_t)(i + 1) * 64 * KiB);
	}
	assert_int_equal(test_count_part_maps(set), 1);
	/* file offsets 0..256 KiB now appear contiguously */
	memset(start, 7, 256 * KiB);
	assert_ok(pmemset_persist(set, start, 256 * KiB));
	assert_ok(pmemset_delete(&set));
	pmem2_vm_reservation_delete(&rsv);
}

static void
coalescing_when_the_neighbour_is_taken(void **state)
{
	struct file_set_fixture *f = *state;
	struct pmem2_vm_reservation *rsv;
	assert_int_equal(pmem2_vm_reservation_new(&rsv, NULL, 1 * MiB), 0);
	struct pmemset *set = set_in_reservation(rsv, PMEMSET_COALESCING_NONE);
	struct pmemset *other = set_in_reservation(rsv,
			PMEMSET_COALESCING_NONE);
	struct pmemset_part_descriptor d, n;
	assert_ok(map_at(set, f->src, 0, 64 * KiB, &d));
	/* another set takes the range right after it */
	assert_ok(map_at(other, f->src, 0, 64 * KiB, &n));
	assert_ptr_equal(n.addr, (char *)d.addr + 64 * KiB);

	assert_ok(pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_FULL));
	assert_err(map_at(set, f->src, 0, 64 * KiB, NULL),
			PMEMSET_E_CANNOT_COALESCE_PARTS);
	assert_msg_has("taken");
	assert_int_equal(test_count_part_maps(set), 1);

	assert_ok(pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_OPPORTUNISTIC));
	struct pmemset_part_descriptor e;
	assert_ok(map_at(set, f->src, 0, 64 * KiB, &e));
	assert_int_equal(e.size, 64 * KiB); /* a new part map instead */
	assert_int_equal(test_count_part_maps(set), 2);
	assert_ok(pmemset_delete(&other));
	assert_ok(pmemset_delete(&set));
	pmem2_vm_reservation_delete(&rsv);
}

static void
internal_reservation_coalesces(void **state)
{
	/* an internal reservation keeps room after the part for coalescing */
	struct file_set_fixture *f = *state;
	assert_ok(pmemset_set_contiguous_part_coalescing(f->set,
			PMEMSET_COALESCING_OPPORTUNISTIC));
	struct pmemset_part_descriptor d;
	void *start = NULL;
	for (int i = 0; i < 16; i++) {
		assert_ok(map_at(f->set, f->src, (size_t)i * 64 * KiB,
				64 * KiB, &d));
		if (i == 0)
			start = d.addr;
		assert_ptr_equal(d.addr, start);
	}
	assert_int_equal(d.size, 1 * MiB);
	assert_int_equal(test_count_part_maps(f->set), 1);
}

static void
pmdk_program_full_coalescing_maps_five_parts_as_one(void **state)
{
	/* FULL turned on before the first map, no reservation of ours */
	struct file_set_fixture *f = *state;
	assert_ok(pmemset_set_contiguous_part_coalescing(f->set,
			PMEMSET_COALESCING_FULL));
	struct pmemset_part_descriptor d;
	void *start = NULL;
	for (int i = 0; i < 5; i++) {
		assert_ok(map_at(f->set, f->src, (size_t)i * 64 * KiB,
				64 * KiB, &d));
		if (i == 0)
			start = d.addr;
		assert_ptr_equal(d.addr, start);
		assert_int_equal(d.size, (size_t)(i + 1) * 64 * KiB);
	}
	assert_int_equal(test_count_part_maps(f->set), 1);
	struct pmemset_part_map *pmap;
	pmemset_first_part_map(f->set, &pmap);
	assert_non_null(pmap);
	struct pmemset_part_descriptor whole = pmemset_descriptor_part_map(pmap);
	assert_ptr_equal(whole.addr, start);
	assert_int_equal(whole.size, 5 * 64 * KiB);
	/* one removal takes all five parts: they are one part map */
	assert_ok(pmemset_remove_part_map(f->set, &pmap));
	assert_int_equal(test_count_part_maps(f->set), 0);

	/* every part map removed: FULL maps as NONE again */
	assert_ok(map_at(f->set, f->src, 0, 64 * KiB, &d));
	assert_int_equal(d.size, 64 * KiB);
	assert_ok(map_at(f->set, f->src, 0, 64 * KiB, &d));
	assert_int_equal(d.size, 128 * KiB);
}

static void
full_coalescing_after_removing_the_ends_of_the_part_map(void **state)
{
	/*
	 * PMDK's test_part_map_coalesce_with_set_reservation: three parts in
	 * one part map fill a reservation; removing the first and the last
	 * part (the most recently mapped) leaves the middle one, and the next
	 * FULL map appends to it where the third part was.
	 */
	struct file_set_fixture *f = *state;
	struct pmem2_vm_reservation *rsv;
	assert_int_equal(pmem2_vm_reservation_new(&rsv, NULL, 3 * 64 * KiB),
			0);
	char *base = pmem2_vm_reservation_get_address(rsv);
	struct pmemset *set = set_in_reservation(rsv, PMEMSET_COALESCING_FULL);
	struct pmemset_part_descriptor d;
	for (int i = 0; i < 3; i++)
		assert_ok(map_at(set, f->src, 0, 64 * KiB, &d));
	assert_ptr_equal(d.addr, base);
	assert_int_equal(d.size, 3 * 64 * KiB);
	assert_ok(pmemset_remove_range(set, base, 64 * KiB));
	assert_ok(pmemset_remove_range(set, base + 128 * KiB, 64 * KiB));
	assert_ok(map_at(set, f->src, 0, 64 * KiB, &d));
	assert_ptr_equal(d.addr, base + 64 * KiB);
	assert_int_equal(d.size, 128 * KiB);
	assert_int_equal(test_count_part_maps(set), 1);
	assert_int_equal(pmem2_vm_reservation_get_size(rsv), 3 * 64 * KiB);
	assert_ok(pmemset_delete(&set));
	assert_int_equal(pmem2_vm_reservation_delete(&rsv), 0);
}

static void
full_coalescing_after_removing_the_last_part_map(void **state)
{
	/*
	 * The most recently made part map is removed, others remain: FULL
	 * appends to the one below it (PMDK), and to the one above when none
	 * is below.
	 */
	struct file_set_fixture *f = *state;
	struct pmem2_vm_reservation *rsv;
	assert_int_equal(pmem2_vm_reservation_new(&rsv, NULL, 1 * MiB), 0);
	char *base = pmem2_vm_reservation_get_address(rsv);
	struct pmemset *set = set_in_reservation(rsv, PMEMSET_COALESCING_NONE);
	struct pmemset_part_descriptor a, b, c, d;
	assert_ok(map_at(set, f->src, 0, 64 * KiB, &a));   /* base */
	assert_ok(map_at(set, f->src, 0, 64 * KiB, &b));   /* base + 64K */
	assert_ok(pmemset_remove_range(set, a.addr, 64 * KiB));
	/* first fit: the new part map goes below b, at base */
	assert_ok(map_at(set, f->src, 0, 64 * KiB, &c));
	assert_ptr_equal(c.addr, base);
	assert_ptr_equal(b.addr, base + 64 * KiB);
	assert_ok(pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_FULL));
	/* c (the latest) goes: none below it, so FULL appends after b */
	assert_ok(pmemset_remove_range(set, c.addr, 64 * KiB));
	assert_ok(map_at(set, f->src, 0, 64 * KiB, &d));
	assert_ptr_equal(d.addr, b.addr);
	assert_int_equal(d.size, 128 * KiB);
	assert_int_equal(test_count_part_maps(set), 1);
	assert_ok(pmemset_delete(&set));
	assert_int_equal(pmem2_vm_reservation_delete(&rsv), 0);
}

/* the pmem2 source of the last part added: it tells the file's real size */
static int
note_pmem2_source(struct pmemset *set, struct pmemset_event_context *ctx,
		void *arg)
{
	(void) set;
	if (ctx->type == PMEMSET_EVENT_PART_ADD)
		*(struct pmem2_source **)arg = ctx->data.part_add.src;
	return 0;
}

static size_t
real_size(struct pmem2_source *p2)
{
	assert_non_null(p2);
	size_t size;
	assert_int_equal(pmem2_source_size(p2, &size), 0);
	return size;
}

#define PARTS 100

/*
 * A temporary file grows ahead of its parts (no one else sees its size), at
 * most doubling and never more than 16 MiB ahead; each part still maps its
 * own bytes at its own offset, and "to the end" and the I/O calls still see
 * only the bytes the maps asked for.
 */
static void
temporary_source_grows_ahead_and_maps_the_right_bytes(void **state)
{
	(void) state;
	struct pmem2_source *p2 = NULL;
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE,
			note_pmem2_source, &p2);
	struct pmemset_source *tmp;
	assert_ok(pmemset_source_from_temporary(&tmp, test_dir()));
	char *addr[PARTS];
	bool ahead = false;
	for (size_t i = 0; i < PARTS; i++) {
		struct pmemset_part_descriptor d;
		assert_ok(map_at(set, tmp, i * 4 * KiB, 4 * KiB, &d));
		assert_int_equal(d.size, 4 * KiB);
		addr[i] = d.addr;
		size_t needed = (i + 1) * 4 * KiB;
		size_t size = real_size(p2);
		if (size < needed || size - needed > needed ||
		    size - needed > 16 * MiB)
			fail_msg("part %zu: the file is %zu bytes for %zu "
				"needed", i, size, needed);
		ahead |= size > needed;
		memset(d.addr, (int)(i + 1), d.size);
	}
	assert_true(ahead); /* it did grow ahead, once at least */
	assert_int_equal(test_count_part_maps(set), PARTS);
	/* every part is its own offset of the file */
	for (size_t i = 0; i < PARTS; i++) {
		char buf[4 * KiB];
		assert_ok(pmemset_source_pread_mcsafe(tmp, buf, sizeof(buf),
				i * 4 * KiB));
		for (size_t j = 0; j < sizeof(buf); j++)
			if (buf[j] != (char)(i + 1) || addr[i][j] != buf[j])
				fail_msg("part %zu, byte %zu: %d", i, j,
						buf[j]);
	}
	/* the bytes grown ahead are nobody's: past the end for the caller */
	size_t end = PARTS * 4 * KiB;
	assert_true(real_size(p2) > end);
	char b = 0;
	assert_err(pmemset_source_pread_mcsafe(tmp, &b, 1, end),
			PMEMSET_E_LENGTH_OUT_OF_RANGE);
	assert_err(pmemset_source_pwrite_mcsafe(tmp, &b, 1, end),
			PMEMSET_E_LENGTH_OUT_OF_RANGE);
	assert_err(map_at(set, tmp, end, 0, NULL), PMEMSET_E_MAP_LENGTH_UNSET);
	struct pmemset_part_descriptor d;
	assert_ok(map_at(set, tmp, end - 8 * KiB, 0, &d));
	assert_int_equal(d.size, 8 * KiB);
	assert_int_equal(((char *)d.addr)[0], (char)(PARTS - 1));
	/* a part within the grown bytes needs no growth: the size holds */
	size_t before = real_size(p2);
	assert_ok(map_at(set, tmp, end, 4 * KiB, NULL));
	assert_int_equal(real_size(p2), before);
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&tmp));
}

/* a big file grows at most 16 MiB ahead of its parts */
static void
temporary_source_grows_ahead_by_16_mib_at_most(void **state)
{
	(void) state;
	struct pmem2_source *p2 = NULL;
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE,
			note_pmem2_source, &p2);
	struct pmemset_source *tmp;
	assert_ok(pmemset_source_from_temporary(&tmp, test_dir()));
	/* a part alone is not grown ahead of */
	assert_ok(map_at(set, tmp, 0, 32 * MiB, NULL));
	assert_int_equal(real_size(p2), 32 * MiB);
	assert_ok(map_at(set, tmp, 32 * MiB, 4 * KiB, NULL));
	assert_int_equal(real_size(p2), 48 * MiB);
	/* a part longer than the growth ahead: exactly what it needs */
	assert_ok(map_at(set, tmp, 48 * MiB, 20 * MiB, NULL));
	assert_int_equal(real_size(p2), 68 * MiB);
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&tmp));
}

/*
 * Growing ahead fails (here the file size limit, as a full file system
 * would): the file grows to what the part needs only, and the map works.
 * With no room even for that, the map fails and the file stays as it was.
 */
static void
temporary_source_growth_ahead_falls_back(void **state)
{
	(void) state;
	struct pmem2_source *p2 = NULL;
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE,
			note_pmem2_source, &p2);
	struct pmemset_source *tmp;
	assert_ok(pmemset_source_from_temporary(&tmp, test_dir()));
	assert_ok(map_at(set, tmp, 0, 1 * MiB, NULL));
	assert_int_equal(real_size(p2), 1 * MiB);

	struct rlimit old, lim;
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 1 * MiB + 64 * KiB;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	struct pmemset_part_descriptor d = {NULL, 0};
	int fits = map_at(set, tmp, 1 * MiB, 64 * KiB, &d);
	size_t size_fits = real_size(p2);
	int too_big = map_at(set, tmp, 1 * MiB + 64 * KiB, 64 * KiB, NULL);
	char msg[256];
	snprintf(msg, sizeof(msg), "%s", pmemset_errormsg());
	/* the limit goes before any check: a failure must not leave it */
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(fits, 0);
	assert_int_equal(size_fits, 1 * MiB + 64 * KiB);
	memset(d.addr, 0x42, d.size); /* the blocks exist: no SIGBUS */
	assert_int_equal(too_big, PMEMSET_E_CANNOT_GROW_SOURCE_FILE);
	assert_non_null(strstr(msg, "grow"));
	assert_int_equal(real_size(p2), 1 * MiB + 64 * KiB);
	assert_int_equal(test_count_part_maps(set), 2);
	/* nothing was granted: the end is where it was */
	assert_err(map_at(set, tmp, 1 * MiB + 64 * KiB, 0, NULL),
			PMEMSET_E_MAP_LENGTH_UNSET);

	/* with room again, it grows ahead again */
	assert_ok(map_at(set, tmp, 1 * MiB + 64 * KiB, 64 * KiB, &d));
	assert_true(real_size(p2) > 1 * MiB + 128 * KiB);
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&tmp));
}

/* a file of the user's is never grown beyond what the part needs */
static void
user_file_grows_to_exactly_what_the_part_needs(void **state)
{
	struct file_set_fixture *f = *state;
	for (size_t i = 0; i < PARTS; i++) {
		assert_ok(map_at(f->set, f->src, 1 * MiB + i * 4 * KiB,
				4 * KiB, NULL));
		assert_int_equal(test_file_size(f->path),
				1 * MiB + (i + 1) * 4 * KiB);
	}
	/* and a caller's pmem2 source of a file just as much */
	int fd = open(f->path, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	struct pmem2_source *p2;
	assert_int_equal(pmem2_source_from_fd(&p2, fd), 0);
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_pmem2(&src, p2));
	size_t base = test_file_size(f->path);
	for (size_t i = 0; i < 8; i++) {
		assert_ok(map_at(f->set, src, base + i * 4 * KiB, 4 * KiB,
				NULL));
		assert_int_equal(test_file_size(f->path),
				base + (i + 1) * 4 * KiB);
	}
	assert_ok(pmemset_delete(&f->set));
	assert_ok(pmemset_source_delete(&src));
	pmem2_source_delete(&p2);
	close(fd);
	f->set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
}

/*
 * The size a file source knows is asked again when a part lies past it:
 * someone else may have grown the file meanwhile, and the part then maps
 * what they wrote, "to the end" reaches the new end, and DO_NOT_GROW finds
 * the file long enough.
 */
static void
known_size_is_refreshed_when_the_file_grew_elsewhere(void **state)
{
	struct file_set_fixture *f = *state;
	struct pmemset_source *fixed;
	assert_ok(pmemset_xsource_from_file(&fixed, f->path,
			PMEMSET_SOURCE_FILE_DO_NOT_GROW));
	/* both sources learn the size: 1 MiB */
	assert_ok(map_at(f->set, f->src, 0, 64 * KiB, NULL));
	assert_ok(map_at(f->set, fixed, 64 * KiB, 64 * KiB, NULL));

	/* another writer appends 1 MiB of its own */
	int fd = open(f->path, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	char rec[64 * KiB];
	memset(rec, 0x6b, sizeof(rec));
	for (size_t off = 1 * MiB; off < 2 * MiB; off += sizeof(rec))
		assert_int_equal(pwrite(fd, rec, sizeof(rec), (off_t)off),
				(ssize_t)sizeof(rec));
	close(fd);

	struct pmemset_part_descriptor d;
	assert_ok(map_at(f->set, fixed, 1 * MiB + 512 * KiB, 64 * KiB, &d));
	assert_int_equal(((char *)d.addr)[0], 0x6b);
	assert_ok(map_at(f->set, f->src, 1 * MiB, 0, &d));
	assert_int_equal(d.size, 1 * MiB);
	assert_int_equal(((char *)d.addr)[d.size - 1], 0x6b);
	/* and it was not grown for them */
	assert_ok(map_at(f->set, f->src, 1 * MiB + 960 * KiB, 64 * KiB, &d));
	assert_int_equal(((char *)d.addr)[d.size - 1], 0x6b);
	assert_int_equal(test_file_size(f->path), 2 * MiB);
	assert_ok(pmemset_delete(&f->set));
	assert_ok(pmemset_source_delete(&fixed));
	f->set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
}

static int
kernel_mappings(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0, c;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static void
map_and_remove_leave_no_kernel_mapping_behind(void **state)
{
	/*
	 * libpmem2 1.12.1 leaves a mapping behind for every deleted vm
	 * reservation; without coalescing we use none, so a long-running
	 * program can map and remove parts forever.
	 */
	struct file_set_fixture *f = *state;
	struct pmemset_part_descriptor d;
	assert_ok(map_at(f->set, f->src, 0, 4 * KiB, &d)); /* warm up */
	assert_ok(pmemset_remove_range(f->set, d.addr, 1));
	int before = kernel_mappings();
	for (int i = 0; i < 300; i++) {
		assert_ok(map_at(f->set, f->src, (size_t)(i % 16) * 4 * KiB,
				4 * KiB, &d));
		assert_ok(pmemset_remove_range(f->set, d.addr, 1));
	}
	/*
	 * The leak would add one mapping per cycle (300); allow a few for the
	 * tools' own mappings (valgrind shows its allocator's in our maps).
	 */
	int grown = kernel_mappings() - before;
	if (grown > 10)
		fail_msg("%d kernel mappings left behind by 300 cycles", grown);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_prestate_setup_teardown(name, \
		file_set_fixture_setup, teardown, (void *)&Params)
		T(pmdk_program_three_overlapping_parts),
		T(null_map_config_maps_the_whole_file),
		T(length_zero_maps_to_the_end_of_the_file),
		T(unaligned_offset_and_length),
		T(null_arguments),
		T(map_grows_the_file),
		T(do_not_grow_refuses_and_leaves_the_file),
		T(full_file_system_fails_the_map_cleanly),
		T(failed_map_leaves_a_grown_file_grown),
		T(forced_granularity_fixes_the_set),
		T(user_reservation_first_fit),
		T(coalescing_none_keeps_part_maps_apart),
		T(coalescing_full_appends_and_desc_covers_the_part_map),
		T(coalescing_when_the_neighbour_is_taken),
		T(internal_reservation_coalesces),
		T(pmdk_program_full_coalescing_maps_five_parts_as_one),
		T(full_coalescing_after_removing_the_ends_of_the_part_map),
		T(full_coalescing_after_removing_the_last_part_map),
		T(map_and_remove_leave_no_kernel_mapping_behind),
		T(temporary_source_grows_ahead_and_maps_the_right_bytes),
		T(temporary_source_grows_ahead_by_16_mib_at_most),
		T(temporary_source_growth_ahead_falls_back),
		T(user_file_grows_to_exactly_what_the_part_needs),
		T(known_size_is_refreshed_when_the_file_grew_elsewhere),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
