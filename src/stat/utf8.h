/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * utf8.h -- checking UTF-8, for the dumps that must write valid text.
 */
#ifndef PMEMSET_STAT_UTF8_H
#define PMEMSET_STAT_UTF8_H

#include <stddef.h>

/* the length of a valid UTF-8 sequence at s, or 0 */
size_t stat_utf8_len(const unsigned char *s);

#endif
