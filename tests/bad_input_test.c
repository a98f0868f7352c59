// SPDX-License-Identifier: BSD-3-Clause
/*
 * bad_input_test.c -- the bad-input matrix: every public function, the
 * observer's included, called with a NULL for each pointer, zero and huge
 * sizes, unaligned offsets and lengths, addresses outside the set, and in the
 * wrong order (remove twice, remove with references held, calls that change
 * the set from inside its callback...). Each case is one row of a table: the
 * call and the error it must return. After every row the message must be
 * set and survive the usual cleanup calls word for word (errno's rule),
 * constructors must have set their out-parameter to NULL (the observer
 * leaves its outputs alone), no descriptor may have leaked, and the set must
 * be exactly as before and still work (map, write, persist, remove, update
 * the observer). ASan and valgrind find leaked memory.
 *
 * Undefined behaviour is not in the matrix (api.md section 1): data-path
 * ranges outside the set without the checked mode, dangling part-map
 * pointers. The checked mode (PMEMSET_CHECK_RANGES=1) is.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"
#include "libpmemset/stat.h"

#define PART (64 * KiB)
#define FILE_SIZE (1 * MiB)
#define CHECK_OFFSET (512 * KiB)	/* where the usability check maps */

/* what a row returns besides error codes */
#define REPORTED	1	/* a void function reported the misuse */
#define NULL_RESULT	2	/* mem* refused: NULL and nothing written */
#define OUT_NOT_NULLED	-900001	/* a constructor left *out set on failure */
#define OUT_CHANGED	-900002	/* the observer changed an output on failure */
#define WROTE_ANYWAY	-900003	/* a refused mem* wrote to the destination */
#define UNEXPECTED_OK	-900004	/* a precondition of the row failed */

#define POISON ((void *)0x1)

#define assert_st(expr) do { \
	enum pmemset_stat_status st_ = (expr); \
	if (st_ != PMEMSET_STAT_S_OK) \
		fail_msg("%s returned %d: %s", #expr, (int)st_, \
			pmemset_errormsg()); \
} while (0)

struct fx {
	char *path;
	char *dir_path;		/* a directory, not a file */
	struct pmemset_source *src;
	struct pmemset *set;	/* PAGE, with fx_event as its callback */
	struct pmemset *checked; /* the same, in checked mode */
	struct pmemset *empty;	/* no part ever mapped */
	struct pmemset_map_config *mc;
	struct pmemset_part_descriptor part;	/* in set */
	struct pmemset_part_descriptor cpart;	/* in checked */

	struct pmemset_stat *h;
	struct pmemset_stat_map *root, *set_map;

	/* a call to make from inside the next FLUSH event */
	int (*inner)(struct fx *f);
	int inner_ret;
	int inner_called;

	/* the failing call's message, to check later calls leave it */
	char msg[1024];
	int msg_captured;
};

static struct fx F;

/*
 * Called right after a row's failing call: keeps its message, so the check
 * after the row can tell whether the row's own cleanup changed it.
 */
static void
capture(struct fx *f)
{
	if (f->msg_captured || pmemset_errormsg()[0] == '\0')
		return;
	snprintf(f->msg, sizeof(f->msg), "%s", pmemset_errormsg());
	f->msg_captured = 1;
}

static int
fx_event(struct pmemset *set, struct pmemset_event_context *ctx, void *arg)
{
	(void) set;
	struct fx *f = arg;
	if (ctx->type == PMEMSET_EVENT_FLUSH && f->inner != NULL) {
		int (*inner)(struct fx *) = f->inner;
		f->inner = NULL;
		f->inner_called++;
		f->inner_ret = inner(f);
	}
	return 0;
}

/* ---- the core: configuration ---- */

static int
config_new_null(struct fx *f)
{
	(void) f;
	return pmemset_config_new(NULL);
}

static int
config_delete_null(struct fx *f)
{
	(void) f;
	return pmemset_config_delete(NULL);
}

static int
config_granularity_null_cfg(struct fx *f)
{
	(void) f;
	return pmemset_config_set_required_store_granularity(NULL,
			PMEM2_GRANULARITY_PAGE);
}

static int
config_set_granularity(enum pmem2_granularity g)
{
	struct pmemset_config *cfg;
	if (pmemset_config_new(&cfg))
		return UNEXPECTED_OK;
	int ret = pmemset_config_set_required_store_granularity(cfg, g);
	capture(&F);
	pmemset_config_delete(&cfg);
	return ret;
}

static int
config_granularity_above_page(struct fx *f)
{
	(void) f;
	return config_set_granularity(PMEM2_GRANULARITY_PAGE + 1);
}

static int
config_granularity_negative(struct fx *f)
{
	(void) f;
	return config_set_granularity((enum pmem2_granularity)-1);
}

static int
config_granularity_int_max(struct fx *f)
{
	(void) f;
	return config_set_granularity((enum pmem2_granularity)INT_MAX);
}

static int
config_reservation_null_cfg(struct fx *f)
{
	(void) f;
	pmemset_config_set_reservation(NULL, NULL);
	return REPORTED;
}

static int
config_states_null_cfg(struct fx *f)
{
	(void) f;
	return pmemset_config_set_acceptable_states(NULL,
			PMEMSET_PART_STATE_OK);
}

static int
config_set_states(uint64_t states)
{
	struct pmemset_config *cfg;
	if (pmemset_config_new(&cfg))
		return UNEXPECTED_OK;
	int ret = pmemset_config_set_acceptable_states(cfg, states);
	capture(&F);
	pmemset_config_delete(&cfg);
	return ret;
}

static int
config_states_unknown_bit(struct fx *f)
{
	(void) f;
	return config_set_states(PMEMSET_PART_STATE_OK | (1u << 5));
}

static int
config_states_all_ones(struct fx *f)
{
	(void) f;
	return config_set_states(UINT64_MAX);
}

static int
config_callback_null_cfg(struct fx *f)
{
	(void) f;
	pmemset_config_set_event_callback(NULL, fx_event, NULL);
	return REPORTED;
}

/* ---- the set ---- */

static int
new_null_set(struct fx *f)
{
	(void) f;
	struct pmemset_config *cfg;
	if (pmemset_config_new(&cfg))
		return UNEXPECTED_OK;
	int ret = pmemset_new(NULL, cfg);
	capture(&F);
	pmemset_config_delete(&cfg);
	return ret;
}

static int
new_null_cfg(struct fx *f)
{
	(void) f;
	struct pmemset *set = POISON;
	int ret = pmemset_new(&set, NULL);
	return set == NULL ? ret : OUT_NOT_NULLED;
}

static int
new_without_granularity(struct fx *f)
{
	(void) f;
	struct pmemset_config *cfg;
	if (pmemset_config_new(&cfg))
		return UNEXPECTED_OK;
	struct pmemset *set = POISON;
	int ret = pmemset_new(&set, cfg);
	capture(&F);
	pmemset_config_delete(&cfg);
	return set == NULL ? ret : OUT_NOT_NULLED;
}

static int
delete_null(struct fx *f)
{
	(void) f;
	return pmemset_delete(NULL);
}

static int
granularity_null_set(struct fx *f)
{
	(void) f;
	enum pmem2_granularity g;
	return pmemset_get_store_granularity(NULL, &g);
}

static int
granularity_null_out(struct fx *f)
{
	return pmemset_get_store_granularity(f->set, NULL);
}

static int
granularity_of_empty_set(struct fx *f)
{
	enum pmem2_granularity g;
	return pmemset_get_store_granularity(f->empty, &g);
}

static int
coalescing_null_set(struct fx *f)
{
	(void) f;
	return pmemset_set_contiguous_part_coalescing(NULL,
			PMEMSET_COALESCING_NONE);
}

static int
coalescing_above_full(struct fx *f)
{
	return pmemset_set_contiguous_part_coalescing(f->set,
			(enum pmemset_coalescing)(PMEMSET_COALESCING_FULL + 1));
}

static int
coalescing_negative(struct fx *f)
{
	return pmemset_set_contiguous_part_coalescing(f->set,
			(enum pmemset_coalescing)-1);
}

/* ---- map configuration ---- */

static int
map_config_new_null(struct fx *f)
{
	(void) f;
	return pmemset_map_config_new(NULL);
}

static int
map_config_offset_null(struct fx *f)
{
	(void) f;
	return pmemset_map_config_set_offset(NULL, 0);
}

static int
map_config_offset_above_int64(struct fx *f)
{
	return pmemset_map_config_set_offset(f->mc, (size_t)INT64_MAX + 1);
}

static int
map_config_offset_size_max(struct fx *f)
{
	return pmemset_map_config_set_offset(f->mc, SIZE_MAX);
}

static int
map_config_length_null(struct fx *f)
{
	(void) f;
	pmemset_map_config_set_length(NULL, PART);
	return REPORTED;
}

static int
map_config_delete_null(struct fx *f)
{
	(void) f;
	return pmemset_map_config_delete(NULL);
}

/* ---- sources ---- */

static int
from_pmem2_null_out(struct fx *f)
{
	(void) f;
	int fd = open(F.path, O_RDWR | O_CLOEXEC);
	struct pmem2_source *p2;
	if (fd < 0 || pmem2_source_from_fd(&p2, fd) != 0)
		return UNEXPECTED_OK;
	int ret = pmemset_source_from_pmem2(NULL, p2);
	capture(&F);
	pmem2_source_delete(&p2);
	close(fd);
	return ret;
}

static int
from_pmem2_null_source(struct fx *f)
{
	(void) f;
	struct pmemset_source *src = POISON;
	int ret = pmemset_source_from_pmem2(&src, NULL);
	return src == NULL ? ret : OUT_NOT_NULLED;
}

static int
from_file_null_out(struct fx *f)
{
	return pmemset_source_from_file(NULL, f->path);
}

static int
source_from(const char *path)
{
	struct pmemset_source *src = POISON;
	int ret = pmemset_source_from_file(&src, path);
	return src == NULL ? ret : OUT_NOT_NULLED;
}

static int
from_file_null_path(struct fx *f)
{
	(void) f;
	return source_from(NULL);
}

static int
from_file_missing(struct fx *f)
{
	(void) f;
	return source_from("/nonexistent-pmemset-dir/file");
}

static int
from_file_empty_path(struct fx *f)
{
	(void) f;
	return source_from("");
}

static int
from_file_directory(struct fx *f)
{
	return source_from(f->dir_path);
}

static int
from_file_name_too_long(struct fx *f)
{
	(void) f;
	char path[PATH_MAX + 64];
	memset(path, 'n', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	return source_from(path);
}

static int
xsource(const char *path, uint64_t flags)
{
	struct pmemset_source *src = POISON;
	int ret = pmemset_xsource_from_file(&src, path, flags);
	return src == NULL ? ret : OUT_NOT_NULLED;
}

static int
xsource_null_out(struct fx *f)
{
	return pmemset_xsource_from_file(NULL, f->path, 0);
}

static int
xsource_null_path(struct fx *f)
{
	(void) f;
	return xsource(NULL, PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED);
}

static int
xsource_unknown_flag(struct fx *f)
{
	return xsource(f->path, 1u << 3);
}

static int
xsource_setuid_mode(struct fx *f)
{
	return xsource(f->path, PMEMSET_SOURCE_FILE_CREATE_MODE(S_ISUID |
			0600) | PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED);
}

static int
xsource_always_and_if_needed(struct fx *f)
{
	return xsource(f->path, PMEMSET_SOURCE_FILE_CREATE_ALWAYS |
			PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED);
}

static int
xsource_all_ones(struct fx *f)
{
	return xsource(f->path, UINT64_MAX);
}

static int
xsource_missing_without_create(struct fx *f)
{
	(void) f;
	return xsource("/nonexistent-pmemset-dir/file",
			PMEMSET_SOURCE_FILE_DO_NOT_GROW);
}

static int
xsource_create_in_missing_dir(struct fx *f)
{
	(void) f;
	return xsource("/nonexistent-pmemset-dir/file",
			PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED);
}

static int
temporary_null_out(struct fx *f)
{
	(void) f;
	return pmemset_source_from_temporary(NULL, test_dir());
}

static int
temporary(const char *dir)
{
	struct pmemset_source *src = POISON;
	int ret = pmemset_source_from_temporary(&src, dir);
	return src == NULL ? ret : OUT_NOT_NULLED;
}

static int
temporary_null_dir(struct fx *f)
{
	(void) f;
	return temporary(NULL);
}

static int
temporary_missing_dir(struct fx *f)
{
	(void) f;
	return temporary("/nonexistent-pmemset-dir");
}

static int
temporary_in_a_file(struct fx *f)
{
	return temporary(f->path);
}

static int
source_delete_null(struct fx *f)
{
	(void) f;
	return pmemset_source_delete(NULL);
}

static int
sds_null_source(struct fx *f)
{
	(void) f;
	struct pmemset_sds sds = PMEMSET_SDS_INITIALIZE();
	enum pmemset_part_state st;
	return pmemset_source_set_sds(NULL, &sds, &st);
}

/* a source of its own, so the fixture's keeps no SDS */
static int
with_fresh_source(int (*fn)(struct pmemset_source *src))
{
	struct pmemset_source *src;
	if (pmemset_source_from_file(&src, F.path))
		return UNEXPECTED_OK;
	int ret = fn(src);
	capture(&F);
	pmemset_source_delete(&src);
	return ret;
}

static int
sds_null_sds_fn(struct pmemset_source *src)
{
	enum pmemset_part_state st;
	return pmemset_source_set_sds(src, NULL, &st);
}

static int
sds_null_sds(struct fx *f)
{
	(void) f;
	return with_fresh_source(sds_null_sds_fn);
}

static int
sds_unterminated_id_fn(struct pmemset_source *src)
{
	static struct pmemset_sds sds;
	static enum pmemset_part_state st;
	memset(sds.id, 'x', sizeof(sds.id));
	return pmemset_source_set_sds(src, &sds, &st);
}

static int
sds_unterminated_id(struct fx *f)
{
	(void) f;
	return with_fresh_source(sds_unterminated_id_fn);
}

static int
sds_negative_refcount_fn(struct pmemset_source *src)
{
	static struct pmemset_sds sds = PMEMSET_SDS_INITIALIZE();
	static enum pmemset_part_state st;
	sds.refcount = -1;
	return pmemset_source_set_sds(src, &sds, &st);
}

static int
sds_negative_refcount(struct fx *f)
{
	(void) f;
	return with_fresh_source(sds_negative_refcount_fn);
}

static int
sds_set_twice_fn(struct pmemset_source *src)
{
	static struct pmemset_sds sds = PMEMSET_SDS_INITIALIZE();
	static enum pmemset_part_state st;
	if (pmemset_source_set_sds(src, &sds, &st))
		return UNEXPECTED_OK;
	return pmemset_source_set_sds(src, &sds, &st);
}

static int
sds_set_twice(struct fx *f)
{
	(void) f;
	return with_fresh_source(sds_set_twice_fn);
}

static int
sds_after_a_map(struct fx *f)
{
	/* the fixture's source has a part mapped */
	static struct pmemset_sds sds = PMEMSET_SDS_INITIALIZE();
	static enum pmemset_part_state st;
	return pmemset_source_set_sds(f->src, &sds, &st);
}

static int
badblock_detection_null(struct fx *f)
{
	(void) f;
	pmemset_source_set_badblock_detection(NULL, true);
	return REPORTED;
}

static int
pread_null_source(struct fx *f)
{
	(void) f;
	char buf[8];
	return pmemset_source_pread_mcsafe(NULL, buf, sizeof(buf), 0);
}

static int
pread_null_buf(struct fx *f)
{
	return pmemset_source_pread_mcsafe(f->src, NULL, 8, 0);
}

static int
pread_past_the_end(struct fx *f)
{
	char buf[16];
	return pmemset_source_pread_mcsafe(f->src, buf, sizeof(buf),
			FILE_SIZE - 8);
}

static int
pread_offset_past_the_end(struct fx *f)
{
	char buf[1];
	return pmemset_source_pread_mcsafe(f->src, buf, 0, FILE_SIZE + 1);
}

static int
pread_huge_size(struct fx *f)
{
	char buf[1];
	return pmemset_source_pread_mcsafe(f->src, buf, SIZE_MAX, 1);
}

static int
pread_huge_offset(struct fx *f)
{
	char buf[2];
	return pmemset_source_pread_mcsafe(f->src, buf, 2, SIZE_MAX);
}

static int
pwrite_null_source(struct fx *f)
{
	(void) f;
	char buf[8] = {0};
	return pmemset_source_pwrite_mcsafe(NULL, buf, sizeof(buf), 0);
}

static int
pwrite_null_buf(struct fx *f)
{
	return pmemset_source_pwrite_mcsafe(f->src, NULL, 8, 0);
}

static int
pwrite_past_the_end(struct fx *f)
{
	char buf[16] = {0};
	return pmemset_source_pwrite_mcsafe(f->src, buf, sizeof(buf),
			FILE_SIZE - 8);
}

static int
pwrite_huge_size(struct fx *f)
{
	char buf[1] = {0};
	return pmemset_source_pwrite_mcsafe(f->src, buf, SIZE_MAX, 0);
}

static int
alignment_null_source(struct fx *f)
{
	(void) f;
	size_t a;
	return pmemset_source_alignment(NULL, &a);
}

static int
alignment_null_out(struct fx *f)
{
	return pmemset_source_alignment(f->src, NULL);
}

static int
badblock_clear_null_bb(struct fx *f)
{
	return pmemset_badblock_clear(NULL, f->src);
}

static int
badblock_clear_null_source(struct fx *f)
{
	(void) f;
	struct pmemset_badblock bb = {0, 4096};
	return pmemset_badblock_clear(&bb, NULL);
}

static int
badblock_clear_zero_length(struct fx *f)
{
	struct pmemset_badblock bb = {0, 0};
	return pmemset_badblock_clear(&bb, f->src);
}

static int
badblock_clear_wraps(struct fx *f)
{
	struct pmemset_badblock bb = {SIZE_MAX - 10, 4096};
	return pmemset_badblock_clear(&bb, f->src);
}

/*
 * An ordinary file has no bad blocks: clearing would punch a hole and zero
 * the range, so the library must refuse (or fail to ask) and touch nothing.
 */
static int
badblock_clear_not_reported(struct fx *f)
{
	unsigned char *p = f->part.addr;
	unsigned char before = p[100];
	struct pmemset_badblock bb = {0, 4096};
	int ret = pmemset_badblock_clear(&bb, f->src);
	if (p[100] != before)
		return WROTE_ANYWAY;
	/* either refusal is right; fold them into one expected value */
	return ret == -EINVAL || ret == PMEMSET_E_BADBLOCK_NOSUPP ||
		(ret < -100000 && ret > -100100) ? -EINVAL : ret;
}

/* ---- map ---- */

static int
map_with(struct pmemset *set, struct pmemset_source *src, size_t offset,
		size_t length)
{
	struct pmemset_map_config *mc;
	if (pmemset_map_config_new(&mc))
		return UNEXPECTED_OK;
	int ret = pmemset_map_config_set_offset(mc, offset);
	if (ret == 0) {
		pmemset_map_config_set_length(mc, length);
		ret = pmemset_map(set, src, mc, NULL);
	}
	if (ret != 0)
		capture(&F);
	pmemset_map_config_delete(&mc);
	return ret;
}

static int
map_null_set(struct fx *f)
{
	return pmemset_map(NULL, f->src, f->mc, NULL);
}

static int
map_null_source(struct fx *f)
{
	return pmemset_map(f->set, NULL, f->mc, NULL);
}

static int
map_offset_one(struct fx *f)
{
	return map_with(f->set, f->src, 1, PART);
}

static int
map_offset_page_minus_one(struct fx *f)
{
	return map_with(f->set, f->src, 4095, PART);
}

static int
map_length_one(struct fx *f)
{
	return map_with(f->set, f->src, 0, 1);
}

static int
map_length_page_plus_one(struct fx *f)
{
	return map_with(f->set, f->src, 0, 4097);
}

static int
map_length_huge(struct fx *f)
{
	return map_with(f->set, f->src, 0, SIZE_MAX & ~(size_t)4095);
}

/* PMDK's test_part_map_invalid_source_temp: growing fails first */
static int
map_temporary_length_size_max(struct fx *f)
{
	struct pmemset_source *tmp;
	if (pmemset_source_from_temporary(&tmp, f->dir_path))
		return UNEXPECTED_OK;
	int ret = map_with(f->set, tmp, 0, SIZE_MAX);
	pmemset_source_delete(&tmp);
	return ret;
}

/* a source that may not grow: the length itself is out of range */
static int
map_do_not_grow_length_huge(struct fx *f)
{
	struct pmemset_source *fixed;
	if (pmemset_xsource_from_file(&fixed, f->path,
			PMEMSET_SOURCE_FILE_DO_NOT_GROW))
		return UNEXPECTED_OK;
	int ret = map_with(f->set, fixed, 0, SIZE_MAX & ~(size_t)4095);
	pmemset_source_delete(&fixed);
	return ret;
}

static int
map_offset_plus_length_past_int64(struct fx *f)
{
	return map_with(f->set, f->src, (size_t)INT64_MAX & ~(size_t)4095,
			2 * 4096);
}

static int
map_length_zero_at_the_end(struct fx *f)
{
	return map_with(f->set, f->src, FILE_SIZE, 0);
}

static int
map_length_zero_past_the_end(struct fx *f)
{
	return map_with(f->set, f->src, 2 * FILE_SIZE, 0);
}

static int
map_do_not_grow_past_the_end(struct fx *f)
{
	struct pmemset_source *src;
	if (pmemset_xsource_from_file(&src, f->path,
			PMEMSET_SOURCE_FILE_DO_NOT_GROW))
		return UNEXPECTED_OK;
	int ret = map_with(f->set, src, FILE_SIZE - PART, 2 * PART);
	pmemset_source_delete(&src);
	return ret;
}

/* the set's part map was made with coalescing off: no room after it */
static int
map_full_coalescing_after_an_uncoalesced_part(struct fx *f)
{
	if (pmemset_set_contiguous_part_coalescing(f->set,
			PMEMSET_COALESCING_FULL))
		return UNEXPECTED_OK;
	int ret = map_with(f->set, f->src, 0, PART);
	pmemset_set_contiguous_part_coalescing(f->set,
			PMEMSET_COALESCING_NONE);
	return ret;
}

static int
map_too_coarse_for_the_set(struct fx *f)
{
	struct pmemset_config *cfg;
	struct pmemset *set;
	if (pmemset_config_new(&cfg) ||
	    pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_BYTE) || pmemset_new(&set, cfg))
		return UNEXPECTED_OK;
	pmemset_config_delete(&cfg);
	int ret = map_with(set, f->src, 0, PART);
	pmemset_delete(&set);
	return ret;
}

static int
map_reservation_too_small(struct fx *f)
{
	struct pmem2_vm_reservation *rsv;
	if (pmem2_vm_reservation_new(&rsv, NULL, PART) != 0)
		return UNEXPECTED_OK;
	struct pmemset_config *cfg;
	struct pmemset *set;
	if (pmemset_config_new(&cfg) ||
	    pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE))
		return UNEXPECTED_OK;
	pmemset_config_set_reservation(cfg, rsv);
	if (pmemset_new(&set, cfg))
		return UNEXPECTED_OK;
	pmemset_config_delete(&cfg);
	int ret = map_with(set, f->src, 0, 2 * PART);
	pmemset_delete(&set);
	pmem2_vm_reservation_delete(&rsv);
	return ret;
}

/* an anonymous source cannot grow (and is BYTE granularity) */
static int
map_anonymous_past_its_size(struct fx *f)
{
	struct pmem2_source *anon;
	struct pmemset_source *src;
	if (pmem2_source_from_anon(&anon, PART) != 0)
		return UNEXPECTED_OK;
	if (pmemset_source_from_pmem2(&src, anon))
		return UNEXPECTED_OK;
	int ret = map_with(f->set, src, 0, 2 * PART);
	pmemset_source_delete(&src);
	pmem2_source_delete(&anon);
	return ret;
}

/* a BYTE part in a set the first part made PAGE */
static int
map_granularity_mismatch(struct fx *f, enum pmemset_coalescing co)
{
	struct pmem2_source *anon;
	struct pmemset_source *src;
	if (pmem2_source_from_anon(&anon, PART) != 0)
		return UNEXPECTED_OK;
	if (pmemset_source_from_pmem2(&src, anon) ||
	    pmemset_set_contiguous_part_coalescing(f->set, co))
		return UNEXPECTED_OK;
	int ret = map_with(f->set, src, 0, PART);
	pmemset_set_contiguous_part_coalescing(f->set,
			PMEMSET_COALESCING_NONE);
	pmemset_source_delete(&src);
	pmem2_source_delete(&anon);
	return ret;
}

static int
map_granularity_mismatch_alone(struct fx *f)
{
	return map_granularity_mismatch(f, PMEMSET_COALESCING_NONE);
}

/* in a reservation of its own, which must go again */
static int
map_granularity_mismatch_coalescing(struct fx *f)
{
	return map_granularity_mismatch(f, PMEMSET_COALESCING_OPPORTUNISTIC);
}

/* ---- part maps ---- */

static int
descriptor_of_null(struct fx *f)
{
	(void) f;
	struct pmemset_part_descriptor d = pmemset_descriptor_part_map(NULL);
	return d.addr == NULL && d.size == 0 ? REPORTED : OUT_NOT_NULLED;
}

static int
by_address_null_set(struct fx *f)
{
	struct pmemset_part_map *pmap = POISON;
	int ret = pmemset_part_map_by_address(NULL, &pmap, f->part.addr);
	return pmap == NULL ? ret : OUT_NOT_NULLED;
}

static int
by_address_null_out(struct fx *f)
{
	return pmemset_part_map_by_address(f->set, NULL, f->part.addr);
}

static int
by_address(struct fx *f, void *addr)
{
	struct pmemset_part_map *pmap = POISON;
	int ret = pmemset_part_map_by_address(f->set, &pmap, addr);
	if (ret == 0) {
		pmemset_part_map_drop(&pmap);
		return UNEXPECTED_OK;
	}
	return pmap == NULL ? ret : OUT_NOT_NULLED;
}

static int
by_address_null_address(struct fx *f)
{
	return by_address(f, NULL);
}

static int
by_address_just_past_the_part(struct fx *f)
{
	return by_address(f, (char *)f->part.addr + f->part.size);
}

static int
by_address_just_before_the_part(struct fx *f)
{
	return by_address(f, (char *)f->part.addr - 1);
}

static int
by_address_on_the_stack(struct fx *f)
{
	int local;
	return by_address(f, &local);
}

static int
by_address_highest(struct fx *f)
{
	return by_address(f, (void *)UINTPTR_MAX);
}

static int
first_null_set(struct fx *f)
{
	(void) f;
	struct pmemset_part_map *pmap = POISON;
	pmemset_first_part_map(NULL, &pmap);
	return pmap == NULL ? REPORTED : OUT_NOT_NULLED;
}

static int
first_null_out(struct fx *f)
{
	pmemset_first_part_map(f->set, NULL);
	return REPORTED;
}

static int
next_null_set(struct fx *f)
{
	struct pmemset_part_map *cur, *next = POISON;
	pmemset_first_part_map(f->set, &cur);
	pmemset_next_part_map(NULL, cur, &next);
	capture(f);
	pmemset_part_map_drop(&cur);
	return next == NULL ? REPORTED : OUT_NOT_NULLED;
}

static int
next_null_cur(struct fx *f)
{
	struct pmemset_part_map *next = POISON;
	pmemset_next_part_map(f->set, NULL, &next);
	return next == NULL ? REPORTED : OUT_NOT_NULLED;
}

static int
next_null_out(struct fx *f)
{
	struct pmemset_part_map *cur;
	pmemset_first_part_map(f->set, &cur);
	pmemset_next_part_map(f->set, cur, NULL);
	capture(f);
	pmemset_part_map_drop(&cur);
	return REPORTED;
}

static int
next_of_another_set(struct fx *f)
{
	struct pmemset_part_map *cur, *next = POISON;
	pmemset_first_part_map(f->set, &cur);
	pmemset_next_part_map(f->checked, cur, &next);
	capture(f);
	pmemset_part_map_drop(&cur);
	return next == NULL ? REPORTED : OUT_NOT_NULLED;
}

static int
drop_null(struct fx *f)
{
	(void) f;
	pmemset_part_map_drop(NULL);
	return REPORTED;
}

static int
drop_null_pmap(struct fx *f)
{
	(void) f;
	struct pmemset_part_map *pmap = NULL;
	pmemset_part_map_drop(&pmap);
	return REPORTED;
}

static int
drop_twice(struct fx *f)
{
	struct pmemset_part_map *pmap, *copy;
	if (pmemset_part_map_by_address(f->set, &pmap, f->part.addr))
		return UNEXPECTED_OK;
	copy = pmap;
	pmemset_part_map_drop(&pmap);
	pmemset_part_map_drop(&copy);
	return copy == NULL ? REPORTED : OUT_NOT_NULLED;
}

/* ---- removal ---- */

static int
remove_part_map_null_set(struct fx *f)
{
	struct pmemset_part_map *pmap;
	if (pmemset_part_map_by_address(f->set, &pmap, f->part.addr))
		return UNEXPECTED_OK;
	int ret = pmemset_remove_part_map(NULL, &pmap);
	capture(f);
	pmemset_part_map_drop(&pmap);
	return ret;
}

static int
remove_part_map_null_arg(struct fx *f)
{
	return pmemset_remove_part_map(f->set, NULL);
}

static int
remove_part_map_null_pmap(struct fx *f)
{
	struct pmemset_part_map *pmap = NULL;
	return pmemset_remove_part_map(f->set, &pmap);
}

static int
remove_part_map_twice(struct fx *f)
{
	if (map_with(f->set, f->src, 256 * KiB, PART))
		return UNEXPECTED_OK;
	/* find the new one: the part map that is not the fixture's */
	struct pmemset_part_map *p;
	pmemset_first_part_map(f->set, &p);
	while (p != NULL && pmemset_descriptor_part_map(p).addr ==
			f->part.addr) {
		struct pmemset_part_map *next;
		pmemset_next_part_map(f->set, p, &next);
		pmemset_part_map_drop(&p);
		p = next;
	}
	if (p == NULL || pmemset_remove_part_map(f->set, &p) != 0 ||
	    p != NULL)
		return UNEXPECTED_OK;
	return pmemset_remove_part_map(f->set, &p);
}

static int
remove_part_map_with_a_second_reference(struct fx *f)
{
	struct pmemset_part_map *a, *b;
	if (pmemset_part_map_by_address(f->set, &a, f->part.addr) ||
	    pmemset_part_map_by_address(f->set, &b, f->part.addr))
		return UNEXPECTED_OK;
	int ret = pmemset_remove_part_map(f->set, &a);
	capture(f);
	if (a == NULL)
		return UNEXPECTED_OK; /* it was removed after all */
	pmemset_part_map_drop(&a);
	pmemset_part_map_drop(&b);
	return ret;
}

static int
remove_part_map_of_another_set(struct fx *f)
{
	struct pmemset_part_map *pmap;
	if (pmemset_part_map_by_address(f->checked, &pmap, f->cpart.addr))
		return UNEXPECTED_OK;
	int ret = pmemset_remove_part_map(f->set, &pmap);
	capture(f);
	pmemset_part_map_drop(&pmap);
	return ret;
}

static int
remove_range_null_set(struct fx *f)
{
	return pmemset_remove_range(NULL, f->part.addr, PART);
}

static int
remove_range_zero_length(struct fx *f)
{
	return pmemset_remove_range(f->set, f->part.addr, 0);
}

static int
remove_range_outside(struct fx *f)
{
	int local[16];
	return pmemset_remove_range(f->set, local, sizeof(local));
}

static int
remove_range_null_address(struct fx *f)
{
	return pmemset_remove_range(f->set, NULL, 4096);
}

static int
remove_range_just_past_the_part(struct fx *f)
{
	return pmemset_remove_range(f->set, (char *)f->part.addr +
			f->part.size, PART);
}

static int
remove_range_wraps(struct fx *f)
{
	return pmemset_remove_range(f->set, f->part.addr, SIZE_MAX);
}

/* from the part's end to the top of the address space: no wrap, no part */
static size_t
to_the_top(const void *from)
{
	return UINTPTR_MAX - (uintptr_t)from;
}

static int
remove_range_to_the_top(struct fx *f)
{
	char *end = (char *)f->part.addr + f->part.size;
	return pmemset_remove_range(f->set, end, to_the_top(end));
}

static int
remove_range_with_a_reference_held(struct fx *f)
{
	struct pmemset_part_map *pmap;
	if (pmemset_part_map_by_address(f->set, &pmap, f->part.addr))
		return UNEXPECTED_OK;
	int ret = pmemset_remove_range(f->set, f->part.addr, 1);
	capture(f);
	pmemset_part_map_drop(&pmap);
	return ret;
}

/* ---- data path ---- */

static int
persist_null_set(struct fx *f)
{
	return pmemset_persist(NULL, f->part.addr, 64);
}

static int
flush_null_set(struct fx *f)
{
	return pmemset_flush(NULL, f->part.addr, 64);
}

static int
drain_null_set(struct fx *f)
{
	(void) f;
	return pmemset_drain(NULL);
}

static int
deep_flush_null_set(struct fx *f)
{
	return pmemset_deep_flush(NULL, f->part.addr, 64);
}

static int
persist_empty_set(struct fx *f)
{
	return pmemset_persist(f->empty, f->part.addr, 64);
}

static int
flush_empty_set(struct fx *f)
{
	return pmemset_flush(f->empty, f->part.addr, 64);
}

static int
drain_empty_set(struct fx *f)
{
	return pmemset_drain(f->empty);
}

static int
deep_flush_empty_set(struct fx *f)
{
	return pmemset_deep_flush(f->empty, f->part.addr, 64);
}

static int
deep_flush_outside(struct fx *f)
{
	int local[16];
	return pmemset_deep_flush(f->set, local, sizeof(local));
}

static int
deep_flush_to_the_top(struct fx *f)
{
	char *end = (char *)f->part.addr + f->part.size;
	return pmemset_deep_flush(f->set, end, to_the_top(end));
}

static int
deep_flush_wraps(struct fx *f)
{
	return pmemset_deep_flush(f->set, f->part.addr, SIZE_MAX);
}

enum mem_op { OP_CPY, OP_MOVE, OP_SET };

/* a refused mem* returns NULL and leaves the destination alone */
static int
mem_refused(struct pmemset *set, void *dest, size_t len, unsigned flags,
		enum mem_op op)
{
	unsigned char *d = dest;
	unsigned char before = 0x11;
	static unsigned char src[4096];
	memset(src, 0x77, sizeof(src));
	if (len > sizeof(src))
		len = sizeof(src);
	if (d != NULL && len > 0)
		before = d[0];
	void *ret;
	switch (op) {
	case OP_CPY:
		ret = pmemset_memcpy(set, dest, src, len, flags);
		break;
	case OP_MOVE:
		ret = pmemset_memmove(set, dest, src, len, flags);
		break;
	default:
		ret = pmemset_memset(set, dest, 0x77, len, flags);
		break;
	}
	if (ret != NULL)
		return UNEXPECTED_OK;
	if (d != NULL && len > 0 && d[0] != before)
		return WROTE_ANYWAY;
	return NULL_RESULT;
}

static int
memcpy_null_set(struct fx *f)
{
	return mem_refused(NULL, f->part.addr, 64, 0, OP_CPY);
}

static int
memmove_null_set(struct fx *f)
{
	return mem_refused(NULL, f->part.addr, 64, 0, OP_MOVE);
}

static int
memset_null_set(struct fx *f)
{
	return mem_refused(NULL, f->part.addr, 64, 0, OP_SET);
}

static int
memcpy_unknown_flags(struct fx *f)
{
	return mem_refused(f->set, f->part.addr, 64, 1u << 6, OP_CPY);
}

static int
memmove_unknown_flags(struct fx *f)
{
	return mem_refused(f->set, f->part.addr, 64, ~0u, OP_MOVE);
}

static int
memset_unknown_flags(struct fx *f)
{
	return mem_refused(f->set, f->part.addr, 64, 1u << 31, OP_SET);
}

static int
memcpy_empty_set(struct fx *f)
{
	return mem_refused(f->empty, f->part.addr, 64, 0, OP_CPY);
}

static int
memset_empty_set(struct fx *f)
{
	return mem_refused(f->empty, f->part.addr, 64, 0, OP_SET);
}

/* checked mode: the range must lie in mapped parts */
static int
checked_persist_outside(struct fx *f)
{
	int local[16];
	return pmemset_persist(f->checked, local, sizeof(local));
}

static int
checked_persist_past_the_end(struct fx *f)
{
	return pmemset_persist(f->checked, (char *)f->cpart.addr +
			f->cpart.size - 8, 16);
}

static int
checked_persist_before_the_start(struct fx *f)
{
	return pmemset_persist(f->checked, (char *)f->cpart.addr - 8, 16);
}

static int
checked_persist_huge(struct fx *f)
{
	return pmemset_persist(f->checked, f->cpart.addr, SIZE_MAX);
}

static int
checked_persist_to_the_top(struct fx *f)
{
	return pmemset_persist(f->checked, f->cpart.addr,
			to_the_top(f->cpart.addr));
}

static int
checked_persist_null(struct fx *f)
{
	return pmemset_persist(f->checked, NULL, 64);
}

static int
checked_flush_outside(struct fx *f)
{
	int local[16];
	return pmemset_flush(f->checked, local, sizeof(local));
}

static int
checked_flush_in_the_other_set(struct fx *f)
{
	return pmemset_flush(f->checked, f->part.addr, 64);
}

static int
checked_memcpy_outside(struct fx *f)
{
	(void) f;
	static unsigned char outside[64];
	return mem_refused(f->checked, outside, sizeof(outside), 0, OP_CPY);
}

static int
checked_memmove_past_the_end(struct fx *f)
{
	return mem_refused(f->checked, (char *)f->cpart.addr +
			f->cpart.size - 32, 64, 0, OP_MOVE);
}

static int
checked_memset_huge(struct fx *f)
{
	/* the length is what is checked; nothing is written */
	unsigned char *d = f->cpart.addr;
	unsigned char before = d[0];
	void *ret = pmemset_memset(f->checked, d, 0x77, SIZE_MAX / 2, 0);
	if (ret != NULL)
		return UNEXPECTED_OK;
	return d[0] == before ? NULL_RESULT : WROTE_ANYWAY;
}

/* ---- errors ---- */

static int
perror_null_format(struct fx *f)
{
	(void) f;
	/* prints the last message alone; must not crash */
	if (pmemset_config_new(NULL) != -EINVAL)
		return UNEXPECTED_OK;
	int saved = dup(STDERR_FILENO);
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	fflush(stderr);
	dup2(devnull, STDERR_FILENO);
	pmemset_perror(NULL);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(devnull);
	return REPORTED;
}

/* ---- calls that change the set, from inside its own callback ---- */

static int
inner_map(struct fx *f)
{
	int ret = pmemset_map(f->set, f->src, f->mc, NULL);
	capture(f);
	return ret;
}

static int
inner_remove_part_map(struct fx *f)
{
	struct pmemset_part_map *pmap;
	if (pmemset_part_map_by_address(f->set, &pmap, f->part.addr))
		return UNEXPECTED_OK;
	int ret = pmemset_remove_part_map(f->set, &pmap);
	capture(f);
	if (pmap != NULL)
		pmemset_part_map_drop(&pmap);
	return ret;
}

static int
inner_remove_range(struct fx *f)
{
	int ret = pmemset_remove_range(f->set, f->part.addr, 1);
	capture(f);
	return ret;
}

static int
inner_delete(struct fx *f)
{
	struct pmemset *set = f->set;
	int ret = pmemset_delete(&set);
	capture(f);
	return set == f->set ? ret : OUT_NOT_NULLED;
}

static int
from_callback(struct fx *f, int (*inner)(struct fx *))
{
	f->inner = inner;
	f->inner_called = 0;
	if (pmemset_persist(f->set, f->part.addr, 64) != 0 ||
	    f->inner_called != 1)
		return UNEXPECTED_OK;
	return f->inner_ret;
}

static int
map_in_callback(struct fx *f)
{
	return from_callback(f, inner_map);
}

static int
remove_part_map_in_callback(struct fx *f)
{
	return from_callback(f, inner_remove_part_map);
}

static int
remove_range_in_callback(struct fx *f)
{
	return from_callback(f, inner_remove_range);
}

static int
delete_in_callback(struct fx *f)
{
	return from_callback(f, inner_delete);
}

/* ---- the observer ---- */

#define ST(x) ((int)(x))

static int
stat_open_null(struct fx *f)
{
	return ST(pmemset_stat_open(NULL, f->set, NULL, 0));
}

static int
stat_open_matchers(const struct pmemset_stat_matcher *m, size_t n)
{
	struct pmemset_stat *h = POISON;
	int ret = ST(pmemset_stat_open(&h, F.set, m, n));
	if (ret == 0)
		pmemset_stat_close(&h);
	return h == POISON ? ret : OUT_CHANGED;
}

static int
stat_open_null_matchers(struct fx *f)
{
	(void) f;
	return stat_open_matchers(NULL, 2);
}

static int
stat_open_null_pattern(struct fx *f)
{
	(void) f;
	struct pmemset_stat_matcher m = {PMEMSET_STAT_MATCH_GLOB, NULL};
	return stat_open_matchers(&m, 1);
}

static int
stat_open_bad_type(struct fx *f)
{
	(void) f;
	struct pmemset_stat_matcher m = {(enum pmemset_stat_match)7, "*"};
	return stat_open_matchers(&m, 1);
}

static int
stat_open_bad_regex(struct fx *f)
{
	(void) f;
	struct pmemset_stat_matcher m = {PMEMSET_STAT_MATCH_REGEX, "(["};
	return stat_open_matchers(&m, 1);
}

static int
stat_open_huge_count(struct fx *f)
{
	(void) f;
	/* nmatchers larger than the array: the first bad entry stops it */
	struct pmemset_stat_matcher m[2] = {
		{PMEMSET_STAT_MATCH_STRING, "/pmemset"},
		{PMEMSET_STAT_MATCH_STRING, NULL},
	};
	return stat_open_matchers(m, SIZE_MAX);
}

static int
stat_update_null(struct fx *f)
{
	(void) f;
	return ST(pmemset_stat_update(NULL));
}

static int
stat_close_null(struct fx *f)
{
	(void) f;
	return ST(pmemset_stat_close(NULL));
}

static int
stat_root_null_handle(struct fx *f)
{
	(void) f;
	struct pmemset_stat_map *m = POISON;
	int ret = ST(pmemset_stat_root(NULL, &m));
	return m == POISON ? ret : OUT_CHANGED;
}

static int
stat_root_null_out(struct fx *f)
{
	return ST(pmemset_stat_root(f->h, NULL));
}

static int
stat_lookup(const char *uri)
{
	struct pmemset_stat_map *m = POISON;
	int ret = ST(pmemset_stat_lookup_map(F.h, uri, &m));
	return m == POISON ? ret : OUT_CHANGED;
}

static int
stat_lookup_null_handle(struct fx *f)
{
	(void) f;
	struct pmemset_stat_map *m = POISON;
	int ret = ST(pmemset_stat_lookup_map(NULL, "/pmemset", &m));
	return m == POISON ? ret : OUT_CHANGED;
}

static int
stat_lookup_null_uri(struct fx *f)
{
	(void) f;
	return stat_lookup(NULL);
}

static int
stat_lookup_null_out(struct fx *f)
{
	return ST(pmemset_stat_lookup_map(f->h, "/pmemset", NULL));
}

static int
stat_lookup_empty(struct fx *f)
{
	(void) f;
	return stat_lookup("");
}

static int
stat_lookup_relative(struct fx *f)
{
	(void) f;
	return stat_lookup("pmemset/set/1");
}

static int
stat_lookup_unknown_set(struct fx *f)
{
	(void) f;
	return stat_lookup("/pmemset/set/99999999");
}

static int
stat_lookup_id_overflow(struct fx *f)
{
	(void) f;
	return stat_lookup("/pmemset/set/184467440737095516160");
}

static int
stat_lookup_trailing_slash(struct fx *f)
{
	(void) f;
	return stat_lookup("/pmemset/");
}

static int
stat_lookup_too_deep(struct fx *f)
{
	(void) f;
	return stat_lookup("/pmemset/set/1/part/1/part/1");
}

static int
stat_lookup_bad_escape(struct fx *f)
{
	(void) f;
	return stat_lookup("/pmemset/set/%zz");
}

static int
stat_lookup_long_segment(struct fx *f)
{
	(void) f;
	return stat_lookup("/pmemset/set/0000000000000000000000000000000000001");
}

static int
stat_map_uri_null(struct fx *f)
{
	(void) f;
	const char *s = POISON;
	int ret = ST(pmemset_stat_map_uri(NULL, &s));
	return s == POISON ? ret : OUT_CHANGED;
}

static int
stat_map_uri_null_out(struct fx *f)
{
	return ST(pmemset_stat_map_uri(f->root, NULL));
}

static int
stat_map_name_null(struct fx *f)
{
	(void) f;
	const char *s = POISON;
	int ret = ST(pmemset_stat_map_name(NULL, &s));
	return s == POISON ? ret : OUT_CHANGED;
}

static int
stat_map_name_null_out(struct fx *f)
{
	return ST(pmemset_stat_map_name(f->root, NULL));
}

static int
stat_parent_null(struct fx *f)
{
	(void) f;
	struct pmemset_stat_map *m = POISON;
	int ret = ST(pmemset_stat_map_parent(NULL, &m));
	return m == POISON ? ret : OUT_CHANGED;
}

static int
stat_parent_null_out(struct fx *f)
{
	return ST(pmemset_stat_map_parent(f->set_map, NULL));
}

static int
stat_parent_of_root(struct fx *f)
{
	struct pmemset_stat_map *m = POISON;
	int ret = ST(pmemset_stat_map_parent(f->root, &m));
	return m == POISON ? ret : OUT_CHANGED;
}

static int
stat_size_null(struct fx *f)
{
	(void) f;
	size_t n = 7;
	int ret = ST(pmemset_stat_map_size(NULL, &n));
	return n == 7 ? ret : OUT_CHANGED;
}

static int
stat_size_null_out(struct fx *f)
{
	return ST(pmemset_stat_map_size(f->root, NULL));
}

static void
noop_tree(struct pmemset_stat_map *m, struct pmemset_stat_map *s,
		enum pmemset_stat_tree_event e)
{
	(void) m, (void) s, (void) e;
}

static void
noop_data(struct pmemset_stat_map *m, struct pmemset_stat_map *s,
		enum pmemset_stat_data_event e)
{
	(void) m, (void) s, (void) e;
}

static void
noop_destroy(struct pmemset_stat_map *m, void *ud)
{
	(void) m, (void) ud;
}

static int
stat_tree_cb_null(struct fx *f)
{
	(void) f;
	return ST(pmemset_stat_map_set_tree_cb(NULL, noop_tree));
}

static int
stat_data_cb_null(struct fx *f)
{
	(void) f;
	return ST(pmemset_stat_map_set_data_cb(NULL, noop_data));
}

static int
stat_destroy_cb_null(struct fx *f)
{
	(void) f;
	return ST(pmemset_stat_map_set_destroy_cb(NULL, noop_destroy));
}

static int
stat_set_userdata_null(struct fx *f)
{
	return ST(pmemset_stat_map_set_userdata(NULL, f));
}

static int
stat_get_userdata_null(struct fx *f)
{
	(void) f;
	void *d = POISON;
	int ret = ST(pmemset_stat_map_get_userdata(NULL, &d));
	return d == POISON ? ret : OUT_CHANGED;
}

static int
stat_get_userdata_null_out(struct fx *f)
{
	return ST(pmemset_stat_map_get_userdata(f->root, NULL));
}

static int
stat_get_null_map(struct fx *f)
{
	(void) f;
	struct pmemset_stat_nv nv;
	return ST(pmemset_stat_map_get(NULL, "sets", &nv));
}

static int
stat_get_null_name(struct fx *f)
{
	struct pmemset_stat_nv nv;
	return ST(pmemset_stat_map_get(f->root, NULL, &nv));
}

static int
stat_get_null_out(struct fx *f)
{
	return ST(pmemset_stat_map_get(f->root, "sets", NULL));
}

static int
stat_get_missing(struct fx *f)
{
	struct pmemset_stat_nv nv;
	nv.name = POISON;
	int ret = ST(pmemset_stat_map_get(f->root, "no_such_value", &nv));
	return nv.name == POISON ? ret : OUT_CHANGED;
}

static int
stat_get_empty_name(struct fx *f)
{
	struct pmemset_stat_nv nv;
	return ST(pmemset_stat_map_get(f->set_map, "", &nv));
}

static int
stat_get_uint64_null_map(struct fx *f)
{
	(void) f;
	uint64_t v;
	return ST(pmemset_stat_map_get_uint64(NULL, "sets", &v));
}

static int
stat_get_uint64_null_name(struct fx *f)
{
	uint64_t v;
	return ST(pmemset_stat_map_get_uint64(f->root, NULL, &v));
}

static int
stat_get_uint64_null_out(struct fx *f)
{
	return ST(pmemset_stat_map_get_uint64(f->root, "sets", NULL));
}

static int
stat_get_uint64_of_a_string(struct fx *f)
{
	uint64_t v = 7;
	int ret = ST(pmemset_stat_map_get_uint64(f->set_map, "granularity",
			&v));
	return v == 7 ? ret : OUT_CHANGED;
}

static int
stat_get_string_null_out(struct fx *f)
{
	return ST(pmemset_stat_map_get_string(f->set_map, "granularity",
			NULL));
}

static int
stat_get_string_of_a_number(struct fx *f)
{
	const char *s = POISON;
	int ret = ST(pmemset_stat_map_get_string(f->set_map, "parts", &s));
	return s == POISON ? ret : OUT_CHANGED;
}

static int
stat_get_u64s_null_values(struct fx *f)
{
	size_t n;
	return ST(pmemset_stat_map_get_uint64_array(f->set_map, "part_ids",
			NULL, &n));
}

static int
stat_get_u64s_null_length(struct fx *f)
{
	const uint64_t *v;
	return ST(pmemset_stat_map_get_uint64_array(f->set_map, "part_ids",
			&v, NULL));
}

static int
stat_get_u64s_of_a_string(struct fx *f)
{
	const uint64_t *v = POISON;
	size_t n = 7;
	int ret = ST(pmemset_stat_map_get_uint64_array(f->set_map,
			"coalescing", &v, &n));
	return v == POISON && n == 7 ? ret : OUT_CHANGED;
}

static int
stat_get_strs_null_values(struct fx *f)
{
	size_t n;
	return ST(pmemset_stat_map_get_string_array(f->set_map,
			"source_paths", NULL, &n));
}

static int
stat_get_strs_null_length(struct fx *f)
{
	const char *const *v;
	return ST(pmemset_stat_map_get_string_array(f->set_map,
			"source_paths", &v, NULL));
}

static int
stat_get_strs_of_a_number(struct fx *f)
{
	const char *const *v = POISON;
	size_t n = 7;
	int ret = ST(pmemset_stat_map_get_string_array(f->set_map, "parts",
			&v, &n));
	return v == POISON && n == 7 ? ret : OUT_CHANGED;
}

static int
stat_get_map_null_out(struct fx *f)
{
	return ST(pmemset_stat_map_get_map(f->root, "set/1", NULL));
}

static int
stat_get_map_of_a_number(struct fx *f)
{
	struct pmemset_stat_map *m = POISON;
	int ret = ST(pmemset_stat_map_get_map(f->root, "sets", &m));
	return m == POISON ? ret : OUT_CHANGED;
}

static int
stat_get_map_bad_child_name(struct fx *f)
{
	struct pmemset_stat_map *m = POISON;
	int ret = ST(pmemset_stat_map_get_map(f->root, "set/01", &m));
	return m == POISON ? ret : OUT_CHANGED;
}

static int
stat_put_u64_null_map(struct fx *f)
{
	(void) f;
	return ST(pmemset_stat_map_put_uint64(NULL, "mine", 1));
}

static int
stat_put_u64_null_name(struct fx *f)
{
	return ST(pmemset_stat_map_put_uint64(f->set_map, NULL, 1));
}

static int
stat_put_u64_empty_name(struct fx *f)
{
	return ST(pmemset_stat_map_put_uint64(f->set_map, "", 1));
}

static int
stat_put_u64_slash_name(struct fx *f)
{
	return ST(pmemset_stat_map_put_uint64(f->set_map, "a/b", 1));
}

static int
stat_put_u64_long_name(struct fx *f)
{
	char name[300];
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	return ST(pmemset_stat_map_put_uint64(f->set_map, name, 1));
}

static int
stat_put_u64_sys_name(struct fx *f)
{
	return ST(pmemset_stat_map_put_uint64(f->set_map, "parts", 1));
}

static int
stat_put_string_null_value(struct fx *f)
{
	return ST(pmemset_stat_map_put_string(f->set_map, "mine", NULL));
}

static int
stat_put_string_null_map(struct fx *f)
{
	(void) f;
	return ST(pmemset_stat_map_put_string(NULL, "mine", "v"));
}

static int
stat_put_string_sys_name(struct fx *f)
{
	return ST(pmemset_stat_map_put_string(f->root, "version", "v"));
}

static int
stat_put_u64s_null_values(struct fx *f)
{
	return ST(pmemset_stat_map_put_uint64_array(f->set_map, "mine", NULL,
			3));
}

static int
stat_put_u64s_huge_length(struct fx *f)
{
	static const uint64_t v[1] = {1};
	return ST(pmemset_stat_map_put_uint64_array(f->set_map, "mine", v,
			SIZE_MAX));
}

static int
stat_put_u64s_null_map(struct fx *f)
{
	(void) f;
	static const uint64_t v[1] = {1};
	return ST(pmemset_stat_map_put_uint64_array(NULL, "mine", v, 1));
}

static int
stat_put_strs_null_values(struct fx *f)
{
	return ST(pmemset_stat_map_put_string_array(f->set_map, "mine", NULL,
			2));
}

static int
stat_put_strs_null_element(struct fx *f)
{
	const char *v[3] = {"a", NULL, "c"};
	return ST(pmemset_stat_map_put_string_array(f->set_map, "mine", v,
			3));
}

static int
stat_put_strs_huge_length(struct fx *f)
{
	const char *v[1] = {"a"};
	return ST(pmemset_stat_map_put_string_array(f->set_map, "mine", v,
			SIZE_MAX));
}

static int
stat_put_strs_sys_name(struct fx *f)
{
	const char *v[1] = {"a"};
	return ST(pmemset_stat_map_put_string_array(f->set_map,
			"source_paths", v, 1));
}

static int
stat_remove_null_map(struct fx *f)
{
	(void) f;
	return ST(pmemset_stat_map_remove(NULL, "mine"));
}

static int
stat_remove_null_name(struct fx *f)
{
	return ST(pmemset_stat_map_remove(f->set_map, NULL));
}

static int
stat_remove_sys(struct fx *f)
{
	return ST(pmemset_stat_map_remove(f->set_map, "parts"));
}

static int
stat_remove_child(struct fx *f)
{
	const char *name;
	if (pmemset_stat_map_name(f->set_map, &name))
		return UNEXPECTED_OK;
	return ST(pmemset_stat_map_remove(f->root, name));
}

static int
stat_remove_missing(struct fx *f)
{
	return ST(pmemset_stat_map_remove(f->set_map, "never_put"));
}

static int
stat_iter_start_null_map(struct fx *f)
{
	(void) f;
	struct pmemset_stat_mapiter *it = POISON;
	int ret = ST(pmemset_stat_mapiter_start(NULL, PMEMSET_STAT_KIND_ALL,
			&it));
	return it == POISON ? ret : OUT_CHANGED;
}

static int
stat_iter_start_null_out(struct fx *f)
{
	return ST(pmemset_stat_mapiter_start(f->root, PMEMSET_STAT_KIND_ALL,
			NULL));
}

static int
stat_iter_start_kinds(unsigned kinds)
{
	struct pmemset_stat_mapiter *it = POISON;
	int ret = ST(pmemset_stat_mapiter_start(F.root, kinds, &it));
	if (ret == 0)
		pmemset_stat_mapiter_end(&it);
	return it == POISON ? ret : OUT_CHANGED;
}

static int
stat_iter_start_no_kind(struct fx *f)
{
	(void) f;
	return stat_iter_start_kinds(0);
}

static int
stat_iter_start_unknown_kind(struct fx *f)
{
	(void) f;
	return stat_iter_start_kinds(PMEMSET_STAT_KIND_ALL + 1);
}

static int
stat_iter_hasnext_null(struct fx *f)
{
	(void) f;
	bool b;
	return ST(pmemset_stat_mapiter_hasnext(NULL, &b));
}

static int
stat_iter_with(struct fx *f, int (*fn)(struct pmemset_stat_mapiter *it))
{
	struct pmemset_stat_mapiter *it;
	if (pmemset_stat_mapiter_start(f->set_map, PMEMSET_STAT_KIND_ALL, &it))
		return UNEXPECTED_OK;
	int ret = fn(it);
	capture(f);
	pmemset_stat_mapiter_end(&it);
	return ret;
}

static int
hasnext_null_out_fn(struct pmemset_stat_mapiter *it)
{
	return ST(pmemset_stat_mapiter_hasnext(it, NULL));
}

static int
stat_iter_hasnext_null_out(struct fx *f)
{
	return stat_iter_with(f, hasnext_null_out_fn);
}

static int
next_null_out_fn(struct pmemset_stat_mapiter *it)
{
	return ST(pmemset_stat_mapiter_next(it, NULL));
}

static int
stat_iter_next_null_out(struct fx *f)
{
	return stat_iter_with(f, next_null_out_fn);
}

static int
stat_iter_next_null(struct fx *f)
{
	(void) f;
	struct pmemset_stat_nv nv;
	return ST(pmemset_stat_mapiter_next(NULL, &nv));
}

static int
next_past_the_end_fn(struct pmemset_stat_mapiter *it)
{
	struct pmemset_stat_nv nv;
	bool more = true;
	while (pmemset_stat_mapiter_hasnext(it, &more) == 0 && more)
		(void) pmemset_stat_mapiter_next(it, &nv);
	return ST(pmemset_stat_mapiter_next(it, &nv));
}

static int
stat_iter_next_past_the_end(struct fx *f)
{
	return stat_iter_with(f, next_past_the_end_fn);
}

static int
next_after_put_fn(struct pmemset_stat_mapiter *it)
{
	struct pmemset_stat_nv nv;
	if (pmemset_stat_map_put_uint64(F.set_map, "changes", 1))
		return UNEXPECTED_OK;
	int ret = ST(pmemset_stat_mapiter_next(it, &nv));
	capture(&F);
	pmemset_stat_map_remove(F.set_map, "changes");
	return ret;
}

static int
stat_iter_next_after_a_put(struct fx *f)
{
	return stat_iter_with(f, next_after_put_fn);
}

static int
stat_iter_end_null(struct fx *f)
{
	(void) f;
	return ST(pmemset_stat_mapiter_end(NULL));
}

static int
stat_ref_alloc_null_map(struct fx *f)
{
	(void) f;
	struct pmemset_stat_mapref *r = POISON;
	int ret = ST(pmemset_stat_mapref_alloc(NULL, &r));
	return r == POISON ? ret : OUT_CHANGED;
}

static int
stat_ref_alloc_null_out(struct fx *f)
{
	return ST(pmemset_stat_mapref_alloc(f->root, NULL));
}

static int
stat_ref_deref_null(struct fx *f)
{
	(void) f;
	struct pmemset_stat_map *m = POISON;
	int ret = ST(pmemset_stat_mapref_deref(NULL, &m));
	return m == POISON ? ret : OUT_CHANGED;
}

static int
stat_ref_deref_null_out(struct fx *f)
{
	struct pmemset_stat_mapref *r;
	if (pmemset_stat_mapref_alloc(f->root, &r))
		return UNEXPECTED_OK;
	int ret = ST(pmemset_stat_mapref_deref(r, NULL));
	capture(f);
	pmemset_stat_mapref_free(&r);
	return ret;
}

/* a reference to a part's map, deref'd after the part went */
static int
stat_ref_deref_removed(struct fx *f)
{
	struct pmemset_part_descriptor d;
	struct pmemset_map_config *mc;
	if (pmemset_map_config_new(&mc) ||
	    pmemset_map_config_set_offset(mc, 256 * KiB))
		return UNEXPECTED_OK;
	pmemset_map_config_set_length(mc, PART);
	int ret = pmemset_map(f->set, f->src, mc, &d);
	pmemset_map_config_delete(&mc);
	if (ret != 0 || pmemset_stat_update(f->h))
		return UNEXPECTED_OK;
	/* the newest part is the last child of the set's map */
	struct pmemset_stat_mapiter *it;
	struct pmemset_stat_map *part = NULL;
	if (pmemset_stat_mapiter_start(f->set_map, PMEMSET_STAT_KIND_MAP, &it))
		return UNEXPECTED_OK;
	bool more;
	while (pmemset_stat_mapiter_hasnext(it, &more) == 0 && more) {
		struct pmemset_stat_nv nv;
		if (pmemset_stat_mapiter_next(it, &nv) == 0)
			part = nv.data.map;
	}
	pmemset_stat_mapiter_end(&it);
	struct pmemset_stat_mapref *r;
	if (part == NULL || pmemset_stat_mapref_alloc(part, &r))
		return UNEXPECTED_OK;
	if (pmemset_remove_range(f->set, d.addr, d.size) ||
	    pmemset_stat_update(f->h))
		return UNEXPECTED_OK;
	struct pmemset_stat_map *m = POISON;
	ret = ST(pmemset_stat_mapref_deref(r, &m));
	capture(f);
	pmemset_stat_mapref_free(&r);
	return m == POISON ? ret : OUT_CHANGED;
}

static int
stat_ref_free_null(struct fx *f)
{
	(void) f;
	return ST(pmemset_stat_mapref_free(NULL));
}

static int
stat_encode_null_str(struct fx *f)
{
	(void) f;
	char buf[16];
	return ST(pmemset_stat_uri_encode(NULL, buf, sizeof(buf)));
}

static int
stat_encode_null_buf(struct fx *f)
{
	(void) f;
	return ST(pmemset_stat_uri_encode("a b", NULL, 16));
}

static int
stat_encode_zero_buflen(struct fx *f)
{
	(void) f;
	char buf[1] = {'x'};
	int ret = ST(pmemset_stat_uri_encode("", buf, 0));
	return buf[0] == 'x' ? ret : OUT_CHANGED;
}

static int
stat_encode_one_short(struct fx *f)
{
	(void) f;
	char buf[7]; /* "a%20b" needs 6 with the NUL; "a b c" needs 10 */
	return ST(pmemset_stat_uri_encode("a b c", buf, sizeof(buf)));
}

static int
stat_decode_null_str(struct fx *f)
{
	(void) f;
	char buf[16];
	return ST(pmemset_stat_uri_decode(NULL, buf, sizeof(buf)));
}

static int
stat_decode_null_buf(struct fx *f)
{
	(void) f;
	return ST(pmemset_stat_uri_decode("a", NULL, 16));
}

static int
stat_decode_truncated_escape(struct fx *f)
{
	(void) f;
	char buf[16];
	return ST(pmemset_stat_uri_decode("abc%4", buf, sizeof(buf)));
}

static int
stat_decode_not_hex(struct fx *f)
{
	(void) f;
	char buf[16];
	return ST(pmemset_stat_uri_decode("%g0", buf, sizeof(buf)));
}

static int
stat_decode_nul(struct fx *f)
{
	(void) f;
	char buf[16];
	return ST(pmemset_stat_uri_decode("a%00b", buf, sizeof(buf)));
}

static int
stat_decode_zero_buflen(struct fx *f)
{
	(void) f;
	char buf[1];
	return ST(pmemset_stat_uri_decode("", buf, 0));
}

static int
stat_dump_null_map(struct fx *f)
{
	(void) f;
	return ST(pmemset_stat_dump(NULL, stderr, PMEMSET_STAT_DUMP_TEXT));
}

static int
stat_dump_null_stream(struct fx *f)
{
	return ST(pmemset_stat_dump(f->root, NULL, PMEMSET_STAT_DUMP_JSON));
}

static int
stat_dump_bad_format(struct fx *f)
{
	return ST(pmemset_stat_dump(f->root, stderr,
			(enum pmemset_stat_dump_format)
			(PMEMSET_STAT_DUMP_OPENMETRICS + 1)));
}

static int
stat_dump_to_a_full_device(struct fx *f)
{
	FILE *full = fopen("/dev/full", "we");
	if (full == NULL)
		return UNEXPECTED_OK;
	int ret = ST(pmemset_stat_dump(f->root, full, PMEMSET_STAT_DUMP_JSON));
	capture(f);
	fclose(full);
	return ret;
}

static int
stat_status_string_unknown(struct fx *f)
{
	(void) f;
	/* not an error path: the strings exist for every value */
	const char *a = pmemset_stat_status_string(
			(enum pmemset_stat_status)-1);
	const char *b = pmemset_stat_status_string(
			(enum pmemset_stat_status)1000);
	if (a == NULL || b == NULL || strcmp(a, b) != 0)
		return UNEXPECTED_OK;
	(void) pmemset_config_new(NULL); /* so the row has a message */
	return REPORTED;
}

/* update and close from inside a callback of the same handle */
static int Inner_update, Inner_close;
static char Inner_msg[1024];

static void
reenter_tree(struct pmemset_stat_map *map, struct pmemset_stat_map *sub,
		enum pmemset_stat_tree_event ev)
{
	(void) sub;
	if (ev != PMEMSET_STAT_TREE_ADD)
		return;
	struct pmemset_stat *h = F.h;
	Inner_update = ST(pmemset_stat_update(h));
	Inner_close = ST(pmemset_stat_close(&h));
	snprintf(Inner_msg, sizeof(Inner_msg), "%s", pmemset_errormsg());
	(void) pmemset_stat_map_set_tree_cb(map, NULL);
}

static int
stat_update_and_close_in_callback(struct fx *f)
{
	Inner_update = Inner_close = -1;
	if (pmemset_stat_map_set_tree_cb(f->set_map, reenter_tree))
		return UNEXPECTED_OK;
	struct pmemset_part_descriptor d;
	struct pmemset_map_config *mc;
	if (pmemset_map_config_new(&mc) ||
	    pmemset_map_config_set_offset(mc, 256 * KiB))
		return UNEXPECTED_OK;
	pmemset_map_config_set_length(mc, PART);
	int ret = pmemset_map(f->set, f->src, mc, &d);
	pmemset_map_config_delete(&mc);
	if (ret != 0 || pmemset_stat_update(f->h) ||
	    pmemset_remove_range(f->set, d.addr, d.size) ||
	    pmemset_stat_update(f->h))
		return UNEXPECTED_OK;
	snprintf(f->msg, sizeof(f->msg), "%s", Inner_msg);
	f->msg_captured = 1;
	return Inner_update == Inner_close ? Inner_update : UNEXPECTED_OK;
}

/* a SYS value read from a destroy callback (only DATA_ADD may) */
static int Destroy_read = -1;

static void
read_in_destroy(struct pmemset_stat_map *map, void *ud)
{
	(void) ud;
	uint64_t v;
	Destroy_read = ST(pmemset_stat_map_get_uint64(map, "size", &v));
	snprintf(Inner_msg, sizeof(Inner_msg), "%s", pmemset_errormsg());
}

static void
arm_destroy(struct pmemset_stat_map *map, struct pmemset_stat_map *sub,
		enum pmemset_stat_tree_event ev)
{
	if (ev == PMEMSET_STAT_TREE_ADD) {
		(void) pmemset_stat_map_set_destroy_cb(sub, read_in_destroy);
		(void) pmemset_stat_map_set_tree_cb(map, NULL);
	}
}

static int
stat_sys_read_in_destroy(struct fx *f)
{
	Destroy_read = -1;
	if (pmemset_stat_map_set_tree_cb(f->set_map, arm_destroy))
		return UNEXPECTED_OK;
	struct pmemset_part_descriptor d;
	struct pmemset_map_config *mc;
	if (pmemset_map_config_new(&mc) ||
	    pmemset_map_config_set_offset(mc, 256 * KiB))
		return UNEXPECTED_OK;
	pmemset_map_config_set_length(mc, PART);
	int ret = pmemset_map(f->set, f->src, mc, &d);
	pmemset_map_config_delete(&mc);
	if (ret != 0 || pmemset_stat_update(f->h) ||
	    pmemset_remove_range(f->set, d.addr, d.size) ||
	    pmemset_stat_update(f->h))
		return UNEXPECTED_OK;
	snprintf(f->msg, sizeof(f->msg), "%s", Inner_msg);
	f->msg_captured = 1;
	return Destroy_read;
}

/* ---- the table ---- */

struct row {
	const char *name;
	int (*call)(struct fx *f);
	int expected;
};

#define ROW(fn, expected) {#fn, fn, expected}
#define INVAL (-EINVAL)
#define S_INVAL_ARG ST(PMEMSET_STAT_S_INVAL_ARG)

static const struct row Core_rows[] = {
	ROW(config_new_null, INVAL),
	ROW(config_delete_null, INVAL),
	ROW(config_granularity_null_cfg, INVAL),
	ROW(config_granularity_above_page,
		PMEMSET_E_GRANULARITY_NOT_SUPPORTED),
	ROW(config_granularity_negative, PMEMSET_E_GRANULARITY_NOT_SUPPORTED),
	ROW(config_granularity_int_max, PMEMSET_E_GRANULARITY_NOT_SUPPORTED),
	ROW(config_reservation_null_cfg, REPORTED),
	ROW(config_states_null_cfg, INVAL),
	ROW(config_states_unknown_bit, PMEMSET_E_INVALID_PART_STATES),
	ROW(config_states_all_ones, PMEMSET_E_INVALID_PART_STATES),
	ROW(config_callback_null_cfg, REPORTED),

	ROW(new_null_set, INVAL),
	ROW(new_null_cfg, INVAL),
	ROW(new_without_granularity, PMEMSET_E_GRANULARITY_NOT_SET),
	ROW(delete_null, INVAL),
	ROW(granularity_null_set, INVAL),
	ROW(granularity_null_out, INVAL),
	ROW(granularity_of_empty_set, PMEMSET_E_NO_PART_MAPPED),
	ROW(coalescing_null_set, INVAL),
	ROW(coalescing_above_full, PMEMSET_E_INVALID_COALESCING_VALUE),
	ROW(coalescing_negative, PMEMSET_E_INVALID_COALESCING_VALUE),

	ROW(map_config_new_null, INVAL),
	ROW(map_config_offset_null, INVAL),
	ROW(map_config_offset_above_int64, PMEMSET_E_OFFSET_OUT_OF_RANGE),
	ROW(map_config_offset_size_max, PMEMSET_E_OFFSET_OUT_OF_RANGE),
	ROW(map_config_length_null, REPORTED),
	ROW(map_config_delete_null, INVAL),

	ROW(from_pmem2_null_out, INVAL),
	ROW(from_pmem2_null_source, PMEMSET_E_INVALID_PMEM2_SOURCE),
	ROW(from_file_null_out, INVAL),
	ROW(from_file_null_path, PMEMSET_E_INVALID_SOURCE_PATH),
	ROW(from_file_missing, PMEMSET_E_INVALID_SOURCE_PATH),
	ROW(from_file_empty_path, PMEMSET_E_INVALID_SOURCE_PATH),
	ROW(from_file_directory, PMEMSET_E_INVALID_SOURCE_TYPE),
	ROW(from_file_name_too_long, -ENAMETOOLONG),
	ROW(xsource_null_out, INVAL),
	ROW(xsource_null_path, PMEMSET_E_INVALID_SOURCE_PATH),
	ROW(xsource_unknown_flag, PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS),
	ROW(xsource_setuid_mode, PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS),
	ROW(xsource_always_and_if_needed,
		PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS),
	ROW(xsource_all_ones, PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS),
	ROW(xsource_missing_without_create, PMEMSET_E_INVALID_SOURCE_PATH),
	ROW(xsource_create_in_missing_dir, PMEMSET_E_INVALID_SOURCE_PATH),
	ROW(temporary_null_out, INVAL),
	ROW(temporary_null_dir, PMEMSET_E_INVALID_SOURCE_PATH),
	ROW(temporary_missing_dir, PMEMSET_E_INVALID_SOURCE_PATH),
	ROW(temporary_in_a_file, PMEMSET_E_INVALID_SOURCE_PATH),
	ROW(source_delete_null, INVAL),
	ROW(sds_null_source, INVAL),
	ROW(sds_null_sds, INVAL),
	ROW(sds_unterminated_id, INVAL),
	ROW(sds_negative_refcount, INVAL),
	ROW(badblock_detection_null, REPORTED),
	ROW(pread_null_source, INVAL),
	ROW(pread_null_buf, INVAL),
	ROW(pread_past_the_end, PMEMSET_E_LENGTH_OUT_OF_RANGE),
	ROW(pread_offset_past_the_end, PMEMSET_E_LENGTH_OUT_OF_RANGE),
	ROW(pread_huge_size, PMEMSET_E_LENGTH_OUT_OF_RANGE),
	ROW(pread_huge_offset, PMEMSET_E_LENGTH_OUT_OF_RANGE),
	ROW(pwrite_null_source, INVAL),
	ROW(pwrite_null_buf, INVAL),
	ROW(pwrite_past_the_end, PMEMSET_E_LENGTH_OUT_OF_RANGE),
	ROW(pwrite_huge_size, PMEMSET_E_LENGTH_OUT_OF_RANGE),
	ROW(alignment_null_source, INVAL),
	ROW(alignment_null_out, INVAL),
	ROW(badblock_clear_null_bb, INVAL),
	ROW(badblock_clear_null_source, INVAL),
	ROW(badblock_clear_zero_length, INVAL),
	ROW(badblock_clear_wraps, INVAL),
	ROW(badblock_clear_not_reported, INVAL),

	ROW(map_null_set, INVAL),
	ROW(map_null_source, PMEMSET_E_INVALID_SOURCE_TYPE),
	ROW(map_offset_one, PMEMSET_E_INVALID_OFFSET_VALUE),
	ROW(map_offset_page_minus_one, PMEMSET_E_INVALID_OFFSET_VALUE),
	ROW(map_length_one, PMEMSET_E_LENGTH_UNALIGNED),
	ROW(map_length_page_plus_one, PMEMSET_E_LENGTH_UNALIGNED),
	ROW(map_length_huge, PMEMSET_E_CANNOT_GROW_SOURCE_FILE),
	ROW(map_offset_plus_length_past_int64,
		PMEMSET_E_CANNOT_GROW_SOURCE_FILE),
	ROW(map_temporary_length_size_max, PMEMSET_E_CANNOT_GROW_SOURCE_FILE),
	ROW(map_do_not_grow_length_huge, PMEMSET_E_LENGTH_OUT_OF_RANGE),
	ROW(map_length_zero_at_the_end, PMEMSET_E_MAP_LENGTH_UNSET),
	ROW(map_length_zero_past_the_end, PMEMSET_E_MAP_LENGTH_UNSET),
	ROW(map_do_not_grow_past_the_end, PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL),
	ROW(map_full_coalescing_after_an_uncoalesced_part,
		PMEMSET_E_CANNOT_COALESCE_PARTS),
	ROW(map_too_coarse_for_the_set, PMEMSET_E_GRANULARITY_NOT_SUPPORTED),
	ROW(map_reservation_too_small, PMEMSET_E_CANNOT_FIT_PART_MAP),
	ROW(map_anonymous_past_its_size, PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL),
	ROW(map_granularity_mismatch_alone, PMEMSET_E_GRANULARITY_MISMATCH),
	ROW(map_granularity_mismatch_coalescing,
		PMEMSET_E_GRANULARITY_MISMATCH),

	ROW(descriptor_of_null, REPORTED),
	ROW(by_address_null_set, INVAL),
	ROW(by_address_null_out, INVAL),
	ROW(by_address_null_address, PMEMSET_E_CANNOT_FIND_PART_MAP),
	ROW(by_address_just_past_the_part, PMEMSET_E_CANNOT_FIND_PART_MAP),
	ROW(by_address_just_before_the_part, PMEMSET_E_CANNOT_FIND_PART_MAP),
	ROW(by_address_on_the_stack, PMEMSET_E_CANNOT_FIND_PART_MAP),
	ROW(by_address_highest, PMEMSET_E_CANNOT_FIND_PART_MAP),
	ROW(first_null_set, REPORTED),
	ROW(first_null_out, REPORTED),
	ROW(next_null_set, REPORTED),
	ROW(next_null_cur, REPORTED),
	ROW(next_null_out, REPORTED),
	ROW(drop_null, REPORTED),
	ROW(drop_null_pmap, REPORTED),

	ROW(remove_part_map_null_set, INVAL),
	ROW(remove_part_map_null_arg, INVAL),
	ROW(remove_part_map_null_pmap, INVAL),
	ROW(remove_range_null_set, INVAL),
	ROW(remove_range_zero_length, PMEMSET_E_CANNOT_FIND_PART_MAP),
	ROW(remove_range_outside, PMEMSET_E_CANNOT_FIND_PART_MAP),
	ROW(remove_range_null_address, PMEMSET_E_CANNOT_FIND_PART_MAP),
	ROW(remove_range_just_past_the_part, PMEMSET_E_CANNOT_FIND_PART_MAP),
	ROW(remove_range_wraps, PMEMSET_E_LENGTH_OUT_OF_RANGE),
	ROW(remove_range_to_the_top, PMEMSET_E_CANNOT_FIND_PART_MAP),

	ROW(persist_null_set, INVAL),
	ROW(flush_null_set, INVAL),
	ROW(drain_null_set, INVAL),
	ROW(deep_flush_null_set, INVAL),
	ROW(persist_empty_set, PMEMSET_E_NO_PART_MAPPED),
	ROW(flush_empty_set, PMEMSET_E_NO_PART_MAPPED),
	ROW(drain_empty_set, PMEMSET_E_NO_PART_MAPPED),
	ROW(deep_flush_empty_set, PMEMSET_E_NO_PART_MAPPED),
	ROW(deep_flush_outside, PMEMSET_E_CANNOT_FIND_PART_MAP),
	ROW(deep_flush_wraps, PMEMSET_E_LENGTH_OUT_OF_RANGE),
	ROW(deep_flush_to_the_top, PMEMSET_E_CANNOT_FIND_PART_MAP),
	ROW(memcpy_null_set, NULL_RESULT),
	ROW(memmove_null_set, NULL_RESULT),
	ROW(memset_null_set, NULL_RESULT),
	ROW(memcpy_unknown_flags, NULL_RESULT),
	ROW(memmove_unknown_flags, NULL_RESULT),
	ROW(memset_unknown_flags, NULL_RESULT),
	ROW(memcpy_empty_set, NULL_RESULT),
	ROW(memset_empty_set, NULL_RESULT),
	ROW(checked_persist_outside, PMEMSET_E_CANNOT_FIND_PART_MAP),
	ROW(checked_persist_past_the_end, PMEMSET_E_CANNOT_FIND_PART_MAP),
	ROW(checked_persist_before_the_start, PMEMSET_E_CANNOT_FIND_PART_MAP),
	ROW(checked_persist_huge, PMEMSET_E_CANNOT_FIND_PART_MAP),
	ROW(checked_persist_null, PMEMSET_E_CANNOT_FIND_PART_MAP),
	ROW(checked_persist_to_the_top, PMEMSET_E_CANNOT_FIND_PART_MAP),
	ROW(checked_flush_outside, PMEMSET_E_CANNOT_FIND_PART_MAP),
	ROW(checked_flush_in_the_other_set, PMEMSET_E_CANNOT_FIND_PART_MAP),
	ROW(checked_memcpy_outside, NULL_RESULT),
	ROW(checked_memmove_past_the_end, NULL_RESULT),
	ROW(checked_memset_huge, NULL_RESULT),
	ROW(perror_null_format, REPORTED),
};

/* the right calls in the wrong order or the wrong place */
static const struct row Order_rows[] = {
	ROW(remove_part_map_twice, INVAL),
	ROW(remove_part_map_with_a_second_reference,
		PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP),
	ROW(remove_part_map_of_another_set, PMEMSET_E_PART_NOT_FOUND),
	ROW(remove_range_with_a_reference_held,
		PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP),
	ROW(next_of_another_set, REPORTED),
	ROW(drop_twice, REPORTED),
	ROW(sds_set_twice, PMEMSET_E_SDS_ALREADY_SET),
	ROW(sds_after_a_map, PMEMSET_E_PART_EXISTS),
	ROW(map_in_callback, PMEMSET_E_IN_CALLBACK),
	ROW(remove_part_map_in_callback, PMEMSET_E_IN_CALLBACK),
	ROW(remove_range_in_callback, PMEMSET_E_IN_CALLBACK),
	ROW(delete_in_callback, PMEMSET_E_IN_CALLBACK),
	ROW(stat_update_and_close_in_callback,
		ST(PMEMSET_STAT_S_INVAL_STATE)),
	ROW(stat_sys_read_in_destroy, ST(PMEMSET_STAT_S_INVAL_STATE)),
	ROW(stat_iter_next_after_a_put, ST(PMEMSET_STAT_S_CONC_MOD)),
	ROW(stat_ref_deref_removed, ST(PMEMSET_STAT_S_DEL_MAP)),
};

static const struct row Stat_rows[] = {
	ROW(stat_open_null, S_INVAL_ARG),
	ROW(stat_open_null_matchers, S_INVAL_ARG),
	ROW(stat_open_null_pattern, S_INVAL_ARG),
	ROW(stat_open_bad_type, S_INVAL_ARG),
	ROW(stat_open_bad_regex, S_INVAL_ARG),
	ROW(stat_open_huge_count, S_INVAL_ARG),
	ROW(stat_update_null, S_INVAL_ARG),
	ROW(stat_close_null, S_INVAL_ARG),
	ROW(stat_root_null_handle, S_INVAL_ARG),
	ROW(stat_root_null_out, S_INVAL_ARG),
	ROW(stat_lookup_null_handle, S_INVAL_ARG),
	ROW(stat_lookup_null_uri, S_INVAL_ARG),
	ROW(stat_lookup_null_out, S_INVAL_ARG),
	ROW(stat_lookup_empty, ST(PMEMSET_STAT_S_NOT_FOUND)),
	ROW(stat_lookup_relative, ST(PMEMSET_STAT_S_NOT_FOUND)),
	ROW(stat_lookup_unknown_set, ST(PMEMSET_STAT_S_NOT_FOUND)),
	ROW(stat_lookup_id_overflow, ST(PMEMSET_STAT_S_NOT_FOUND)),
	ROW(stat_lookup_trailing_slash, ST(PMEMSET_STAT_S_NOT_FOUND)),
	ROW(stat_lookup_too_deep, ST(PMEMSET_STAT_S_NOT_FOUND)),
	ROW(stat_lookup_bad_escape, ST(PMEMSET_STAT_S_NOT_FOUND)),
	ROW(stat_lookup_long_segment, ST(PMEMSET_STAT_S_NOT_FOUND)),
	ROW(stat_map_uri_null, S_INVAL_ARG),
	ROW(stat_map_uri_null_out, S_INVAL_ARG),
	ROW(stat_map_name_null, S_INVAL_ARG),
	ROW(stat_map_name_null_out, S_INVAL_ARG),
	ROW(stat_parent_null, S_INVAL_ARG),
	ROW(stat_parent_null_out, S_INVAL_ARG),
	ROW(stat_parent_of_root, ST(PMEMSET_STAT_S_NOT_FOUND)),
	ROW(stat_size_null, S_INVAL_ARG),
	ROW(stat_size_null_out, S_INVAL_ARG),
	ROW(stat_tree_cb_null, S_INVAL_ARG),
	ROW(stat_data_cb_null, S_INVAL_ARG),
	ROW(stat_destroy_cb_null, S_INVAL_ARG),
	ROW(stat_set_userdata_null, S_INVAL_ARG),
	ROW(stat_get_userdata_null, S_INVAL_ARG),
	ROW(stat_get_userdata_null_out, S_INVAL_ARG),
	ROW(stat_get_null_map, S_INVAL_ARG),
	ROW(stat_get_null_name, S_INVAL_ARG),
	ROW(stat_get_null_out, S_INVAL_ARG),
	ROW(stat_get_missing, ST(PMEMSET_STAT_S_NOT_FOUND)),
	ROW(stat_get_empty_name, ST(PMEMSET_STAT_S_NOT_FOUND)),
	ROW(stat_get_uint64_null_map, S_INVAL_ARG),
	ROW(stat_get_uint64_null_name, S_INVAL_ARG),
	ROW(stat_get_uint64_null_out, S_INVAL_ARG),
	ROW(stat_get_uint64_of_a_string, ST(PMEMSET_STAT_S_INVAL_TYPE)),
	ROW(stat_get_string_null_out, S_INVAL_ARG),
	ROW(stat_get_string_of_a_number, ST(PMEMSET_STAT_S_INVAL_TYPE)),
	ROW(stat_get_u64s_null_values, S_INVAL_ARG),
	ROW(stat_get_u64s_null_length, S_INVAL_ARG),
	ROW(stat_get_u64s_of_a_string, ST(PMEMSET_STAT_S_INVAL_TYPE)),
	ROW(stat_get_strs_null_values, S_INVAL_ARG),
	ROW(stat_get_strs_null_length, S_INVAL_ARG),
	ROW(stat_get_strs_of_a_number, ST(PMEMSET_STAT_S_INVAL_TYPE)),
	ROW(stat_get_map_null_out, S_INVAL_ARG),
	ROW(stat_get_map_of_a_number, ST(PMEMSET_STAT_S_INVAL_TYPE)),
	ROW(stat_get_map_bad_child_name, ST(PMEMSET_STAT_S_NOT_FOUND)),
	ROW(stat_put_u64_null_map, S_INVAL_ARG),
	ROW(stat_put_u64_null_name, S_INVAL_ARG),
	ROW(stat_put_u64_empty_name, S_INVAL_ARG),
	ROW(stat_put_u64_slash_name, S_INVAL_ARG),
	ROW(stat_put_u64_long_name, S_INVAL_ARG),
	ROW(stat_put_u64_sys_name, ST(PMEMSET_STAT_S_NO_PERM)),
	ROW(stat_put_string_null_value, S_INVAL_ARG),
	ROW(stat_put_string_null_map, S_INVAL_ARG),
	ROW(stat_put_string_sys_name, ST(PMEMSET_STAT_S_NO_PERM)),
	ROW(stat_put_u64s_null_values, S_INVAL_ARG),
	ROW(stat_put_u64s_huge_length, S_INVAL_ARG),
	ROW(stat_put_u64s_null_map, S_INVAL_ARG),
	ROW(stat_put_strs_null_values, S_INVAL_ARG),
	ROW(stat_put_strs_null_element, S_INVAL_ARG),
	ROW(stat_put_strs_huge_length, S_INVAL_ARG),
	ROW(stat_put_strs_sys_name, ST(PMEMSET_STAT_S_NO_PERM)),
	ROW(stat_remove_null_map, S_INVAL_ARG),
	ROW(stat_remove_null_name, S_INVAL_ARG),
	ROW(stat_remove_sys, ST(PMEMSET_STAT_S_NO_PERM)),
	ROW(stat_remove_child, ST(PMEMSET_STAT_S_NO_PERM)),
	ROW(stat_remove_missing, ST(PMEMSET_STAT_S_NOT_FOUND)),
	ROW(stat_iter_start_null_map, S_INVAL_ARG),
	ROW(stat_iter_start_null_out, S_INVAL_ARG),
	ROW(stat_iter_start_no_kind, S_INVAL_ARG),
	ROW(stat_iter_start_unknown_kind, S_INVAL_ARG),
	ROW(stat_iter_hasnext_null, S_INVAL_ARG),
	ROW(stat_iter_hasnext_null_out, S_INVAL_ARG),
	ROW(stat_iter_next_null, S_INVAL_ARG),
	ROW(stat_iter_next_null_out, S_INVAL_ARG),
	ROW(stat_iter_next_past_the_end, ST(PMEMSET_STAT_S_NOT_FOUND)),
	ROW(stat_iter_end_null, S_INVAL_ARG),
	ROW(stat_ref_alloc_null_map, S_INVAL_ARG),
	ROW(stat_ref_alloc_null_out, S_INVAL_ARG),
	ROW(stat_ref_deref_null, S_INVAL_ARG),
	ROW(stat_ref_deref_null_out, S_INVAL_ARG),
	ROW(stat_ref_free_null, S_INVAL_ARG),
	ROW(stat_encode_null_str, S_INVAL_ARG),
	ROW(stat_encode_null_buf, S_INVAL_ARG),
	ROW(stat_encode_zero_buflen, ST(PMEMSET_STAT_S_NO_SPACE)),
	ROW(stat_encode_one_short, ST(PMEMSET_STAT_S_NO_SPACE)),
	ROW(stat_decode_null_str, S_INVAL_ARG),
	ROW(stat_decode_null_buf, S_INVAL_ARG),
	ROW(stat_decode_truncated_escape, S_INVAL_ARG),
	ROW(stat_decode_not_hex, S_INVAL_ARG),
	ROW(stat_decode_nul, S_INVAL_ARG),
	ROW(stat_decode_zero_buflen, ST(PMEMSET_STAT_S_NO_SPACE)),
	ROW(stat_dump_null_map, S_INVAL_ARG),
	ROW(stat_dump_null_stream, S_INVAL_ARG),
	ROW(stat_dump_bad_format, S_INVAL_ARG),
	ROW(stat_dump_to_a_full_device, ST(PMEMSET_STAT_S_SYS_FAIL)),
	ROW(stat_status_string_unknown, REPORTED),
};

/* ---- the fixture and the checks after every row ---- */

static struct pmemset *
new_set(bool checked)
{
	if (checked)
		setenv("PMEMSET_CHECK_RANGES", "1", 1);
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, fx_event,
			&F);
	unsetenv("PMEMSET_CHECK_RANGES");
	return set;
}

static int
setup(void **state)
{
	struct fx *f = &F;
	memset(f, 0, sizeof(*f));
	f->path = test_file("bad-input", FILE_SIZE);
	if (asprintf(&f->dir_path, "%s", test_dir()) < 0)
		return -1;
	assert_ok(pmemset_source_from_file(&f->src, f->path));
	f->set = new_set(false);
	f->checked = new_set(true);
	f->empty = new_set(false);
	assert_ok(pmemset_map_config_new(&f->mc));
	pmemset_map_config_set_length(f->mc, PART);
	test_map(f->set, f->src, 0, PART, &f->part);
	test_map(f->checked, f->src, 128 * KiB, PART, &f->cpart);
	memset(f->part.addr, 0x5e, PART);

	assert_st(pmemset_stat_open(&f->h, f->set, NULL, 0));
	assert_st(pmemset_stat_update(f->h));
	assert_st(pmemset_stat_root(f->h, &f->root));
	struct pmemset_stat_mapiter *it;
	assert_st(pmemset_stat_mapiter_start(f->root, PMEMSET_STAT_KIND_MAP,
			&it));
	struct pmemset_stat_nv nv;
	assert_st(pmemset_stat_mapiter_next(it, &nv));
	f->set_map = nv.data.map;
	assert_st(pmemset_stat_mapiter_end(&it));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	assert_st(pmemset_stat_close(&f->h));
	assert_ok(pmemset_delete(&f->set));
	assert_ok(pmemset_delete(&f->checked));
	assert_ok(pmemset_delete(&f->empty));
	assert_ok(pmemset_map_config_delete(&f->mc));
	assert_ok(pmemset_source_delete(&f->src));
	test_file_remove(f->path);
	free(f->dir_path);
	return 0;
}

struct part_list {
	size_t n;
	void *addr[8];
	size_t size[8];
};

static void
list_part_maps(struct pmemset *set, struct part_list *l)
{
	memset(l, 0, sizeof(*l));
	struct pmemset_part_map *p, *next;
	pmemset_first_part_map(set, &p);
	while (p != NULL) {
		struct pmemset_part_descriptor d =
			pmemset_descriptor_part_map(p);
		if (l->n < 8) {
			l->addr[l->n] = d.addr;
			l->size[l->n] = d.size;
		}
		l->n++;
		pmemset_next_part_map(set, p, &next);
		pmemset_part_map_drop(&p);
		p = next;
	}
}

/*
 * errno's rule: the usual cleanup after a failure (deleting configs, map
 * configs and sources, dropping a part map, a successful lookup) succeeds
 * and leaves the failure's message word for word. NULL, or what changed it.
 */
static const char *
cleanup_keeps_the_message(struct fx *f)
{
	char msg[1024];
	snprintf(msg, sizeof(msg), "%s", pmemset_errormsg());
	struct pmemset_config *cfg;
	struct pmemset_map_config *mc;
	struct pmemset_source *src;
	struct pmemset_part_map *pmap;
#define KEEPS(call, what) do { \
	if ((call) != 0) \
		return what " failed"; \
	if (strcmp(pmemset_errormsg(), msg) != 0) \
		return what " changed the message"; \
} while (0)
	KEEPS(pmemset_config_new(&cfg), "pmemset_config_new");
	KEEPS(pmemset_config_delete(&cfg), "pmemset_config_delete");
	KEEPS(pmemset_config_delete(&cfg), "pmemset_config_delete of NULL");
	KEEPS(pmemset_map_config_new(&mc), "pmemset_map_config_new");
	KEEPS(pmemset_map_config_delete(&mc), "pmemset_map_config_delete");
	KEEPS(pmemset_source_from_file(&src, f->path),
			"pmemset_source_from_file");
	KEEPS(pmemset_source_delete(&src), "pmemset_source_delete");
	KEEPS(pmemset_part_map_by_address(f->set, &pmap, f->part.addr),
			"pmemset_part_map_by_address");
	pmemset_part_map_drop(&pmap);
	KEEPS(pmap != NULL, "pmemset_part_map_drop");
#undef KEEPS
	return NULL;
}

/* the set still maps, writes, persists, removes; the observer updates */
static const char *
still_usable(struct fx *f)
{
	struct pmemset_map_config *mc;
	struct pmemset_part_descriptor d;
	if (pmemset_map_config_new(&mc) ||
	    pmemset_map_config_set_offset(mc, CHECK_OFFSET))
		return "map config";
	pmemset_map_config_set_length(mc, PART);
	int ret = pmemset_map(f->set, f->src, mc, &d);
	pmemset_map_config_delete(&mc);
	if (ret != 0)
		return "map";
	static const char text[] = "still usable";
	if (pmemset_memcpy(f->set, d.addr, (void *)text, sizeof(text), 0) !=
			d.addr ||
	    pmemset_persist(f->set, d.addr, sizeof(text)) ||
	    memcmp(d.addr, text, sizeof(text)) != 0)
		return "write and persist";
	if (pmemset_stat_update(f->h))
		return "observer update with the new part";
	struct pmemset_part_map *pmap;
	if (pmemset_part_map_by_address(f->set, &pmap, d.addr) ||
	    pmemset_remove_part_map(f->set, &pmap))
		return "remove";
	if (pmemset_stat_update(f->h))
		return "observer update";
	return NULL;
}

static size_t
run_rows(struct fx *f, const struct row *rows, size_t n)
{
	size_t failures = 0;
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		struct part_list before, after;
		list_part_maps(f->set, &before);
		int fds = test_open_fds();
		unsigned char first = ((unsigned char *)f->part.addr)[0];

		f->msg_captured = 0;
		int ret = r->call(f);
		const char *msg = f->msg_captured ? f->msg :
				pmemset_errormsg();
		char why[256] = "";
		if (ret != r->expected)
			snprintf(why, sizeof(why), "returned %d, expected %d",
					ret, r->expected);
		else if (msg[0] == '\0')
			snprintf(why, sizeof(why), "no message");
		if (why[0] == '\0') {
			list_part_maps(f->set, &after);
			if (memcmp(&before, &after, sizeof(before)) != 0)
				snprintf(why, sizeof(why), "the set changed "
					"(%zu part maps, was %zu)", after.n,
					before.n);
			else if (((unsigned char *)f->part.addr)[0] != first)
				snprintf(why, sizeof(why), "bytes changed");
			else if (test_open_fds() != fds)
				snprintf(why, sizeof(why), "%d descriptors "
					"open, was %d", test_open_fds(), fds);
		}
		if (why[0] == '\0' && f->msg_captured &&
		    strcmp(pmemset_errormsg(), f->msg) != 0)
			snprintf(why, sizeof(why), "the row's cleanup changed "
				"the message to \"%s\"", pmemset_errormsg());
		const char *changed = why[0] ? NULL :
				cleanup_keeps_the_message(f);
		if (changed != NULL)
			snprintf(why, sizeof(why), "after it, %s: \"%s\"",
				changed, pmemset_errormsg());
		const char *unusable = why[0] ? NULL : still_usable(f);
		if (unusable != NULL)
			snprintf(why, sizeof(why), "the set is not usable "
				"after it: %s failed: %s", unusable,
				pmemset_errormsg());
		if (why[0] != '\0') {
			print_error("row %s: %s (message: \"%s\")\n", r->name,
					why, msg);
			failures++;
		}
	}
	return failures;
}

#define RUN(f, rows) run_rows(f, rows, sizeof(rows) / sizeof(rows[0]))

static void
core_functions(void **state)
{
	size_t failures = RUN((struct fx *)*state, Core_rows);
	if (failures)
		fail_msg("%zu row(s) failed", failures);
}

static void
wrong_order_and_wrong_place(void **state)
{
	size_t failures = RUN((struct fx *)*state, Order_rows);
	if (failures)
		fail_msg("%zu row(s) failed", failures);
}

static void
observer_functions(void **state)
{
	size_t failures = RUN((struct fx *)*state, Stat_rows);
	if (failures)
		fail_msg("%zu row(s) failed", failures);
}

/* zero sizes are no errors: each does nothing and says nothing */
static void
zero_sizes_are_accepted(void **state)
{
	struct fx *f = *state;
	unsigned char *p = f->part.addr;
	unsigned char first = p[0];
	assert_ok(pmemset_persist(f->set, p, 0));
	assert_ok(pmemset_flush(f->set, p, 0));
	assert_ok(pmemset_deep_flush(f->set, p, 0));
	assert_ok(pmemset_persist(f->checked, f->cpart.addr, 0));
	assert_ptr_equal(pmemset_memcpy(f->set, p, p + 1, 0, 0), p);
	assert_ptr_equal(pmemset_memmove(f->set, p, p + 1, 0, 0), p);
	assert_ptr_equal(pmemset_memset(f->set, p, 0, 0, 0), p);
	assert_ptr_equal(pmemset_memset(f->checked, f->cpart.addr, 0, 0, 0),
			f->cpart.addr);
	char buf[1];
	assert_ok(pmemset_source_pread_mcsafe(f->src, buf, 0, 0));
	assert_ok(pmemset_source_pread_mcsafe(f->src, buf, 0, FILE_SIZE));
	assert_ok(pmemset_source_pwrite_mcsafe(f->src, buf, 0, FILE_SIZE));
	assert_int_equal(p[0], first);
	assert_int_equal(test_file_size(f->path), FILE_SIZE);
	/* unaligned ranges inside parts are fine in checked mode */
	assert_ok(pmemset_persist(f->checked, (char *)f->cpart.addr + 1, 3));
	assert_ok(pmemset_flush(f->checked, (char *)f->cpart.addr +
			f->cpart.size - 1, 1));
}

/* any int is a valid argument: an errno, 0 for success, never negative */
static void
err_to_errno_of_any_int(void **state)
{
	(void) state;
	static const int v[] = {INT_MIN, INT_MIN + 1, -200100, -200041,
		-100100, -100050, -4096, -4095, -1, 0, 1, 4096, INT_MAX};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int e = pmemset_err_to_errno(v[i]);
		if (v[i] >= 0)
			assert_int_equal(e, 0);
		else
			assert_true(e > 0);
	}
	assert_int_equal(pmemset_err_to_errno(-4095), 4095);
	assert_int_equal(pmemset_err_to_errno(INT_MIN), EINVAL);
}

/* lengths above PTRDIFF_MAX that do not wrap are ranges like any other */
static void
huge_ranges_that_do_not_wrap(void **state)
{
	struct fx *f = *state;
	char *low = (char *)(uintptr_t)4096;
	size_t all = UINTPTR_MAX - 2 * 4096;
	assert_ok(pmemset_deep_flush(f->set, low, all));
	assert_err(pmemset_flush(f->checked, low, all),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	assert_null(pmemset_memset(f->checked, low, 0, all, 0));
	/* every part of the set, and nothing else */
	assert_ok(pmemset_remove_range(f->set, low, all));
	assert_int_equal(test_count_part_maps(f->set), 0);
	assert_int_equal(test_count_part_maps(f->checked), 1);
	test_map(f->set, f->src, 0, PART, &f->part);
}

/*
 * With PMEMSET_LOG_LEVEL=3 and PMEMSET_LOG_FILE (the bad_input_logged
 * registration), every row above also went through the log: calls and
 * errors are there, one whole line each, written when it happens (a log
 * that waits in a buffer is lost when the process crashes).
 */
static void
every_error_is_logged_when_asked(void **state)
{
	(void) state;
	const char *path = getenv("PMEMSET_LOG_FILE");
	if (path == NULL || getenv("PMEMSET_LOG_LEVEL") == NULL) {
		skip();
		return;
	}
	/* the line of the call just made is in the file already */
	assert_int_equal(pmemset_config_new(NULL), -EINVAL);
	FILE *f = fopen(path, "re");
	assert_non_null(f);
	char line[2048], last[2048] = "";
	size_t errors = 0, calls = 0, other = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		memcpy(last, line, sizeof(last));
		if (strncmp(line, "libpmemset <error>: ", 20) == 0)
			errors++;
		else if (strncmp(line, "libpmemset <call>: ", 19) == 0)
			calls++;
		else
			other++;
	}
	fclose(f);
	if (strstr(last, "cfg is NULL") == NULL)
		fail_msg("the last line logged is \"%s\", not the error just "
			"made: the log is not written line by line", last);
	assert_true(errors >= sizeof(Core_rows) / sizeof(Core_rows[0]));
	assert_true(calls > 0);
	assert_int_equal(other, 0);
}

int
main(void)
{
	/* a fresh log for this run (the library appends) */
	const char *log = getenv("PMEMSET_LOG_FILE");
	if (log != NULL)
		fclose(fopen(log, "we"));

	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(core_functions, setup,
				teardown),
		cmocka_unit_test_setup_teardown(wrong_order_and_wrong_place,
				setup, teardown),
		cmocka_unit_test_setup_teardown(observer_functions, setup,
				teardown),
		cmocka_unit_test_setup_teardown(zero_sizes_are_accepted,
				setup, teardown),
		cmocka_unit_test_setup_teardown(huge_ranges_that_do_not_wrap,
				setup, teardown),
		cmocka_unit_test(err_to_errno_of_any_int),
		cmocka_unit_test(every_error_is_logged_when_asked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
