// SPDX-License-Identifier: BSD-3-Clause
/*
 * dump.c -- pmemset_stat_dump(3): walks a map and every map below it and
 * writes them as text or JSON through dump_writer.c (which pmemset-stat's
 * published trees share), or as OpenMetrics (openmetrics.c). Sub-maps are
 * not repeated among the values: they are the nested blocks.
 */
#include <errno.h>
#include <string.h>

#include "children.h"
#include "dump_writer.h"
#include "openmetrics.h"
#include "status.h"
#include "values.h"

static enum pmemset_stat_status
dump_values(const struct dump_writer *w, struct dump_map *m,
		struct pmemset_stat_map *map)
{
	size_t nsys = values_sys_count(map);
	for (size_t i = 0; i < nsys; i++) {
		struct pmemset_stat_nv nv;
		enum pmemset_stat_status st = values_sys_at(map, i, &nv,
				"pmemset_stat_dump");
		if (st != PMEMSET_STAT_S_OK)
			return st;
		dump_value(w, m, &nv);
	}
	for (size_t i = 0; i < map->nusr; i++) {
		struct pmemset_stat_nv nv;
		values_usr_nv(map, i, &nv);
		dump_value(w, m, &nv);
	}
	return PMEMSET_STAT_S_OK;
}

static enum pmemset_stat_status
dump_map(const struct dump_writer *w, struct pmemset_stat_map *map,
		int depth)
{
	enum pmemset_stat_status st;
	struct dump_map m;
	dump_map_begin(w, &m, map->uri, depth);
	if ((st = dump_values(w, &m, map)) != PMEMSET_STAT_S_OK)
		return st;
	dump_values_end(w, &m);
	size_t pos = 0;
	struct pmemset_stat_map *child;
	while ((child = tree_next_child(map, &pos)) != NULL) {
		int child_depth = dump_child_begin(w, &m);
		if ((st = dump_map(w, child, child_depth)) != PMEMSET_STAT_S_OK)
			return st;
	}
	dump_map_end(w, &m);
	return PMEMSET_STAT_S_OK;
}

enum pmemset_stat_status
pmemset_stat_dump(struct pmemset_stat_map *map, FILE *stream,
		enum pmemset_stat_dump_format format)
{
	if (map == NULL)
		return STAT_NULL_ARG("map");
	if (stream == NULL)
		return STAT_NULL_ARG("stream");
	if (format != PMEMSET_STAT_DUMP_TEXT &&
	    format != PMEMSET_STAT_DUMP_JSON &&
	    format != PMEMSET_STAT_DUMP_OPENMETRICS)
		return stat_fail(PMEMSET_STAT_S_INVAL_ARG,
			"pmemset_stat_dump: invalid format %d (valid: "
			"PMEMSET_STAT_DUMP_TEXT (%d), _JSON (%d), "
			"_OPENMETRICS (%d))", (int)format,
			PMEMSET_STAT_DUMP_TEXT, PMEMSET_STAT_DUMP_JSON,
			PMEMSET_STAT_DUMP_OPENMETRICS);
	/* refuse before writing anything, rather than half way */
	enum pmemset_stat_status st = values_sys_readable(map, "*");
	if (st != PMEMSET_STAT_S_OK)
		return st;
	if (format == PMEMSET_STAT_DUMP_OPENMETRICS) {
		st = openmetrics_dump(map, stream);
	} else {
		struct dump_writer w = {stream, format};
		st = dump_map(&w, map, 0);
	}
	if (st != PMEMSET_STAT_S_OK)
		return st;
	if (format == PMEMSET_STAT_DUMP_JSON)
		fputc('\n', stream);
	if (fflush(stream) != 0 || ferror(stream))
		return stat_fail(PMEMSET_STAT_S_SYS_FAIL,
			"pmemset_stat_dump: writing failed: %s",
			strerror(errno));
	return PMEMSET_STAT_S_OK;
}
