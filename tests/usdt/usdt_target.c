// SPDX-License-Identifier: BSD-3-Clause
/*
 * usdt_target.c -- the program usdt_check.py runs under gdb: it calls every
 * operation that has a USDT probe and, before each call, writes into
 * Expect[] the arguments each probe the call fires must carry and how many
 * times it must fire. The gdb script stops at every probe and compares.
 *
 * The first set has a callback whose mask holds BADBLOCK only (it clears
 * the fake device's bad block), the second none at all: probes fire
 * whatever the callback and the mask. Linked with the library's objects
 * so the fake device (tests/sds_fake_device.c) can supply an SDS and a bad
 * block; the probes are the same ones libpmemset.so carries.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpmemset.h>
#include <libpmemset/stat.h>
#include "sds_fake_device.h"

#define SIZE (64 * 1024)
#define NPROBES 14

/* read by usdt_check.py: keep the layout in step with it */
struct expect {
	const char *name;
	unsigned argc;
	unsigned calls;		/* how many hits the program expects */
	int64_t args[4];
	int any_arg;		/* this argument may be anything; -1: none */
};
volatile struct expect Expect[NPROBES];
volatile unsigned Nexpect;
/* the error message the 'error' probe must point at contains this */
const char *volatile Expect_error_text;

/* returns the entry, for what the arguments do not say */
static volatile struct expect *
expect(const char *name, unsigned argc, int64_t a0, int64_t a1, int64_t a2,
		int64_t a3)
{
	unsigned i;
	for (i = 0; i < Nexpect; i++)
		if (strcmp(Expect[i].name, name) == 0)
			break;
	if (i == Nexpect) {
		if (Nexpect == NPROBES)
			abort();
		Expect[i].name = name;
		Nexpect++;
	}
	Expect[i].argc = argc;
	Expect[i].calls++;
	Expect[i].args[0] = a0;
	Expect[i].args[1] = a1;
	Expect[i].args[2] = a2;
	Expect[i].args[3] = a3;
	Expect[i].any_arg = -1;
	return &Expect[i];
}

#define P(x) ((int64_t)(intptr_t)(x))

static int Callback_calls;

/* the gdb script's last stop: every expectation has been written */
__attribute__((noinline)) void usdt_done(void);
__attribute__((noinline)) void
usdt_done(void)
{
	__asm__ volatile("");
}

static int
clear_cb(struct pmemset *set, struct pmemset_event_context *ctx, void *arg)
{
	(void) set;
	(void) arg;
	Callback_calls++;
	if (ctx->type != PMEMSET_EVENT_BADBLOCK)
		return -1;
	return pmemset_badblock_clear(ctx->data.badblock.bb,
			ctx->data.badblock.src);
}

/* each data-path call once, each expecting its probe */
static void
data_path_calls(struct pmemset *set, char *base)
{
	static char dram[256] = "the probes see this";
	expect("persist", 2, P(base + 64), 64, 0, 0);
	pmemset_persist(set, base + 64, 64);
	expect("flush", 2, P(base + 128), 32, 0, 0);
	pmemset_flush(set, base + 128, 32);
	expect("drain", 0, 0, 0, 0, 0);
	pmemset_drain(set);
	expect("memcpy", 4, P(base), P(dram), 100, PMEMSET_F_MEM_NODRAIN);
	pmemset_memcpy(set, base, dram, 100, PMEMSET_F_MEM_NODRAIN);
	expect("memmove", 4, P(base + 256), P(base), 50, 0);
	pmemset_memmove(set, base + 256, base, 50, 0);
	expect("memset", 4, P(base + 512), 0x5a, 77,
			PMEMSET_F_MEM_NONTEMPORAL);
	pmemset_memset(set, base + 512, 0x5a, 77, PMEMSET_F_MEM_NONTEMPORAL);
}

static void __attribute__((noreturn))
die(const char *what, int ret)
{
	fprintf(stderr, "usdt_target: %s failed (%d): %s\n", what, ret,
			pmemset_errormsg());
	exit(1);
}

static struct pmemset *
new_set(struct pmem2_vm_reservation *rsv, pmemset_event_callback *cb,
		uint64_t mask)
{
	struct pmemset_config *cfg;
	struct pmemset *set;
	int ret = pmemset_config_new(&cfg);
	if (ret)
		die("pmemset_config_new", ret);
	ret = pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE);
	if (ret)
		die("set granularity", ret);
	pmemset_config_set_reservation(cfg, rsv);
	if (cb) {
		pmemset_config_set_event_callback(cfg, cb, NULL);
		ret = pmemset_config_set_event_mask(cfg, mask);
		if (ret)
			die("pmemset_config_set_event_mask", ret);
	}
	/* a failing call: the 'error' probe carries its code */
	/* its message is checked as text, not as a pointer */
	expect("error", 2, -EINVAL, 0, 0, 0)->any_arg = 1;
	Expect_error_text = "pmemset_config_set_event_mask";
	if (pmemset_config_set_event_mask(cfg, 1ULL << 40) != -EINVAL)
		die("the bad mask was not refused", 0);
	ret = pmemset_new(&set, cfg);
	if (ret)
		die("pmemset_new", ret);
	pmemset_config_delete(&cfg);
	return set;
}

int
main(void)
{
	const char *dir = getenv("PMEMSET_TEST_DIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/usdt_target.XXXXXX",
			dir ? dir : "/dev/shm");
	int fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, 2 * SIZE) != 0) {
		perror(path);
		return 1;
	}
	close(fd);
	fake_device_install();

	struct pmem2_vm_reservation *rsv1, *rsv2;
	if (pmem2_vm_reservation_new(&rsv1, NULL, SIZE) ||
	    pmem2_vm_reservation_new(&rsv2, NULL, SIZE))
		die("pmem2_vm_reservation_new", -1);
	char *base1 = pmem2_vm_reservation_get_address(rsv1);
	char *base2 = pmem2_vm_reservation_get_address(rsv2);

	struct pmemset_source *src;
	struct pmemset_sds sds = PMEMSET_SDS_INITIALIZE();
	enum pmemset_part_state state;
	int ret = pmemset_source_from_file(&src, path);
	if (ret == 0)
		ret = pmemset_source_set_sds(src, &sds, &state);
	if (ret)
		die("the source", ret);
	pmemset_source_set_badblock_detection(src, 1);
	struct pmemset_map_config *mc;
	ret = pmemset_map_config_new(&mc);
	if (ret)
		die("the map config", ret);
	pmemset_map_config_set_length(mc, SIZE);

	/* set 1: a callback given BADBLOCK only */
	struct pmemset *set = new_set(rsv1, clear_cb,
			PMEMSET_EVENT_MASK(PMEMSET_EVENT_BADBLOCK));
	fake_add_badblock(4096, 8192);
	expect("badblock", 3, P(src), 4096, 8192, 0);
	expect("badblocks_cleared", 1, P(src), 0, 0, 0);
	expect("map", 2, P(base1), SIZE, 0, 0);
	expect("part_add", 2, P(base1), SIZE, 0, 0);
	expect("sds_update", 3, P(src), 7, 1, 0);
	ret = pmemset_map(set, src, mc, NULL);
	if (ret)
		die("pmemset_map", ret);

	data_path_calls(set, base1);

	expect("remove_range", 2, P(base1), 4096, 0, 0);
	expect("part_remove", 2, P(base1), SIZE, 0, 0);
	expect("sds_update", 3, P(src), 7, 0, 0);
	ret = pmemset_remove_range(set, base1, 4096);
	if (ret)
		die("pmemset_remove_range", ret);
	if (Callback_calls != 1) {
		fprintf(stderr, "usdt_target: the callback ran %d times, "
			"expected once (BADBLOCK)\n", Callback_calls);
		return 1;
	}
	pmemset_delete(&set);

	/* set 2: no callback at all; the source's second half */
	set = new_set(rsv2, NULL, 0);
	ret = pmemset_map_config_set_offset(mc, SIZE);
	if (ret)
		die("pmemset_map_config_set_offset", ret);
	expect("map", 2, P(base2), SIZE, 0, 0);
	expect("part_add", 2, P(base2), SIZE, 0, 0);
	expect("sds_update", 3, P(src), 7, 1, 0);
	if ((ret = pmemset_map(set, src, mc, NULL)) != 0)
		die("pmemset_map (2)", ret);
	expect("persist", 2, P(base2 + 4000), 96, 0, 0);
	pmemset_persist(set, base2 + 4000, 96);

	/*
	 * Observed: a thread's first call counts in the slow path, every
	 * later one in the fast path's own copy of the tail (src/data.c):
	 * both rounds must fire each probe once.
	 */
	struct pmemset_stat *h;
	if (pmemset_stat_open(&h, set, NULL, 0) != PMEMSET_STAT_S_OK)
		die("pmemset_stat_open", -1);
	for (int round = 0; round < 2; round++)
		data_path_calls(set, base2);
	pmemset_stat_close(&h);
	expect("part_remove", 2, P(base2), SIZE, 0, 0);
	expect("sds_update", 3, P(src), 7, 0, 0);
	pmemset_delete(&set);

	pmemset_map_config_delete(&mc);
	pmemset_source_delete(&src);
	pmem2_vm_reservation_delete(&rsv1);
	pmem2_vm_reservation_delete(&rsv2);
	fake_device_uninstall();
	unlink(path);
	usdt_done();
	printf("usdt_target: done, %u probes expected\n", Nexpect);
	return 0;
}
