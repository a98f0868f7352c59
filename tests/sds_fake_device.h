/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sds_fake_device.h -- a pretend persistent-memory device behind the
 * library's device seam (src/device.h), for the SDS and bad-block tests:
 * any id, any unsafe-shutdown count, any list of bad blocks, and any
 * libpmem2 error from any of those calls.
 *
 * With PMEMSET_TEST_REAL_PMEM=1 in the environment (scripts/test-real-pmem.sh
 * sets it) nothing is faked: the tests run on the real device under
 * $PMEMSET_TEST_DIR and the cases that need a fake skip themselves.
 */
#ifndef PMEMSET_SDS_FAKE_DEVICE_H
#define PMEMSET_SDS_FAKE_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libpmem2.h>

#define FAKE_MAX_BADBLOCKS 64

struct fake_device {
	/* what the device reports */
	char id[2048];
	uint64_t usc;
	struct pmem2_badblock bbs[FAKE_MAX_BADBLOCKS];
	size_t nbbs;

	/* libpmem2 errors to return instead (0: behave) */
	int usc_ret;
	int id_len_ret;		/* the length query, id == NULL */
	int id_ret;		/* the copy into the caller's buffer */
	int bb_new_ret;
	int bb_new_fail_call;	/* only the N-th new fails (from 1; 0: all) */
	int bb_next_ret;
	size_t bb_next_fail_at;	/* ...after this many blocks were returned */
	int bb_clear_ret;
	unsigned usc_delay_us;	/* widens race windows */

	/* what the library did */
	unsigned usc_calls, id_calls;
	unsigned bb_new_calls, bb_delete_calls, bb_clear_calls;
	int bb_open;		/* contexts made and not yet deleted */
	struct pmem2_badblock cleared[FAKE_MAX_BADBLOCKS];
	size_t ncleared;
};

extern struct fake_device Fake;

/* true when running against real persistent memory: nothing is faked */
bool fake_real_pmem(void);

/* a healthy device with id "fake-device-0", count 7, no bad blocks */
void fake_device_install(void);
/* back to libpmem2 */
void fake_device_uninstall(void);

void fake_add_badblock(size_t offset, size_t length);

/* skip the current cmocka test when the device is real */
#define NEEDS_FAKE_DEVICE() do { \
	if (fake_real_pmem()) { \
		skip(); \
	} \
} while (0)

#endif
