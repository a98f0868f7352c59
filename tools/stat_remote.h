/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * stat_remote.h -- pmemset-stat's modes that read other processes' live
 * publications: --pid, --list, --watch, --all.
 */
#ifndef PMEMSET_STAT_REMOTE_H
#define PMEMSET_STAT_REMOTE_H

#include "publication_reader.h"

enum remote_format { REMOTE_TEXT, REMOTE_JSON, REMOTE_OPENMETRICS };

/* each returns the exit status: 0, 1 (see the message), 2 usage */
int remote_show(long pid, enum remote_format format,
		const struct pubr_filter *m);
int remote_all(enum remote_format format, const struct pubr_filter *m);
int remote_list(void);
int remote_watch(long pid, double interval);

#endif
