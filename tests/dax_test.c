// SPDX-License-Identifier: BSD-3-Clause
/*
 * dax_test.c -- sets on a DAX file system ($PMEMSET_PMEM_DIR: ext4 or xfs
 * mounted with -o dax on an fsdax namespace), nothing faked: the mapping is
 * MAP_SYNC, the granularity is the one the region's persistence domain
 * gives, a set that needs more fails as documented, deep flush reaches the
 * region, and the data path and its events work at that granularity.
 * Skipped (exit 77) without PMEMSET_PMEM_DIR, failed when
 * PMEMSET_TEST_REQUIRE_PMEM=1.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pmem_env.h"
#include "test_util.h"

static const char *Dir;
static char Region[PATH_MAX];
static enum pmem2_granularity Expected;

static const char *
gname(enum pmem2_granularity g)
{
	return g == PMEM2_GRANULARITY_BYTE ? "BYTE" :
		g == PMEM2_GRANULARITY_CACHE_LINE ? "CACHE_LINE" : "PAGE";
}

struct fixture {
	char *path;
	struct pmemset_source *src;
	struct pmemset *set;
	struct event_log log;
};

/*
 * a file of `size` bytes on the DAX file system, its source, and a set
 * requiring g, its events recorded in f->log if `events`
 */
static struct fixture *
fixture_new(const char *tag, size_t size, enum pmem2_granularity g,
		bool events)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->path = test_file(tag, size);
	assert_ok(pmemset_source_from_file(&f->src, f->path));
	f->set = test_set_new(g, events ? event_log_cb : NULL,
			events ? &f->log : NULL);
	return f;
}

static void
fixture_delete(struct fixture *f)
{
	if (f->set != NULL)
		assert_ok(pmemset_delete(&f->set));
	assert_ok(pmemset_source_delete(&f->src));
	test_file_remove(f->path);
	free(f);
}

/* the VMA holding a part of a DAX file has the MAP_SYNC flag "sf" */
static void
mapping_is_map_sync(void **state)
{
	(void) state;
	struct fixture *f = fixture_new("dax-sync", 4 * MiB,
			PMEM2_GRANULARITY_CACHE_LINE, false);
	struct pmemset_part_descriptor d;
	test_map(f->set, f->src, 0, 2 * MiB, &d);
	char flags[256];
	assert_true(pmem_env_vma_flags(d.addr, flags, sizeof(flags)));
	if (!pmem_env_has_vma_flag(flags, "sf"))
		fail_msg("the part at %p on %s is not MAP_SYNC: VmFlags:%s",
			d.addr, Dir, flags);
	assert_true(pmem_env_has_vma_flag(flags, "sh"));
	printf("dax_test: part at %p on %s, VmFlags:%s\n", d.addr, Dir, flags);
	fixture_delete(f);

	/* the check can fail: the same on tmpfs has no "sf" */
	char *path = NULL;
	assert_true(asprintf(&path, "/dev/shm/pmemset-dax-test-%d",
			(int)getpid()) > 0);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0 && ftruncate(fd, 2 * MiB) == 0);
	close(fd);
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_file(&src, path));
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	test_map(set, src, 0, 2 * MiB, &d);
	assert_true(pmem_env_vma_flags(d.addr, flags, sizeof(flags)));
	assert_false(pmem_env_has_vma_flag(flags, "sf"));
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&src));
	unlink(path);
	free(path);
}

/*
 * The set's granularity is what libpmem2 gives a DAX mapping, which
 * follows the region's persistence domain; a set that requires a coarser
 * one gets it too, since a finer granularity serves it.
 */
static void
granularity_is_the_regions(void **state)
{
	(void) state;
	assert_int_equal(pmem_env_dir_granularity(Dir), Expected);
	for (int req = (int)Expected; req <= PMEM2_GRANULARITY_PAGE; req++) {
		struct fixture *f = fixture_new("dax-gran", 2 * MiB,
				(enum pmem2_granularity)req, false);
		test_map(f->set, f->src, 0, 2 * MiB, NULL);
		enum pmem2_granularity g;
		assert_ok(pmemset_get_store_granularity(f->set, &g));
		if (g != Expected)
			fail_msg("a set requiring %s on %s has %s, expected %s",
				gname((enum pmem2_granularity)req), Dir,
				gname(g), gname(Expected));
		fixture_delete(f);
	}
}

/*
 * Requiring a finer granularity than the region gives fails at the map,
 * as pmemset_map(3) says, and leaves the set empty and the file as it was;
 * requiring exactly the region's maps.
 */
static void
finer_than_the_region_fails(void **state)
{
	(void) state;
	if (Expected == PMEM2_GRANULARITY_BYTE) {
		printf("dax_test: the region's persistence domain is the CPU "
			"cache: BYTE maps, nothing is finer\n");
		struct fixture *f = fixture_new("dax-byte", 2 * MiB,
				PMEM2_GRANULARITY_BYTE, false);
		test_map(f->set, f->src, 0, 2 * MiB, NULL);
		fixture_delete(f);
		return;
	}
	struct fixture *f = fixture_new("dax-byte", 2 * MiB,
			PMEM2_GRANULARITY_BYTE, false);
	assert_err(pmemset_map(f->set, f->src, NULL, NULL),
			PMEMSET_E_GRANULARITY_NOT_SUPPORTED);
	printf("dax_test: BYTE on %s: %s\n", Dir, pmemset_errormsg());
	enum pmem2_granularity g;
	assert_err(pmemset_get_store_granularity(f->set, &g),
			PMEMSET_E_NO_PART_MAPPED);
	assert_int_equal(test_count_part_maps(f->set), 0);
	assert_int_equal(test_file_size(f->path), 2 * MiB);
	assert_ok(pmemset_delete(&f->set));

	f->set = test_set_new(PMEM2_GRANULARITY_CACHE_LINE, NULL, NULL);
	test_map(f->set, f->src, 0, 2 * MiB, NULL);
	assert_ok(pmemset_get_store_granularity(f->set, &g));
	assert_int_equal(g, PMEM2_GRANULARITY_CACHE_LINE);
	fixture_delete(f);
}

/*
 * Deep flush of a DAX file is msync(2), which the kernel turns into a
 * flush of the region (the region has the control it would use).
 */
static void
deep_flush_reaches_the_region(void **state)
{
	(void) state;
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/deep_flush", Region);
	struct stat st;
	if (stat(path, &st) != 0)
		fail_msg("the region of %s (%s) has no deep_flush control",
			Dir, Region);
	struct fixture *f = fixture_new("dax-deep", 4 * MiB,
			PMEM2_GRANULARITY_CACHE_LINE, false);
	struct pmemset_part_descriptor a, b;
	test_map(f->set, f->src, 0, 2 * MiB, &a);
	test_map(f->set, f->src, 2 * MiB, 2 * MiB, &b);
	memset((char *)a.addr + 100, 0x3c, 1000);
	/* one byte, a part, and the whole part map (both parts) */
	assert_ok(pmemset_deep_flush(f->set, (char *)a.addr + 100, 1));
	assert_ok(pmemset_deep_flush(f->set, a.addr, 2 * MiB));
	assert_ok(pmemset_deep_flush(f->set, a.addr, a.size));
	/* past the set: nothing there */
	char *end = (char *)a.addr + a.size;
	if (a.size == 2 * MiB) /* not coalesced: b elsewhere */
		end = (char *)b.addr + b.size > end ? (char *)b.addr + b.size :
			end;
	assert_err(pmemset_deep_flush(f->set, end + 64 * MiB, 4096),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	fixture_delete(f);
}

/* what the mapping holds, read back through the file */
static void
expect_file_bytes(const char *path, size_t offset, const char *want,
		size_t len)
{
	char *got = malloc(len);
	assert_non_null(got);
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, got, len, (off_t)offset), (ssize_t)len);
	close(fd);
	if (memcmp(got, want, len) != 0)
		fail_msg("%s at %zu does not hold what was written", path,
			offset);
	free(got);
}

/* persist and mem* at CACHE_LINE (or BYTE): the file sees every byte */
static void
data_path_at_the_regions_granularity(void **state)
{
	(void) state;
	struct fixture *f = fixture_new("dax-data", 4 * MiB,
			PMEM2_GRANULARITY_PAGE, false);
	struct pmemset_part_descriptor d;
	test_map(f->set, f->src, 0, 4 * MiB, &d);
	char *base = d.addr;
	char buf[8192];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7 + 1);
	/* every flag the functions take, at odd offsets and lengths */
	const unsigned flags[] = {0, PMEMSET_F_MEM_NONTEMPORAL,
		PMEMSET_F_MEM_TEMPORAL, PMEMSET_F_MEM_WC, PMEMSET_F_MEM_WB,
		PMEMSET_F_MEM_NODRAIN, PMEMSET_F_MEM_NOFLUSH};
	size_t off = 3;
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		size_t len = 61 + i * 997;
		assert_ptr_equal(pmemset_memcpy(f->set, base + off, buf, len,
				flags[i]), base + off);
		if (flags[i] & (PMEMSET_F_MEM_NODRAIN | PMEMSET_F_MEM_NOFLUSH))
			assert_ok(pmemset_persist(f->set, base + off, len));
		expect_file_bytes(f->path, off, buf, len);
		off += len + 64 * 1024 + 5;
	}
	/* memset and an overlapping memmove */
	assert_ptr_equal(pmemset_memset(f->set, base + MiB + 1, 0xa5, 3000,
			PMEMSET_F_MEM_NONTEMPORAL), base + MiB + 1);
	memset(buf, 0xa5, 3000);
	expect_file_bytes(f->path, MiB + 1, buf, 3000);
	assert_ptr_equal(pmemset_memmove(f->set, base + MiB + 101,
			base + MiB + 1, 3000, 0), base + MiB + 101);
	expect_file_bytes(f->path, MiB + 101, buf, 3000);
	/* plain stores, then flush + drain and persist */
	memset(base + 3 * MiB, 0x11, 4096);
	assert_ok(pmemset_flush(f->set, base + 3 * MiB, 4096));
	assert_ok(pmemset_drain(f->set));
	base[3 * MiB + 4096] = 0x22;
	assert_ok(pmemset_persist(f->set, base + 3 * MiB + 4096, 1));
	memset(buf, 0x11, 4096);
	buf[4096] = 0x22;
	expect_file_bytes(f->path, 3 * MiB, buf, 4097);

	/* mapped again, the bytes are there */
	assert_ok(pmemset_delete(&f->set));
	f->set = test_set_new(PMEM2_GRANULARITY_CACHE_LINE, NULL, NULL);
	test_map(f->set, f->src, 0, 4 * MiB, &d);
	assert_memory_equal((char *)d.addr + 3 * MiB, buf, 4097);
	fixture_delete(f);
}

static size_t
count_of(const struct event_log *log, enum pmemset_event type)
{
	return event_log_count(log, type);
}

/* the events of the data path on DAX: the same sequence as on any media */
static void
events_report_the_data_path(void **state)
{
	(void) state;
	struct fixture *f = fixture_new("dax-events", 2 * MiB,
			PMEM2_GRANULARITY_CACHE_LINE, true);
	struct pmemset_part_descriptor d;
	test_map(f->set, f->src, 0, 2 * MiB, &d);
	assert_int_equal(count_of(&f->log, PMEMSET_EVENT_PART_ADD), 1);
	assert_ptr_equal(f->log.events[0].ctx.data.part_add.addr, d.addr);
	assert_int_equal(f->log.events[0].ctx.data.part_add.len, 2 * MiB);
	event_log_clear(&f->log);

	char *base = d.addr;
	char src[300];
	memset(src, 'x', sizeof(src));
	pmemset_memcpy(f->set, base + 64, src, sizeof(src),
			PMEMSET_F_MEM_NONTEMPORAL);
	assert_ok(pmemset_persist(f->set, base + 64, 10));
	assert_int_equal(f->log.count, 4);
	assert_int_equal(f->log.events[0].type, PMEMSET_EVENT_COPY);
	assert_ptr_equal(f->log.events[0].ctx.data.copy.dest, base + 64);
	assert_int_equal(f->log.events[0].ctx.data.copy.len, sizeof(src));
	assert_int_equal(f->log.events[0].ctx.data.copy.flags,
			PMEMSET_F_MEM_NONTEMPORAL);
	assert_int_equal(f->log.events[1].type, PMEMSET_EVENT_DRAIN);
	assert_int_equal(f->log.events[2].type, PMEMSET_EVENT_FLUSH);
	assert_ptr_equal(f->log.events[2].ctx.data.flush.addr, base + 64);
	assert_int_equal(f->log.events[2].ctx.data.flush.len, 10);
	assert_int_equal(f->log.events[3].type, PMEMSET_EVENT_DRAIN);
	event_log_clear(&f->log);
	assert_ok(pmemset_remove_range(f->set, d.addr, d.size));
	assert_int_equal(count_of(&f->log, PMEMSET_EVENT_REMOVE_RANGE), 1);
	assert_int_equal(count_of(&f->log, PMEMSET_EVENT_PART_REMOVE), 1);
	fixture_delete(f);
}

/*
 * Does a DIMM of the region report an unsafe-shutdown count? The kernel's
 * nfit driver shows it as nmemX/nfit/dirty_shutdown only when the DIMM's
 * health interface has one (QEMU's emulated NVDIMM has none).
 */
static bool
region_reports_usc(void)
{
	char path[PATH_MAX + 64];
	for (int i = 0; i < 64; i++) {
		/* "mappingN" holds "nmemX,offset,length,position" */
		snprintf(path, sizeof(path), "%s/mapping%d", Region, i);
		FILE *f = fopen(path, "r");
		if (f == NULL)
			break;
		char line[128] = "";
		if (fgets(line, sizeof(line), f) == NULL)
			line[0] = '\0';
		fclose(f);
		line[strcspn(line, ",")] = '\0';
		snprintf(path, sizeof(path), "%s/../%s/nfit/dirty_shutdown",
			Region, line);
		if (access(path, R_OK) == 0)
			return true;
	}
	return false;
}

/*
 * The shutdown data state on this DIMM: with no unsafe-shutdown count the
 * map fails with SDS_NOSUPP as pmemset_source_set_sds(3) says, and changes
 * nothing; with one, the map records the device and count.
 */
static void
sds_as_the_dimm_supports(void **state)
{
	(void) state;
	struct fixture *f = fixture_new("dax-sds", 2 * MiB,
			PMEM2_GRANULARITY_CACHE_LINE, true);
	struct pmemset_sds sds = PMEMSET_SDS_INITIALIZE();
	enum pmemset_part_state st = PMEMSET_PART_STATE_INDETERMINATE;
	assert_ok(pmemset_source_set_sds(f->src, &sds, &st));
	if (!region_reports_usc()) {
		printf("dax_test: the DIMMs of %s report no unsafe-shutdown "
			"count: the SDS path for \"not supported\"\n", Region);
		assert_err(pmemset_map(f->set, f->src, NULL, NULL),
				PMEMSET_E_SDS_NOSUPP);
		printf("dax_test: %s\n", pmemset_errormsg());
		assert_int_equal(test_count_part_maps(f->set), 0);
		assert_int_equal(f->log.count, 0);
		assert_int_equal(st, PMEMSET_PART_STATE_INDETERMINATE);
		fixture_delete(f);
		/* without an SDS the same file maps */
		f = fixture_new("dax-sds", 2 * MiB,
				PMEM2_GRANULARITY_CACHE_LINE, false);
		test_map(f->set, f->src, 0, 0, NULL);
		fixture_delete(f);
		return;
	}
	printf("dax_test: the region reports an unsafe-shutdown count\n");
	assert_ok(pmemset_map(f->set, f->src, NULL, NULL));
	assert_int_equal(st, PMEMSET_PART_STATE_OK);
	assert_int_equal(event_log_count(&f->log, PMEMSET_EVENT_SDS_UPDATE), 1);
	fixture_delete(f);
}

/*
 * Bad-block detection on the real stack: the region's list is read (no
 * block is bad on a fresh namespace) and the map goes ahead with no
 * event. Injecting one needs the DIMM's error injection, which
 * scripts/test-real-pmem.sh tries.
 */
static void
badblock_detection_finds_none(void **state)
{
	(void) state;
	struct fixture *f = fixture_new("dax-bb", 2 * MiB,
			PMEM2_GRANULARITY_CACHE_LINE, true);
	pmemset_source_set_badblock_detection(f->src, true);
	int ret = pmemset_map(f->set, f->src, NULL, NULL);
	if (ret != 0)
		fail_msg("bad-block detection on %s: %d %s", Dir, ret,
			pmemset_errormsg());
	assert_int_equal(event_log_count(&f->log, PMEMSET_EVENT_BADBLOCK), 0);
	assert_int_equal(event_log_count(&f->log,
			PMEMSET_EVENT_BADBLOCKS_CLEARED), 0);
	assert_int_equal(event_log_count(&f->log, PMEMSET_EVENT_PART_ADD), 1);
	fixture_delete(f);
}

int
main(void)
{
	bool required;
	Dir = pmem_env_get("PMEMSET_PMEM_DIR",
			"a directory on a file system mounted with -o dax",
			&required);
	if (Dir == NULL)
		return required ? 1 : PMEM_ENV_SKIP;
	if (setenv("PMEMSET_TEST_DIR", Dir, 1) != 0)
		return 1;
	if (!pmem_env_region_dir(Dir, Region, sizeof(Region))) {
		printf("FAILED: %s is not on an NVDIMM region (no region in "
			"its device's sysfs path): not a DAX file system on "
			"persistent memory\n", Dir);
		return 1;
	}
	Expected = pmem_env_region_granularity(Region);
	printf("dax_test: %s, region %s, expected granularity %s\n", Dir,
		Region, gname(Expected));
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mapping_is_map_sync),
		cmocka_unit_test(granularity_is_the_regions),
		cmocka_unit_test(finer_than_the_region_fails),
		cmocka_unit_test(deep_flush_reaches_the_region),
		cmocka_unit_test(data_path_at_the_regions_granularity),
		cmocka_unit_test(events_report_the_data_path),
		cmocka_unit_test(sds_as_the_dimm_supports),
		cmocka_unit_test(badblock_detection_finds_none),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
