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
 * The format wants all samples of a family together, so the tree is walked
 * once per family; a family with no sample is not written.
 */
#include <inttypes.h>
#include <string.h>

#include "children.h"
#include "openmetrics.h"
#include "utf8.h"
#include "values.h"

enum om_type { OM_GAUGE, OM_COUNTER, OM_ID };

/* what the tree's numbers mean, for TYPE and HELP */
struct om_def {
	enum stat_level level;
	const char *name;
	enum om_type type;
	const char *help;
};

static const struct om_def Defs[] = {
	{STAT_ROOT, "sets", OM_GAUGE, "Sets in the view."},
	{STAT_SET, "id", OM_ID, NULL},
	{STAT_SET, "parts", OM_GAUGE,
		"Parts mapped (one per successful pmemset_map)."},
	{STAT_SET, "part_maps", OM_GAUGE,
		"Part maps (contiguous parts coalesced into one)."},
	{STAT_SET, "mapped_bytes", OM_GAUGE, "Bytes mapped by all parts."},
	{STAT_SET, "persist_calls", OM_COUNTER,
		"pmemset_persist calls while observed."},
	{STAT_SET, "persist_bytes", OM_COUNTER,
		"Bytes given to pmemset_persist while observed."},
	{STAT_SET, "flush_calls", OM_COUNTER,
		"pmemset_flush calls while observed."},
	{STAT_SET, "flush_bytes", OM_COUNTER,
		"Bytes given to pmemset_flush while observed."},
	{STAT_SET, "drain_calls", OM_COUNTER,
		"pmemset_drain calls while observed."},
	{STAT_SET, "copy_calls", OM_COUNTER,
		"pmemset_memcpy calls while observed."},
	{STAT_SET, "copy_bytes", OM_COUNTER,
		"Bytes copied by pmemset_memcpy while observed."},
	{STAT_SET, "move_calls", OM_COUNTER,
		"pmemset_memmove calls while observed."},
	{STAT_SET, "move_bytes", OM_COUNTER,
		"Bytes moved by pmemset_memmove while observed."},
	{STAT_SET, "set_calls", OM_COUNTER,
		"pmemset_memset calls while observed."},
	{STAT_SET, "set_bytes", OM_COUNTER,
		"Bytes set by pmemset_memset while observed."},
	{STAT_PART, "id", OM_ID, NULL},
	{STAT_PART, "address", OM_GAUGE, "Address the part is mapped at."},
	{STAT_PART, "size", OM_GAUGE, "Size of the part."},
	{STAT_PART, "offset", OM_GAUGE,
		"Offset of the part in its source file."},
	{STAT_PART, "part_map_address", OM_GAUGE,
		"Address of the part map holding the part."},
	{STAT_PART, "part_map_size", OM_GAUGE,
		"Size of the part map holding the part."},
	{STAT_PART, "badblocks", OM_GAUGE,
		"Bad blocks found in the part's source."},
};

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define OM_NAME_MAX 128

struct om {
	FILE *f;
	struct pmemset_stat_map *top;	/* the map being dumped */
	size_t index;			/* the SYS value being written */
	enum pmemset_stat_value_type usr_type; /* what visit_usr writes */
	/* the family being written; its header goes before its 1st sample */
	char family[OM_NAME_MAX];
	const char *type;
	const char *unit;		/* NULL: none */
	const char *help;
	const char *suffix;		/* of the samples: _total, _info */
	bool header_done;
	int nlabels;			/* in the sample being written */
};

static const struct om_def *
def_find(enum stat_level level, const char *name)
{
	for (size_t i = 0; i < NELEMS(Defs); i++)
		if (Defs[i].level == level && strcmp(Defs[i].name, name) == 0)
			return &Defs[i];
	return NULL;
}

static const char *
level_prefix(enum stat_level level)
{
	switch (level) {
	case STAT_ROOT:
		return "pmemset";
	case STAT_SET:
		return "pmemset_set";
	default:
		return "pmemset_part";
	}
}

/*
 * A label value or HELP text: backslash, double quote and newline escaped,
 * as the format wants; bytes that are not UTF-8 become U+FFFD, as in JSON.
 */
static void
escaped(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	while (*s) {
		size_t n = 1;
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '"')
			fputs("\\\"", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if ((n = stat_utf8_len(s)) == 0) {
			fputs("\xef\xbf\xbd", f);
			n = 1;
		} else {
			fwrite(s, 1, n, f);
		}
		s += n;
	}
}

/* starts a family named <level prefix>[_<name>][_<unit>] */
static void
family(struct om *o, enum stat_level level, const char *name,
		const char *type, const char *unit, const char *help)
{
	size_t len = (size_t)snprintf(o->family, sizeof(o->family), "%s%s%s",
		level_prefix(level), name ? "_" : "", name ? name : "");
	/* names outside [a-zA-Z0-9_] would break the line: never ours */
	for (char *c = o->family; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_'))
			*c = '_';
	/* the unit must end the name; mapped_bytes already says it */
	if (unit != NULL && (len <= strlen(unit) ||
	    strcmp(o->family + len - strlen(unit), unit) != 0 ||
	    o->family[len - strlen(unit) - 1] != '_'))
		snprintf(o->family + len, sizeof(o->family) - len, "_%s",
			unit);
	o->type = type;
	o->unit = unit;
	o->help = help;
	o->suffix = strcmp(type, "counter") == 0 ? "_total" :
		strcmp(type, "info") == 0 ? "_info" : "";
	o->header_done = false;
}

static void
label(struct om *o, const char *name, const char *value)
{
	fputc(o->nlabels++ ? ',' : '{', o->f);
	fprintf(o->f, "%s=\"", name);
	escaped(o->f, value);
	fputc('"', o->f);
}

static void
label_u64(struct om *o, const char *name, uint64_t value)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%" PRIu64, value);
	label(o, name, buf);
}

/* the family's header if not yet written, the sample's name and labels */
static void
sample_begin(struct om *o, struct pmemset_stat_map *map)
{
	FILE *f = o->f;
	if (!o->header_done) {
		fprintf(f, "# TYPE %s %s\n", o->family, o->type);
		if (o->unit != NULL)
			fprintf(f, "# UNIT %s %s\n", o->family, o->unit);
		fprintf(f, "# HELP %s ", o->family);
		escaped(f, o->help);
		fputc('\n', f);
		o->header_done = true;
	}
	fprintf(f, "%s%s", o->family, o->suffix);
	o->nlabels = 0;
	if (map->level == STAT_SET) {
		label_u64(o, "set", map->id);
	} else if (map->level == STAT_PART) {
		label_u64(o, "set", map->parent->id);
		label_u64(o, "part", map->id);
		label(o, "path", map->snap.part.source_path);
	}
}

static void
sample_end(struct om *o, uint64_t value)
{
	if (o->nlabels > 0)
		fputc('}', o->f);
	fprintf(o->f, " %" PRIu64 "\n", value);
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

static struct pmemset_stat_map *
first_map(struct pmemset_stat_map *map, enum stat_level level)
{
	if (map->level == level)
		return map;
	size_t pos = 0;
	struct pmemset_stat_map *child, *found;
	while ((child = tree_next_child(map, &pos)) != NULL)
		if ((found = first_map(child, level)) != NULL)
			return found;
	return NULL;
}

/* the map's strings but its path (a label of every part sample): 1 */
static enum pmemset_stat_status
visit_info(struct om *o, struct pmemset_stat_map *map)
{
	size_t n = values_sys_count(map);
	sample_begin(o, map);
	for (size_t i = 0; i < n; i++) {
		struct pmemset_stat_nv nv;
		enum pmemset_stat_status st = values_sys_at(map, i, &nv,
				"pmemset_stat_dump");
		if (st != PMEMSET_STAT_S_OK)
			return st;
		if (nv.type == PMEMSET_STAT_TYPE_STRING &&
		    strcmp(nv.name, "source_path") != 0)
			label(o, nv.name, nv.data.string);
	}
	sample_end(o, 1);
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
	sample_end(o, nv.data.uint64);
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
			label(o, "name", nv.name);
			if (array)
				label_u64(o, "index", k);
			sample_end(o, array ? nv.data.uint64_array.array[k] :
				nv.data.uint64);
		}
	}
	return PMEMSET_STAT_S_OK;
}

static const char *
level_noun(enum stat_level level)
{
	return level == STAT_ROOT ? "view" : level == STAT_SET ? "set" :
		"part";
}

/* every family of one level of the tree */
static enum pmemset_stat_status
level_families(struct om *o, enum stat_level level)
{
	struct pmemset_stat_map *first = first_map(o->top, level);
	if (first == NULL)
		return PMEMSET_STAT_S_OK;
	enum pmemset_stat_status st;
	family(o, level, NULL, "info", NULL, level == STAT_ROOT ?
		"The library's version." : level == STAT_SET ?
		"A set's granularities and coalescing mode." :
		"A part's source kind, granularity and shutdown state.");
	if ((st = each_map(o, o->top, level, visit_info)) != PMEMSET_STAT_S_OK)
		return st;

	size_t n = values_sys_count(first);
	for (size_t i = 0; i < n; i++) {
		struct pmemset_stat_nv nv;
		if ((st = values_sys_at(first, i, &nv,
				"pmemset_stat_dump")) != PMEMSET_STAT_S_OK)
			return st;
		/* strings are info labels; arrays hold ids, already labels */
		if (nv.type != PMEMSET_STAT_TYPE_UINT64)
			continue;
		const struct om_def *def = def_find(level, nv.name);
		if (def != NULL && def->type == OM_ID)
			continue;
		/* a value added to the tree later still shows, as a gauge */
		family(o, level, nv.name, def && def->type == OM_COUNTER ?
			"counter" : "gauge",
			nv.unit == PMEMSET_STAT_UNIT_BYTES ? "bytes" : NULL,
			def ? def->help : "A value of the observer tree.");
		o->index = i;
		if ((st = each_map(o, o->top, level, visit_sys_number)) !=
				PMEMSET_STAT_S_OK)
			return st;
	}

	char help[128];
	snprintf(help, sizeof(help), "A number the application put on a %s "
		"(label name: its name).", level_noun(level));
	family(o, level, "user_value", "unknown", NULL, help);
	o->usr_type = PMEMSET_STAT_TYPE_UINT64;
	if ((st = each_map(o, o->top, level, visit_usr)) != PMEMSET_STAT_S_OK)
		return st;
	snprintf(help, sizeof(help), "An element of an array the application "
		"put on a %s (labels name, index).", level_noun(level));
	family(o, level, "user_array_value", "unknown", NULL, help);
	o->usr_type = PMEMSET_STAT_TYPE_UINT64_ARRAY;
	return each_map(o, o->top, level, visit_usr);
}

enum pmemset_stat_status
openmetrics_dump(struct pmemset_stat_map *map, FILE *stream)
{
	struct om o;
	memset(&o, 0, sizeof(o));
	o.f = stream;
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
