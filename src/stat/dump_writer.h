/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dump_writer.h -- the text and JSON shapes of a tree: one block per map
 * (its URI, then one "name value" line per value, in the manner of
 * kstat2(8)) or nested JSON objects (uri, values, maps). The walkers of
 * the in-process tree (dump.c) and of a published one
 * (tools/publication_reader.c) both write through it, so the two shapes
 * are one. Depends only on the public stat.h and utf8.h.
 *
 * A map is written as: dump_map_begin, dump_value for each value,
 * dump_values_end, then for each sub-map dump_child_begin and the
 * sub-map's own calls with the depth it returned, then dump_map_end.
 */
#ifndef PMEMSET_STAT_DUMP_WRITER_H
#define PMEMSET_STAT_DUMP_WRITER_H

#include <stdbool.h>
#include <stdio.h>

#include "libpmemset/stat.h"

struct dump_writer {
	FILE *f;
	enum pmemset_stat_dump_format format;	/* TEXT or JSON */
};

/* one map being written */
struct dump_map {
	int depth;	/* JSON indentation; 0 is the top map */
	bool first;	/* no value (or sub-map) written yet */
};

void dump_map_begin(const struct dump_writer *w, struct dump_map *m,
		const char *uri, int depth);
void dump_value(const struct dump_writer *w, struct dump_map *m,
		const struct pmemset_stat_nv *nv);
void dump_values_end(const struct dump_writer *w, struct dump_map *m);
/* the depth to give the sub-map's dump_map_begin */
int dump_child_begin(const struct dump_writer *w, struct dump_map *m);
void dump_map_end(const struct dump_writer *w, struct dump_map *m);

#endif
