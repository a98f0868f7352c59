/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * publication_format.h -- the layout of a live publication: the file in
 * which a process publishes its observer tree (publish.c writes it,
 * pmemset-stat reads it, tools/publication_reader.c). Both sides include
 * only this header; it includes nothing of the project.
 *
 * A header, then the records: each set, followed by its parts, each part
 * followed by its source path (NUL-terminated, padded to 8 bytes). Numbers
 * are the writer's native byte order: the file never leaves the machine.
 * The writer makes `seq` odd before it changes anything and even after;
 * a reader copies the file and keeps the copy only if it saw the same even
 * `seq` before and after (a sequence lock: the writer never waits).
 */
#ifndef PMEMSET_PUBLICATION_FORMAT_H
#define PMEMSET_PUBLICATION_FORMAT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PUB_MAGIC "PMSETPUB"		/* 8 bytes, no NUL */
#define PUB_MAGIC_LEN 8
#define PUB_VERSION 1
#define PUB_NAME_LEN 16			/* value names such as "cache_line" */
#define PUB_PROGRAM_LEN 64
#define PUB_PATH_MAX 4096		/* a longer path is cut */

/*
 * The set counters, in this order. Which value of the tree each one is
 * (its name, HELP, unit) is said once, in metrics.c's table.
 */
enum pub_counter {
	PUB_PERSIST_CALLS, PUB_PERSIST_BYTES, PUB_FLUSH_CALLS,
	PUB_FLUSH_BYTES, PUB_DRAIN_CALLS, PUB_COPY_CALLS, PUB_COPY_BYTES,
	PUB_MOVE_CALLS, PUB_MOVE_BYTES, PUB_SET_CALLS, PUB_SET_BYTES,
	PUB_COUNTERS
};

struct pub_header {
	char magic[PUB_MAGIC_LEN];
	uint32_t version;
	uint32_t header_size;		/* sizeof(struct pub_header) */
	uint64_t seq;			/* odd while the writer changes it */
	uint64_t pid;
	uint64_t start_time;		/* field 22 of /proc/<pid>/stat */
	uint64_t uid;
	uint64_t updated_ns;		/* CLOCK_REALTIME of the last pass */
	uint64_t interval_ms;		/* the writer's period */
	uint64_t data_size;		/* bytes of records after the header */
	uint64_t nsets;
	uint64_t nparts;
	char program[PUB_PROGRAM_LEN];	/* NUL-terminated */
	char library_version[PUB_NAME_LEN];
};

struct pub_set {
	uint64_t id;
	uint64_t parts;			/* the set's count, as the core says */
	uint64_t part_maps;
	uint64_t mapped_bytes;
	uint64_t counters[PUB_COUNTERS];
	uint64_t nrecords;		/* part records that follow */
	char granularity[PUB_NAME_LEN];
	char required_granularity[PUB_NAME_LEN];
	char coalescing[PUB_NAME_LEN];
};

struct pub_part {
	uint64_t id;
	uint64_t address;
	uint64_t size;
	uint64_t offset;
	uint64_t part_map_id;
	uint64_t part_map_address;
	uint64_t part_map_size;
	uint64_t source_id;
	uint64_t badblocks;
	uint32_t path_len;		/* without the NUL */
	uint32_t reserved;
	char source[PUB_NAME_LEN];
	char granularity[PUB_NAME_LEN];
	char sds_state[2 * PUB_NAME_LEN];
};

/* the bytes a part record takes with its path */
static inline uint64_t
pub_part_record_size(uint64_t path_len)
{
	return (sizeof(struct pub_part) + path_len + 1 + 7) & ~(uint64_t)7;
}

/*
 * Field 22 of a /proc/<pid>/stat line (the start time, in clock ticks
 * since boot), which tells a process from a later one with its pid; 0 if
 * the line has none. The name may hold spaces and ')': fields are counted
 * from the last ')'.
 */
static inline uint64_t
pub_start_time(const char *stat_line)
{
	const char *p = strrchr(stat_line, ')');
	for (int field = 2; p != NULL && field < 22; field++)
		p = strchr(p + 1, ' ');
	return p != NULL ? strtoull(p + 1, NULL, 10) : 0;
}

/*
 * The directory of the user's publications: $XDG_RUNTIME_DIR/pmemset when
 * runtime_dir is set and absolute, else /dev/shm/pmemset-<uid>. Returns
 * what snprintf returns.
 */
static inline int
pub_dir_path(char *buf, size_t len, const char *runtime_dir, uid_t uid)
{
	if (runtime_dir != NULL && runtime_dir[0] == '/')
		return snprintf(buf, len, "%s/pmemset", runtime_dir);
	return snprintf(buf, len, "/dev/shm/pmemset-%u", (unsigned)uid);
}

#endif
