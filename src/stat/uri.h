/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * uri.h -- the URIs of the tree: /pmemset, /pmemset/set/<n>,
 * /pmemset/set/<n>/part/<k>.
 */
#ifndef PMEMSET_STAT_URI_H
#define PMEMSET_STAT_URI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stat_internal.h"

#define STAT_URI_ROOT_WORD "pmemset"
#define STAT_URI_ROOT "/" STAT_URI_ROOT_WORD
#define STAT_URI_MAX 64	/* the longest URI the tree builds, with its NUL */
void uri_of(char *buf, size_t len, enum stat_level level, uint64_t set_id,
		uint64_t part_id);
/* parses "set/<n>" or "part/<k>" (the name of a sub-map) */
bool uri_parse_name(const char *name, enum stat_level level, uint64_t *id);
/*
 * parses a whole (possibly percent-encoded) URI of the tree into the ids
 * below the root: *depth 0 for /pmemset, 1 with ids[0] the set, 2 with
 * ids[1] the part; false when it is not a URI of the tree
 */
bool uri_parse(const char *uri, uint64_t ids[2], size_t *depth);

#endif
