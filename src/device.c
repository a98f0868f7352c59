// SPDX-License-Identifier: BSD-3-Clause
/*
 * device.c -- the device seam (see device.h): a table of the libpmem2
 * device queries, libpmem2's own by default.
 */
#include <stdatomic.h>

#include "device.h"

static const struct device_ops Pmem2_ops = {
	.usc = pmem2_source_device_usc,
	.id = pmem2_source_device_id,
	.bb_context_new = pmem2_badblock_context_new,
	.bb_next = pmem2_badblock_next,
	.bb_context_delete = pmem2_badblock_context_delete,
	.bb_clear = pmem2_badblock_clear,
};

/* atomic only so a test swapping it is never a torn read */
static const struct device_ops *_Atomic Ops = &Pmem2_ops;

static inline const struct device_ops *
ops(void)
{
	return atomic_load_explicit(&Ops, memory_order_acquire);
}

const struct device_ops *
device_ops_replace(const struct device_ops *new_ops)
{
	return atomic_exchange(&Ops, new_ops ? new_ops : &Pmem2_ops);
}

int
device_usc(const struct pmem2_source *src, uint64_t *usc)
{
	return ops()->usc(src, usc);
}

int
device_id(const struct pmem2_source *src, char *id, size_t *len)
{
	return ops()->id(src, id, len);
}

int
device_bb_context_new(struct pmem2_badblock_context **ctx,
		const struct pmem2_source *src)
{
	return ops()->bb_context_new(ctx, src);
}

int
device_bb_next(struct pmem2_badblock_context *ctx, struct pmem2_badblock *bb)
{
	return ops()->bb_next(ctx, bb);
}

void
device_bb_context_delete(struct pmem2_badblock_context **ctx)
{
	ops()->bb_context_delete(ctx);
}

int
device_bb_clear(struct pmem2_badblock_context *ctx,
		const struct pmem2_badblock *bb)
{
	return ops()->bb_clear(ctx, bb);
}
