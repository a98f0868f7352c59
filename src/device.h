/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * device.h -- the one seam between the library and libpmem2's questions
 * about the device under a source: its unsafe-shutdown count, its id, and
 * its bad blocks (list and clear). sds.c and badblock.c call only these.
 *
 * Tests linked with the library's objects replace the whole table with
 * device_ops_replace() to play any device, including ones that fail; the
 * library itself never does.
 */
#ifndef PMEMSET_DEVICE_H
#define PMEMSET_DEVICE_H

#include <stddef.h>
#include <stdint.h>
#include <libpmem2.h>

/* the libpmem2 calls, with libpmem2's signatures and return codes */
struct device_ops {
	int (*usc)(const struct pmem2_source *src, uint64_t *usc);
	int (*id)(const struct pmem2_source *src, char *id, size_t *len);
	int (*bb_context_new)(struct pmem2_badblock_context **ctx,
			const struct pmem2_source *src);
	int (*bb_next)(struct pmem2_badblock_context *ctx,
			struct pmem2_badblock *bb);
	void (*bb_context_delete)(struct pmem2_badblock_context **ctx);
	int (*bb_clear)(struct pmem2_badblock_context *ctx,
			const struct pmem2_badblock *bb);
};

int device_usc(const struct pmem2_source *src, uint64_t *usc);
int device_id(const struct pmem2_source *src, char *id, size_t *len);
int device_bb_context_new(struct pmem2_badblock_context **ctx,
		const struct pmem2_source *src);
int device_bb_next(struct pmem2_badblock_context *ctx,
		struct pmem2_badblock *bb);
void device_bb_context_delete(struct pmem2_badblock_context **ctx);
int device_bb_clear(struct pmem2_badblock_context *ctx,
		const struct pmem2_badblock *bb);

/*
 * Test seam: every later device_* call goes to ops (NULL: back to
 * libpmem2). Returns the table in use before. Not for use while another
 * thread is inside a device_* call.
 */
const struct device_ops *device_ops_replace(const struct device_ops *ops);

#endif
