// SPDX-License-Identifier: BSD-3-Clause
/*
 * status.c -- the observer's status codes: their strings, and the one helper
 * every failure goes through so pmemset_errormsg() names what was wrong.
 */
#include <stdarg.h>
#include <stdio.h>

#include "error.h"
#include "status.h"

enum pmemset_stat_status
stat_fail(enum pmemset_stat_status status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* the code logged beside the message is the status, not an errno */
	(void) err_set((int)status, "%s", msg);
	return status;
}

static const char *const Status_strings[] = {
	[PMEMSET_STAT_S_OK] = "success",
	[PMEMSET_STAT_S_NO_PERM] = "the value belongs to the library",
	[PMEMSET_STAT_S_NO_MEM] = "out of memory",
	[PMEMSET_STAT_S_NO_SPACE] = "the buffer is too small",
	[PMEMSET_STAT_S_INVAL_ARG] = "invalid argument",
	[PMEMSET_STAT_S_INVAL_STATE] = "not allowed in the current state",
	[PMEMSET_STAT_S_INVAL_TYPE] = "the value has another type",
	[PMEMSET_STAT_S_NOT_FOUND] = "not found",
	[PMEMSET_STAT_S_CONC_MOD] = "the tree changed during the iteration",
	[PMEMSET_STAT_S_DEL_MAP] = "the map has been removed",
	[PMEMSET_STAT_S_SYS_FAIL] = "a system call failed",
};

const char *
pmemset_stat_status_string(enum pmemset_stat_status status)
{
	unsigned i = (unsigned)status;
	if (i >= sizeof(Status_strings) / sizeof(Status_strings[0]))
		return "unknown status";
	return Status_strings[i];
}
