// SPDX-License-Identifier: BSD-3-Clause
/*
 * publish_probe.c -- a program to watch from outside (the scripts beside it):
 * maps PARTS parts of 4 KiB of FILE (created, PARTS x 4 KiB), persists 64
 * bytes PERSISTS times, prints one line "ready pid=<pid> published=<path>"
 * ("published=none" when it does not publish), then waits for a line or
 * the end of its standard input, and deletes everything.
 * With --api it starts publishing itself (pmemset_stat_publish_start);
 * otherwise only PMEMSET_STAT_PUBLISH=1 does. With --busy it goes on
 * persisting (about 10,000 times a second) while it waits. With --dump DIR
 * it writes, before "ready", its own tree as pmemset_stat_dump(3) prints
 * it, to DIR/text, DIR/json and DIR/om, and the view of a glob matching
 * only part 2 to DIR/match.text, DIR/match.json and DIR/match.om, for a
 * comparison with what pmemset-stat --pid prints.
 * Linked with the library's objects, so a setuid copy needs no library
 * path.
 *
 * usage: publish_probe [--api|--busy] [--dump DIR] FILE PARTS PERSISTS
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpmemset.h>
#include <libpmemset/stat.h>

/* LeakSanitizer cannot look into a setuid process: as in env_probe.c */
int __lsan_is_turned_off(void);

int
__lsan_is_turned_off(void)
{
	return 1;
}

static int
die(const char *what)
{
	fprintf(stderr, "publish_probe: %s: %s\n", what, pmemset_errormsg());
	return 1;
}

/* the tree of the set, through a handle with the matcher if any */
static int
dump(struct pmemset *set, const char *dir, const char *prefix,
		const char *glob)
{
	static const struct {
		const char *name;
		enum pmemset_stat_dump_format format;
	} Formats[] = {
		{"text", PMEMSET_STAT_DUMP_TEXT},
		{"json", PMEMSET_STAT_DUMP_JSON},
		{"om", PMEMSET_STAT_DUMP_OPENMETRICS},
	};
	struct pmemset_stat_matcher m = {PMEMSET_STAT_MATCH_GLOB, glob};
	struct pmemset_stat *h;
	struct pmemset_stat_map *root;
	if (pmemset_stat_open(&h, set, glob ? &m : NULL, glob ? 1 : 0) !=
			PMEMSET_STAT_S_OK ||
	    pmemset_stat_update(h) != PMEMSET_STAT_S_OK ||
	    pmemset_stat_root(h, &root) != PMEMSET_STAT_S_OK)
		return die("an observer");
	for (size_t i = 0; i < sizeof(Formats) / sizeof(Formats[0]); i++) {
		char path[4200];
		snprintf(path, sizeof(path), "%s/%s%s", dir, prefix,
			Formats[i].name);
		FILE *f = fopen(path, "w");
		if (f == NULL) {
			perror(path);
			return 1;
		}
		enum pmemset_stat_status st = pmemset_stat_dump(root, f,
				Formats[i].format);
		if (fclose(f) != 0 || st != PMEMSET_STAT_S_OK)
			return die(path);
	}
	return pmemset_stat_close(&h) == PMEMSET_STAT_S_OK ? 0 :
		die("closing the observer");
}

int
main(int argc, char *argv[])
{
	int a = 1;
	bool api = false, busy = false;
	const char *dump_dir = NULL;
	for (; a < argc && strncmp(argv[a], "--", 2) == 0; a++) {
		if (strcmp(argv[a], "--api") == 0)
			api = true;
		else if (strcmp(argv[a], "--busy") == 0)
			busy = true;
		else if (strcmp(argv[a], "--dump") == 0 && a + 1 < argc)
			dump_dir = argv[++a];
		else
			break;
	}
	if (argc - a != 3) {
		fprintf(stderr, "usage: publish_probe [--api|--busy] "
			"[--dump DIR] FILE PARTS PERSISTS\n");
		return 2;
	}
	const char *file = argv[a];
	size_t parts = strtoul(argv[a + 1], NULL, 10);
	unsigned long persists = strtoul(argv[a + 2], NULL, 10);
	if (api && pmemset_stat_publish_start() != PMEMSET_STAT_S_OK)
		return die("pmemset_stat_publish_start");
	int fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)(parts * 4096)) != 0) {
		perror(file);
		return 1;
	}
	close(fd);
	struct pmemset_config *cfg;
	struct pmemset *set;
	struct pmemset_source *src;
	if (pmemset_config_new(&cfg) != 0 ||
	    pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE) != 0 ||
	    pmemset_new(&set, cfg) != 0)
		return die("a set");
	if (pmemset_source_from_file(&src, file) != 0)
		return die(file);
	void *first = NULL;
	for (size_t i = 0; i < parts; i++) {
		struct pmemset_map_config *mc;
		struct pmemset_part_descriptor d;
		if (pmemset_map_config_new(&mc) != 0)
			return die("map config");
		pmemset_map_config_set_offset(mc, i * 4096);
		pmemset_map_config_set_length(mc, 4096);
		if (pmemset_map(set, src, mc, &d) != 0)
			return die("map");
		pmemset_map_config_delete(&mc);
		if (i == 0)
			first = d.addr;
	}
	for (unsigned long i = 0; i < persists; i++) {
		memset(first, (int)i, 64);
		if (pmemset_persist(set, first, 64) != 0)
			return die("persist");
	}
	if (dump_dir != NULL && (dump(set, dump_dir, "", NULL) != 0 ||
			dump(set, dump_dir, "match.", "*/part/2") != 0))
		return 1;
	char path[4096];
	if (pmemset_stat_publish_path(path, sizeof(path)) != PMEMSET_STAT_S_OK)
		strcpy(path, "none");
	printf("ready pid=%ld published=%s\n", (long)getpid(), path);
	fflush(stdout);
	char line[64];
	struct pollfd in = {0, POLLIN, 0};
	while (busy && poll(&in, 1, 0) == 0) {
		for (int i = 0; i < 100; i++)
			if (pmemset_persist(set, first, 64) != 0)
				return die("persist");
		usleep(10000);
	}
	(void) fgets(line, sizeof(line), stdin);
	pmemset_delete(&set);
	pmemset_source_delete(&src);
	pmemset_config_delete(&cfg);
	unlink(file);
	return 0;
}
