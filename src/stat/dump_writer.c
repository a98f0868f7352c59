// SPDX-License-Identifier: BSD-3-Clause
/*
 * dump_writer.c -- text and JSON of a tree's maps and values (see
 * dump_writer.h).
 */
#include <inttypes.h>

#include "dump_writer.h"
#include "utf8.h"

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

static bool
json(const struct dump_writer *w)
{
	return w->format == PMEMSET_STAT_DUMP_JSON;
}

static void
number(const struct dump_writer *w, uint64_t v, enum pmemset_stat_unit unit)
{
	/* JSON has no hex: addresses are plain numbers there */
	if (unit == PMEMSET_STAT_UNIT_ADDRESS && !json(w))
		fprintf(w->f, "0x%" PRIx64, v);
	else
		fprintf(w->f, "%" PRIu64, v);
}

static void
put_string(const struct dump_writer *w, const char *s, bool in_array)
{
	if (json(w))
		json_string(w->f, s);
	else
		text_string(w->f, s, in_array);
}

static void
put_value(const struct dump_writer *w, const struct pmemset_stat_nv *nv)
{
	FILE *f = w->f;
	switch (nv->type) {
	case PMEMSET_STAT_TYPE_UINT64:
		number(w, nv->data.uint64, nv->unit);
		break;
	case PMEMSET_STAT_TYPE_STRING:
		put_string(w, nv->data.string, false);
		break;
	case PMEMSET_STAT_TYPE_UINT64_ARRAY:
		fputc('[', f);
		for (size_t i = 0; i < nv->data.uint64_array.length; i++) {
			if (i > 0)
				fputs(", ", f);
			number(w, nv->data.uint64_array.array[i], nv->unit);
		}
		fputc(']', f);
		break;
	case PMEMSET_STAT_TYPE_STRING_ARRAY:
		fputc('[', f);
		for (size_t i = 0; i < nv->data.string_array.length; i++) {
			if (i > 0)
				fputs(", ", f);
			put_string(w, nv->data.string_array.array[i], true);
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

void
dump_map_begin(const struct dump_writer *w, struct dump_map *m,
		const char *uri, int depth)
{
	FILE *f = w->f;
	m->depth = depth;
	m->first = true;
	if (!json(w)) {
		if (depth > 0)
			fputc('\n', f);
		text_string(f, uri, false);
		fputc('\n', f);
		return;
	}
	fputs("{\n", f);
	indent(f, depth + 1);
	fputs("\"uri\": ", f);
	json_string(f, uri);
	fputs(",\n", f);
	indent(f, depth + 1);
	fputs("\"values\": {", f);
}

void
dump_value(const struct dump_writer *w, struct dump_map *m,
		const struct pmemset_stat_nv *nv)
{
	if (json(w)) {
		fputs(m->first ? "\n" : ",\n", w->f);
		indent(w->f, m->depth + 2);
		json_string(w->f, nv->name);
		fputs(": ", w->f);
	} else {
		fprintf(w->f, "\t%-24s ", nv->name);
	}
	put_value(w, nv);
	if (!json(w))
		fputc('\n', w->f);
	m->first = false;
}

/* JSON: a list that has items ends on a line of its own */
static void
list_end(const struct dump_writer *w, const struct dump_map *m)
{
	if (!m->first) {
		fputc('\n', w->f);
		indent(w->f, m->depth + 1);
	}
}

void
dump_values_end(const struct dump_writer *w, struct dump_map *m)
{
	if (!json(w))
		return;
	list_end(w, m);
	fputs("},\n", w->f);
	indent(w->f, m->depth + 1);
	fputs("\"maps\": [", w->f);
	m->first = true;
}

int
dump_child_begin(const struct dump_writer *w, struct dump_map *m)
{
	if (json(w)) {
		fputs(m->first ? "\n" : ",\n", w->f);
		indent(w->f, m->depth + 2);
	}
	m->first = false;
	return m->depth + 2;
}

void
dump_map_end(const struct dump_writer *w, struct dump_map *m)
{
	if (!json(w))
		return;
	list_end(w, m);
	fputs("]\n", w->f);
	indent(w->f, m->depth);
	fputc('}', w->f);
}
