// SPDX-License-Identifier: BSD-3-Clause
/*
 * append_log.c -- an append-only log that grows part by part. Each new
 * 64 KiB part is coalesced right after the previous one, so the log stays
 * one contiguous range of memory while the file grows underneath. Then the
 * log is reopened and every record read back.
 *
 * usage: append_log [file]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpmemset.h>

#define PART_SIZE ((size_t)64 * 1024)
#define NRECORDS 3000

struct record {
	uint64_t seq;
	char text[56];
};

static void __attribute__((noreturn))
die(const char *what)
{
	pmemset_perror("%s", what);
	exit(1);
}

static struct pmemset *
new_set(void)
{
	struct pmemset_config *cfg;
	struct pmemset *set;
	if (pmemset_config_new(&cfg) ||
	    pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE) ||
	    pmemset_new(&set, cfg))
		die("set");
	pmemset_config_delete(&cfg);
	return set;
}

static void
write_log(const char *path)
{
	struct pmemset_source *src;
	if (pmemset_xsource_from_file(&src, path,
			PMEMSET_SOURCE_FILE_CREATE_ALWAYS))
		die("source");
	struct pmemset *set = new_set();
	pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_OPPORTUNISTIC);
	struct pmemset_map_config *mc;
	pmemset_map_config_new(&mc);
	pmemset_map_config_set_length(mc, PART_SIZE);

	char *log = NULL;
	size_t capacity = 0, used = 0, parts = 0;
	for (uint64_t seq = 1; seq <= NRECORDS; seq++) {
		if (used + sizeof(struct record) > capacity) {
			struct pmemset_part_descriptor d;
			pmemset_map_config_set_offset(mc, parts * PART_SIZE);
			if (pmemset_map(set, src, mc, &d))
				die("map");
			parts++;
			if (log != NULL && (char *)d.addr != log) {
				/* not contiguous: start again in the new part */
				printf("part %zu could not be appended\n", parts);
				used = 0;
			}
			log = d.addr;
			capacity = d.size;
		}
		struct record r = {seq, ""};
		snprintf(r.text, sizeof(r.text), "record %llu",
				(unsigned long long)seq);
		pmemset_memcpy(set, log + used, &r, sizeof(r), 0);
		used += sizeof(r);
	}
	struct pmemset_part_map *pmap;
	size_t pmaps = 0;
	pmemset_first_part_map(set, &pmap);
	while (pmap != NULL) {
		struct pmemset_part_map *next;
		pmaps++;
		pmemset_next_part_map(set, pmap, &next);
		pmemset_part_map_drop(&pmap);
		pmap = next;
	}
	printf("wrote %d records into %zu parts, %zu part map(s), %zu KiB "
		"contiguous\n", NRECORDS, parts, pmaps, capacity / 1024);
	pmemset_map_config_delete(&mc);
	pmemset_delete(&set);
	pmemset_source_delete(&src);
}

static void
read_log(const char *path)
{
	struct pmemset_source *src;
	if (pmemset_xsource_from_file(&src, path,
			PMEMSET_SOURCE_FILE_DO_NOT_GROW))
		die("source");
	struct pmemset *set = new_set();
	struct pmemset_part_descriptor d;
	if (pmemset_map(set, src, NULL, &d)) /* the whole file */
		die("map");
	const struct record *r = d.addr;
	uint64_t good = 0;
	for (size_t i = 0; i < d.size / sizeof(*r) && r[i].seq != 0; i++) {
		char want[56];
		snprintf(want, sizeof(want), "record %llu",
				(unsigned long long)(i + 1));
		if (r[i].seq != i + 1 || strcmp(r[i].text, want) != 0)
			break;
		good++;
	}
	printf("reopened %zu KiB: %llu of %d records intact, last \"%s\"\n",
		d.size / 1024, (unsigned long long)good, NRECORDS,
		good ? r[good - 1].text : "");
	pmemset_delete(&set);
	pmemset_source_delete(&src);
}

int
main(int argc, char *argv[])
{
	char path[4096];
	const char *dir = getenv("PMEMSET_TEST_DIR");
	if (argc > 1)
		snprintf(path, sizeof(path), "%s", argv[1]);
	else
		snprintf(path, sizeof(path), "%s/pmemset-log-%d",
				dir ? dir : "/tmp", (int)getpid());
	write_log(path);
	read_log(path);
	if (argc <= 1)
		unlink(path);
	return 0;
}
