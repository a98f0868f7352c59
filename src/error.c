// SPDX-License-Identifier: BSD-3-Clause
/*
 * error.c -- pmemset_errormsg, pmemset_perror, pmemset_err_to_errno and the
 * helpers every failure site uses to set a message naming what was wrong.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libpmemset.h"
#include "error.h"
#include "log.h"

#define ERRMSG_MAX 1024

/* set by every failure, never cleared: errno's rule */
static __thread char Last_error[ERRMSG_MAX];

static void
err_vformat(const char *fmt, va_list ap)
{
	vsnprintf(Last_error, sizeof(Last_error), fmt, ap);
}

static void
err_append(const char *fmt, ...)
{
	size_t used = strlen(Last_error);
	if (used + 1 >= sizeof(Last_error))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(Last_error + used, sizeof(Last_error) - used, fmt, ap);
	va_end(ap);
}

int
err_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_vformat(fmt, ap);
	va_end(ap);
	log_line(LOG_ERROR, "%s (%d)", Last_error, code);
	return code;
}

int
err_errno(int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_vformat(fmt, ap);
	va_end(ap);
	err_append(": %s", strerror(errnum));
	log_line(LOG_ERROR, "%s", Last_error);
	return -errnum;
}

struct code_pair {
	int pmem2;
	int pmemset;
};

/* only codes with a real counterpart; the rest pass through unchanged */
static const struct code_pair Pmem2_to_pmemset[] = {
	{PMEM2_E_UNKNOWN, PMEMSET_E_UNKNOWN},
	{PMEM2_E_NOSUPP, PMEMSET_E_NOSUPP},
	{PMEM2_E_FILE_HANDLE_NOT_SET, PMEMSET_E_INVALID_PMEM2_SOURCE},
	{PMEM2_E_INVALID_FILE_HANDLE, PMEMSET_E_INVALID_PMEM2_SOURCE},
	{PMEM2_E_FILE_DESCRIPTOR_NOT_SET, PMEMSET_E_INVALID_PMEM2_SOURCE},
	{PMEM2_E_INVALID_FILE_TYPE, PMEMSET_E_INVALID_SOURCE_TYPE},
	{PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED, PMEMSET_E_INVALID_SOURCE_TYPE},
	{PMEM2_E_MAP_RANGE, PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL},
	{PMEM2_E_GRANULARITY_NOT_SUPPORTED, PMEMSET_E_GRANULARITY_NOT_SUPPORTED},
	{PMEM2_E_OFFSET_OUT_OF_RANGE, PMEMSET_E_OFFSET_OUT_OF_RANGE},
	{PMEM2_E_OFFSET_UNALIGNED, PMEMSET_E_INVALID_OFFSET_VALUE},
	{PMEM2_E_LENGTH_UNALIGNED, PMEMSET_E_LENGTH_UNALIGNED},
	{PMEM2_E_INVALID_ALIGNMENT_VALUE, PMEMSET_E_INVALID_ALIGNMENT_VALUE},
	{PMEM2_E_DEEP_FLUSH_RANGE, PMEMSET_E_DEEP_FLUSH_FAIL},
	{PMEM2_E_DAX_REGION_NOT_FOUND, PMEMSET_E_DAX_REGION_NOT_FOUND},
	{PMEM2_E_CANNOT_READ_BOUNDS, PMEMSET_E_CANNOT_READ_BOUNDS},
	{PMEM2_E_LENGTH_OUT_OF_RANGE, PMEMSET_E_LENGTH_OUT_OF_RANGE},
	{PMEM2_E_IO_FAIL, PMEMSET_E_IO_FAIL},
};

int
err_translate_pmem2(int pmem2_code)
{
	for (size_t i = 0; i < sizeof(Pmem2_to_pmemset) /
			sizeof(Pmem2_to_pmemset[0]); i++)
		if (Pmem2_to_pmemset[i].pmem2 == pmem2_code)
			return Pmem2_to_pmemset[i].pmemset;
	return pmem2_code;
}

int
err_pmem2(int pmem2_code, const char *fmt, ...)
{
	/* read libpmem2's message first: it may be stale after a success */
	const char *pmsg = pmem2_errormsg();
	char pcopy[256];
	snprintf(pcopy, sizeof(pcopy), "%s", pmsg ? pmsg : "");

	va_list ap;
	va_start(ap, fmt);
	err_vformat(fmt, ap);
	va_end(ap);
	if (pmem2_code > -4096 && pmem2_code < 0)
		err_append(": %s", strerror(-pmem2_code));
	else if (pcopy[0] != '\0')
		err_append(": libpmem2: %s", pcopy);
	else
		err_append(": libpmem2 error %d", pmem2_code);
	log_line(LOG_ERROR, "%s", Last_error);
	return err_translate_pmem2(pmem2_code);
}

const char *
pmemset_errormsg(void)
{
	return Last_error;
}

void
pmemset_perror(const char *format, ...)
{
	char prefix[ERRMSG_MAX];
	if (format == NULL) {
		fprintf(stderr, "%s\n", Last_error);
		return;
	}
	va_list ap;
	va_start(ap, format);
	vsnprintf(prefix, sizeof(prefix), format, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", prefix, Last_error);
}

static int
pmem2_code_to_errno(int err)
{
	switch (err) {
	case PMEM2_E_NOSUPP:
	case PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED:
		return ENOTSUP;
	case PMEM2_E_MAPPING_EXISTS:
	case PMEM2_E_MAP_EXISTS:
		return EEXIST;
	case PMEM2_E_IO_FAIL:
		return EIO;
	case PMEM2_E_NO_ACCESS:
		return EACCES;
	case PMEM2_E_VM_RESERVATION_NOT_EMPTY:
		return EBUSY;
	default:
		return EINVAL;
	}
}

int
pmemset_err_to_errno(int err)
{
	if (err >= 0)
		return 0;
	if (err > -4096)
		return -err;
	if (err <= -100000 && err > -100100)
		return pmem2_code_to_errno(err);
	switch (err) {
	case PMEMSET_E_NOSUPP:
	case PMEMSET_E_SDS_NOSUPP:
	case PMEMSET_E_BADBLOCK_NOSUPP:
		return ENOTSUP;
	case PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE:
		return ENOMEM;
	case PMEMSET_E_IO_FAIL:
		return EIO;
	default:
		return EINVAL;
	}
}
