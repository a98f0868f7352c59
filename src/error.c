// SPDX-License-Identifier: BSD-3-Clause
/*
 * error.c -- pmemset_errormsg, pmemset_perror, pmemset_err_to_errno and the
 * helpers every failure site uses to set a message naming what was wrong.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "libpmemset.h"
#include "error.h"
#include "log.h"
#include "probes.h"

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
	PROBE2(error, code, Last_error);
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
	PROBE2(error, -errnum, Last_error);
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

#define PMEM2_MSG_MAX 256

/* libpmem2's message when err_pmem2_mark was called; valid until used */
static __thread char Pmem2_before[PMEM2_MSG_MAX];
static __thread int Pmem2_marked;

static void
pmem2_message(char *buf, size_t size)
{
	const char *msg = pmem2_errormsg();
	snprintf(buf, size, "%s", msg ? msg : "");
}

void
err_pmem2_mark(void)
{
	pmem2_message(Pmem2_before, sizeof(Pmem2_before));
	Pmem2_marked = 1;
}

struct code_text {
	int code;
	const char *text;
};

/* our words for libpmem2's codes, for failures that left no message */
static const struct code_text Pmem2_texts[] = {
	{PMEM2_E_UNKNOWN, "an unknown libpmem2 error"},
	{PMEM2_E_NOSUPP, "not supported by this source or platform"},
	{PMEM2_E_FILE_HANDLE_NOT_SET, "the source has no file handle"},
	{PMEM2_E_INVALID_FILE_HANDLE, "the file handle is not valid"},
	{PMEM2_E_INVALID_FILE_TYPE, "the file is neither a regular file nor "
		"a Device DAX character device"},
	{PMEM2_E_MAP_RANGE, "the range lies beyond the end of the source"},
	{PMEM2_E_MAPPING_EXISTS, "the address range is already mapped"},
	{PMEM2_E_GRANULARITY_NOT_SET, "no required granularity was set"},
	{PMEM2_E_GRANULARITY_NOT_SUPPORTED, "the medium cannot provide the "
		"required store granularity"},
	{PMEM2_E_OFFSET_OUT_OF_RANGE, "the offset is out of range"},
	{PMEM2_E_OFFSET_UNALIGNED, "the offset is not aligned to the "
		"source's alignment"},
	{PMEM2_E_INVALID_ALIGNMENT_FORMAT, "the device reported its alignment "
		"in a form that cannot be read"},
	{PMEM2_E_INVALID_ALIGNMENT_VALUE, "the device reported an invalid "
		"alignment"},
	{PMEM2_E_INVALID_SIZE_FORMAT, "the device reported its size in a form "
		"that cannot be read"},
	{PMEM2_E_LENGTH_UNALIGNED, "the length is not aligned to the source's "
		"alignment"},
	{PMEM2_E_MAPPING_NOT_FOUND, "no mapping was found there"},
	{PMEM2_E_BUFFER_TOO_SMALL, "the buffer is too small"},
	{PMEM2_E_SOURCE_EMPTY, "the source is empty (0 bytes)"},
	{PMEM2_E_INVALID_SHARING_VALUE, "the sharing type is not valid"},
	{PMEM2_E_SRC_DEVDAX_PRIVATE, "a Device DAX cannot be mapped private"},
	{PMEM2_E_INVALID_ADDRESS_REQUEST_TYPE, "the address request type is "
		"not valid"},
	{PMEM2_E_ADDRESS_UNALIGNED, "the address is not aligned"},
	{PMEM2_E_ADDRESS_NULL, "the address is NULL"},
	{PMEM2_E_DEEP_FLUSH_RANGE, "the range is not fully mapped, so it "
		"cannot be deep-flushed"},
	{PMEM2_E_INVALID_REGION_FORMAT, "the device's region cannot be read"},
	{PMEM2_E_DAX_REGION_NOT_FOUND, "the device's DAX region was not "
		"found"},
	{PMEM2_E_INVALID_DEV_FORMAT, "the device number cannot be read"},
	{PMEM2_E_CANNOT_READ_BOUNDS, "the bounds of the namespace cannot be "
		"read"},
	{PMEM2_E_NO_BAD_BLOCK_FOUND, "no bad block was found"},
	{PMEM2_E_LENGTH_OUT_OF_RANGE, "the length is out of range"},
	{PMEM2_E_INVALID_PROT_FLAG, "the protection flags are not valid"},
	{PMEM2_E_NO_ACCESS, "the file's access mode does not allow this "
		"mapping"},
	{PMEM2_E_VM_RESERVATION_NOT_EMPTY, "the address-space reservation "
		"still holds mappings"},
	{PMEM2_E_MAP_EXISTS, "a mapping is already there"},
	{PMEM2_E_FILE_DESCRIPTOR_NOT_SET, "the source has no file "
		"descriptor"},
	{PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED, "this kind of source cannot do "
		"that"},
	{PMEM2_E_IO_FAIL, "an input/output error (a bad block?)"},
};

const char *
err_pmem2_code_text(int pmem2_code)
{
	if (pmem2_code > -4096 && pmem2_code < 0)
		return strerror(-pmem2_code);
	for (size_t i = 0; i < sizeof(Pmem2_texts) / sizeof(Pmem2_texts[0]);
			i++)
		if (Pmem2_texts[i].code == pmem2_code)
			return Pmem2_texts[i].text;
	return "an error libpmem2 did not describe";
}

int
err_pmem2(int pmem2_code, const char *fmt, ...)
{
	/* quote libpmem2 only if the marked call changed its message */
	char now[PMEM2_MSG_MAX];
	pmem2_message(now, sizeof(now));
	bool fresh = Pmem2_marked && now[0] != '\0' &&
			strcmp(now, Pmem2_before) != 0;
	Pmem2_marked = 0;

	va_list ap;
	va_start(ap, fmt);
	err_vformat(fmt, ap);
	va_end(ap);
	if (pmem2_code > -4096 && pmem2_code < 0)
		err_append(": %s", strerror(-pmem2_code));
	else if (fresh)
		err_append(": libpmem2: %s", now);
	else
		err_append(": %s", err_pmem2_code_text(pmem2_code));
	log_line(LOG_ERROR, "%s", Last_error);
	int code = err_translate_pmem2(pmem2_code);
	PROBE2(error, code, Last_error);
	return code;
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
	case PMEMSET_E_INVALID_SOURCE_PATH: /* no file there (or no path) */
		return ENOENT;
	default:
		return EINVAL;
	}
}
