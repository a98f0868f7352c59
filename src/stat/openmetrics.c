// SPDX-License-Identifier: BSD-3-Clause
/*
 * openmetrics.c -- writes a map and every map below it in the OpenMetrics
 * 1.0 text format, the one Prometheus scrapes and node_exporter's textfile
 * collector reads.
 *
 * Every number of the tree is a sample of a family named
 * pmemset_[set_|part_]<value>[_bytes]; the ids of sets and parts, and a
 * part's path, are its labels; the strings of a map are the labels of its
 * level's info family (pmemset_info, pmemset_set_info, pmemset_part_info).
 * What each SYS value is (TYPE, UNIT, HELP, label) is metrics.c's table,
 * the families are written by openmetrics_writer.c: pmemset-stat writes
 * published trees with both. The format wants all samples of a family
 * together, so the tree is walked once per family; a family with no sample
 * is not written.
 */
#include <string.h>

#include "children.h"
#include "openmetrics.h"
#include "openmetrics_writer.h"
#include "values.h"

struct om {
	struct om_writer w;
	struct pmemset_stat_map *top;	/* the map being dumped */
	size_t index;			/* the SYS value being written */
	enum pmemset_stat_value_type usr_type; /* what visit_usr writes */
};

static void
sample_begin(struct om *o, struct pmemset_stat_map *map)
{
	om_sample_begin(&o->w);
	om_map_labels(&o->w, map->level,
		map->level == STAT_PART ? map->parent->id : map->id, map->id,
		map->level == STAT_PART ? map->snap.part.source_path : NULL);
}

typedef enum pmemset_stat_status (*om_visit)(struct om *o,
		struct pmemset_stat_map *map);

/* visit on every map of the level at or below map, in id order */
static enum pmemset_stat_status
each_map(struct om *o, struct pmemset_stat_map *map, enum stat_level level,
		om_visit visit)
{
	if (map->level == level)
		return visit(o, map);
	size_t pos = 0;
	struct pmemset_stat_map *child;
	while ((child = tree_next_child(map, &pos)) != NULL) {
		enum pmemset_stat_status st = each_map(o, child, level, visit);
		if (st != PMEMSET_STAT_S_OK)
			return st;
	}
	return PMEMSET_STAT_S_OK;
}

static bool
has_map(struct pmemset_stat_map *map, enum stat_level level)
{
	if (map->level == level)
		return true;
	size_t pos = 0;
	struct pmemset_stat_map *child;
	while ((child = tree_next_child(map, &pos)) != NULL)
		if (has_map(child, level))
			return true;
	return false;
}

/* the map's STAT_OM_INFO values as labels: 1 */
static enum pmemset_stat_status
visit_info(struct om *o, struct pmemset_stat_map *map)
{
	size_t n;
	const struct stat_metric *t = stat_metrics(map->level, &n);
	sample_begin(o, map);
	for (size_t i = 0; i < n; i++) {
		if (t[i].om != STAT_OM_INFO)
			continue;
		struct pmemset_stat_nv nv;
		enum pmemset_stat_status st = values_sys_at(map, i, &nv,
				"pmemset_stat_dump");
		if (st != PMEMSET_STAT_S_OK)
			return st;
		om_label(&o->w, nv.name, nv.data.string);
	}
	om_sample_end(&o->w, 1);
	return PMEMSET_STAT_S_OK;
}

static enum pmemset_stat_status
visit_sys_number(struct om *o, struct pmemset_stat_map *map)
{
	struct pmemset_stat_nv nv;
	enum pmemset_stat_status st = values_sys_at(map, o->index, &nv,
			"pmemset_stat_dump");
	if (st != PMEMSET_STAT_S_OK)
		return st;
	sample_begin(o, map);
	om_sample_end(&o->w, nv.data.uint64);
	return PMEMSET_STAT_S_OK;
}

/* the USR values of type o->usr_type: numbers, or arrays' elements */
static enum pmemset_stat_status
visit_usr(struct om *o, struct pmemset_stat_map *map)
{
	for (size_t i = 0; i < map->nusr; i++) {
		struct pmemset_stat_nv nv;
		values_usr_nv(map, i, &nv);
		if (nv.type != o->usr_type)
			continue;
		bool array = nv.type == PMEMSET_STAT_TYPE_UINT64_ARRAY;
		size_t n = array ? nv.data.uint64_array.length : 1;
		for (size_t k = 0; k < n; k++) {
			sample_begin(o, map);
			om_label(&o->w, "name", nv.name);
			if (array)
				om_label_u64(&o->w, "index", k);
			om_sample_end(&o->w, array ?
				nv.data.uint64_array.array[k] :
				nv.data.uint64);
		}
	}
	return PMEMSET_STAT_S_OK;
}

/* every family of one level of the tree */
static enum pmemset_stat_status
level_families(struct om *o, enum stat_level level)
{
	if (!has_map(o->top, level))
		return PMEMSET_STAT_S_OK;
	enum pmemset_stat_status st;
	om_info_family(&o->w, level);
	if ((st = each_map(o, o->top, level, visit_info)) != PMEMSET_STAT_S_OK)
		return st;

	size_t n;
	const struct stat_metric *t = stat_metrics(level, &n);
	for (size_t i = 0; i < n; i++) {
		if (t[i].om != STAT_OM_GAUGE && t[i].om != STAT_OM_COUNTER)
			continue;
		om_metric_family(&o->w, level, &t[i]);
		o->index = i;
		if ((st = each_map(o, o->top, level, visit_sys_number)) !=
				PMEMSET_STAT_S_OK)
			return st;
	}

	/* only an in-process tree has the application's values */
	char help[128];
	snprintf(help, sizeof(help), "A number the application put on a %s "
		"(label name: its name).", stat_level_noun(level));
	om_family(&o->w, level, "user_value", "unknown", NULL, help);
	o->usr_type = PMEMSET_STAT_TYPE_UINT64;
	if ((st = each_map(o, o->top, level, visit_usr)) != PMEMSET_STAT_S_OK)
		return st;
	snprintf(help, sizeof(help), "An element of an array the application "
		"put on a %s (labels name, index).", stat_level_noun(level));
	om_family(&o->w, level, "user_array_value", "unknown", NULL, help);
	o->usr_type = PMEMSET_STAT_TYPE_UINT64_ARRAY;
	return each_map(o, o->top, level, visit_usr);
}

enum pmemset_stat_status
openmetrics_dump(struct pmemset_stat_map *map, FILE *stream)
{
	struct om o;
	memset(&o, 0, sizeof(o));
	o.w.f = stream;
	o.top = map;
	for (int level = (int)map->level; level <= (int)STAT_PART; level++) {
		enum pmemset_stat_status st = level_families(&o,
				(enum stat_level)level);
		if (st != PMEMSET_STAT_S_OK)
			return st;
	}
	fputs("# EOF\n", stream);
	return PMEMSET_STAT_S_OK;
}
