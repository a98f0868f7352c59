/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * status.h -- failing with a status and a message for pmemset_errormsg().
 */
#ifndef PMEMSET_STAT_STATUS_H
#define PMEMSET_STAT_STATUS_H

#include "libpmemset/stat.h"

/* set pmemset_errormsg() and return the status */
enum pmemset_stat_status stat_fail(enum pmemset_stat_status status,
		const char *fmt, ...)
	__attribute__((__format__(__printf__, 2, 3)));
#define STAT_NULL_ARG(name) \
	stat_fail(PMEMSET_STAT_S_INVAL_ARG, "%s: %s is NULL", __func__, name)

#endif
