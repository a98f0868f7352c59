/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * openmetrics_writer.h -- families and samples in the OpenMetrics 1.0 text
 * format: a family's name made of its level, value and unit, its TYPE,
 * UNIT and HELP before its first sample, label values escaped. The walkers
 * of the in-process tree (openmetrics.c) and of published ones
 * (tools/publication_reader.c) both write through it and take the
 * families from metrics.h, so the two agree. Depends only on metrics.h
 * and utf8.h.
 */
#ifndef PMEMSET_STAT_OPENMETRICS_WRITER_H
#define PMEMSET_STAT_OPENMETRICS_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "metrics.h"

#define OM_NAME_MAX 128

struct om_writer {
	FILE *f;
	/* the family being written; its header goes before its 1st sample */
	char family[OM_NAME_MAX];
	const char *type;
	const char *unit;		/* NULL: none */
	const char *help;
	const char *suffix;		/* of the samples: _total, _info */
	bool header_done;
	int nlabels;			/* in the sample being written */
};

/* starts a family named <level prefix>[_<name>][_<unit>] */
void om_family(struct om_writer *o, enum stat_level level, const char *name,
		const char *type, const char *unit, const char *help);
/* the level's info family, whose labels are its STAT_OM_INFO values */
void om_info_family(struct om_writer *o, enum stat_level level);
/* the family of a STAT_OM_GAUGE or STAT_OM_COUNTER value */
void om_metric_family(struct om_writer *o, enum stat_level level,
		const struct stat_metric *m);

/* the family's header if not yet written, then the sample's name */
void om_sample_begin(struct om_writer *o);
void om_label(struct om_writer *o, const char *name, const char *value);
void om_label_u64(struct om_writer *o, const char *name, uint64_t value);
/* the labels that tell a map of the level: set, part, path */
void om_map_labels(struct om_writer *o, enum stat_level level,
		uint64_t set_id, uint64_t part_id, const char *path);
void om_sample_end(struct om_writer *o, uint64_t value);

#endif
