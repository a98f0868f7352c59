// SPDX-License-Identifier: BSD-3-Clause
/*
 * openmetrics_writer.c -- OpenMetrics families and samples (see
 * openmetrics_writer.h).
 */
#include <inttypes.h>
#include <string.h>

#include "openmetrics_writer.h"
#include "utf8.h"

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

void
om_family(struct om_writer *o, enum stat_level level, const char *name,
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

void
om_info_family(struct om_writer *o, enum stat_level level)
{
	om_family(o, level, NULL, "info", NULL, stat_level_info_help(level));
}

void
om_metric_family(struct om_writer *o, enum stat_level level,
		const struct stat_metric *m)
{
	om_family(o, level, m->name, stat_metric_om_type(m),
		stat_metric_om_unit(m), m->help);
}

void
om_sample_begin(struct om_writer *o)
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
}

void
om_label(struct om_writer *o, const char *name, const char *value)
{
	fputc(o->nlabels++ ? ',' : '{', o->f);
	fprintf(o->f, "%s=\"", name);
	escaped(o->f, value);
	fputc('"', o->f);
}

void
om_label_u64(struct om_writer *o, const char *name, uint64_t value)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%" PRIu64, value);
	om_label(o, name, buf);
}

void
om_map_labels(struct om_writer *o, enum stat_level level, uint64_t set_id,
		uint64_t part_id, const char *path)
{
	if (level == STAT_ROOT)
		return;
	om_label_u64(o, stat_level_noun(STAT_SET), set_id);
	if (level == STAT_PART) {
		om_label_u64(o, stat_level_noun(STAT_PART), part_id);
		om_label(o, "path", path);
	}
}

void
om_sample_end(struct om_writer *o, uint64_t value)
{
	if (o->nlabels > 0)
		fputc('}', o->f);
	fprintf(o->f, " %" PRIu64 "\n", value);
}
