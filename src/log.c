// SPDX-License-Identifier: BSD-3-Clause
/*
 * log.c -- PMEMSET_LOG_LEVEL / PMEMSET_LOG_FILE diagnostics, read once.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "env.h"
#include "log.h"

static pthread_once_t Log_once = PTHREAD_ONCE_INIT;
static int Log_level;
static int Log_fd = STDERR_FILENO;

/*
 * Copies text into out (out_size > 0, always terminated) with every control
 * character and the backslash escaped, so that text from the caller (a file
 * name with a newline in it) can neither start a line of its own nor pass
 * for an escape. Returns the length written; what does not fit is dropped.
 */
static size_t
log_escape(char *out, size_t out_size, const char *text)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		char one[5];
		if (*p == '\n')
			strcpy(one, "\\n");
		else if (*p == '\r')
			strcpy(one, "\\r");
		else if (*p == '\t')
			strcpy(one, "\\t");
		else if (*p == '\\')
			strcpy(one, "\\\\");
		else if (*p < 0x20 || *p == 0x7f)
			snprintf(one, sizeof(one), "\\x%02x", *p);
		else {
			one[0] = (char)*p;
			one[1] = '\0';
		}
		size_t len = strlen(one);
		if (n + len >= out_size)
			break;
		memcpy(out + n, one, len);
		n += len;
	}
	out[n] = '\0';
	return n;
}

/* a problem with the settings themselves: said once, on standard error */
static void
log_warn_setting(const char *what, const char *value, const char *why)
{
	char shown[256];
	log_escape(shown, sizeof(shown), value);
	dprintf(STDERR_FILENO, "libpmemset: %s=\"%s\" %s\n", what, shown, why);
}

/* 0 to LOG_DETAIL, or -1 for anything else (junk, sign, overflow) */
static int
log_parse_level(const char *text)
{
	char *end;
	errno = 0;
	long level = strtol(text, &end, 10);
	if (end == text || *end != '\0' || errno != 0 || level < 0 ||
			level > LOG_DETAIL)
		return -1;
	return (int)level;
}

static void
log_init(void)
{
	const char *text = env_get("PMEMSET_LOG_LEVEL");
	if (text == NULL)
		return;
	int level = log_parse_level(text);
	if (level < 0) {
		log_warn_setting("PMEMSET_LOG_LEVEL", text,
			"is not 0, 1, 2 or 3: logging stays off");
		return;
	}
	if (level == 0)
		return;
	const char *path = env_get("PMEMSET_LOG_FILE");
	if (path != NULL && path[0] != '\0') {
		/* 0600: log lines carry addresses, which defeat ASLR */
		int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
			O_NOFOLLOW, 0600);
		if (fd >= 0) {
			Log_fd = fd;
		} else {
			char why[160], reason[128];
			snprintf(why, sizeof(why), "cannot be opened (%s): "
				"logging to standard error",
				strerror_r(errno, reason, sizeof(reason)));
			log_warn_setting("PMEMSET_LOG_FILE", path, why);
		}
	}
	Log_level = level;
}

int
log_enabled(enum log_level level)
{
	pthread_once(&Log_once, log_init);
	return Log_level >= (int)level;
}

void
log_write(enum log_level level, const char *fmt, ...)
{
	static const char *const names[] = {"", "error", "call", "detail"};
	char text[1200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);

	/* room for every byte of text escaped as \xHH */
	char line[64 + 4 * sizeof(text)];
	int prefix = snprintf(line, sizeof(line), "libpmemset <%s>: ",
		names[level]);
	size_t len = (size_t)prefix + log_escape(line + prefix,
		sizeof(line) - (size_t)prefix - 1, text);
	line[len++] = '\n';
	/*
	 * One write per line, written when it happens (a crash loses no
	 * line); with O_APPEND lines of threads and processes never mix.
	 */
	if (write(Log_fd, line, len) < 0) {
		/* nowhere left to report it */
	}
}
