/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * match.h -- the matchers given at open, over map URIs.
 */
#ifndef PMEMSET_STAT_MATCH_H
#define PMEMSET_STAT_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "libpmemset/stat.h"

struct stat_matcher;

enum pmemset_stat_status match_compile(const struct pmemset_stat_matcher *m,
		size_t n, struct stat_matcher **out);
void match_free(struct stat_matcher *m, size_t n);
/* true when there are no matchers or one of them matches */
bool match_uri(const struct stat_matcher *m, size_t n, const char *uri);

#endif
