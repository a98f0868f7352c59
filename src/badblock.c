// SPDX-License-Identifier: BSD-3-Clause
/*
 * badblock.c -- bad blocks: the scan pmemset_map runs first when detection
 * is on (BADBLOCK per block, a rescan, then BADBLOCKS_CLEARED or IO_FAIL),
 * and pmemset_badblock_clear. The device is asked only through device.h.
 *
 * libpmem2 "clears" a bad block of a file by punching a hole and allocating
 * it again, which zeroes the range whether it was bad or not (on a file that
 * is not on DAX too). So pmemset_badblock_clear clears only a range that
 * lies inside a bad block the device reports at that moment; a device that
 * reports none (every ordinary file) has nothing touched.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "badblock.h"
#include "device.h"
#include "error.h"
#include "event.h"
#include "probes.h"
#include "set.h"
#include "source.h"

struct bb_list {
	struct pmemset_badblock *items;
	size_t count;
	size_t cap;
};

/* a libpmem2 bad-block error as ours: NOSUPP has a bad-block flavour */
static int
bb_error(int ret, const char *func, const char *what)
{
	if (ret == PMEM2_E_NOSUPP)
		return err_set(PMEMSET_E_BADBLOCK_NOSUPP,
			"%s: %s: the source's device cannot report bad blocks",
			func, what);
	return err_pmem2(ret, "%s: %s", func, what);
}

static int
bb_list_add(struct bb_list *list, const struct pmem2_badblock *bb)
{
	if (list->count == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 8;
		void *items = mem_realloc(list->items,
				cap * sizeof(*list->items));
		if (items == NULL)
			return -ENOMEM;
		list->items = items;
		list->cap = cap;
	}
	list->items[list->count].offset = bb->offset;
	list->items[list->count].length = bb->length;
	list->count++;
	return 0;
}

/* every bad block the device reports for the source, now */
static int
bb_collect(struct pmemset_source *src, const char *func, struct bb_list *list)
{
	list->count = 0;
	struct pmem2_badblock_context *ctx = NULL;
	err_pmem2_mark();
	int ret = device_bb_context_new(&ctx, src->pmem2_src);
	if (ret != 0)
		return bb_error(ret, func, "cannot open the bad-block list of "
				"the source");
	struct pmem2_badblock bb;
	err_pmem2_mark();
	while ((ret = device_bb_next(ctx, &bb)) == 0) {
		if (bb_list_add(list, &bb) != 0) {
			device_bb_context_delete(&ctx);
			return err_set(
				PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE,
				"%s: out of memory listing bad blocks", func);
		}
	}
	device_bb_context_delete(&ctx);
	if (ret == PMEM2_E_NO_BAD_BLOCK_FOUND)
		return 0;
	return bb_error(ret, func, "cannot read the next bad block of the "
			"source");
}

static int
fire_badblock(struct pmemset *set, struct pmemset_source *src,
		struct pmemset_badblock *bb)
{
	struct pmemset_event_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	PROBE3(badblock, src, bb->offset, bb->length);
	ctx.type = PMEMSET_EVENT_BADBLOCK;
	ctx.data.badblock.bb = bb;
	ctx.data.badblock.src = src;
	return event_fire_stoppable(set, &ctx, "pmemset_map");
}

static int
fire_cleared(struct pmemset *set, struct pmemset_source *src)
{
	struct pmemset_event_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	PROBE1(badblocks_cleared, src);
	ctx.type = PMEMSET_EVENT_BADBLOCKS_CLEARED;
	ctx.data.badblocks_cleared.src = src;
	return event_fire_stoppable(set, &ctx, "pmemset_map");
}

int
badblock_scan_before_map(struct pmemset *set, struct pmemset_source *src)
{
	if (!atomic_load(&src->badblock_detection))
		return 0;
	struct bb_list found = {0};
	struct bb_list left = {0};
	int ret = bb_collect(src, "pmemset_map", &found);
	if (ret != 0)
		goto out;
	atomic_store(&src->badblocks_found, found.count);
	source_journal_note(src);
	if (found.count == 0)
		goto out;

	for (size_t i = 0; i < found.count; i++) {
		/* a copy: what the callback does to it cannot steer us */
		struct pmemset_badblock bb = found.items[i];
		ret = fire_badblock(set, src, &bb);
		if (ret != 0)
			goto out;
	}

	ret = bb_collect(src, "pmemset_map", &left);
	if (ret != 0)
		goto out;
	atomic_store(&src->badblocks_found, left.count);
	source_journal_note(src);
	if (left.count > 0) {
		ret = err_set(PMEMSET_E_IO_FAIL,
			"pmemset_map: %zu of the %zu bad block(s) of the "
			"source are still there after the BADBLOCK events (the "
			"first at offset %zu, %zu bytes)%s; nothing was mapped",
			left.count, found.count, left.items[0].offset,
			left.items[0].length,
			!event_wanted(set, PMEMSET_EVENT_BADBLOCK) ?
			"; no event callback is given BADBLOCK to clear them" :
			"");
		goto out;
	}
	ret = fire_cleared(set, src);
out:
	mem_free(found.items);
	mem_free(left.items);
	return ret;
}

static bool
bb_contains(const struct pmem2_badblock *outer, size_t offset, size_t length)
{
	return offset >= outer->offset && offset - outer->offset <=
		outer->length && length <= outer->length -
		(offset - outer->offset);
}

/* one bad block fewer, never below zero */
static void
found_decrement(struct pmemset_source *src)
{
	size_t n = atomic_load(&src->badblocks_found);
	while (n > 0 && !atomic_compare_exchange_weak(&src->badblocks_found,
			&n, n - 1))
		;
	source_journal_note(src);
}

int
pmemset_badblock_clear(struct pmemset_badblock *bb, struct pmemset_source *src)
{
	if (bb == NULL)
		return ERR_NULL_ARG("bb");
	if (src == NULL)
		return ERR_NULL_ARG("src");
	size_t offset = bb->offset;
	size_t length = bb->length;
	if (length == 0)
		return err_set(-EINVAL, "pmemset_badblock_clear: the bad block "
			"at offset %zu has length 0", offset);
	if (offset > SIZE_MAX - length)
		return err_set(-EINVAL, "pmemset_badblock_clear: offset %zu + "
			"length %zu overflows", offset, length);

	struct pmem2_badblock_context *ctx = NULL;
	err_pmem2_mark();
	int ret = device_bb_context_new(&ctx, src->pmem2_src);
	if (ret != 0)
		return bb_error(ret, "pmemset_badblock_clear",
				"cannot open the bad-block list of the source");

	/* clearing zeroes the range: only ever inside a reported bad block */
	struct pmem2_badblock rep;
	size_t reported = 0;
	err_pmem2_mark();
	while ((ret = device_bb_next(ctx, &rep)) == 0) {
		reported++;
		if (bb_contains(&rep, offset, length))
			break;
	}
	if (ret == PMEM2_E_NO_BAD_BLOCK_FOUND) {
		ret = err_set(-EINVAL, "pmemset_badblock_clear: offset %zu "
			"length %zu is not inside any bad block the device "
			"reports for this source (it reports %zu); refusing, "
			"because clearing would zero the range", offset, length,
			reported);
	} else if (ret != 0) {
		ret = bb_error(ret, "pmemset_badblock_clear",
				"cannot read the bad blocks of the source");
	} else {
		bool whole = rep.offset == offset && rep.length == length;
		struct pmem2_badblock clear = {offset, length};
		err_pmem2_mark();
		ret = device_bb_clear(ctx, &clear);
		if (ret != 0) {
			char what[96];
			snprintf(what, sizeof(what), "cannot clear the bad "
				"block at offset %zu length %zu", offset,
				length);
			ret = bb_error(ret, "pmemset_badblock_clear", what);
		} else if (whole) {
			found_decrement(src);
		}
	}
	device_bb_context_delete(&ctx);
	return ret;
}
