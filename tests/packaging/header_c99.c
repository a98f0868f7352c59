/* SPDX-License-Identifier: BSD-3-Clause */
/* The public headers compile on their own as strict C99 (built, not run). */
#include <libpmemset.h>
#if __has_include(<libpmemset/stat.h>)
#include <libpmemset/stat.h>
#endif

int header_c99_probe(void);

int
header_c99_probe(void)
{
	struct pmemset_sds sds = PMEMSET_SDS_INITIALIZE();
	struct pmemset_event_context ctx;
	ctx.type = PMEMSET_EVENT_BAD_BLOCK;
	ctx.data.bad_block.bb = NULL;
	struct pmemset_event_bad_block *alias = &ctx.data.badblock;
	(void) alias;
	return (int)sizeof(ctx.data) + sds.refcount +
		(int)PMEMSET_MAJOR_VERSION + (int)PMEMSET_MINOR_VERSION;
}
