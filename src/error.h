/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * error.h -- the thread-local error message and the one table that turns
 * libpmem2 codes into ours.
 */
#ifndef PMEMSET_ERROR_H
#define PMEMSET_ERROR_H

#include <errno.h>
#include <stdarg.h>

/*
 * Every failure sets a fresh message; nothing clears it (errno's rule, so
 * cleanup calls after a failure keep its message).
 * err_set sets the message (printf-style) and returns code: return err_set(...)
 */
int err_set(int code, const char *fmt, ...)
	__attribute__((__format__(__printf__, 2, 3)));

/*
 * Notes libpmem2's message before a libpmem2 call whose failure goes to
 * err_pmem2: libpmem2 cannot clear its message and not every failure of it
 * sets one, so only a message that changed since is that call's.
 */
void err_pmem2_mark(void);

/*
 * like err_set, for a failed libpmem2 call: translates its code and appends
 * what libpmem2 said, if the call marked before said it; else describes
 * the code
 */
int err_pmem2(int pmem2_code, const char *fmt, ...)
	__attribute__((__format__(__printf__, 2, 3)));

/* what a libpmem2 code means, in words */
const char *err_pmem2_code_text(int pmem2_code);

/* like err_set, for a failed system call: returns -errnum, appends strerror */
int err_errno(int errnum, const char *fmt, ...)
	__attribute__((__format__(__printf__, 2, 3)));

/* the PMEMSET_E_* code for a libpmem2 code, or the code itself if none fits */
int err_translate_pmem2(int pmem2_code);

#define ERR_NULL_ARG(name) err_set(-EINVAL, "%s: %s is NULL", __func__, name)

#endif
