// SPDX-License-Identifier: BSD-3-Clause
/*
 * sds_fake_device.c -- the pretend device (see sds_fake_device.h): a
 * struct device_ops whose answers come from the global Fake.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device.h"
#include "sds_fake_device.h"

struct fake_device Fake;

/* stands in for libpmem2's opaque context */
struct fake_bb_ctx {
	unsigned magic;
	size_t pos;
};
#define FAKE_CTX_MAGIC 0xbadb10c5u

bool
fake_real_pmem(void)
{
	const char *v = getenv("PMEMSET_TEST_REAL_PMEM");
	return v != NULL && strcmp(v, "1") == 0;
}

static int
fake_usc(const struct pmem2_source *src, uint64_t *usc)
{
	(void) src;
	Fake.usc_calls++;
	if (Fake.usc_delay_us)
		usleep(Fake.usc_delay_us);
	if (Fake.usc_ret)
		return Fake.usc_ret;
	*usc = Fake.usc;
	return 0;
}

/* libpmem2's contract: id NULL asks the length, with the NUL */
static int
fake_id(const struct pmem2_source *src, char *id, size_t *len)
{
	(void) src;
	Fake.id_calls++;
	size_t need = strlen(Fake.id) + 1;
	if (id == NULL) {
		if (Fake.id_len_ret)
			return Fake.id_len_ret;
		*len = need;
		return 0;
	}
	if (Fake.id_ret)
		return Fake.id_ret;
	if (*len < need)
		return PMEM2_E_BUFFER_TOO_SMALL;
	memcpy(id, Fake.id, need);
	return 0;
}

static int
fake_bb_new(struct pmem2_badblock_context **ctx,
		const struct pmem2_source *src)
{
	(void) src;
	Fake.bb_new_calls++;
	if (Fake.bb_new_ret && (Fake.bb_new_fail_call == 0 ||
	    (unsigned)Fake.bb_new_fail_call == Fake.bb_new_calls))
		return Fake.bb_new_ret;
	struct fake_bb_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	c->magic = FAKE_CTX_MAGIC;
	Fake.bb_open++;
	*ctx = (struct pmem2_badblock_context *)c;
	return 0;
}

static struct fake_bb_ctx *
as_fake(struct pmem2_badblock_context *ctx)
{
	struct fake_bb_ctx *c = (struct fake_bb_ctx *)ctx;
	if (c == NULL || c->magic != FAKE_CTX_MAGIC)
		abort(); /* the library handed back something we never made */
	return c;
}

static int
fake_bb_next(struct pmem2_badblock_context *ctx, struct pmem2_badblock *bb)
{
	struct fake_bb_ctx *c = as_fake(ctx);
	if (Fake.bb_next_ret && c->pos == Fake.bb_next_fail_at)
		return Fake.bb_next_ret;
	if (c->pos >= Fake.nbbs)
		return PMEM2_E_NO_BAD_BLOCK_FOUND;
	*bb = Fake.bbs[c->pos++];
	return 0;
}

static void
fake_bb_delete(struct pmem2_badblock_context **ctx)
{
	Fake.bb_delete_calls++;
	struct fake_bb_ctx *c = as_fake(*ctx);
	c->magic = 0;
	Fake.bb_open--;
	free(c);
	*ctx = NULL;
}

/* a cleared range heals every bad block it covers whole */
static int
fake_bb_clear(struct pmem2_badblock_context *ctx,
		const struct pmem2_badblock *bb)
{
	(void) as_fake(ctx);
	Fake.bb_clear_calls++;
	if (Fake.bb_clear_ret)
		return Fake.bb_clear_ret;
	if (Fake.ncleared < FAKE_MAX_BADBLOCKS)
		Fake.cleared[Fake.ncleared++] = *bb;
	size_t kept = 0;
	for (size_t i = 0; i < Fake.nbbs; i++) {
		const struct pmem2_badblock *b = &Fake.bbs[i];
		bool covered = b->offset >= bb->offset &&
			b->offset + b->length <= bb->offset + bb->length;
		if (!covered)
			Fake.bbs[kept++] = *b;
	}
	Fake.nbbs = kept;
	return 0;
}

static const struct device_ops Fake_ops = {
	.usc = fake_usc,
	.id = fake_id,
	.bb_context_new = fake_bb_new,
	.bb_next = fake_bb_next,
	.bb_context_delete = fake_bb_delete,
	.bb_clear = fake_bb_clear,
};

void
fake_device_install(void)
{
	memset(&Fake, 0, sizeof(Fake));
	strcpy(Fake.id, "fake-device-0");
	Fake.usc = 7;
	if (!fake_real_pmem())
		device_ops_replace(&Fake_ops);
}

void
fake_device_uninstall(void)
{
	device_ops_replace(NULL);
}

void
fake_add_badblock(size_t offset, size_t length)
{
	if (Fake.nbbs >= FAKE_MAX_BADBLOCKS)
		abort();
	Fake.bbs[Fake.nbbs].offset = offset;
	Fake.bbs[Fake.nbbs].length = length;
	Fake.nbbs++;
}
