// SPDX-License-Identifier: BSD-3-Clause
/*
 * sds_app.c -- the crash tests' SDS store (see sds_app.h).
 */
#include <stddef.h>
#include <stdlib.h>

#include "sds_app.h"

int
app_store_sds(struct pmemset *set, struct pmemset_event_context *ctx,
		void *stores)
{
	(void) set;
	if (ctx->type != PMEMSET_EVENT_SDS_UPDATE)
		return 0;
	struct pmemset_sds sds = *ctx->data.sds_update.sds;
	if (pmemset_source_pwrite_mcsafe(ctx->data.sds_update.src, &sds,
			sizeof(sds), offsetof(struct app_header, sds)) != 0)
		abort();
	(*(unsigned *)stores)++;
	return 0;
}
