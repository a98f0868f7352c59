// SPDX-License-Identifier: BSD-3-Clause
/*
 * sds_badblocks.c -- what an application writes to use the shutdown data
 * state (SDS) and bad-block detection of libpmemset.
 *
 * The pool file starts with the application's own header, which holds its
 * SDS; the data follows. The library keeps a copy of the SDS and reports
 * every change with PMEMSET_EVENT_SDS_UPDATE: the application stores it.
 * The callback is given only the events it handles (an event mask), so
 * the data path costs what it costs without one.
 * At the next start the map reports how the last user left the file:
 *
 *   OK                   closed cleanly (or first use)
 *   OK_BUT_INTERRUPTED   the last user died while mapped: check the data
 *   CORRUPTED            the device lost power while the file was mapped
 *   INDETERMINATE        the file was open on another device
 *
 * Bad blocks are reported (PMEMSET_EVENT_BADBLOCK) before anything is
 * mapped; this program clears them and rebuilds what they held.
 *
 * Devices that cannot report an unsafe-shutdown count (any ordinary file
 * system, and any machine without persistent memory) refuse an SDS with
 * PMEMSET_E_SDS_NOSUPP; the program then maps without one and says so.
 *
 * usage: sds_badblocks [pool-file]   (default: a scratch file, removed)
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpmemset.h>

#define HEADER_SIZE 4096
#define DATA_SIZE (1 << 20)
#define MAGIC "sds-example-1"

struct header {
	char magic[16];
	struct pmemset_sds sds;
};

struct app {
	int fd;			/* ours: the header is written through it */
	struct header hdr;
	unsigned badblocks;	/* reported during the last map */
	unsigned cleared;
	char why[512];		/* the last failed map's message */
};

static const char *
state_name(enum pmemset_part_state s)
{
	switch (s) {
	case PMEMSET_PART_STATE_OK:
		return "OK";
	case PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN:
		return "OK_BUT_ALREADY_OPEN";
	case PMEMSET_PART_STATE_OK_BUT_INTERRUPTED:
		return "OK_BUT_INTERRUPTED";
	case PMEMSET_PART_STATE_CORRUPTED:
		return "CORRUPTED";
	case PMEMSET_PART_STATE_INDETERMINATE:
		return "INDETERMINATE";
	default:
		return "unknown";
	}
}

/* the SDS must reach the media before the program goes on */
static int
store_sds(struct app *a, const struct pmemset_sds *sds)
{
	if (pwrite(a->fd, sds, sizeof(*sds), offsetof(struct header, sds)) !=
			(ssize_t)sizeof(*sds) || fdatasync(a->fd) != 0) {
		perror("storing the SDS");
		return -1;
	}
	return 0;
}

static int
on_event(struct pmemset *set, struct pmemset_event_context *ctx, void *arg)
{
	(void) set;
	struct app *a = arg;
	switch (ctx->type) {
	case PMEMSET_EVENT_SDS_UPDATE:
		/* returning non-zero is ignored here: report it ourselves */
		if (store_sds(a, ctx->data.sds_update.sds) == 0)
			printf("SDS stored: refcount %d\n",
				ctx->data.sds_update.sds->refcount);
		return 0;
	case PMEMSET_EVENT_BADBLOCK: {
		struct pmemset_badblock *bb = ctx->data.badblock.bb;
		a->badblocks++;
		printf("bad block at offset %zu, %zu bytes: clearing it\n",
			bb->offset, bb->length);
		/* clearing zeroes the range: whatever was there is lost */
		if (pmemset_badblock_clear(bb, ctx->data.badblock.src) != 0) {
			fprintf(stderr, "cannot clear it: %s\n",
				pmemset_errormsg());
			return 1; /* stops the map */
		}
		a->cleared++;
		return 0;
	}
	case PMEMSET_EVENT_BADBLOCKS_CLEARED:
		printf("all %u bad block(s) cleared; the data there must be "
			"rebuilt\n", a->cleared);
		return 0;
	default:
		return 0;
	}
}

static int
read_or_create_header(struct app *a)
{
	ssize_t n = pread(a->fd, &a->hdr, sizeof(a->hdr), 0);
	if (n == (ssize_t)sizeof(a->hdr) &&
	    memcmp(a->hdr.magic, MAGIC, sizeof(MAGIC)) == 0)
		return 0;
	/* a new pool: a clean, empty SDS; the first map fills it in */
	struct pmemset_sds fresh = PMEMSET_SDS_INITIALIZE();
	memset(&a->hdr, 0, sizeof(a->hdr));
	memcpy(a->hdr.magic, MAGIC, sizeof(MAGIC));
	a->hdr.sds = fresh;
	if (pwrite(a->fd, &a->hdr, sizeof(a->hdr), 0) !=
			(ssize_t)sizeof(a->hdr) || fdatasync(a->fd) != 0) {
		perror("writing the header");
		return -1;
	}
	printf("new pool: header written\n");
	return 0;
}

static struct pmemset *
new_set(struct app *a, uint64_t acceptable)
{
	struct pmemset_config *cfg;
	struct pmemset *set = NULL;
	if (pmemset_config_new(&cfg) != 0)
		return NULL;
	/* PAGE: the coarsest we cope with, so it maps anywhere */
	if (pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE) == 0 &&
	    pmemset_config_set_acceptable_states(cfg, acceptable) == 0) {
		pmemset_config_set_event_callback(cfg, on_event, a);
		/*
		 * Only the events on_event handles: the data path then costs
		 * what it costs without a callback.
		 */
		if (pmemset_config_set_event_mask(cfg,
				PMEMSET_EVENT_MASK(PMEMSET_EVENT_SDS_UPDATE) |
				PMEMSET_EVENT_MASK(PMEMSET_EVENT_BADBLOCK) |
				PMEMSET_EVENT_MASK(
					PMEMSET_EVENT_BADBLOCKS_CLEARED)) == 0)
			(void) pmemset_new(&set, cfg);
	}
	pmemset_config_delete(&cfg);
	return set;
}

/* one map of the data area, with bad-block detection on */
static int
map_data(struct app *a, struct pmemset *set, struct pmemset_source *src,
		struct pmemset_part_descriptor *desc)
{
	struct pmemset_map_config *mc;
	int ret = pmemset_map_config_new(&mc);
	if (ret != 0)
		return ret;
	pmemset_map_config_set_offset(mc, HEADER_SIZE);
	pmemset_map_config_set_length(mc, DATA_SIZE);
	pmemset_source_set_badblock_detection(src, true);
	a->badblocks = a->cleared = 0;
	ret = pmemset_map(set, src, mc, desc);
	/* keep the map's message: the delete below would clear it */
	snprintf(a->why, sizeof(a->why), "%s", pmemset_errormsg());
	pmemset_map_config_delete(&mc);
	if (ret == 0 && a->badblocks == 0)
		printf("bad-block scan: no bad blocks\n");
	return ret;
}

int
main(int argc, char *argv[])
{
	char path[4096];
	bool scratch = argc < 2;
	if (scratch) {
		const char *dir = getenv("PMEMSET_TEST_DIR");
		snprintf(path, sizeof(path), "%s/sds_badblocks-%d.pool",
			dir && *dir ? dir : "/tmp", (int)getpid());
	} else {
		snprintf(path, sizeof(path), "%s", argv[1]);
	}

	struct app a = {.fd = -1};
	a.fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (a.fd < 0) {
		perror(path);
		return 1;
	}
	int status = 1;
	struct pmem2_source *p2 = NULL;
	struct pmemset_source *src = NULL;
	struct pmemset *set = NULL;
	enum pmemset_part_state state = 0;
	if (read_or_create_header(&a) != 0 ||
	    pmem2_source_from_fd(&p2, a.fd) != 0 ||
	    pmemset_source_from_pmem2(&src, p2) != 0 ||
	    pmemset_source_set_sds(src, &a.hdr.sds, &state) != 0) {
		fprintf(stderr, "setup: %s\n", pmemset_errormsg());
		goto out;
	}

	/* the default acceptable states: OK and OK_BUT_ALREADY_OPEN */
	set = new_set(&a, PMEMSET_PART_STATE_OK |
			PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN);
	struct pmemset_part_descriptor desc;
	int ret = set ? map_data(&a, set, src, &desc) : -1;
	if (ret == PMEMSET_E_SDS_NOSUPP) {
		printf("this device reports no unsafe shutdown count, so the "
			"shutdown state cannot be checked here\n  (%s)\n",
			a.why);
		/* an SDS cannot be taken back: a new source without one */
		pmemset_source_delete(&src);
		if (pmemset_source_from_pmem2(&src, p2) != 0)
			goto out;
		ret = map_data(&a, set, src, &desc);
		if (ret == 0)
			printf("fallback: mapped without an SDS\n");
	} else if (ret == PMEMSET_E_UNDESIRABLE_PART_STATE) {
		printf("shutdown state: %s\n", state_name(state));
		if (state != PMEMSET_PART_STATE_OK_BUT_INTERRUPTED) {
			printf("refusing to use the pool: restore it from a "
				"backup\n");
			goto out;
		}
		/* our data is a log we can check: accept this once */
		printf("the last run did not close the pool: checking it\n");
		pmemset_delete(&set);
		set = new_set(&a, PMEMSET_PART_STATE_OK |
			PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN |
			PMEMSET_PART_STATE_OK_BUT_INTERRUPTED);
		ret = set ? map_data(&a, set, src, &desc) : -1;
	} else if (ret == 0) {
		printf("shutdown state: %s\n", state_name(state));
	}
	if (ret != 0) {
		if (ret == PMEMSET_E_IO_FAIL)
			printf("bad blocks remain: not using the pool\n");
		fprintf(stderr, "%s\n", a.why);
		goto out;
	}

	/* the work: count the runs in the first word of the data */
	unsigned long long runs;
	memcpy(&runs, desc.addr, sizeof(runs));
	runs++;
	pmemset_memcpy(set, desc.addr, &runs, sizeof(runs), 0);
	printf("run %llu: %zu bytes mapped at %p\n", runs, desc.size,
		desc.addr);

	/* a clean close releases the SDS (refcount back to 0) */
	pmemset_delete(&set);
	printf("closed cleanly\n");
	status = 0;
out:
	pmemset_delete(&set);
	pmemset_source_delete(&src);
	pmem2_source_delete(&p2);
	close(a.fd);
	if (scratch)
		unlink(path);
	return status;
}
