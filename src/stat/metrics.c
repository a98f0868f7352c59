// SPDX-License-Identifier: BSD-3-Clause
/*
 * metrics.c -- the table of the tree's SYS values (see metrics.h).
 */
#include "metrics.h"
#include "publication_format.h"

#define U64 PMEMSET_STAT_TYPE_UINT64
#define U64S PMEMSET_STAT_TYPE_UINT64_ARRAY
#define STR PMEMSET_STAT_TYPE_STRING
#define STRS PMEMSET_STAT_TYPE_STRING_ARRAY
#define NONE PMEMSET_STAT_UNIT_NONE
#define BYTES PMEMSET_STAT_UNIT_BYTES
#define ADDR PMEMSET_STAT_UNIT_ADDRESS

static const struct stat_metric Root_metrics[] = {
	{"version", ROOT_VERSION, STR, NONE, STAT_OM_INFO, NULL, -1},
	{"sets", ROOT_SETS, U64, NONE, STAT_OM_GAUGE, "Sets in the view.",
		-1},
	{"set_ids", ROOT_SET_IDS, U64S, NONE, STAT_OM_NONE, NULL, -1},
};

static const struct stat_metric Set_metrics[] = {
	{"id", SET_ID, U64, NONE, STAT_OM_ID, NULL, -1},
	{"granularity", SET_GRANULARITY, STR, NONE, STAT_OM_INFO, NULL, -1},
	{"required_granularity", SET_REQUIRED_GRANULARITY, STR, NONE,
		STAT_OM_INFO, NULL, -1},
	{"coalescing", SET_COALESCING, STR, NONE, STAT_OM_INFO, NULL, -1},
	{"parts", SET_PARTS, U64, NONE, STAT_OM_GAUGE,
		"Parts mapped (one per successful pmemset_map).", -1},
	{"part_maps", SET_PART_MAPS, U64, NONE, STAT_OM_GAUGE,
		"Part maps (contiguous parts coalesced into one).", -1},
	{"mapped_bytes", SET_MAPPED_BYTES, U64, BYTES, STAT_OM_GAUGE,
		"Bytes mapped by all parts.", -1},
	{"persist_calls", SET_PERSIST_CALLS, U64, NONE, STAT_OM_COUNTER,
		"pmemset_persist calls while observed.", PUB_PERSIST_CALLS},
	{"persist_bytes", SET_PERSIST_BYTES, U64, BYTES, STAT_OM_COUNTER,
		"Bytes given to pmemset_persist while observed.",
		PUB_PERSIST_BYTES},
	{"flush_calls", SET_FLUSH_CALLS, U64, NONE, STAT_OM_COUNTER,
		"pmemset_flush calls while observed.", PUB_FLUSH_CALLS},
	{"flush_bytes", SET_FLUSH_BYTES, U64, BYTES, STAT_OM_COUNTER,
		"Bytes given to pmemset_flush while observed.",
		PUB_FLUSH_BYTES},
	{"drain_calls", SET_DRAIN_CALLS, U64, NONE, STAT_OM_COUNTER,
		"pmemset_drain calls while observed.", PUB_DRAIN_CALLS},
	{"copy_calls", SET_COPY_CALLS, U64, NONE, STAT_OM_COUNTER,
		"pmemset_memcpy calls while observed.", PUB_COPY_CALLS},
	{"copy_bytes", SET_COPY_BYTES, U64, BYTES, STAT_OM_COUNTER,
		"Bytes copied by pmemset_memcpy while observed.",
		PUB_COPY_BYTES},
	{"move_calls", SET_MOVE_CALLS, U64, NONE, STAT_OM_COUNTER,
		"pmemset_memmove calls while observed.", PUB_MOVE_CALLS},
	{"move_bytes", SET_MOVE_BYTES, U64, BYTES, STAT_OM_COUNTER,
		"Bytes moved by pmemset_memmove while observed.",
		PUB_MOVE_BYTES},
	{"set_calls", SET_SET_CALLS, U64, NONE, STAT_OM_COUNTER,
		"pmemset_memset calls while observed.", PUB_SET_CALLS},
	{"set_bytes", SET_SET_BYTES, U64, BYTES, STAT_OM_COUNTER,
		"Bytes set by pmemset_memset while observed.", PUB_SET_BYTES},
	{"part_ids", SET_PART_IDS, U64S, NONE, STAT_OM_NONE, NULL, -1},
	{"source_paths", SET_SOURCE_PATHS, STRS, NONE, STAT_OM_NONE, NULL,
		-1},
};

static const struct stat_metric Part_metrics[] = {
	{"id", PART_ID, U64, NONE, STAT_OM_ID, NULL, -1},
	{"address", PART_ADDRESS, U64, ADDR, STAT_OM_GAUGE,
		"Address the part is mapped at.", -1},
	{"size", PART_SIZE, U64, BYTES, STAT_OM_GAUGE, "Size of the part.",
		-1},
	{"source", PART_SOURCE, STR, NONE, STAT_OM_INFO, NULL, -1},
	{"source_path", PART_SOURCE_PATH, STR, NONE, STAT_OM_PATH, NULL, -1},
	{"offset", PART_OFFSET, U64, BYTES, STAT_OM_GAUGE,
		"Offset of the part in its source file.", -1},
	{"granularity", PART_GRANULARITY, STR, NONE, STAT_OM_INFO, NULL, -1},
	{"part_map_address", PART_PART_MAP_ADDRESS, U64, ADDR, STAT_OM_GAUGE,
		"Address of the part map holding the part.", -1},
	{"part_map_size", PART_PART_MAP_SIZE, U64, BYTES, STAT_OM_GAUGE,
		"Size of the part map holding the part.", -1},
	{"sds_state", PART_SDS_STATE, STR, NONE, STAT_OM_INFO, NULL, -1},
	{"badblocks", PART_BADBLOCKS, U64, NONE, STAT_OM_GAUGE,
		"Bad blocks found in the part's source.", -1},
};

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

const struct stat_metric *
stat_metrics(enum stat_level level, size_t *n)
{
	switch (level) {
	case STAT_ROOT:
		*n = NELEMS(Root_metrics);
		return Root_metrics;
	case STAT_SET:
		*n = NELEMS(Set_metrics);
		return Set_metrics;
	default:
		*n = NELEMS(Part_metrics);
		return Part_metrics;
	}
}

const char *
stat_level_noun(enum stat_level level)
{
	return level == STAT_ROOT ? "view" : level == STAT_SET ? "set" :
		"part";
}

const char *
stat_level_info_help(enum stat_level level)
{
	switch (level) {
	case STAT_ROOT:
		return "The library's version (and, in a published tree, "
			"the program).";
	case STAT_SET:
		return "A set's granularities and coalescing mode.";
	default:
		return "A part's source kind, granularity and shutdown state.";
	}
}

const char *
stat_metric_om_type(const struct stat_metric *m)
{
	return m->om == STAT_OM_COUNTER ? "counter" : "gauge";
}

const char *
stat_metric_om_unit(const struct stat_metric *m)
{
	return m->unit == PMEMSET_STAT_UNIT_BYTES ? "bytes" : NULL;
}
