// SPDX-License-Identifier: BSD-3-Clause
/*
 * dump.c -- writes a map and every map below it as text (one block per map:
 * its URI, then one "name value" line per value, in the manner of kstat2(8))
 * or as JSON (nested objects: uri, values, maps). Sub-maps are not repeated
 * among the values: they are the nested blocks. OpenMetrics is written by
 * openmetrics.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "children.h"
#include "openmetrics.h"
#include "status.h"
#include "utf8.h"
#include "values.h"

struct out {
	FILE *f;
	enum pmemset_stat_dump_format format;
};

/* a JSON string; bytes that are not UTF-8 become U+FFFD */
static void
json_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	fputc('"', f);
	while (*s) {
		unsigned char c = *s;
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			s++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			s++;
		} else {
			size_t n = stat_utf8_len(s);
			if (n == 0) {
				fputs("\\ufffd", f);
				s++;
			} else {
				fwrite(s, 1, n, f);
				s += n;
			}
		}
	}
	fputc('"', f);
}

/* text: control characters and backslashes escaped, one value per line */
static void
text_string(FILE *f, const char *str, bool quoted)
{
	if (quoted)
		fputc('"', f);
	for (const unsigned char *s = (const unsigned char *)str; *s; s++) {
		if (*s == '\\' || (quoted && *s == '"'))
			fprintf(f, "\\%c", *s);
		else if (*s < 0x20 || *s == 0x7f)
			fprintf(f, "\\x%02x", *s);
		else
			fputc(*s, f);
	}
	if (quoted)
		fputc('"', f);
}

static void
number(const struct out *o, uint64_t v, enum pmemset_stat_unit unit)
{
	/* JSON has no hex: addresses are plain numbers there */
	if (unit == PMEMSET_STAT_UNIT_ADDRESS &&
	    o->format == PMEMSET_STAT_DUMP_TEXT)
		fprintf(o->f, "0x%" PRIx64, v);
	else
		fprintf(o->f, "%" PRIu64, v);
}

static void
put_string(const struct out *o, const char *s, bool in_array)
{
	if (o->format == PMEMSET_STAT_DUMP_JSON)
		json_string(o->f, s);
	else
		text_string(o->f, s, in_array);
}

static void
put_value(const struct out *o, const struct pmemset_stat_nv *nv)
{
	FILE *f = o->f;
	switch (nv->type) {
	case PMEMSET_STAT_TYPE_UINT64:
		number(o, nv->data.uint64, nv->unit);
		break;
	case PMEMSET_STAT_TYPE_STRING:
		put_string(o, nv->data.string, false);
		break;
	case PMEMSET_STAT_TYPE_UINT64_ARRAY:
		fputc('[', f);
		for (size_t i = 0; i < nv->data.uint64_array.length; i++) {
			if (i > 0)
				fputs(", ", f);
			number(o, nv->data.uint64_array.array[i], nv->unit);
		}
		fputc(']', f);
		break;
	case PMEMSET_STAT_TYPE_STRING_ARRAY:
		fputc('[', f);
		for (size_t i = 0; i < nv->data.string_array.length; i++) {
			if (i > 0)
				fputs(", ", f);
			put_string(o, nv->data.string_array.array[i], true);
		}
		fputc(']', f);
		break;
	default:
		break;
	}
}

static void
indent(FILE *f, int depth)
{
	for (int i = 0; i < depth; i++)
		fputs("  ", f);
}

static void
name_value(const struct out *o, const struct pmemset_stat_nv *nv, bool first,
		int depth)
{
	if (o->format == PMEMSET_STAT_DUMP_JSON) {
		fputs(first ? "\n" : ",\n", o->f);
		indent(o->f, depth);
		json_string(o->f, nv->name);
		fputs(": ", o->f);
	} else {
		fprintf(o->f, "\t%-24s ", nv->name);
	}
	put_value(o, nv);
	if (o->format == PMEMSET_STAT_DUMP_TEXT)
		fputc('\n', o->f);
}

static enum pmemset_stat_status
dump_values(const struct out *o, struct pmemset_stat_map *map, int depth)
{
	bool first = true;
	size_t nsys = values_sys_count(map);
	for (size_t i = 0; i < nsys; i++) {
		struct pmemset_stat_nv nv;
		enum pmemset_stat_status st = values_sys_at(map, i, &nv,
				"pmemset_stat_dump");
		if (st != PMEMSET_STAT_S_OK)
			return st;
		name_value(o, &nv, first, depth);
		first = false;
	}
	for (size_t i = 0; i < map->nusr; i++) {
		struct pmemset_stat_nv nv;
		values_usr_nv(map, i, &nv);
		name_value(o, &nv, first, depth);
		first = false;
	}
	if (o->format == PMEMSET_STAT_DUMP_JSON && !first) {
		fputc('\n', o->f);
		indent(o->f, depth - 1);
	}
	return PMEMSET_STAT_S_OK;
}

static enum pmemset_stat_status
dump_map(const struct out *o, struct pmemset_stat_map *map, int depth)
{
	FILE *f = o->f;
	enum pmemset_stat_status st;
	size_t pos = 0;
	struct pmemset_stat_map *child;
	if (o->format == PMEMSET_STAT_DUMP_TEXT) {
		if (depth > 0)
			fputc('\n', f);
		text_string(f, map->uri, false);
		fputc('\n', f);
		if ((st = dump_values(o, map, 0)) != PMEMSET_STAT_S_OK)
			return st;
		while ((child = tree_next_child(map, &pos)) != NULL)
			if ((st = dump_map(o, child, depth + 1)) !=
					PMEMSET_STAT_S_OK)
				return st;
		return PMEMSET_STAT_S_OK;
	}

	fputs("{\n", f);
	indent(f, depth + 1);
	fputs("\"uri\": ", f);
	json_string(f, map->uri);
	fputs(",\n", f);
	indent(f, depth + 1);
	fputs("\"values\": {", f);
	if ((st = dump_values(o, map, depth + 2)) != PMEMSET_STAT_S_OK)
		return st;
	fputs("},\n", f);
	indent(f, depth + 1);
	fputs("\"maps\": [", f);
	bool first = true;
	while ((child = tree_next_child(map, &pos)) != NULL) {
		fputs(first ? "\n" : ",\n", f);
		indent(f, depth + 2);
		if ((st = dump_map(o, child, depth + 2)) != PMEMSET_STAT_S_OK)
			return st;
		first = false;
	}
	if (!first) {
		fputc('\n', f);
		indent(f, depth + 1);
	}
	fputs("]\n", f);
	indent(f, depth);
	fputc('}', f);
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
		struct out o = {stream, format};
		st = dump_map(&o, map, 0);
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
