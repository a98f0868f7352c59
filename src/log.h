/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * log.h -- optional diagnostics, off unless PMEMSET_LOG_LEVEL is set
 * (1 errors, 2 control-path calls, 3 details); PMEMSET_LOG_FILE redirects
 * them from stderr to a file.
 */
#ifndef PMEMSET_LOG_H
#define PMEMSET_LOG_H

enum log_level { LOG_ERROR = 1, LOG_CALL = 2, LOG_DETAIL = 3 };

int log_enabled(enum log_level level);
void log_write(enum log_level level, const char *fmt, ...)
	__attribute__((__format__(__printf__, 2, 3)));

/* cheap when logging is off: one load and a compare */
#define log_line(level, ...) do { \
	if (log_enabled(level)) \
		log_write(level, __VA_ARGS__); \
} while (0)

#endif
