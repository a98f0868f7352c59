/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sds_app.h -- what the crash tests' applications share: the header they
 * keep at the start of their file, and the event callback that stores the
 * library's SDS copy in it, as an application would.
 */
#ifndef PMEMSET_SDS_APP_H
#define PMEMSET_SDS_APP_H

#include "libpmemset.h"

struct app_header {
	char magic[16];
	struct pmemset_sds sds;
};

/*
 * On SDS_UPDATE, writes the SDS into the source's header and counts the
 * store in *(unsigned *)stores; aborts if the write fails, since a lost
 * SDS would make every later check wrong.
 */
int app_store_sds(struct pmemset *set, struct pmemset_event_context *ctx,
		void *stores);

#endif
