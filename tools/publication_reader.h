/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * publication_reader.h -- reads another process's live publication
 * (src/stat/publication_format.h) and prints it as text, JSON or
 * OpenMetrics with pmemset_stat_dump(3)'s own writers and table of values
 * (src/stat/printing.cmake). Used by
 * pmemset-stat, its fuzz target and its tests; not part of the library.
 */
#ifndef PMEMSET_PUBLICATION_READER_H
#define PMEMSET_PUBLICATION_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "publication_format.h"

enum pubr_status {
	PUBR_OK = 0,
	PUBR_NOT_FOUND,		/* no such file */
	PUBR_NO_PERM,		/* the file is another user's */
	PUBR_FOREIGN,		/* not a publication at all */
	PUBR_UNKNOWN_VERSION,	/* a publication of a format we do not know */
	PUBR_TRUNCATED,		/* shorter than it says */
	PUBR_CORRUPT,		/* inconsistent inside */
	PUBR_BUSY,		/* the writer changed it at every try */
	PUBR_SYS		/* a system call failed */
};

struct pubr_part {
	struct pub_part rec;
	const char *path;	/* inside the snapshot */
};

struct pubr_set {
	struct pub_set rec;
	size_t first;		/* its parts: parts[first .. first + nparts) */
	size_t nparts;
};

struct pubr_snapshot {
	struct pub_header hdr;	/* program and version are NUL-terminated */
	struct pubr_set *sets;
	struct pubr_part *parts;
	char *paths;		/* the parts' paths, one after another */
	uint64_t *ids;		/* room for the printers' id arrays */
	const char **strs;	/* and path arrays */
};

/* a buffer holding a whole file; why gets the reason of a failure */
enum pubr_status pubr_parse(const void *buf, size_t len,
		struct pubr_snapshot *snap, char *why, size_t whylen);
/*
 * A file, copied consistently (retries while the writer is in a pass). On
 * PUBR_BUSY, snap->hdr still holds the header (its pid and start time tell
 * whether the writer is alive), with no sets or parts to free.
 */
enum pubr_status pubr_read(const char *path, struct pubr_snapshot *snap,
		char *why, size_t whylen);
void pubr_free(struct pubr_snapshot *snap);

/* the directory of this user's publications (see pub_dir_path) */
int pubr_dir(char *buf, size_t len);

/* is the publisher still running, or is its pid gone or someone else's? */
enum pubr_liveness { PUBR_ALIVE, PUBR_GONE, PUBR_REUSED };
enum pubr_liveness pubr_liveness(const struct pub_header *hdr);

/* --match: shell patterns over the URIs (0 patterns: everything) */
struct pubr_filter {
	char *const *patterns;
	size_t n;
};

void pubr_print_text(FILE *f, const struct pubr_snapshot *s,
		const struct pubr_filter *m);
void pubr_print_json(FILE *f, const struct pubr_snapshot *s,
		const struct pubr_filter *m);
/* every snapshot, each sample labelled with its pid, then "# EOF" */
void pubr_print_openmetrics(FILE *f, const struct pubr_snapshot *s,
		size_t n, const struct pubr_filter *m);

#endif
