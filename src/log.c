// SPDX-License-Identifier: BSD-3-Clause
/*
 * log.c -- PMEMSET_LOG_LEVEL / PMEMSET_LOG_FILE diagnostics, read once.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

static pthread_once_t Log_once = PTHREAD_ONCE_INIT;
static int Log_level;
static FILE *Log_file;

static void
log_init(void)
{
	const char *lvl = getenv("PMEMSET_LOG_LEVEL");
	if (lvl == NULL)
		return;
	Log_level = atoi(lvl);
	const char *path = getenv("PMEMSET_LOG_FILE");
	if (path != NULL && path[0] != '\0')
		Log_file = fopen(path, "ae");
	/* each line out when written: a crash must not lose the last ones */
	if (Log_file != NULL)
		setvbuf(Log_file, NULL, _IOLBF, 0);
	if (Log_file == NULL)
		Log_file = stderr;
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
	char line[1200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* one fprintf per line so lines from threads do not interleave */
	fprintf(Log_file, "libpmemset <%s>: %s\n", names[level], line);
}
