/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * metrics.h -- the one table of the observer tree's SYS values: each
 * value's name, type and unit, what it is in OpenMetrics (TYPE, HELP, or a
 * label) and which counter of a publication holds it. values.c reads the
 * values by it, dump.c and openmetrics.c print the in-process tree by it,
 * publish.c fills a publication's counters by it and pmemset-stat prints
 * published trees by it (tools/publication_reader.c compiles this file),
 * so a value renamed or added here shows the same on both sides.
 *
 * Includes only the public stat.h and the publication's format: the tool
 * builds it without the rest of the library.
 */
#ifndef PMEMSET_STAT_METRICS_H
#define PMEMSET_STAT_METRICS_H

#include <stddef.h>

#include "libpmemset/stat.h"

enum stat_level { STAT_ROOT, STAT_SET, STAT_PART };

enum stat_metric_id {
	ROOT_VERSION, ROOT_SETS, ROOT_SET_IDS,

	SET_ID, SET_GRANULARITY, SET_REQUIRED_GRANULARITY, SET_COALESCING,
	SET_PARTS, SET_PART_MAPS, SET_MAPPED_BYTES,
	SET_PERSIST_CALLS, SET_PERSIST_BYTES, SET_FLUSH_CALLS,
	SET_FLUSH_BYTES, SET_DRAIN_CALLS, SET_COPY_CALLS, SET_COPY_BYTES,
	SET_MOVE_CALLS, SET_MOVE_BYTES, SET_SET_CALLS, SET_SET_BYTES,
	SET_PART_IDS, SET_SOURCE_PATHS,

	PART_ID, PART_ADDRESS, PART_SIZE, PART_SOURCE, PART_SOURCE_PATH,
	PART_OFFSET, PART_GRANULARITY, PART_PART_MAP_ADDRESS,
	PART_PART_MAP_SIZE, PART_SDS_STATE, PART_BADBLOCKS,
};

/* what a value is in OpenMetrics */
enum stat_om_role {
	STAT_OM_NONE,		/* not written: arrays of ids and paths */
	STAT_OM_GAUGE,		/* a family of its own */
	STAT_OM_COUNTER,	/* a family of its own, samples _total */
	STAT_OM_ID,		/* the level's label (set, part) */
	STAT_OM_INFO,		/* a label of the level's info sample */
	STAT_OM_PATH,		/* the path label of the level's samples */
};

struct stat_metric {
	const char *name;
	enum stat_metric_id id;
	enum pmemset_stat_value_type type;
	enum pmemset_stat_unit unit;
	enum stat_om_role om;
	const char *help;	/* the family's HELP (GAUGE, COUNTER) */
	int pub_counter;	/* its index in pub_set.counters, or -1 */
};

/* the SYS values of a level, in the order every output shows them */
const struct stat_metric *stat_metrics(enum stat_level level, size_t *n);

/* "view", "set", "part": the word for a map of the level */
const char *stat_level_noun(enum stat_level level);
/* the HELP of the level's info family */
const char *stat_level_info_help(enum stat_level level);

/* "gauge" or "counter", for a value with a family of its own */
const char *stat_metric_om_type(const struct stat_metric *m);
/* "bytes" or NULL */
const char *stat_metric_om_unit(const struct stat_metric *m);

#endif
